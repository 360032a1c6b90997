"""machine.UART as esp32/mods/machuart.c (1.20.2) has it: arguments, defaults, default pins, messages,
the stream methods over py/stream.c, the console (the frozen _boot.py's os.dupterm), loopback on one
board, a wire between two boards, and the host-side serial device."""

import io
import re
import textwrap

import pytest

from pycomsim import Board, World


def run(board, tmp_path, source, until="200ms", name="main.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    board.load(path)
    board.world.run(until=until)
    assert board.error is None, board.error
    return "".join(board.output)


@pytest.fixture
def board():
    return Board("lopy4", expansion=False, stdout=io.StringIO())


@pytest.fixture
def UART(board):  # noqa: N802
    return board.machine.UART


# ---- mach_uart_make_new / mach_uart_init_helper: arguments and messages ----
def test_uart_ids_are_0_to_2_else_oserror_resource_not_available(UART):
    for bad in (3, -1):
        with pytest.raises(OSError, match="^resource not available$"):
            UART(bad)


@pytest.mark.parametrize("board_type", ["gpy", "fipy"])
def test_gpy_and_fipy_have_no_uart2_the_lte_modem_uses_it(board_type):
    with pytest.raises(OSError, match="resource not available"):
        Board(board_type, expansion=False).machine.UART(2)


def test_one_object_per_id_and_calling_again_reconfigures_it(UART):
    a = UART(1, 9600)
    b = UART(1, 19200)
    assert a is b and repr(a).startswith("UART(1, baudrate=19200")


def test_repr_names_baudrate_bits_parity_and_stop(UART):
    assert repr(UART(1)) == "UART(1, baudrate=9600, bits=8, parity=None, stop=1)"
    u = UART(2, 115200, 7, UART.EVEN, 1.5)
    assert repr(u) == "UART(2, baudrate=115200, bits=7, parity=UART.EVEN, stop=1.5)"
    u.init(300, 5, UART.ODD, 2)
    assert repr(u) == "UART(2, baudrate=300, bits=5, parity=UART.ODD, stop=2)"


def test_parity_constants_are_esp_idf_uart_parity_values(UART):
    assert (UART.EVEN, UART.ODD) == (2, 3)


def test_baudrate_must_be_positive(UART):
    with pytest.raises(ValueError, match=re.escape("invalid argument(s) value")):
        UART(1, 0)


def test_bits_other_than_5_to_8_are_invalid_bits_size(UART):
    with pytest.raises(ValueError, match="^invalid bits size 9$"):
        UART(1, 9600, bits=9)


def test_parity_must_be_even_or_odd_or_none(UART):
    with pytest.raises(ValueError, match="^invalid parity 1$"):
        UART(1, 9600, parity=1)


def test_stop_bits_are_taken_as_float_truncated_and_1_5_up_to_2(UART):
    assert repr(UART(1, stop=1.2)).endswith("stop=1)")
    assert repr(UART(1, stop=1.99)).endswith("stop=1.5)")
    assert repr(UART(1, stop=2.7)).endswith("stop=2)")
    with pytest.raises(ValueError, match=r"^invalid stop bits 0\.500000$"):
        UART(1, stop=0.5)


def test_rx_buffer_size_must_exceed_the_128_byte_fifo(UART):
    with pytest.raises(ValueError, match="^invalid RX buffer size, should be > 128 bytes$"):
        UART(1, rx_buffer_size=128)


def test_pins_timeout_chars_and_rx_buffer_size_are_keyword_only(UART):
    with pytest.raises(TypeError, match="extra positional arguments given"):
        UART(1, 9600, 8, None, 1, ("P3", "P4"))
    with pytest.raises(TypeError, match="extra keyword arguments given"):
        UART(1, speed=9600)


def test_pins_tuple_must_have_1_2_or_4_entries(UART):
    with pytest.raises(ValueError, match=re.escape("invalid argument(s) value")):
        UART(1, pins=("P3", "P4", "P5"))


def test_rts_needs_rx_and_cts_needs_tx(UART):
    with pytest.raises(ValueError, match=re.escape("invalid argument(s) value")):
        UART(1, pins=("P3", None, "P5", None))
    with pytest.raises(ValueError, match=re.escape("invalid argument(s) value")):
        UART(1, pins=(None, "P4", None, "P5"))


@pytest.mark.parametrize("uart_id,tx,rx", [(0, "P1", "P0"), (1, "P3", "P4"), (2, "P8", "P9")])
def test_default_pins_per_id_tx_output_and_rx_input_with_pull_up(UART, board, uart_id, tx, rx):
    UART(uart_id, 9600)
    Pin = board.machine.Pin
    tx_pin, rx_pin = board.pin(tx), board.pin(rx)
    assert tx_pin.mode() == Pin.OUT and tx_pin.pull() == Pin.PULL_UP
    assert rx_pin.mode() == Pin.IN and rx_pin.pull() == Pin.PULL_UP
    assert board.pad(tx).read() == 1  # the line idles high


def test_a_deinitialised_uart_raises_uart_not_initialized(UART):
    u = UART(1)
    u.deinit()
    for call in (u.any, u.read, lambda: u.write(b"x"), lambda: repr(u)):
        with pytest.raises(OSError, match="^UART not Initialized!$"):
            call()


def test_there_is_no_readall_method_in_this_firmware(UART):
    assert not hasattr(UART(1), "readall")


# ---- transmit and receive on pads ----
LOOPBACK = """
from machine import UART
u = UART(1, 115200, pins=("P3", "P4"))
print(u.write(b"hello\\n"), u.wait_tx_done(10))
print(u.any(), u.readline())
u.write("abc")
print(u.read(2), u.read(), u.read())
buf = bytearray(4)
u.write(b"wxyz!")
print(u.readinto(buf), buf)
print(u.read(10))
"""


def test_loopback_wire_from_tx_to_rx_on_one_board_delivers_the_bytes(tmp_path):
    board = Board("lopy4", expansion=False, wires=["P3=P4"], stdout=io.StringIO())
    out = run(board, tmp_path, LOOPBACK)
    assert out.splitlines() == [
        "6 True",
        "6 b'hello\\n'",
        "b'ab' b'c' None",
        "4 bytearray(b'wxyz')",
        "b'!'",
    ]


def test_tx_frames_are_recorded_as_edges_and_uart_events(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    run(board, tmp_path, 'from machine import UART\nUART(1, 9600).write(b"U")\n', until="5ms")
    first, *edges = board.trace("P3").edges()
    assert first.level == 1  # UART() pulls the pad up and drives it idle high
    assert len(edges) == 10  # 0x55 alternates: start, 8 data bits, rise to stop
    bit = edges[1].t - edges[0].t
    assert bit == pytest.approx(1e9 / 9600, rel=1e-4)
    assert [e.detail for e in board.world.recorder.events.of_kind("uart tx")] == [(1, 0x55)]


def test_two_boards_wired_tx_to_rx_deliver_bytes_both_ways(tmp_path):
    world = World(stderr=io.StringIO())
    a = Board("lopy4", name="a", world=world, expansion=False, stdout=io.StringIO())
    b = Board("lopy4", name="b", world=world, expansion=False, stdout=io.StringIO())
    world.wire_spec("a.P3=b.P4")
    world.wire_spec("b.P3=a.P4")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "main.py").write_text(
        "from machine import UART\nimport time\nu = UART(1, 57600)\n"
        "u.write(b'ping\\n')\nwhile not u.any():\n    time.sleep_ms(1)\nprint(u.readline())\n"
    )
    (tmp_path / "b" / "main.py").write_text(
        "from machine import UART\nimport time\nu = UART(1, 57600)\n"
        "while not u.any():\n    time.sleep_ms(1)\nline = u.readline()\nu.write(line.upper())\nprint(line)\n"
    )
    a.load(tmp_path / "a" / "main.py")
    b.load(tmp_path / "b" / "main.py")
    world.run(until="100ms")
    assert "".join(b.output) == "b'ping\\n'\n"
    assert "".join(a.output) == "b'PING\\n'\n"


def test_read_waits_timeout_chars_frame_times_then_returns_none(UART, board, tmp_path):
    out = run(
        board,
        tmp_path,
        """
        from machine import UART
        import time
        u = UART(1, 9600, timeout_chars=10)
        t = time.ticks_us()
        r = u.read(1)
        print(r, time.ticks_diff(time.ticks_us(), t) >= 11000)
        """,
    )
    assert out == "None True\n"  # 10 * (11e6 // 9600) us = 11.45 ms


def test_sendbreak_holds_tx_low_for_bits_plus_one_bit_times_and_reads_as_0_with_framing_error(
    tmp_path,
):
    board = Board("lopy4", expansion=False, wires=["P3=P4"], stdout=io.StringIO())
    out = run(
        board,
        tmp_path,
        "from machine import UART\nu = UART(1, 9600)\nu.sendbreak()\nprint(u.read())\n",
    )
    assert out == "b'\\x00'\n"
    low = board.trace("P3").edges()[1:]  # after UART() drove the idle level
    assert low[0].level == 0 and low[1].t - low[0].t == 1458 * 1000  # (13 + 1) * 1e6 // 9600 us
    assert (1, "framing") in [e.detail for e in board.world.recorder.events.of_kind("uart error")]


def test_a_mismatched_parity_is_a_parity_error_at_the_receiver(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    device = board.serial_device(drive="P4", baudrate=9600, parity="odd")
    device.send(b"\x03", at="5ms")
    run(
        board,
        tmp_path,
        "from machine import UART\nu = UART(1, 9600, parity=UART.EVEN)\nimport time\ntime.sleep_ms(20)\nprint(u.read())\n",
    )
    assert "".join(board.output) == "b'\\x03'\n"
    assert (1, "parity") in [e.detail for e in board.world.recorder.events.of_kind("uart error")]


def test_one_pin_uart_is_rx_and_turns_tx_only_while_writing(UART, board):
    u = UART(1, 115200, pins=("P3",))
    Pin = board.machine.Pin
    assert board.pin("P3").mode() == Pin.IN
    u.write(b"A")
    assert board.pin("P3").mode() == Pin.IN  # write waits for tx_done, then makes it RX again
    assert len(board.trace("P3").edges()) >= 2


def test_pin_init_takes_the_tx_pad_back_from_the_uart(UART, board):
    UART(1, 9600)
    Pin = board.machine.Pin
    Pin("P3", Pin.OUT, value=0)
    assert board.pad("P3").read() == 0  # the latch drives it, the UART no longer does
    assert board.world.faults == []


def test_deinit_leaves_tx_an_output_driven_high_by_the_latch(UART, board):
    u = UART(1, 9600)
    u.deinit()
    Pin = board.machine.Pin
    assert board.pin("P3").mode() == Pin.OUT and board.pad("P3").read() == 1


# ---- the console ----
STOCK_BOOT = "from machine import UART\nimport os\nuart = UART(0, 115200)\nos.dupterm(uart)\n"


def test_stock_boot_py_runs_and_prints_still_reach_stdout(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    (tmp_path / "boot.py").write_text(STOCK_BOOT)
    out = run(board, tmp_path, "print('hello from main')\nprint(os.dupterm())\n")
    assert out == "hello from main\nUART(0, baudrate=115200, bits=8, parity=None, stop=1)\n"


def test_the_frozen_boot_leaves_os_and_uart_in_main_and_dupterm_is_uart0(board, tmp_path):
    out = run(board, tmp_path, "print(os.dupterm() is UART(0))\n")
    assert out == "True\n"


def test_console_text_is_not_put_on_the_tx_pad_by_default(board, tmp_path):
    run(board, tmp_path, "print('x' * 100)\n")
    assert board.trace("P1").edges() == []


def test_console_edges_puts_printed_text_on_p1_when_asked(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    board.console_edges = True
    run(board, tmp_path, "print('A')\n", until="5ms")
    assert len(board.trace("P1").edges()) > 2


def test_dupterm_none_silences_the_serial_console(board, tmp_path):
    out = run(board, tmp_path, "import os\nos.dupterm(None)\nprint('lost')\n")
    assert out == ""


def test_dupterm_to_uart1_sends_prints_on_its_tx_pad_not_stdout(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    device = board.serial_device(listen="P3", baudrate=9600)
    out = run(
        board,
        tmp_path,
        "from machine import UART\nimport os\nos.dupterm(UART(1, 9600))\nprint('hi')\n",
    )
    assert out == ""
    assert device.received == b"hi\n"


def test_uart0_write_reaches_stdout_and_its_tx_pad(board, tmp_path):
    out = run(
        board, tmp_path, "from machine import UART\nUART(0, 115200).write(b'raw\\n')\n", until="5ms"
    )
    assert out == "raw\n"
    assert len(board.trace("P1").edges()) > 2


# ---- the host side: a serial device ----
def test_serial_device_replies_to_a_pattern_and_records_what_it_received(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    modem = board.serial_device(drive="P4", listen="P3", baudrate=115200)
    modem.reply(b"AT\r\n", b"OK\r\n", delay="1ms")
    modem.reply(re.compile(rb"AT\+ID\?\r\n"), lambda got: b"ID=42\r\n")
    out = run(
        board,
        tmp_path,
        """
        from machine import UART
        import time
        u = UART(1, 115200)
        for cmd in (b"AT\\r\\n", b"AT+ID?\\r\\n"):
            u.write(cmd)
            time.sleep_ms(5)
            print(u.readline())
        """,
    )
    assert out == "b'OK\\r\\n'\nb'ID=42\\r\\n'\n"
    assert modem.received == b"AT\r\nAT+ID?\r\n"


def test_serial_device_sends_bytes_at_given_times(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    gps = board.serial_device(drive="P4", baudrate=9600)
    gps.send("$GPGGA\n", at="10ms")
    out = run(
        board,
        tmp_path,
        "from machine import UART\nimport time\nu = UART(1, 9600)\nprint(u.any())\ntime.sleep_ms(30)\nprint(u.readline())\n",
    )
    assert out == "0\nb'$GPGGA\\n'\n"


def test_serial_device_bad_options_are_one_clear_value_error(board):
    with pytest.raises(ValueError, match="bad serial baudrate 0"):
        board.serial_device(drive="P4", baudrate=0)
    with pytest.raises(ValueError, match="bad serial parity 'mark'"):
        board.serial_device(drive="P4", parity="mark")
    with pytest.raises(ValueError, match="needs a pin"):
        board.serial_device()


def test_scenario_serial_part_sends_and_replies(tmp_path):
    from pycomsim.scenario import load_scenario

    (tmp_path / "main.py").write_text(
        "from machine import UART\nimport time\nu = UART(1, 9600)\ntime.sleep_ms(30)\n"
        "print(u.readline())\nu.write(b'AT\\r\\n')\ntime.sleep_ms(20)\nprint(u.readline())\n"
    )
    (tmp_path / "s.toml").write_text(
        'until = "100ms"\n[boards.a]\nscript = "main.py"\nexpansion = false\n'
        '[[serial]]\npin = "P4"\nlisten = "P3"\nbaudrate = 9600\n'
        'send = [{at = "5ms", data = "ready\\n"}]\n'
        'replies = [{match = "AT\\r\\n", reply = "OK\\r\\n"}]\n'
    )
    out = io.StringIO()
    scenario = load_scenario(tmp_path / "s.toml", stdout=out, stderr=io.StringIO())
    scenario.run()
    assert out.getvalue() == "b'ready\\n'\nb'OK\\r\\n'\n"
