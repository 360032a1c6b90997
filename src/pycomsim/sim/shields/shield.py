"""A Pysense or Pytrack on a board: the coprocessor and the sensors on the I2C pins P22 (SDA) and P21
(SCL), the pull-ups of that bus, and the accelerometer's interrupt line on P13.

A shield takes the expansion board's place (a module sits on one or the other): a board with an
expansion board is refused. Its values are Quantities (sim/quantity.py): a number, a time series, a
seeded walk, or set while the run goes on: `shield.temperature.set(30)` (also
`shield.quantities["temperature"]`).

The coprocessor switches power: the module's (a power-on reset when it comes back, through the board's
power supply), the I2C sensors' (they stop answering and start from their power-on state) and the
accelerometer's. Generation 2 shields wire the coprocessor's INT pin (RC1) to the module's P9.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ...units import parse_duration
from ..net import OFF, Driver
from ..parts import PullResistor, when
from ..quantity import Quantity, as_quantity, option_value
from .l76gnss import L76Gnss
from .lis2hh12 import Lis2hh12
from .ltr329 import Ltr329
from .mpl3115a2 import Mpl3115a2, pressure_pa
from .pycoproc import Pycoproc
from .si7006 import Si7006

if TYPE_CHECKING:
    from ...board import Board

SDA, SCL, ACCEL_INT, COPROC_INT = "P22", "P21", "P13", "P9"
USB_PID_PYSENSE, USB_PID_PYTRACK = 0xF012, 0xF013
# the coprocessor firmware the shields ship with: pycoproc_1.py wants at least 6, pycoproc_2.py 16
FW_VERSION = {1: 8, 2: 16}
DEFAULT_UTC = "2021-01-01T00:00:00Z"
DEFAULT_TTFF = "30s"
DEFAULT_TTFF_HOT = "1s"

# (option, default, unit, limits, what it is): the values a shield's chips measure
VALUES: dict[str, tuple[Any, str, tuple[float, float] | None, str]] = {
    "temperature": (
        21.0,
        "°C",
        (-40.0, 125.0),
        "air temperature in °C (SI7006-A20, MPL3115A2, LIS2HH12)",
    ),
    "humidity": (50.0, "%", (0.0, 100.0), "relative humidity in % (SI7006-A20)"),
    "light": (200.0, "lx", (0.0, 64000.0), "illuminance in lux (LTR-329ALS-01)"),
    "ir_ratio": (
        0.25,
        "",
        (0.0, 1.0),
        "infrared share CH1/(CH0+CH1) of the light, 0..1 (LTR-329ALS-01)",
    ),
    "pressure": (101325.0, "Pa", (20000.0, 110000.0), "air pressure in Pa (MPL3115A2)"),
    "altitude": (
        None,
        "m",
        (-700.0, 11000.0),
        "altitude in m instead of pressure: the pressure the MPL3115A2 reads as this altitude at its default sea-level pressure",
    ),
    "accel_x": (0.0, "g", (-8.0, 8.0), "acceleration along x in g (LIS2HH12)"),
    "accel_y": (0.0, "g", (-8.0, 8.0), "acceleration along y in g (LIS2HH12)"),
    "accel_z": (1.0, "g", (-8.0, 8.0), "acceleration along z in g (LIS2HH12; 1 g lying flat)"),
    "roll": (
        None,
        "°",
        (-180.0, 180.0),
        "instead of accel_x/y/z: the tilt in degrees the library's roll() reads (gravity only)",
    ),
    "pitch": (
        None,
        "°",
        (-90.0, 90.0),
        "with roll: the tilt in degrees the library's pitch() reads",
    ),
    "battery": (3.7, "V", (0.0, 5.1), "battery voltage in V (coprocessor ADC)"),
    "lat": (51.4545, "°", (-90.0, 90.0), "latitude in degrees, north positive (L76-L)"),
    "lon": (-2.5879, "°", (-180.0, 180.0), "longitude in degrees, east positive (L76-L)"),
    "alt": (20.0, "m", (-500.0, 20000.0), "altitude above sea level in m (L76-L)"),
}
SETTINGS = {
    "ttff": f"time to first fix after the receiver powers up, e.g. 30s (default {DEFAULT_TTFF})",
    "ttff_hot": f"time to fix after a sleep that kept the receiver's back-up supply (default {DEFAULT_TTFF_HOT})",
    "utc": f"UTC of virtual time 0, ISO 8601 (default {DEFAULT_UTC})",
    "satellites": "satellites the fix uses (default 8)",
    "fw_version": "coprocessor firmware version (default 8 on generation 1, 16 on generation 2)",
    "hw_version": "coprocessor hardware version (default 1)",
}
PYSENSE_VALUES = ("temperature", "humidity", "light", "ir_ratio", "pressure", "altitude")
MOTION_VALUES = ("accel_x", "accel_y", "accel_z", "roll", "pitch", "battery")
PYTRACK_VALUES = ("lat", "lon", "alt", "temperature")


def option_names(kind: str) -> dict[str, str]:
    """The options of a shield kind, with what each means (the catalogue's `options`)."""
    values = (PYSENSE_VALUES if kind.startswith("pysense") else PYTRACK_VALUES) + MOTION_VALUES
    names = {name: VALUES[name][3] for name in values}
    settings = ("fw_version", "hw_version")
    if kind.startswith("pytrack"):
        settings = ("ttff", "ttff_hot", "utc", "satellites", *settings)
    return names | {name: SETTINGS[name] for name in settings}


class Shield:
    """One Pysense or Pytrack on `board`; `kind` is pysense, pysense2, pytrack or pytrack2."""

    def __init__(self, board: Board, kind: str, options: dict[str, Any]) -> None:
        self.board = board
        self.kind = kind
        self.generation = 2 if kind.endswith("2") else 1
        self.pysense = kind.startswith("pysense")
        allowed = option_names(kind)
        unknown = sorted(set(options) - set(allowed))
        if unknown:
            raise ValueError(
                f"unknown option {unknown[0]!r} for {kind} (options: {', '.join(allowed)})"
            )
        self._check_no_expansion_board()
        self.name = f"{kind} on {board.name}"
        self.quantities = q = self._quantities(options)
        for name, quantity in q.items():
            setattr(self, name, quantity)  # shield.temperature.set(30); the web page lists them
        kernel = board.kernel
        # every option is checked before anything goes on the board's nets
        self.coproc = Pycoproc(
            generation=self.generation,
            product_id=USB_PID_PYSENSE if self.pysense else USB_PID_PYTRACK,
            fw_version=_int_option(options, "fw_version", FW_VERSION[self.generation], 0, 0xFFFF),
            hw_version=_int_option(options, "hw_version", 1, 0, 0xFFFF),
            battery_volts=q["battery"].at,
            schedule=lambda t, fn: kernel.schedule(t, fn),
            cancel=lambda fn: kernel.cancel(fn, None),
            power_module=self._power_module,
            power_sensors=self._power_sensors,
            power_accelerometer=self._power_accelerometer,
            record=self._record,
        )
        self.accelerometer = Lis2hh12(
            self._acceleration,
            q["temperature"].at,
            schedule=lambda t, fn: kernel.schedule(t, fn),
            cancel=lambda fn: kernel.cancel(fn, None),
            clock=lambda: kernel.now,
        )
        self.sensors: list[Any] = []
        if self.pysense:
            self.sensors = [
                Si7006(q["humidity"].at, q["temperature"].at),
                Ltr329(q["light"].at, q["ir_ratio"].at),
                Mpl3115a2(self._pressure, q["temperature"].at),
            ]
        else:
            utc = _utc_option(options.get("utc", DEFAULT_UTC))
            ttff = parse_duration(options.get("ttff", DEFAULT_TTFF), f"{kind} ttff")
            ttff_hot = parse_duration(options.get("ttff_hot", DEFAULT_TTFF_HOT), f"{kind} ttff_hot")
            self.sensors = [
                L76Gnss(
                    lambda t: (q["lat"].at(t), q["lon"].at(t), q["alt"].at(t)),
                    utc_start=utc,
                    ttff_ns=ttff,
                    ttff_hot_ns=ttff_hot,
                    satellites=_int_option(options, "satellites", 8, 0, 24),
                )
            ]
        self.devices = [self.coproc, *self.sensors, self.accelerometer]
        self.pull_ups = [PullResistor(board, pin) for pin in (SDA, SCL, ACCEL_INT)]
        self.int1 = Driver(f"{board.name}.{ACCEL_INT} LIS2HH12 INT1")
        board.world.attach(board.pad(ACCEL_INT), self.int1, OFF)
        self.accelerometer.int1 = self.int1
        self.accelerometer.power_on(kernel.now)
        for device in self.devices:
            board.attach_i2c(device, sda=SDA, scl=SCL)
        board.pad(ACCEL_INT).watch(self._accel_line_changed)
        if self.generation == 2:
            board.pad(COPROC_INT).watch(self._int_pin_changed)
            self.coproc.int_pin_level = int(board.pad(COPROC_INT).read() == 1)
        self.coproc.accel_line = int(board.pad(ACCEL_INT).read() == 1)

    # ---- values ----
    def _quantities(self, options: dict[str, Any]) -> dict[str, Quantity]:
        board = self.board
        names = [n for n in option_names(self.kind) if n in VALUES]
        quantities = {}
        for name in names:
            default, unit, limits, _ = VALUES[name]
            spec = options.get(name, default)
            if spec is None:
                continue
            spec = option_value(spec, name)
            q = as_quantity(spec, name=name, unit=unit, seed=board.seed, limits=limits)
            quantities[name] = q.bind(board.scheduler.time_now)
        if "altitude" in options and "pressure" in options:
            raise ValueError(f"{self.kind}: give pressure or altitude, not both")
        if ("roll" in options or "pitch" in options) and any(
            k in options for k in ("accel_x", "accel_y", "accel_z")
        ):
            raise ValueError(f"{self.kind}: give roll/pitch or accel_x/y/z, not both")
        return quantities

    def _pressure(self, t: int) -> float:
        q = self.quantities
        if "altitude" in q:
            return pressure_pa(q["altitude"].at(t))
        return q["pressure"].at(t)

    def _acceleration(self, t: int) -> tuple[float, float, float]:
        q = self.quantities
        if "roll" in q or "pitch" in q:
            # the library: roll = atan2(-x, z), pitch = -atan2(y, sqrt(x^2 + z^2)); for gravity alone
            # (1 g) that is the vector below
            roll = math.radians(q["roll"].at(t)) if "roll" in q else 0.0
            pitch = math.radians(q["pitch"].at(t)) if "pitch" in q else 0.0
            return (
                -math.sin(roll) * math.cos(pitch),
                -math.sin(pitch),
                math.cos(roll) * math.cos(pitch),
            )
        return (q["accel_x"].at(t), q["accel_y"].at(t), q["accel_z"].at(t))

    # ---- the shield's button (the coprocessor's RA3) ----
    def press_button(self, at: int | str | None = None, hold: int | str = "200ms") -> None:
        """Press the shield's button at `at` (absolute virtual time; None: now) for `hold`."""
        start = when(self.board, at, "press at")
        length = parse_duration(hold, "hold")
        kernel = self.board.kernel
        kernel.schedule(start, lambda _: self.coproc.button(True, kernel.now))
        kernel.schedule(start + length, lambda _: self.coproc.button(False, kernel.now))

    # ---- the coprocessor's switches ----
    def _power_module(self, on: bool) -> None:
        supply = self.board.lifecycle.power
        if on:
            supply.restore()
        else:
            supply.cut(will_come_back=self.coproc.sleep_until is not None)

    def _power_sensors(self, on: bool) -> None:
        now = self.board.kernel.now
        for sensor in self.sensors:
            if on and not sensor.powered:
                sensor.powered = True
                sensor.power_on(now)
            elif not on and sensor.powered:
                if isinstance(sensor, L76Gnss):
                    sensor.power_off(now, backup=self.coproc.gps_backup())
                sensor.powered = False

    def _power_accelerometer(self, on: bool) -> None:
        now = self.board.kernel.now
        acc = self.accelerometer
        if on and not acc.powered:
            acc.powered = True
            acc.power_on(now)
        elif not on and acc.powered:
            acc.power_off(now)

    def _accel_line_changed(self, old: int, new: int, t: int) -> None:
        if new in (0, 1):
            self._later(t, lambda: self.coproc.accelerometer_line(new, t))

    def _int_pin_changed(self, old: int, new: int, t: int) -> None:
        if new in (0, 1):
            self._later(t, lambda: self.coproc.int_pin(new, t))

    def _later(self, t: int, fn: Callable[[], None]) -> None:
        """Run `fn` as a kernel event: a wake may power the module on, which only the kernel may."""
        self.board.kernel.schedule(t, lambda _: fn())

    def _check_no_expansion_board(self) -> None:
        for part in getattr(self.board, "added_parts", ()):
            if isinstance(part, Shield):
                raise ValueError(
                    f"board {self.board.name!r} already sits on a {part.kind}: one shield per board"
                )
        if getattr(self.board, "expansion_board", None) is not None:
            raise ValueError(
                f"a {self.kind} takes the expansion board's place: make board {self.board.name!r} "
                "without it (Board(..., expansion=False), expansion = false in a scenario; "
                "--shield does it on the command line)"
            )

    def _record(self, t: int, what: str, detail: Any) -> None:
        self.board.world.recorder.event(t, self.board.name, self.kind, (self.name, what, detail))

    def __repr__(self) -> str:
        return f"<Shield {self.kind} on {self.board.name}>"


def _int_option(options: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = options.get(name, default)
    try:
        number = int(value, 0) if isinstance(value, str) else value
    except ValueError:
        number = None
    if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
        raise ValueError(f"bad {name} {value!r}: expected a whole number {low}..{high}")
    return number


def _utc_option(value: Any) -> datetime:
    if isinstance(value, datetime):
        utc = value
    else:
        try:
            utc = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"bad utc {value!r}: expected an ISO 8601 time like {DEFAULT_UTC}"
            ) from None
    if utc.tzinfo is not None:
        utc = utc.astimezone(timezone.utc).replace(tzinfo=None)
    return utc
