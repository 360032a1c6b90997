"""Wall-clock pacing of the virtual clock, so a person can watch a run (`--speed`).

The simulator never reads the wall clock; only this module does, to decide how far virtual time may go
now. `speed` is virtual seconds per wall second. When the simulation cannot keep up (a busy script at a
high speed), the pacer lets the target slip instead of sprinting to catch up later, and the measured
real-time factor shows what is really achieved.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MIN_SPEED = 1e-6
MAX_SPEED = 1e6
NS = 1_000_000_000


def check_speed(speed: object) -> float:
    """`speed` as a float in [1e-6, 1e6]; a ValueError names a bad one."""
    if isinstance(speed, bool) or not isinstance(speed, (int, float, str)):
        raise ValueError(f"bad speed {speed!r}: expected a number such as 0.1, 1 or 10")
    try:
        value = float(speed)
    except ValueError:
        raise ValueError(f"bad speed {speed!r}: expected a number such as 0.1, 1 or 10") from None
    if not MIN_SPEED <= value <= MAX_SPEED:  # also rejects nan and inf
        raise ValueError(f"bad speed {speed!r}: must be between {MIN_SPEED:g} and {MAX_SPEED:g}")
    return value


class Pacer:
    """Maps wall time to the virtual time the run should have reached."""

    def __init__(
        self,
        speed: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_lag_s: float = 0.2,
    ) -> None:
        self.speed = check_speed(speed)
        self.paused = False
        self._clock = clock
        self._max_lag_s = max_lag_s
        self._anchor_wall = clock()
        self._anchor_virtual = 0
        self._samples: deque[tuple[float, int]] = deque()

    def rebase(self, virtual_now: int) -> None:
        """From now on, count wall time from here: after a pause, a step or a speed change."""
        self._anchor_wall = self._clock()
        self._anchor_virtual = virtual_now
        self._samples.clear()

    def target(self, virtual_now: int) -> int:
        """The virtual time the run should reach now (never behind `virtual_now`)."""
        if self.paused:
            return virtual_now
        wall = self._clock()
        target = self._anchor_virtual + round((wall - self._anchor_wall) * self.speed * NS)
        lag_allowed = int(self._max_lag_s * self.speed * NS)
        if target - virtual_now > lag_allowed:
            # fallen behind: slip rather than burst (the user sees the real factor drop instead)
            self._anchor_wall = wall - self._max_lag_s
            self._anchor_virtual = virtual_now
            target = virtual_now + lag_allowed
        return max(target, virtual_now)

    def set_speed(self, speed: float, virtual_now: int) -> None:
        self.speed = check_speed(speed)
        self.rebase(virtual_now)

    def pause(self) -> None:
        self.paused = True
        self._samples.clear()

    def resume(self, virtual_now: int) -> None:
        self.paused = False
        self.rebase(virtual_now)

    def note(self, virtual_now: int, window_s: float = 1.0) -> None:
        """Record progress for `real_time_factor`."""
        wall = self._clock()
        samples = self._samples
        samples.append((wall, virtual_now))
        while len(samples) > 2 and wall - samples[0][0] > window_s:
            samples.popleft()

    @property
    def real_time_factor(self) -> float | None:
        """Virtual seconds per wall second over the last second; None when paused or unknown."""
        if self.paused or len(self._samples) < 2:
            return None
        (w0, v0), (w1, v1) = self._samples[0], self._samples[-1]
        if w1 - w0 <= 0:
            return None
        return (v1 - v0) / NS / (w1 - w0)
