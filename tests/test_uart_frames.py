"""UART framing (sim/uart_frames.py): frames as the ESP32 UART sends them, the receiver's sampling and
errors, and the check with a real tool: sigrok's uart decoder reads the VCD of a transmission."""

import io
import subprocess
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pycomsim import Board
from pycomsim.output.vcd import write_vcd
from pycomsim.sim.uart_frames import (
    PARITY_EVEN,
    PARITY_NONE,
    PARITY_ODD,
    STOP_1,
    STOP_1_5,
    STOP_2,
    FrameDecoder,
    UartFormat,
    encode,
    frame_edges,
)


def decode(edges, fmt):
    """Feed `edges` to a decoder, completing frames at their due time, in time order."""
    decoder = FrameDecoder(fmt)
    out = []
    pending = list(edges)
    while pending or decoder.due is not None:
        due = decoder.due
        if due is not None and (not pending or pending[0][0] > due):
            frame = decoder.complete(due)
            if frame is not None:
                out.append(frame)
            continue
        t, level = pending.pop(0)
        decoder.edge(t, level)
    return out


def test_bit_time_follows_the_esp32_baud_divider_of_the_80mhz_clock():
    fmt = UartFormat(115200)  # uart_set_baudrate: clk_div = (80 MHz << 4) / baud = 11111
    assert fmt.clk_div == 11111
    assert fmt.actual_baudrate == pytest.approx(115201.15, abs=0.01)
    assert fmt.frame_ns == round(10 * 11111 * 25 / 32)


def test_a_frame_is_start_bit_then_data_lsb_first_then_stop_high():
    fmt = UartFormat(1_000_000)  # 1 us bits: clk_div 1280 exactly
    edges = frame_edges(0x41, fmt, 0)  # 0x41 = 0b01000001: bits 1,0,0,0,0,0,1,0 LSB first
    assert edges == [(0, 0), (1000, 1), (2000, 0), (7000, 1), (8000, 0), (9000, 1)]


@pytest.mark.parametrize("parity,bit", [(PARITY_EVEN, 0), (PARITY_ODD, 1)])
def test_parity_bit_makes_the_count_of_ones_even_or_odd(parity, bit):
    fmt = UartFormat(1_000_000, 8, parity)
    edges = frame_edges(0x03, fmt, 0)  # two ones
    level_at_parity = [lv for t, lv in edges if t <= 9000][-1]
    assert level_at_parity == bit


@given(
    st.binary(min_size=1, max_size=12),
    st.sampled_from([5, 6, 7, 8]),
    st.sampled_from([PARITY_NONE, PARITY_EVEN, PARITY_ODD]),
    st.sampled_from([STOP_1, STOP_1_5, STOP_2]),
    st.sampled_from([300, 9600, 115200, 1_000_000]),
)
def test_every_encoded_frame_decodes_to_the_same_bytes_without_errors(
    data, bits, parity, stop, baud
):
    fmt = UartFormat(baud, bits, parity, stop)
    frames = decode(encode(data, fmt, 1000), fmt)
    assert [f.value for f in frames] == [b & ((1 << bits) - 1) for b in data]
    assert not any(f.framing_error or f.parity_error for f in frames)


def test_a_low_stop_bit_is_a_framing_error_and_the_byte_is_still_received():
    fmt = UartFormat(1_000_000)
    # 0x00 then the line stays low: a break
    frames = decode([(0, 0)], fmt)
    assert len(frames) == 1 and frames[0].value == 0 and frames[0].framing_error


def test_a_wrong_parity_bit_is_a_parity_error():
    sent = UartFormat(1_000_000, 8, PARITY_EVEN)
    frames = decode(encode(b"\x03", sent, 0), UartFormat(1_000_000, 8, PARITY_ODD))
    assert frames[0].value == 3 and frames[0].parity_error and not frames[0].framing_error


def test_a_start_bit_that_is_high_again_at_its_middle_is_a_glitch_not_a_frame():
    fmt = UartFormat(1_000_000)
    assert decode([(0, 0), (300, 1)], fmt) == []


UART_SCRIPT = """
from machine import UART
u = UART(1, 115200, pins=("P3", "P4"))
u.write(b"Hi\\x00\\xff pycom")
u.wait_tx_done(100)
"""


def test_sigrok_uart_decoder_reads_the_same_bytes_from_the_vcd(tmp_path):
    board = Board("lopy4", expansion=False)
    (tmp_path / "main.py").write_text(textwrap.dedent(UART_SCRIPT))
    board.run(tmp_path / "main.py", until="20ms")
    vcd = tmp_path / "uart.vcd"
    write_vcd(board.world, vcd, pins=["P3"])
    result = subprocess.run(
        [
            "sigrok-cli",
            "-I",
            "vcd",
            "-i",
            str(vcd),
            "-P",
            "uart:rx=P3:baudrate=115200",
            "-A",
            "uart=rx-data",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    got = bytes(int(line.split(":")[1], 16) for line in result.stdout.split("\n") if line.strip())
    assert got == b"Hi\x00\xff pycom"


def test_the_vcd_of_a_transmission_has_the_frame_edges(tmp_path):
    board = Board("lopy4", expansion=False)
    (tmp_path / "main.py").write_text(textwrap.dedent(UART_SCRIPT))
    board.run(tmp_path / "main.py", until="20ms")
    out = io.StringIO()
    write_vcd(board.world, out, pins=["P3"])
    assert out.getvalue().count("\n0!") >= 10
