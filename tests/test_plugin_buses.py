"""assert_i2c / assert_spi: a board's bus transfers as lines, compared one for one, through the
plugin's `board` fixture as a user's test would."""

from __future__ import annotations

import pytest

from pycomsim.sim.i2c_bus import RegisterMap
from pycomsim.sim.spi_bus import SPIDevice
from pycomsim.testing import assert_i2c, assert_spi, i2c_log


@pytest.mark.board("lopy4", expansion=False)
def test_assert_i2c_matches_the_transfers_of_a_script(board):
    board.attach_i2c(RegisterMap(0x40, {5: 0xA5, 6: 0x5A}))

    def main():
        i2c = board.machine.I2C(0)
        i2c.readfrom_mem(0x40, 5, 2)
        try:
            i2c.writeto(0x23, b"\x01")
        except OSError:
            pass

    board.run(main)
    lines = assert_i2c(board, ["0x40 W 05", "0x40 R A5 5A", "0x23 w nack"])
    assert lines == ["0x40 W 05", "0x40 R a5 5a", "0x23 W NACK"]
    assert i2c_log(board, address=0x23) == ["0x23 W NACK"]


@pytest.mark.board("lopy4", expansion=False)
def test_assert_i2c_failure_shows_expected_and_actual_side_by_side(board):
    board.attach_i2c(RegisterMap(0x40))
    board.machine.I2C(0).writeto(0x40, b"\x01\x02")
    with pytest.raises(AssertionError) as info:
        assert_i2c(board, ["0x40 W 01 03"])
    text = str(info.value)
    assert "1 made, 1 expected" in text
    assert "0x40 W 01 03  0x40 W 01 02   <--" in text
    with pytest.raises(TypeError, match="list of lines"):
        assert_i2c(board, "0x40 W 01 02")


@pytest.mark.board("lopy4", expansion=False)
def test_assert_spi_matches_mosi_and_miso_of_each_call(board):
    class Echo(SPIDevice):
        def spi_transfer(self, mosi, t):
            return bytes(b ^ 0xFF for b in mosi)

    board.attach_spi(Echo(), cs=None)
    spi = board.machine.SPI(0)
    spi.write(b"\x0f")
    spi.read(2, write=0x01)
    assert_spi(board, ["0f -> f0", "01 01 -> fe fe"])
    with pytest.raises(AssertionError, match="SPI transfers do not match"):
        assert_spi(board, ["0f -> f0"])
