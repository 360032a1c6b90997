"""machine.SPI's device side (sim/spi_bus.py): devices found by their nets, selected by their CS net."""

from __future__ import annotations

import subprocess

import pytest

from pycomsim import Board
from pycomsim.output.vcd import write_vcd
from pycomsim.sim.spi_bus import SPIDevice


class Recorder(SPIDevice):
    def __init__(self) -> None:
        super().__init__(name="rec")
        self.events: list[tuple[str, int]] = []

    def spi_select(self, t: int) -> None:
        self.events.append(("select", t))

    def spi_deselect(self, t: int) -> None:
        self.events.append(("deselect", t))


def test_spi_device_is_selected_while_its_cs_net_is_low_wires_count():
    board = Board("lopy4", expansion=False)
    dev = board.attach_spi(Recorder(), cs="P21")
    board.world.wire_spec("P20=P21", board)

    def main() -> None:
        Pin = board.machine.Pin
        cs = Pin("P20", Pin.OUT, value=1)
        board.time.sleep_ms(1)
        cs(0)
        board.time.sleep_ms(1)
        cs(1)

    board.run(main)
    # (the boot moves the floating CS net before the script drives it: only the last two count)
    assert [kind for kind, _t in dev.events[-3:]] == ["deselect", "select", "deselect"]
    select, deselect = (t for _kind, t in dev.events[-2:])
    assert 900_000 < deselect - select < 1_100_000


def test_attach_spi_refuses_shared_pins_and_other_objects():
    board = Board("lopy4", expansion=False)
    with pytest.raises(ValueError, match="distinct pins"):
        board.attach_spi(Recorder(), cs="P10")
    with pytest.raises(TypeError, match="SPIDevice"):
        board.attach_spi(object(), cs="P12")


# ---- machine.SPI as esp32/mods/machspi.c (1.20.2) ----
class Flash(SPIDevice):
    """Answers a JEDEC ID read (0x9f) and echoes anything else shifted by one byte."""

    def __init__(self) -> None:
        super().__init__(name="flash")
        self.received: list[bytes] = []

    def spi_transfer(self, mosi: bytes, t: int) -> bytes:
        self.received.append(mosi)
        if mosi[:1] == b"\x9f":
            return b"\xff\xef\x40\x18"[: len(mosi)]
        return b"\x00" + mosi[:-1]


@pytest.fixture
def board() -> Board:
    return Board("lopy4", expansion=False)


@pytest.fixture
def SPI(board):  # noqa: N802
    return board.machine.SPI


@pytest.fixture
def flash(board) -> Flash:
    return board.attach_spi(Flash(), cs=None)  # always selected


def test_spi_ids_bus_0_everywhere_bus_1_only_on_wipy_and_gpy(SPI):
    for bad in (1, 2, -1):
        with pytest.raises(OSError, match="^resource not available$"):
            SPI(bad)
    for board_type in ("wipy3", "gpy"):
        assert repr(Board(board_type).machine.SPI(1)).startswith("SPI(1, SPI.MASTER")


def test_spi_objects_are_static(SPI):
    assert SPI(0) is SPI(0)


def test_spi_repr_says_firstbit_msb_always_and_spi_0_after_deinit(SPI):
    spi = SPI(0, SPI.MASTER, baudrate=2000000, bits=16, polarity=1, phase=1, firstbit=SPI.LSB)
    assert repr(spi) == (
        "SPI(0, SPI.MASTER, baudrate=2000000, bits=16, polarity=1, phase=1, firstbit=SPI.MSB)"
    )
    assert repr(SPI(0)) == (
        "SPI(0, SPI.MASTER, baudrate=1000000, bits=8, polarity=0, phase=0, firstbit=SPI.MSB)"
    )
    spi.deinit()
    assert repr(spi) == "SPI(0)"
    gpy_spi = Board("gpy").machine.SPI(1)
    gpy_spi.deinit()
    assert repr(gpy_spi) == "SPI(0)"  # pyb_spi_print prints 0 for any bus


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode": 1},
        {"bits": 7},
        {"bits": 24},
        {"polarity": 2},
        {"phase": 2},
        {"firstbit": 2},
        {"baudrate": 0},
    ],
)
def test_spi_bad_settings_are_invalid_arguments(SPI, kwargs):
    with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
        SPI(0, **kwargs)


def test_spi_polarity_and_phase_are_bytes_256_is_0(SPI):
    assert "polarity=0, phase=0" in repr(SPI(0, polarity=256, phase=256))


def test_spi_pins_are_three_clk_mosi_miso_none_skips_one(board, SPI):
    with pytest.raises(ValueError, match="^requested length 3 but object has length 2$"):
        SPI(0, pins=("P10", "P11"))
    with pytest.raises(TypeError, match="^object 'str' isn't a tuple or list$"):
        SPI(0, pins="P10")
    dev = board.attach_spi(Flash(), cs=None, sck="P19", mosi="P20", miso="P21")
    spi = SPI(0, pins=("P19", "P20", "P21"))
    assert spi.read(2, write=0x9F) == b"\xff\xef"
    assert dev.received == [b"\x9f\x9f"]
    SPI(0, pins=("P19", "P20", None)).write(b"\x01")  # write-only: no MISO
    assert dev.received[-1] == b"\x01"


def test_spi_write_returns_the_count_an_int_is_one_byte(SPI, flash):
    spi = SPI(0)
    assert spi.write(b"\x01\x02\x03") == 3
    assert spi.write(0x1FF) == 1
    assert flash.received == [b"\x01\x02\x03", b"\xff"]


def test_spi_write_and_write_readinto_take_no_keywords(SPI, flash):
    spi = SPI(0)
    with pytest.raises(TypeError, match="^function doesn't take keyword arguments$"):
        spi.write(buf=b"\x00")
    with pytest.raises(TypeError, match="^function takes 3 positional arguments but 2 were given$"):
        spi.write_readinto(b"\x00")


def test_spi_read_sends_the_write_byte_and_returns_bytes(SPI, flash):
    spi = SPI(0)
    assert spi.read(4, write=0x9F) == b"\xff\xef\x40\x18"
    assert spi.read(2) == b"\x00\x00"  # write defaults to 0x00
    assert flash.received == [b"\x9f" * 4, b"\x00\x00"]


def test_spi_read_with_16_bit_words_sends_the_write_value_low_byte_first(SPI, flash):
    spi = SPI(0, bits=16)
    spi.read(4, write=0x12AB)
    assert flash.received == [b"\xab\x12\xab\x12"]


def test_spi_readinto_fills_the_buffer_and_returns_the_count(SPI, flash):
    spi = SPI(0)
    buf = bytearray(4)
    assert spi.readinto(buf, write=0x9F) == 4
    assert buf == b"\xff\xef\x40\x18"
    with pytest.raises(TypeError, match="^object with buffer protocol required$"):
        spi.readinto(b"read-only")


def test_spi_write_readinto_full_duplex_and_the_same_buffer(SPI, flash):
    spi = SPI(0)
    out = bytearray(3)
    assert spi.write_readinto(b"\x01\x02\x03", out) == 3
    assert out == b"\x00\x01\x02"
    buf = bytearray(b"\x9f\x00\x00")
    assert spi.write_readinto(buf, buf) == 3
    assert buf == b"\xff\xef\x40"
    with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
        spi.write_readinto(b"\x01\x02", bytearray(3))


def test_spi_transfers_after_deinit_are_not_possible(SPI, flash):
    spi = SPI(0)
    spi.deinit()
    for call in (
        lambda: spi.write(b"\x00"),
        lambda: spi.read(1),
        lambda: spi.readinto(bytearray(1)),
    ):
        with pytest.raises(OSError, match="^the requested operation is not possible$"):
            call()


def test_spi_device_answers_only_while_selected(board, SPI):
    dev = board.attach_spi(Flash(), cs="P20")
    Pin = board.machine.Pin
    cs = Pin("P20", Pin.OUT, value=1)
    spi = SPI(0)
    board.pull("P14", up=True)
    assert spi.read(2, write=0x9F) == b"\xff\xff"  # nobody drives MISO: the pull-up reads
    cs(0)
    assert spi.read(2, write=0x9F) == b"\xff\xef"
    assert len(dev.received) == 1
    assert [tr.devices for _t, tr in board.spi_transfers()] == [(), ("flash",)]


def test_spi_transfer_time_is_the_bits_at_the_divided_clock_plus_a_gap_per_word(board, SPI, flash):
    call = board.costs.machine_call
    for baudrate, bits, n, period in ((1_000_000, 8, 4, 1000), (3_000_000, 16, 4, 325)):
        spi = SPI(0, baudrate=baudrate, bits=bits)  # 80 MHz / (80 MHz // 3 MHz = 26): 325 ns
        t0 = board.now
        spi.write(bytes(n))
        words = n // (bits // 8)
        assert board.now - t0 == call + words * (bits * period + 1000)


def sigrok_spi(vcd, cpol: int, cpha: int, bitorder: str, wordsize: int = 8) -> list[str]:
    decoder = (
        f"spi:clk=P10:mosi=P11:miso=P14:cs=P20:cpol={cpol}:cpha={cpha}:bitorder={bitorder}"
        f":wordsize={wordsize}"
    )
    result = subprocess.run(
        ["sigrok-cli", "-I", "vcd", "-i", str(vcd), "-P", decoder, "-A", "spi=mosi-data:miso-data"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [line.split(": ", 1)[1] for line in result.stdout.splitlines() if ": " in line]


@pytest.mark.parametrize("polarity, phase, firstbit", [(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 1)])
def test_sigrok_spi_decoder_reads_the_same_bytes_in_every_mode(
    board, SPI, tmp_path, polarity, phase, firstbit
):
    board.attach_spi(Flash(), cs="P20")
    Pin = board.machine.Pin
    cs = Pin("P20", Pin.OUT, value=1)
    spi = SPI(0, baudrate=500_000, polarity=polarity, phase=phase, firstbit=firstbit)
    board.sleep_ns(20_000)
    cs(0)
    buf = bytearray(4)
    spi.write_readinto(b"\x9f\x01\x80\x3c", buf)
    cs(1)
    board.world.run(until="1ms")
    write_vcd(board.world, tmp_path / "spi.vcd", pins=["P10", "P11", "P14", "P20"])
    rows = sigrok_spi(
        tmp_path / "spi.vcd", polarity, phase, "lsb-first" if firstbit else "msb-first"
    )
    # sigrok prints each word's MISO then MOSI annotation
    miso, mosi = rows[0::2], rows[1::2]
    assert mosi == ["9F", "01", "80", "3C"]
    assert miso == ["FF", "EF", "40", "18"]
    assert bytes(buf) == b"\xff\xef\x40\x18"


def test_spi_bus_levels_false_keeps_transfers_and_time_without_edges(board, SPI, flash):
    board.bus_levels = False
    spi = SPI(0)
    t0 = board.now
    assert spi.read(2, write=0x9F) == b"\xff\xef"
    assert board.now - t0 == board.costs.machine_call + 2 * (8 * 1000 + 1000)
    board.world.run(until="1ms")
    assert len(board.trace("P10", start="100us").edges()) == 0
    assert len(board.spi_transfers()) == 1
