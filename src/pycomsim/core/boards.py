"""What differs between Pycom modules: pin table, chip generation, pins the boot loop leaves alone.

Sources: `esp32/boards/<BOARD>/pins.csv` (tables), `esp32/main.c` (chip revision > 0 is "second
generation"), `esp32/mods/machpin.c` pin_init0 (boot loop), `esp32/util/antenna.c` (P12 antenna switch).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .costs import COSTS_ESP32, CallCosts
from .pinmap import COMMON_PINS, GPY_PINS, PinInfo


@dataclass(frozen=True)
class BoardSpec:
    name: str  # CLI name: 'lopy4'
    sysname: str  # os.uname().sysname: 'LoPy4'
    pins: tuple[PinInfo, ...]
    second_generation: bool  # ESP32 revision > 0: P12 is the antenna switch with a module pull-down
    lte_pins: tuple[str, ...] = ()  # owned by the LTE modem: the boot loop skips them
    costs: CallCosts = field(default=COSTS_ESP32)

    @property
    def boot_skipped(self) -> frozenset[str]:
        """Pins pin_init0 does not configure: they keep the static state IN, pull None, latch 0."""
        skipped = {"P1", "P2", self.pins[-1].name}  # UART TX, RGB LED, and the loop's off-by-one
        skipped.update(self.lte_pins)
        if self.second_generation:
            skipped.add("P12")
        return frozenset(skipped)


BOARDS: dict[str, BoardSpec] = {
    spec.name: spec
    for spec in (
        BoardSpec("wipy3", "WiPy", COMMON_PINS, second_generation=True),
        BoardSpec("lopy", "LoPy", COMMON_PINS, second_generation=False),
        BoardSpec("lopy4", "LoPy4", COMMON_PINS, second_generation=True),
        BoardSpec("sipy", "SiPy", COMMON_PINS, second_generation=False),
        BoardSpec(
            "fipy",
            "FiPy",
            COMMON_PINS,
            second_generation=True,
            lte_pins=("P17", "P18", "P19", "P20"),
        ),
        BoardSpec("gpy", "GPy", GPY_PINS, second_generation=True, lte_pins=("P5", "P6", "P7")),
    )
}
DEFAULT_BOARD = "lopy4"


def board_spec(name: str) -> BoardSpec:
    try:
        return BOARDS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown board {name!r}: choose one of {', '.join(BOARDS)}") from None


def check_board_arguments(*, seed: Any, wires: Any, name: Any, expansion: Any, strict: Any) -> None:
    """Board()'s own arguments: a wrong type is a TypeError naming it, at the call."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"Board(seed=...) must be an int, not {type(seed).__name__} ({seed!r})")
    if isinstance(wires, (str, bytes)) or not isinstance(wires, Iterable):
        raise TypeError(
            f"Board(wires=...) must be a list of 'A=B' strings, e.g. ['P9=P23'], not {wires!r}"
        )
    if name is not None and not isinstance(name, str):
        raise TypeError(f"Board(name=...) must be a string, not {type(name).__name__}")
    for flag, value in (("expansion", expansion), ("strict", strict)):
        if not isinstance(value, bool):
            raise TypeError(f"Board({flag}=...) must be True or False, not {value!r}")
