"""Waveform updates for the page: the recorder's traces, thinned to what a canvas can draw.

A toggle loop makes tens of thousands of edges per virtual second; the page draws at most one column
of pixels per `resolution_ns`. Inside one such bucket, two or more changes are sent as a "busy"
marker (level 4) at the first change and the real level at the last one, so the page shows a solid
block where the pin toggles too fast to see and exact edges everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..sim.recorder import Trace

BUSY = 4  # not a net level: "many changes here"


def decimate(words: Sequence[int], resolution_ns: int) -> list[list[int]]:
    """`(t << 2 | level)` words -> `[[t, level], ...]` with at most two entries per bucket."""
    out: list[list[int]] = []
    n = len(words)
    i = 0
    res = max(1, resolution_ns)
    while i < n:
        word = words[i]
        bucket = (word >> 2) // res
        j = i + 1
        while j < n and (words[j] >> 2) // res == bucket:
            j += 1
        if j - i == 1:
            out.append([word >> 2, word & 3])
        else:
            last = words[j - 1]
            out.append([word >> 2, BUSY])
            out.append([last >> 2, last & 3])
        i = j
    return out


class TraceCursor:
    """Where one client is in one pin's trace: sends what is new since the last call.

    The recorder may rewrite its last word (a later level at the same instant), so every update
    starts again from the last word already sent, and the page replaces from `from_t` on."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.sent = 0

    def update(self, resolution_ns: int) -> dict | None:
        trace = self.trace
        length = len(trace)
        start = min(self.sent, length) - 1
        if start < 0:
            start = 0
        if length == self.sent and length and self._last_sent == trace[length - 1]:
            return None
        words = trace[start:length]  # one atomic copy: the simulator may append meanwhile
        if not words:
            return None
        self.sent = start + len(words)
        self._last_sent = words[-1]
        return {"from_t": words[0] >> 2, "changes": decimate(words, resolution_ns)}

    _last_sent = -1


def trace_for(traces: dict[str, Trace], board_name: str, pin_name: str) -> Trace | None:
    """The recorder's trace of a pad: keyed 'board.P9', or 'P9' in a one-board world."""
    trace = traces.get(f"{board_name}.{pin_name}")
    return trace if trace is not None else traces.get(pin_name)
