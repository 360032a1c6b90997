"""The shields in the part catalogue: `--shield pysense`, `board.add_part("pytrack2", lat=...)`, or a
scenario's `[[part]] kind = "pysense"` table. Shields take no pins: they sit on P21/P22."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..part_catalogue import register_part
from .shield import Shield, option_names

if TYPE_CHECKING:
    from ...board import Board

DATASHEETS = {
    "pysense": "Silicon Labs Si7006-A20 rev 1.2; Lite-On LTR-329ALS-01 DS86-2014-0006; NXP MPL3115A2 rev 4; "
    "ST LIS2HH12 DocID027668; Microchip PIC16F1459 DS40001639; protocol of Pycom's pycoproc libraries",
    "pytrack": "Quectel L76-L hardware design and I2C note; NMEA 0183; ST LIS2HH12 DocID027668; "
    "Microchip PIC16F1459 DS40001639; protocol of Pycom's pycoproc libraries",
}
SUMMARIES = {
    "pysense": "Pysense {gen}: coprocessor 0x08, LIS2HH12 0x1E, LTR-329ALS-01 0x29, SI7006-A20 0x40, MPL3115A2 0x60",
    "pytrack": "Pytrack {gen}: coprocessor 0x08, L76-L GNSS 0x10, LIS2HH12 0x1E",
}


def _factory(kind: str) -> Any:
    def make(board: Board, pins: list[str], options: dict[str, Any]) -> Shield:
        return Shield(board, kind, options)

    make.__name__ = f"make_{kind}"
    return make


for _kind in ("pysense", "pysense2", "pytrack", "pytrack2"):
    _family = _kind.rstrip("2")
    register_part(
        _kind,
        _factory(_kind),
        pins=(),
        options=option_names(_kind),
        datasheet=DATASHEETS[_family],
        summary=SUMMARIES[_family].format(gen="2.0" if _kind.endswith("2") else "1.0"),
    )
