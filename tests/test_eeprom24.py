"""The 24-series I2C EEPROM part (sim/eeprom24.py) against machine.I2C, as the Microchip 24LC256 and
24LC32A datasheets describe it: 16-bit addresses, page writes stored at the STOP and wrapping in the
page, the 5 ms write cycle with acknowledge polling, sequential reads, and the part catalogue entry."""

from __future__ import annotations

import pytest

from pycomsim import Board
from pycomsim.sim.eeprom24 import Eeprom24


@pytest.fixture
def board() -> Board:
    return Board("lopy4", expansion=False)


@pytest.fixture
def rom(board) -> Eeprom24:
    return board.add_part("eeprom-24lc256", "P9", "P10")


def settle(board, ms=6):
    board.sleep_ns(ms * 1_000_000)


def test_eeprom_erased_state_is_ff_and_reads_need_a_16_bit_address(board, rom):
    i2c = board.machine.I2C(0)
    assert i2c.readfrom_mem(0x50, 0x7FF0, 4, addrsize=16) == b"\xff" * 4


def test_eeprom_page_write_is_stored_at_the_stop_then_reads_back(board, rom):
    i2c = board.machine.I2C(0)
    i2c.writeto_mem(0x50, 0x0100, b"pycomsim", addrsize=16)
    assert rom.memory[0x100:0x108] == b"pycomsim"
    settle(board)
    assert i2c.readfrom_mem(0x50, 0x0100, 8, addrsize=16) == b"pycomsim"


def test_eeprom_nacks_its_address_during_the_5ms_write_cycle_ack_polling(board, rom):
    i2c = board.machine.I2C(0)
    i2c.writeto_mem(0x50, 0, b"\x01", addrsize=16)
    t_written = board.now
    polls = 0
    while True:  # the datasheet's acknowledge polling, as a driver writes it
        try:
            i2c.writeto(0x50, b"")
            break
        except OSError as error:
            assert error.args == ("I2C bus error",)
            polls += 1
    assert polls > 20
    assert 5_000_000 <= board.now - t_written < 5_300_000
    assert i2c.readfrom_mem(0x50, 0, 1, addrsize=16) == b"\x01"


def test_eeprom_bytes_past_the_page_end_wrap_to_the_page_start(board, rom):
    i2c = board.machine.I2C(0)
    i2c.writeto_mem(0x50, 60, bytes(range(1, 9)), addrsize=16)  # page 0 is 0..63
    assert rom.memory[60:64] == b"\x01\x02\x03\x04"
    assert rom.memory[0:4] == b"\x05\x06\x07\x08"
    assert rom.memory[64] == 0xFF


def test_eeprom_sequential_read_crosses_pages_and_wraps_at_the_end(board, rom):
    rom.memory[-2:] = b"\xaa\xbb"
    rom.memory[:2] = b"\xcc\xdd"
    assert board.machine.I2C(0).readfrom_mem(0x50, 0x7FFE, 4, addrsize=16) == b"\xaa\xbb\xcc\xdd"


def test_eeprom_an_address_only_write_moves_the_pointer_without_a_write_cycle(board, rom):
    rom.memory[0x20] = 0x42
    i2c = board.machine.I2C(0)
    i2c.writeto(0x50, b"\x00\x20")
    assert i2c.readfrom(0x50, 1) == b"\x42"  # current address read, no NACK: nothing was written
    assert rom.writes == 0


def test_eeprom_24lc32_has_32_byte_pages_and_the_address_option(board):
    rom = board.add_part("eeprom-24lc32", "P21", "P22", address="0x57")
    i2c = board.machine.I2C(0, pins=("P21", "P22"))
    assert i2c.scan() == [0x57]
    i2c.writeto_mem(0x57, 30, b"\x01\x02\x03", addrsize=16)
    assert rom.memory[30:32] == b"\x01\x02" and rom.memory[0] == 0x03
    with pytest.raises(ValueError, match="0x50..0x57"):
        board.add_part("eeprom-24lc32", "P19", "P20", address="0x40")
    with pytest.raises(ValueError, match="expected an integer"):
        board.add_part("eeprom-24lc32", "P19", "P20", address="fifty")
