"""What happened in a run: every net's level changes and the board events around them.

A trace is an `array('q')` of `(t_ns << 2) | level` words, one 8-byte word per change, appended from the
hot path with the array's own C `append`. Levels are net levels: 0, 1, 2 (floating) and 3 (contention).
"""

from __future__ import annotations

from array import array
from typing import Any, NamedTuple


class Trace(array):
    """Level changes of one net: decode with `changes()`; the first entry is the level at time 0."""

    name: str

    def __new__(cls, name: str) -> Trace:
        self = super().__new__(cls, "q")
        self.name = name
        return self

    def changes(self) -> list[tuple[int, int]]:
        return [(word >> 2, word & 3) for word in self]


def record_level(trace: Trace, t: int, level: int) -> None:
    """Record `level` at `t` off the hot path: a later level at the same instant replaces the earlier
    one, and a level equal to the one before is no edge (settling at boot or after wiring)."""
    word = t << 2 | level
    if trace and trace[-1] >> 2 == t:
        trace[-1] = word
        if len(trace) > 1 and trace[-2] & 3 == level:
            trace.pop()
    elif not trace or trace[-1] & 3 != level:
        trace.append(word)


class Event(NamedTuple):
    t: int
    board: str
    kind: str  # 'irq', 'drop', 'fault', 'warning', 'led', 'rgb', 'boot', 'print'
    detail: Any


class Recorder:
    def __init__(self) -> None:
        self.traces: dict[str, Trace] = {}  # 'board.P9' (or 'P9' alone) -> the net's trace
        self.events: list[Event] = []

    def trace(self, key: str) -> Trace:
        trace = self.traces.get(key)
        if trace is None:
            trace = self.traces[key] = Trace(key)
        return trace

    def event(self, t: int, board: str, kind: str, detail: Any = None) -> None:
        self.events.append(Event(t, board, kind, detail))
