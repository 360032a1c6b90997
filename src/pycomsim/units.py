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


def parse_duration(value: int | str, what: str = "duration") -> int:
    """Return `value` as an int of nanoseconds; raise ValueError naming the bad value."""
    if isinstance(value, bool):
        raise ValueError(f"bad {what} {value!r}: expected an int of ns or a string like '20ms'")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"bad {what} {value!r}: must not be negative")
        return value
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            number, unit = match.groups()
            # Decimal arithmetic through str avoids float rounding: '1.1ms' is exactly 1100000 ns.
            whole, _, frac = number.partition(".")
            scale = NS_PER_UNIT[unit]
            ns = int(whole or 0) * scale + (int(frac) * scale // 10 ** len(frac) if frac else 0)
            return ns
    raise ValueError(
        f"bad {what} {value!r}: expected an int of ns or a number with a unit "
        "(ns, us, ms, s, min), e.g. '500us', '20ms', '2s', '1min'"
    )


def format_ns(ns: int) -> str:
    """A short human reading of a duration: 1500000 -> '1.5ms'."""
    for unit, scale in (("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)):
        if abs(ns) >= scale:
            text = f"{ns / scale:.6f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return f"{ns}ns"
