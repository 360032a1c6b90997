"""Durations at the public API: an int of nanoseconds or a string with a unit ('500us', '20ms', '2s', '1min')."""

from __future__ import annotations

import re

NS_PER_UNIT = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "min": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|min|h)\s*$")


# The longest duration pycomsim accepts anywhere (--until, TOML, the Python API): 10 years of virtual
# time, far past any bench run, and well inside the 64-bit ns the recorder stores.
MAX_DURATION_NS = 10 * 36525 * 24 * 3_600_000_000_000 // 100  # 10 years of 365.25 days
MAX_DURATION_TEXT = "10 years (87660h)"
_UNITS_TEXT = "ns, us, ms, s, min, h"


def parse_duration(value: int | str, what: str = "duration") -> int:
    """Return `value` as an int of nanoseconds; raise ValueError naming the bad value."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(
            f"bad {what} {_short(value)}: expected an int of ns or a string like '20ms'"
        )
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"bad {what} {_short(value)}: must not be negative")
        return _capped(value, value, what)
    match = _DURATION.match(value)
    if match:
        number, unit = match.groups()
        if len(number) > 40:
            raise ValueError(f"bad {what} {_short(value)}: longer than {MAX_DURATION_TEXT}")
        # Decimal arithmetic through str avoids float rounding: '1.1ms' is exactly 1100000 ns.
        whole, _, frac = number.partition(".")
        scale = NS_PER_UNIT[unit]
        ns = int(whole or 0) * scale + (int(frac) * scale // 10 ** len(frac) if frac else 0)
        return _capped(ns, value, what)
    if re.fullmatch(r"\s*(\d+(\.\d*)?|\.\d+)\s*", value):
        raise ValueError(
            f"bad {what} {_short(value)}: a number in a string needs a unit ({_UNITS_TEXT}), "
            f"e.g. '{value.strip()}ms'"
        )
    raise ValueError(
        f"bad {what} {_short(value)}: expected a number with a unit ({_UNITS_TEXT}), "
        "e.g. '500us', '20ms', '2s', '1min', or an int of ns"
    )


def _capped(ns: int, value: object, what: str) -> int:
    if ns > MAX_DURATION_NS:
        raise ValueError(f"bad {what} {_short(value)}: longer than {MAX_DURATION_TEXT}")
    return ns


def _short(value: object) -> str:
    """repr of a value, cut short: a 5000-digit number is not repeated in full."""
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 4000 else "(huge int)"
    return text if len(text) <= 60 else text[:40] + "..." + text[-10:]


def format_ns(ns: int) -> str:
    """A short human reading of a duration: 1500000 -> '1.5ms'."""
    for unit, scale in (("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)):
        if abs(ns) >= scale:
            text = f"{ns / scale:.6f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return f"{ns}ns"
