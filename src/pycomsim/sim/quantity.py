"""Physical quantities a part reports (a temperature, a humidity, a distance), over virtual time.

`as_quantity(spec, name=..., unit=..., seed=...)` turns what a user wrote into a `Quantity`:

- a number, or a string of a number with its unit (`21.5`, `"1.5m"`, `"150cm"`, `"40%"`): a constant;
- a `Quantity`: itself;
- a time series `[[time, value], ...]` (times as `"1.5s"` strings or ints of ns): the value steps at
  each point and holds; before the first point it is the first point's value;
- a seeded random walk `{"walk": {"start": 21.0, "step": 0.1, "every": "1s", "min": -10, "max": 50}}`:
  every `every` the value moves by a uniform amount in [-step, +step], clamped to [min, max]. The walk
  is drawn from `seed` and the quantity's name, so a run with the same seed reads the same values.

`q.at(t)` is the value at virtual time `t` (ns). `q.set(value)` (Python, the web UI) makes the value
`value` from now on: "now" is the part's clock once a part has bound one (`q.bind(clock)`), and from
the start of time for a quantity no part uses yet. Bad specs raise ValueError in one line naming the
bad value.
"""

from __future__ import annotations

import math
import random
import re
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from ..units import parse_duration

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

WALK_KEYS = ("start", "step", "every", "min", "max")

# Units a value may be written in, per the quantity's own unit: factor to the quantity's unit.
UNIT_SCALES: dict[str, dict[str, float]] = {
    "m": {"m": 1.0, "cm": 0.01, "mm": 0.001},
    "°C": {"°C": 1.0, "C": 1.0, "degC": 1.0},
    "%": {"%": 1.0, "%RH": 1.0},
}
_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S*)\s*$")
# the longest walk a quantity keeps (one float per step): 10 million steps, 80 MB
MAX_WALK_STEPS = 10_000_000


class Quantity:
    """A value over virtual time: `at(t_ns)`, `set(value)`; `name` and `unit` say what it is."""

    def __init__(
        self,
        fn: Callable[[int], float],
        *,
        name: str,
        unit: str,
        description: str,
        limits: tuple[float, float] | None = None,
    ) -> None:
        self._fn = fn
        self.name = name
        self.unit = unit
        self.description = description  # what the spec was, for the web UI and messages
        self.limits = limits  # what set() accepts (a part's physical range), None: any number
        self._sets: list[tuple[int, float]] = []  # (from t, value) of set() calls, in time order
        self._clock: Callable[[], int] | None = None

    def bind(self, clock: Callable[[], int]) -> Quantity:
        """The clock `set()` reads "now" from (a part does this when it takes the quantity)."""
        self._clock = clock
        return self

    def at(self, t_ns: int) -> float:
        """The value at virtual time `t_ns`."""
        sets = self._sets
        if sets and t_ns >= sets[0][0]:
            return sets[bisect_right(sets, (t_ns, math.inf)) - 1][1]
        return self._fn(t_ns)

    def set(self, value: float) -> None:
        """The value from now on (Python or the web UI)."""
        number = parse_value(value, self.name, self.unit)
        if self.limits is not None and not self.limits[0] <= number <= self.limits[1]:
            low, high = self.limits
            raise ValueError(
                f"bad {self.name} {value!r}: expected {low:g}..{high:g} {self.unit}".rstrip()
            )
        t = self._clock() if self._clock is not None else 0
        while self._sets and self._sets[-1][0] >= t:
            self._sets.pop()  # a later set() in the same instant (or before) replaces it
        self._sets.append((t, number))
        self.description = f"set to {number:g}{self.unit}"

    def __repr__(self) -> str:
        return f"<Quantity {self.name}: {self.description}>"


def as_quantity(
    spec: Any,
    *,
    name: str = "value",
    unit: str = "",
    seed: int = 0,
    limits: tuple[float, float] | None = None,
) -> Quantity:
    """`spec` (a number, a Quantity, a time series or a walk) as a Quantity; ValueError names a bad one."""
    if isinstance(spec, Quantity):
        return spec
    if isinstance(spec, (int, float, str)) and not isinstance(spec, bool):
        value = parse_value(spec, name, unit)
        _check_limits(value, name, unit, limits, spec)
        return Quantity(
            lambda _t: value, name=name, unit=unit, description=f"{value:g}{unit}", limits=limits
        )
    if isinstance(spec, (list, tuple)):
        return _series(spec, name, unit, limits)
    if isinstance(spec, dict) and set(spec) == {"walk"}:
        return _walk(spec["walk"], name, unit, seed, limits)
    raise ValueError(
        f"bad {name} {_short(spec)}: expected a number, a series [[time, value], ...] "
        "or {walk = {start, step, every, min, max}}"
    )


def parse_value(value: Any, name: str, unit: str) -> float:
    """A number, or a string of a number with an optional unit the quantity knows ("150cm")."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"bad {name} {_short(value)}: expected a number")
    if isinstance(value, str):
        match = _NUMBER_UNIT.match(value)
        scales = UNIT_SCALES.get(unit, {unit: 1.0} if unit else {})
        if not match or (match.group(2) and match.group(2) not in scales):
            units = ", ".join(scales) or "none"
            raise ValueError(f"bad {name} {_short(value)}: expected a number (units: {units})")
        number = float(match.group(1)) * scales.get(match.group(2), 1.0)
    else:
        number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"bad {name} {_short(value)}: expected a finite number")
    return number


def _check_limits(
    value: float, name: str, unit: str, limits: tuple[float, float] | None, spec: Any
) -> None:
    if limits is not None and not limits[0] <= value <= limits[1]:
        raise ValueError(f"bad {name} {_short(spec)}: expected {limits[0]:g}..{limits[1]:g} {unit}")


def _series(
    spec: list | tuple, name: str, unit: str, limits: tuple[float, float] | None
) -> Quantity:
    points: list[tuple[int, float]] = []
    for i, entry in enumerate(spec):
        if not isinstance(entry, (list, tuple)) or len(entry) != 2:
            raise ValueError(f"bad {name} point #{i} {_short(entry)}: expected [time, value]")
        t = parse_duration(entry[0], f"{name} time of point #{i}")
        value = parse_value(entry[1], f"{name} value of point #{i}", unit)
        _check_limits(value, f"{name} value of point #{i}", unit, limits, entry[1])
        points.append((t, value))
    if not points:
        raise ValueError(f"bad {name} []: a series needs at least one [time, value] point")
    points.sort(key=lambda p: p[0])
    times = [t for t, _ in points]
    values = [v for _, v in points]

    def at(t: int) -> float:
        return values[max(0, bisect_right(times, t) - 1)]

    text = ", ".join(f"{v:g}{unit}@{t}ns" for t, v in points[:3])
    return Quantity(
        at, name=name, unit=unit, description=f"series {text}{' ...' * (len(points) > 3)}",
        limits=limits,
    )  # fmt: skip


def _walk(
    spec: Any, name: str, unit: str, seed: int, limits: tuple[float, float] | None
) -> Quantity:
    if not isinstance(spec, dict):
        raise ValueError(
            f"bad {name} walk {_short(spec)}: expected a table of {', '.join(WALK_KEYS)}"
        )
    unknown = sorted(set(spec) - set(WALK_KEYS))
    if unknown:
        raise ValueError(f"bad {name} walk key {unknown[0]!r}: expected {', '.join(WALK_KEYS)}")
    for key in ("start", "step", "every"):
        if key not in spec:
            raise ValueError(f"bad {name} walk: missing {key!r}")
    start = parse_value(spec["start"], f"{name} walk start", unit)
    step = parse_value(spec["step"], f"{name} walk step", unit)
    if step < 0:
        raise ValueError(f"bad {name} walk step {spec['step']!r}: must not be negative")
    every = parse_duration(spec["every"], f"{name} walk every")
    if every <= 0:
        raise ValueError(f"bad {name} walk every {spec['every']!r}: must be longer than 0")
    low_default, high_default = limits if limits is not None else (-math.inf, math.inf)
    low = parse_value(spec["min"], f"{name} walk min", unit) if "min" in spec else low_default
    high = parse_value(spec["max"], f"{name} walk max", unit) if "max" in spec else high_default
    if low > high:
        raise ValueError(f"bad {name} walk min {spec.get('min')!r}: above max {spec.get('max')!r}")
    if not low <= start <= high:
        raise ValueError(f"bad {name} walk start {spec['start']!r}: outside [min, max]")
    rng = random.Random(f"{seed}:{name}")  # str seeds are hashed stably (not PYTHONHASHSEED)
    values = array("d", [start])

    def at(t: int) -> float:
        k = max(0, t) // every
        if k >= len(values):
            if k >= MAX_WALK_STEPS:
                k = MAX_WALK_STEPS - 1  # past 10 million steps the walk holds its last value
            value = values[-1]
            uniform = rng.uniform
            for _ in range(len(values), k + 1):
                value = min(high, max(low, value + uniform(-step, step)))
                values.append(value)
        return values[k]

    return Quantity(
        at, name=name, unit=unit,
        description=f"walk from {start:g}{unit} by ±{step:g} every {every}ns", limits=limits,
    )  # fmt: skip


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:50] + "..."


def option_value(value: Any, name: str) -> Any:
    """A part option as the command line gives it (a string) made into what `as_quantity` takes: a
    `[...]` series or `{walk = ...}` table is read as a TOML inline value; anything else is as is."""
    if not isinstance(value, str) or not value.lstrip().startswith(("[", "{")):
        return value
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"bad {name} {_short(value)}: not a TOML value ({error})") from None
