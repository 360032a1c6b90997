"""Questions about what a pad did: `board.trace("P9").edges()`, `.value_at("12ms")`, `.frequency()`, ...

A `PinTrace` reads the recorder's trace of the pad's net when asked, so it always reflects the run so far
(up to `end_time(world)`; a busy board may have recorded ahead of the kernel clock, and those changes are
not final yet). Times are ints of ns; a time given to a query may be a string with a unit ('12ms').
Levels are 0, 1, 'z' (floating: nothing drives the net) and 'x' (contention).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..exc import UsageError
from ..units import format_ns, parse_duration

if TYPE_CHECKING:
    from ..board import Board
    from ..chip.pads import Pad
    from .recorder import Trace
    from .world import World

Level = int | str  # 0, 1, 'z', 'x'
LEVELS: tuple[Level, ...] = (0, 1, "z", "x")


class Edge(NamedTuple):
    t: int  # ns
    level: Level  # the level from t on

    def __str__(self) -> str:
        return f"{self.level}@{format_ns(self.t)}"


def end_time(world: World) -> int:
    """How far the run is final: the kernel clock, or later where a board finished ahead of it.
    A board still busy may have run ahead of an `until`; its later changes are not counted."""
    t = world.kernel.now
    for board in world.boards.values():
        if not board.busy() and board.now > t:
            t = board.now
    return t


def select_pins(world: World, pins: Iterable[str] | str | None = None) -> list[tuple[Board, Pad]]:
    """(board, pin) pairs for 'P9', 'G16' or 'board.P9' names (a str may list them with commas);
    None means every pad of every board. An unknown name is a UsageError (a ValueError) naming it."""
    if pins is None:
        return [(b, p) for b in world.boards.values() for p in b.pads.values()]
    if isinstance(pins, str):
        pins = [p for p in pins.split(",")]
    selected = []
    for ref in pins:
        ref = str(ref).strip()
        if not ref:
            raise UsageError(f"empty pin name in {pins!r}")
        pad = world.resolve_pad(ref)
        board = world.boards[pad.board_name]
        if (board, pad) not in selected:
            selected.append((board, pad))
    if not selected:
        raise UsageError("no pins selected: give names like P9,P10")
    return selected


class PinTrace:
    """What one pad did, between `start` and `end` (default: the whole run so far)."""

    def __init__(
        self, board: Board, pin: str, start: int | str = 0, end: int | str | None = None
    ) -> None:
        self.board = board
        self.pad: Pad = board.pad(pin)  # ValueError naming an unknown pin
        self.name = f"{board.name}.{self.pad.name}"
        self.start = parse_duration(start, "start")
        self._end = None if end is None else parse_duration(end, "end")
        if self._end is not None and self._end < self.start:
            raise ValueError(
                f"bad window {format_ns(self.start)}:{format_ns(self._end)}: ends before it starts"
            )

    # ---- raw data ----
    @property
    def trace(self) -> Trace:
        return self.pad.net.trace

    @property
    def end(self) -> int:
        return self._end if self._end is not None else end_time(self.board.world)

    def window(self, start: int | str, end: int | str | None = None) -> PinTrace:
        """The same pad, looked at between `start` and `end` only."""
        return PinTrace(self.board, self.pad.name, start, end)

    def _changes(self) -> tuple[list[int], list[int]]:
        """Times and levels of the net's changes up to `end`, one per instant (the last)."""
        end = self.end
        times: list[int] = []
        levels: list[int] = []
        for word in self.trace.words():
            t = word >> 2
            if t > end:
                break
            if times and times[-1] == t:
                levels[-1] = word & 3
                if len(levels) > 1 and levels[-2] == levels[-1]:
                    times.pop()
                    levels.pop()
            elif not levels or levels[-1] != word & 3:
                times.append(t)
                levels.append(word & 3)
        return times, levels

    # ---- queries ----
    def initial(self) -> Level:
        """The level at the start of the window."""
        return self.value_at(self.start)

    def edges(self) -> list[Edge]:
        """Level changes inside the window (after `start`, up to `end`), in order."""
        times, levels = self._changes()
        return [Edge(t, LEVELS[lv]) for t, lv in zip(times, levels, strict=True) if self.start < t]

    def value_at(self, t: int | str) -> Level:
        """The level at time `t` (after every change at `t` itself)."""
        when = parse_duration(t, "time")
        if when > self.end:
            raise ValueError(f"bad time {t!r}: the run has only reached {format_ns(self.end)}")
        times, levels = self._changes()
        i = bisect_right(times, when) - 1
        return LEVELS[levels[i]] if i >= 0 else "z"

    def rising(self) -> list[int]:
        """Times of 0 -> 1 transitions (through z or x counts too: what a logic input sees)."""
        return [e.t for e in self.edges() if e.level == 1]

    def falling(self) -> list[int]:
        return [e.t for e in self.edges() if e.level == 0]

    def time_at(self, level: Level) -> int:
        """ns spent at `level` inside the window."""
        times, levels = self._changes()
        start, end = self.start, self.end
        code = LEVELS.index(level)
        total = 0
        for i, t in enumerate(times):
            nxt = times[i + 1] if i + 1 < len(times) else end
            lo, hi = max(t, start), min(nxt, end)
            if levels[i] == code and hi > lo:
                total += hi - lo
        return total

    def high_time(self) -> int:
        """ns spent high inside the window."""
        return self.time_at(1)

    def low_time(self) -> int:
        return self.time_at(0)

    def frequency(self) -> float:
        """Hz from the rising edges: (n - 1) periods between the first and the last; 0.0 below two."""
        rising = self.rising()
        if len(rising) < 2:
            return 0.0
        return (len(rising) - 1) * 1e9 / (rising[-1] - rising[0])

    def period(self) -> int:
        """Mean ns between rising edges; 0 below two."""
        rising = self.rising()
        if len(rising) < 2:
            return 0
        return round((rising[-1] - rising[0]) / (len(rising) - 1))

    def duty(self) -> float:
        """Fraction of time high: over the whole periods between the first and last rising edge, or
        over the window when there are fewer than two rising edges."""
        rising = self.rising()
        if len(rising) >= 2:
            return self.window(rising[0], rising[-1]).high_time() / (rising[-1] - rising[0])
        span = self.end - self.start
        return self.high_time() / span if span > 0 else 0.0

    def __len__(self) -> int:
        return len(self.edges())

    def __repr__(self) -> str:
        return f"<PinTrace {self.name} {format_ns(self.start)}..{format_ns(self.end)}: {len(self)} edges>"
