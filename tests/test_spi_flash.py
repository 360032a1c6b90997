"""The W25Q32JV SPI flash part (sim/spi_flash.py) driven through machine.SPI and a CS Pin, as a
driver written from the Winbond datasheet would: IDs, status polling, write enable, page program,
sector erase, reads, and the part catalogue entry."""

from __future__ import annotations

import pytest

from pycomsim import Board
from pycomsim.sim.spi_flash import W25Q32


class Driver:
    """A small W25Q driver, as a user writes it."""

    def __init__(self, board: Board) -> None:
        Pin, SPI = board.machine.Pin, board.machine.SPI
        self.cs = Pin("P12", Pin.OUT, value=1)
        self.spi = SPI(0, SPI.MASTER, baudrate=8_000_000)
        self.board = board

    def command(self, out: bytes, n: int = 0) -> bytes:
        self.cs(0)
        self.spi.write(out)
        data = self.spi.read(n) if n else b""
        self.cs(1)
        return data

    def wait(self) -> int:
        polls = 0
        while self.command(b"\x05", 1)[0] & 1:
            polls += 1
            self.board.time.sleep_ms(1)
        return polls

    def program(self, address: int, data: bytes) -> int:
        self.command(b"\x06")
        self.command(b"\x02" + address.to_bytes(3, "big") + data)
        return self.wait()

    def erase_sector(self, address: int) -> int:
        self.command(b"\x06")
        self.command(b"\x20" + address.to_bytes(3, "big"))
        return self.wait()

    def read(self, address: int, n: int) -> bytes:
        return self.command(b"\x03" + address.to_bytes(3, "big"), n)


@pytest.fixture
def board() -> Board:
    return Board("lopy4", expansion=False)


@pytest.fixture
def flash(board) -> W25Q32:
    return board.add_part("w25q32", "P12", "P10", "P11", "P14")


def test_flash_ids(board, flash):
    d = Driver(board)
    assert d.command(b"\x9f", 3) == b"\xef\x40\x16"
    assert d.command(b"\x90\x00\x00\x00", 2) == b"\xef\x15"
    assert d.command(b"\xab\x00\x00\x00", 1) == b"\x15"


def test_flash_program_needs_write_enable_then_busy_for_tpp(board, flash):
    d = Driver(board)
    d.command(b"\x02\x00\x10\x00hello")  # no write enable: ignored
    assert d.read(0x1000, 5) == b"\xff" * 5
    t0 = board.now
    d.program(0x1000, b"hello")
    assert board.now - t0 >= 400_000  # tPP
    assert d.read(0x1000, 5) == b"hello"
    assert d.command(b"\x05", 1) == b"\x00"  # WEL cleared, not busy


def test_flash_program_only_clears_bits_and_wraps_in_the_page(board, flash):
    d = Driver(board)
    d.program(0x10FE, b"\x0f\xf0\xaa")  # the third byte wraps to the page start
    assert d.read(0x10FE, 2) == b"\x0f\xf0"
    assert d.read(0x1000, 1) == b"\xaa"
    d.program(0x10FE, b"\xf0")
    assert d.read(0x10FE, 1) == b"\x00"


def test_flash_sector_erase_takes_about_45ms_and_ignores_commands_meanwhile(board, flash):
    d = Driver(board)
    d.program(0x2000, b"data")
    d.command(b"\x06")
    d.command(b"\x20\x00\x20\x10")  # an address inside the sector
    assert d.command(b"\x9f", 3) == b"\xff\xff\xff"  # busy: only status answers
    polls = d.wait()
    assert 40 <= polls <= 46
    assert d.read(0x2000, 4) == b"\xff" * 4


def test_flash_fast_read_has_a_dummy_byte_and_reads_wrap_at_the_end(board, flash):
    flash.memory[-1] = 0x11
    flash.memory[0] = 0x22
    d = Driver(board)
    assert d.command(b"\x0b\x3f\xff\xff\x00", 2) == b"\x11\x22"


def test_flash_in_the_catalogue_takes_four_pins(board):
    with pytest.raises(ValueError, match="needs 4 pins"):
        board.add_part("w25q32", "P12")
