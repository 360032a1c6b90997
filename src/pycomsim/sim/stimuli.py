"""Stimuli: instruments that drive a pad from outside the board, on the virtual clock.

`SignalGenerator` is a square wave of a given frequency (float Hz) and duty (float in [0, 1]);
`LevelSequence` replays a list of timed levels. Both drive like a lab instrument's output: a strong driver
(push-pull), or `open_drain=True` to only pull low and release. Times are absolute virtual times of the
run (ints of ns or strings like '20ms'). Edge instants are computed from the start time, never
accumulated, so a long run does not drift.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..units import MAX_DURATION_NS, parse_duration
from .net import OFF, STRONG_HI, STRONG_LO, Driver
from .parts import when

if TYPE_CHECKING:
    from ..board import Board

# 0, 1 (False and True are the same keys), their strings, and "z" or None for released
LEVEL_WORDS = {0: 0, 1: 1, "0": 0, "1": 1, "z": None, "Z": None, None: None}


def _codes(open_drain: bool) -> tuple[int, int]:
    return (STRONG_LO, OFF) if open_drain else (STRONG_LO, STRONG_HI)


class SignalGenerator:
    """A square wave on `pin`: high for `duty` of each period, starting high at `start`, until `stop`
    (None: forever). The output is released (high impedance) before `start` and after `stop`."""

    def __init__(
        self,
        board: Board,
        pin: str,
        *,
        freq: float,
        duty: float = 0.5,
        start: int | str | None = None,
        stop: int | str | None = None,
        open_drain: bool = False,
        name: str | None = None,
    ) -> None:
        if isinstance(freq, bool) or not isinstance(freq, (int, float)) or not freq > 0:
            raise ValueError(f"bad generator freq {freq!r}: expected a number of Hz > 0")
        if isinstance(duty, bool) or not isinstance(duty, (int, float)) or not 0 <= duty <= 1:
            raise ValueError(f"bad generator duty {duty!r}: expected a number in [0, 1]")
        self.board = board
        self.pad = board.pad(pin)
        self.freq = float(freq)
        self.duty = float(duty)
        self.start = when(board, start, "generator start")
        self.stop = None if stop is None else parse_duration(stop, "generator stop")
        if self.stop is not None and self.stop < self.start:
            raise ValueError(f"bad generator stop {stop!r}: it is before the start")
        if 1e9 / self.freq > MAX_DURATION_NS:  # 1e-300 Hz: a period no run could reach
            raise ValueError(f"bad generator freq {freq!r}: the period is longer than 10 years")
        self.period_ns = round(1e9 / self.freq)
        if self.period_ns < 2:
            raise ValueError(f"bad generator freq {freq!r}: the period is below 2 ns")
        self.name = name or "signal generator"
        self._lo, self._hi = _codes(open_drain)
        self.driver = Driver(f"{board.name}.{self.pad.name} {self.name}")
        board.world.attach(self.pad, self.driver, OFF)
        self.edges = 0
        self._high_ns = round(self.period_ns * self.duty)
        period = Fraction(10**9) / Fraction(self.freq)
        if self.stop is None and period.denominator == 1 and 0 < self._high_ns < self.period_ns:
            # The common case, on the edge->callback hot path: a whole number of ns per period, both
            # levels present, no stop. Then `_at(k)` is plain int maths on the nominal edge times
            # (start + cycle * period + high), so each edge carries its own instant and the next
            # one is one addition away; the same instants as `_at`, without float maths per edge.
            self._low_ns = self.period_ns - self._high_ns
            self._kernel = board.kernel
            self._high = False  # the first step rises
            board.kernel.schedule_periodic(self.start, self._step, self.start)
        else:
            board.kernel.schedule(self.start, self._edge, 0)

    def _at(self, k: int) -> int:
        """Instant of the k-th edge: even k rise, odd k fall; exact to the ns from the start."""
        cycle, fall = divmod(k, 2)
        base = self.start + round(cycle * 1e9 / self.freq)
        return base + (self._high_ns if fall else 0)

    def _edge(self, k: int) -> None:
        kernel = self.board.kernel
        t = kernel.now
        if self.stop is not None and t >= self.stop:
            self.driver.set(OFF, t)
            return
        high = k % 2 == 0
        if self._high_ns == 0:
            high = False  # duty 0: always low
        elif self._high_ns >= self.period_ns:
            high = True  # duty 1: always high
        self.driver.set(self._hi if high else self._lo, t)
        self.edges += 1
        nxt = self._at(k + 1)
        if self.stop is not None and nxt >= self.stop:
            kernel.schedule(self.stop, self._edge, k + 1)
        else:
            kernel.schedule(nxt, self._edge, k + 1)

    def _step(self, at: int) -> int:
        # A periodic kernel event: `at` is the nominal instant of this edge (the kernel clamps a
        # start in the past to now); it returns the next edge's, so the kernel runs it again then.
        driver = self.driver
        self._high = high = not self._high
        code = self._hi if high else self._lo
        if driver.code != code:  # Driver.set, inlined
            driver.net.change(driver, code, self._kernel.now)  # type: ignore[union-attr]
        self.edges += 1
        return at + (self._high_ns if high else self._low_ns)

    def __repr__(self) -> str:
        return f"<SignalGenerator {self.driver.name} {self.freq:g} Hz duty {self.duty:g}>"


class LevelSequence:
    """Timed levels on `pin`: `[(t, level), ...]` with level 0, 1 or 'z' (released). Before the first
    entry the output is released."""

    def __init__(
        self,
        board: Board,
        pin: str,
        levels: Iterable[Any],
        *,
        open_drain: bool = False,
        name: str | None = None,
    ) -> None:
        self.board = board
        self.pad = board.pad(pin)
        self.name = name or "level source"
        lo, hi = _codes(open_drain)
        self.steps: list[tuple[int, int]] = []
        for i, entry in enumerate(levels):
            if not isinstance(entry, (list, tuple)) or len(entry) != 2:
                raise ValueError(f"bad level entry #{i} {entry!r}: expected [time, level]")
            t = parse_duration(entry[0], f"time of level entry #{i}")
            level = entry[1]
            if isinstance(level, float) or level not in LEVEL_WORDS:
                raise ValueError(f"bad level {level!r} in entry #{i}: expected 0, 1 or 'z'")
            word = LEVEL_WORDS[level]
            self.steps.append((t, OFF if word is None else (hi if word else lo)))
        self.driver = Driver(f"{board.name}.{self.pad.name} {self.name}")
        board.world.attach(self.pad, self.driver, OFF)
        for t, code in self.steps:
            board.kernel.schedule(t, self._apply, code)

    def _apply(self, code: int) -> None:
        self.driver.set(code, self.board.kernel.now)

    def __repr__(self) -> str:
        return f"<LevelSequence {self.driver.name}, {len(self.steps)} steps>"
