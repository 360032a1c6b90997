"""HC-SR04 ultrasonic ranging module: a trigger pin in, an echo pin out.

Source: the HC-SR04 user's manual (Cytron Technologies / ElecFreaks, "Ultrasonic Ranging Module
HC-SR04"): "supply a short 10 us pulse to the trigger input to start the ranging, and then the module
will send out an 8 cycle burst of ultrasound at 40 kHz and raise its echo"; the echo's width is the
time of flight there and back, "range = high level time x velocity (340 m/s) / 2"; the range is
2 cm - 400 cm; "we suggest to use over 60 ms measurement cycle". What this part does:

- A high level of at least 10 us on `trig` starts a measurement when it ends (the falling edge); a
  shorter pulse is ignored. So is a trigger less than 60 ms after the last measurement began.
- After the burst (8 cycles of 40 kHz: 200 us), `echo` goes high for 2 * distance / c, where c is
  343 m/s (dry air at 20 degC), or 331.3 + 0.606 * T m/s when the `temperature` option is given.
- Out of range (nearer than 2 cm or farther than 4 m): no echo comes back and the echo pin stays high
  for the module's timeout, 38 ms, the figure common HC-SR04 modules show (and drivers test for).
- `echo` is a push-pull output (the module drives it low between measurements).

The distance is a Quantity (sim/quantity.py): a constant, a time series, a seeded walk, or set from
Python and the web UI (`sonar.distance.set(1.2)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .net import HIGH, STRONG_HI, STRONG_LO, Driver
from .part_catalogue import register_part
from .quantity import Quantity, as_quantity, option_value

if TYPE_CHECKING:
    from ..board import Board

US = 1_000
MS = 1_000_000

TRIGGER_MIN_NS = 10 * US
BURST_NS = 8 * 25 * US  # 8 cycles at 40 kHz
CYCLE_NS = 60 * MS
TIMEOUT_NS = 38 * MS
RANGE_M = (0.02, 4.0)
SPEED_OF_SOUND = 343.0  # m/s in dry air at 20 degC


def speed_of_sound(celsius: float) -> float:
    """m/s in dry air at `celsius` (the linear approximation, 331.3 m/s at 0 degC)."""
    return 331.3 + 0.606 * celsius


class HcSr04:
    """An HC-SR04 on `trig` (its input) and `echo` (its output)."""

    kind = "hcsr04"

    def __init__(
        self,
        board: Board,
        trig: str,
        echo: str,
        *,
        distance: Any = 1.0,
        temperature: Any = None,
        name: str | None = None,
    ) -> None:
        self.board = board
        self.trig = board.pad(trig)
        self.echo = board.pad(echo)
        if self.trig.net is self.echo.net:
            raise ValueError(
                f"hcsr04: trig and echo must be two different nets, got {trig}, {echo}"
            )
        self.name = name or f"{self.kind} on {self.trig.name}/{self.echo.name}"
        clock = board.scheduler.time_now
        self.distance: Quantity = as_quantity(
            option_value(distance, "distance"), name="distance", unit="m", seed=board.seed,
            limits=(0.0, 100.0),
        ).bind(clock)  # fmt: skip
        self.temperature: Quantity | None = None
        if temperature is not None:
            self.temperature = as_quantity(
                option_value(temperature, "temperature"), name="temperature", unit="°C",
                seed=board.seed, limits=(-40.0, 85.0),
            ).bind(clock)  # fmt: skip
        self.driver = Driver(f"{board.name}.{self.echo.name} {self.name} echo")
        board.world.attach(self.echo, self.driver, STRONG_LO)
        self.measurements = 0
        self._last_start: int | None = None
        self._high_since: int | None = None
        self.unwatch = self.trig.watch(self._trigger)
        board.added_parts.append(self)  # the web UI's fields, made with add_part or not

    def _trigger(self, old: int, new: int, t: int) -> None:
        if new == HIGH:
            self._high_since = t
            return
        if self._high_since is None:
            return
        width, self._high_since = t - self._high_since, None
        if width < TRIGGER_MIN_NS:
            return  # too short to start the module
        if self._last_start is not None and t - self._last_start < CYCLE_NS:
            self._event(t, "busy", "trigger within 60 ms of the last: ignored")
            return
        self._last_start = t
        self.measurements += 1
        rise = t + BURST_NS
        echo_ns, detail = self.echo_at(rise)
        kernel = self.board.kernel
        kernel.schedule(rise, self._drive, STRONG_HI)
        kernel.schedule(rise + echo_ns, self._drive, STRONG_LO)
        self._event(t, "echo", detail)

    def echo_at(self, t: int) -> tuple[int, Any]:
        """(echo width in ns, what the event log says) for a burst sent at `t`."""
        metres = self.distance.at(t)
        if not RANGE_M[0] <= metres <= RANGE_M[1]:
            return TIMEOUT_NS, f"out of range ({metres:g} m): 38 ms timeout"
        c = SPEED_OF_SOUND if self.temperature is None else speed_of_sound(self.temperature.at(t))
        return round(2 * metres / c * 1e9), metres

    def _drive(self, code: int) -> None:
        self.driver.set(code, self.board.kernel.now)

    def _event(self, t: int, what: str, detail: Any) -> None:
        self.board.world.recorder.event(t, self.board.name, self.kind, (self.name, what, detail))

    def __repr__(self) -> str:
        return f"<HcSr04 {self.board.name}.{self.trig.name}/{self.echo.name}>"


def make_hcsr04(board: Board, pins: list[str], options: dict[str, Any]) -> HcSr04:
    return HcSr04(board, pins[0], pins[1], **options)


register_part(
    "hcsr04",
    make_hcsr04,
    pins=("trig", "echo"),
    options={
        "distance": "distance to the obstacle in m (or '150cm'): a number, a series or a walk (default 1)",
        "temperature": "air temperature in °C for the speed of sound (default: 343 m/s, 20 °C)",
        "name": "the name in the event log and the web UI (default 'hcsr04 on TRIG/ECHO')",
    },
    datasheet="HC-SR04 user's manual (Cytron / ElecFreaks): trigger high >= 10 us, 8 x 40 kHz burst, "
    "echo high = 2 x distance / c, 2 cm - 4 m (else a 38 ms echo), >= 60 ms measurement cycle",
    summary="ultrasonic distance: a trigger pulse in, an echo pulse out",
)
