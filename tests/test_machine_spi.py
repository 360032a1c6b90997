"""machine.SPI's device side (sim/spi_bus.py): devices found by their nets, selected by their CS net."""

from __future__ import annotations

import pytest

from pycomsim import Board
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
