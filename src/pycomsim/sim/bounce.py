"""Contact bounce: a mechanical switch opens and closes a few times over a few ms before it settles.

A burst is drawn from the board's seeded `rng`, so the same seed gives the same bursts (and the same
waveform). The contact changes at the burst's first instant, flips an even number of extra times at random
instants inside the burst, and ends in the new state; so every press and every release is a burst of
1 + flips transitions. Typical tactile switches settle within 1-5 ms; the defaults stay inside that.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from ..units import parse_duration

MIN_GAP_NS = 2_000  # two flips closer than this merge: the contact spring cannot move faster


@dataclass(frozen=True)
class Bounce:
    """How a contact bounces: each burst lasts between `min_duration` and `max_duration` (ns) and has
    between `min_flips` and `max_flips` extra transitions (rounded down to an even number)."""

    min_duration: int = 500_000
    max_duration: int = 3_000_000
    min_flips: int = 2
    max_flips: int = 10

    def __post_init__(self) -> None:
        if self.min_duration > self.max_duration:
            raise ValueError(
                f"bad bounce: min_duration {self.min_duration} ns is above max_duration {self.max_duration} ns"
            )
        if self.min_flips < 0 or self.min_flips > self.max_flips:
            raise ValueError(
                f"bad bounce: flips must satisfy 0 <= min_flips <= max_flips, got {self.min_flips}..{self.max_flips}"
            )

    def burst(self, rng: random.Random, t: int, closed: bool) -> list[tuple[int, bool]]:
        """The contact states from `t` on, ending in `closed`: [(t, closed), (t1, not closed), ...]."""
        flips = rng.randint(self.min_flips, self.max_flips) & ~1
        duration = rng.randint(self.min_duration, self.max_duration)
        if flips == 0 or duration < MIN_GAP_NS * (flips + 1):
            return [(t, closed)]
        # distinct instants at least MIN_GAP_NS apart: draw in a shrunk window, then spread them out
        slots = sorted(rng.sample(range(duration - MIN_GAP_NS * flips), flips))
        out = [(t, closed)]
        state = closed
        for i, slot in enumerate(slots):
            state = not state
            out.append((t + slot + MIN_GAP_NS * (i + 1), state))
        return out


NO_BOUNCE = None  # Button(bounce=None): a perfect contact, one transition per press and release
DEFAULT_BOUNCE = Bounce()


def make_bounce(spec: Any) -> Bounce | None:
    """True/None-ish from the user: True -> the default bounce, False/None -> no bounce, a Bounce as is,
    a dict like {'duration': '5ms', 'flips': 8} (scenario files) -> a Bounce up to those limits."""
    if spec is True:
        return DEFAULT_BOUNCE
    if spec is False or spec is None:
        return NO_BOUNCE
    if isinstance(spec, Bounce):
        return spec
    if isinstance(spec, dict):
        unknown = set(spec) - {"duration", "min_duration", "flips", "min_flips"}
        if unknown:
            raise ValueError(
                f"unknown bounce key {sorted(unknown)[0]!r}: use duration, min_duration, flips, min_flips"
            )
        max_d = parse_duration(spec.get("duration", DEFAULT_BOUNCE.max_duration), "bounce duration")
        min_d = parse_duration(
            spec.get("min_duration", min(DEFAULT_BOUNCE.min_duration, max_d)), "bounce min_duration"
        )
        max_f = spec.get("flips", DEFAULT_BOUNCE.max_flips)
        min_f = spec.get(
            "min_flips", min(DEFAULT_BOUNCE.min_flips, max_f) if isinstance(max_f, int) else 0
        )
        for name, value in (("flips", max_f), ("min_flips", min_f)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"bad bounce {name} {value!r}: expected an int >= 0")
        return Bounce(min_d, max_d, min_f, max_f)
    raise ValueError(
        f"bad bounce {spec!r}: expected true, false or a table like {{duration = '5ms', flips = 8}}"
    )
