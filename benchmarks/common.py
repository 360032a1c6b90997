"""What every figure shares: the result record, the clock, and the median of several rounds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

clock_ns = time.perf_counter_ns


@dataclass
class Figure:
    """One line of the table. `ratio` is pycomsim/peer for costs (target `<=`) and peer/pycomsim
    for speeds against real time (target `>=`); `unit` names what the two columns hold."""

    name: str
    pycomsim: float
    peer: float
    unit: str
    ratio: float
    target: float
    op: str  # '<=' or '>='
    what: str
    rounds: list[dict[str, float]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.ratio <= self.target if self.op == "<=" else self.ratio >= self.target

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        return data


def recorded(trace: Any) -> int:
    """Edges a trace holds, in memory and (if the recorder spilled some) on disk."""
    total = getattr(trace, "total", None)
    return total() if total is not None else len(trace)


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def interleaved(
    rounds: int, ours: Callable[[], float], peer: Callable[[], float]
) -> tuple[float, float, list[dict[str, float]]]:
    """Run both sides alternately `rounds` times (so both see the same machine load) and return
    the medians and every round's pair."""
    pairs = []
    for _ in range(rounds):
        pairs.append({"pycomsim": ours(), "peer": peer()})
    return (
        median([p["pycomsim"] for p in pairs]),
        median([p["peer"] for p in pairs]),
        pairs,
    )
