"""Pin name tables (data, not code): docs/pin.md section 1, from the firmware's `esp32/boards/*/pins.csv`."""

from __future__ import annotations

from typing import NamedTuple


class PinInfo(NamedTuple):
    name: str  # module name, 'P10'
    gpio: int  # ESP32 GPIO number
    exp_name: str  # expansion-board name, 'G17'
    rtc: bool  # in the RTC domain: can hold (`machpin.c` pin_hold)
    wake: bool  # may wake from deep sleep (`modmachine.c` machine_pin_deepsleep_wakeup)
    input_only: bool  # GPIO 34..39: no output driver, no internal pulls


# module name, GPIO, expansion-board name
_COMMON = (
    ("P0", 3, "G2"),
    ("P1", 1, "G1"),
    ("P2", 0, "G23"),
    ("P3", 4, "G24"),
    ("P4", 15, "G11"),
    ("P5", 5, "G12"),
    ("P6", 27, "G13"),
    ("P7", 19, "G14"),
    ("P8", 2, "G15"),
    ("P9", 12, "G16"),
    ("P10", 13, "G17"),
    ("P11", 22, "G22"),
    ("P12", 21, "G28"),
    ("P13", 36, "G5"),
    ("P14", 37, "G4"),
    ("P15", 38, "G0"),
    ("P16", 39, "G3"),
    ("P17", 35, "G31"),
    ("P18", 34, "G30"),
    ("P19", 32, "G6"),
    ("P20", 33, "G7"),
    ("P21", 26, "G8"),
    ("P22", 25, "G9"),
    ("P23", 14, "G10"),
)
_GPY_EXTRA = (("P98", 23, "G98"), ("P99", 18, "G99"))

# docs/pin.md section 5: the firmware's hold list (the docs' P13-P18 raise on the board).
HOLD_PINS = frozenset("P2 P3 P4 P6 P8 P9 P10 P19 P20 P21 P22 P23".split())
# docs/pin.md section 8: machine.pin_sleep_wakeup accepts only these.
WAKE_PINS = frozenset("P2 P3 P4 P6 P8 P9 P10".split() + [f"P{n}" for n in range(13, 24)])
INPUT_ONLY_GPIOS = frozenset(range(34, 40))


def _info(name: str, gpio: int, exp: str) -> PinInfo:
    return PinInfo(name, gpio, exp, name in HOLD_PINS, name in WAKE_PINS, gpio in INPUT_ONLY_GPIOS)


COMMON_PINS: tuple[PinInfo, ...] = tuple(_info(*row) for row in _COMMON)
GPY_PINS: tuple[PinInfo, ...] = COMMON_PINS + tuple(_info(*row) for row in _GPY_EXTRA)
