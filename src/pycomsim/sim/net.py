"""Nets: every pad sits on one; a net resolves its drivers to 0, 1, floating (Z) or contention (X).

Drivers have a strength and a level, encoded as one small int so a net can keep a count per code and
resolve in O(1) however many drivers it has (strong beats an external resistor beats an internal pull).
Two strong drivers that disagree are contention; two equal resistors that disagree leave the level
undefined (reported as floating).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .recorder import record_level

if TYPE_CHECKING:
    from .recorder import Trace

# Driver codes
OFF = 0
STRONG_LO, STRONG_HI = 1, 2  # push-pull output, open-drain low, a closed button, a signal generator
EXT_LO, EXT_HI = 3, 4  # external resistor (expansion-board pull-up, module pull-down)
WEAK_LO, WEAK_HI = 5, 6  # internal pull-down/up of the ESP32 pad (~45 kOhm)
CODE_NAMES = (
    "off",
    "drives low",
    "drives high",
    "pulls low",
    "pulls high",
    "pulls low",
    "pulls high",
)

# Net levels, as recorded (2 bits)
LOW, HIGH, FLOATING, CONTENTION = 0, 1, 2, 3
LEVEL_NAMES = ("0", "1", "z", "x")


def resolve(c: list[int]) -> int:
    if c[STRONG_LO] or c[STRONG_HI]:
        if c[STRONG_LO] and c[STRONG_HI]:
            return CONTENTION
        return LOW if c[STRONG_LO] else HIGH
    for lo, hi in ((EXT_LO, EXT_HI), (WEAK_LO, WEAK_HI)):
        if c[lo] or c[hi]:
            if c[lo] and c[hi]:
                return FLOATING
            return LOW if c[lo] else HIGH
    return FLOATING


class Driver:
    """One source of current on a net: a pad's output stage, a pull resistor, a part."""

    __slots__ = ("net", "code", "name", "owner")

    def __init__(self, name: str, owner: object = None) -> None:
        self.name = name  # 'lopy4.P9', for fault messages
        self.net: Net | None = None
        self.code = OFF
        self.owner = owner  # the Pin whose output stage this is, for pad drivers

    def set(self, code: int, t: int) -> None:
        if code != self.code:
            self.net.change(self, code, t)  # type: ignore[union-attr]


class Net:
    """A set of connected pads and parts. Watchers are told of every level change."""

    __slots__ = (
        "name",
        "counts",
        "level",
        "drivers",
        "watchers",
        "drive_watchers",
        "config_watchers",
        "trace",
        "record",
        "on_fault",
    )

    def __init__(self, name: str, trace: Trace | None = None) -> None:
        self.name = name
        self.counts = [0] * 7
        self.counts[OFF] = 0
        self.level = FLOATING
        self.drivers: list[Driver] = []
        self.watchers: list[Callable[[int, int, int], None]] = []  # fn(old, new, t)
        # fn(t): the drivers changed but the level did not (weak low -> strong low): LEDs care
        self.drive_watchers: list[Callable[[int], None]] = []
        # fn(t): what decides the level may have changed: a pull resistor came, went or turned, a
        # part was attached, a wire joined nets, a boot settled them (an LED rechecks what can
        # light it). Told of every change that no single strong side decides or that leaves the
        # level as it was, never of a strong side's new level: the hot path has none of it.
        self.config_watchers: list[Callable[[int], None]] = []
        self.trace = trace
        self.record = trace.append if trace is not None else None
        self.on_fault: Callable[[Net, list[Driver], int], None] | None = None

    def attach(self, driver: Driver) -> None:
        driver.net = self
        self.drivers.append(driver)
        self.counts[driver.code] += 1

    def set_trace(self, trace: Trace | None) -> None:
        self.trace = trace
        self.record = trace.append if trace is not None else None

    def change(self, driver: Driver, code: int, t: int) -> None:
        c = self.counts
        c[driver.code] -= 1
        c[code] += 1
        driver.code = code
        # inline fast cases of resolve(): one strong driver alone decides
        if c[STRONG_HI] and not c[STRONG_LO]:
            level = HIGH
        elif c[STRONG_LO] and not c[STRONG_HI]:
            level = LOW
        else:
            level = resolve(c)
            if self.config_watchers:
                # no single strong side: a pull may have changed what decides the level, and the
                # config watchers hear of it (a strong driver switching never comes here)
                self._settle_pull(level, t)
                return
        old = self.level
        if level != old:  # _commit inlined: this is every recorded edge of a toggle loop
            self.level = level
            record = self.record
            if record is not None:
                record(t << 2 | level)
            for watch in self.watchers:
                watch(old, level, t)
            if level == CONTENTION and self.on_fault is not None:
                self.on_fault(self, self.strong_drivers(), t)
        else:
            # Unchanged. A pull whose change changed the level went through resolve() above (one
            # strong side decides alone), so every pull change reaches the config watchers.
            for fn in self.drive_watchers:
                fn(t)
            for fn in self.config_watchers:
                fn(t)

    def _settle_pull(self, level: int, t: int) -> None:
        if level != self.level:
            self._commit(level, t)
        else:
            for fn in self.drive_watchers:
                fn(t)
        for fn in self.config_watchers:
            fn(t)

    def change_many(self, changes: tuple[tuple[Driver, int], ...], t: int) -> None:
        """Several drivers change at one instant (a pad's output and pull): resolve once, no glitch."""
        c = self.counts
        pulls = False
        for driver, code in changes:
            pulls = pulls or driver.code > STRONG_HI or code > STRONG_HI
            c[driver.code] -= 1
            c[code] += 1
            driver.code = code
        level = resolve(c)
        if level != self.level:
            self._commit(level, t)
        elif self.drive_watchers:
            for fn in self.drive_watchers:
                fn(t)
        if pulls:
            for fn in self.config_watchers:
                fn(t)

    def _commit(self, level: int, t: int) -> None:
        # keep in step with the inlined copy in change()
        old = self.level
        self.level = level
        if self.record is not None:
            self.record(t << 2 | level)
        self._notify(old, level, t)

    def _notify(self, old: int, level: int, t: int) -> None:
        for watch in self.watchers:
            watch(old, level, t)
        # after the watchers: a strict run raises from on_fault, and everyone has seen the change by then
        if level == CONTENTION and self.on_fault is not None:
            self.on_fault(self, self.strong_drivers(), t)

    def quiet(self) -> Callable[[int], None]:
        """Stop telling watchers and the recorder of changes (a boot reconfigures many pads in one
        instant); the function returned restores them at time t, recording the level then and
        telling watchers of the net change from before to after."""
        before, watchers, record = self.level, self.watchers, self.record
        configs = self.config_watchers
        self.watchers, self.record, self.config_watchers = [], None, []

        def restore(t: int) -> None:
            self.watchers, self.record, self.config_watchers = watchers, record, configs
            if self.trace is not None:
                record_level(self.trace, t, self.level)
            if self.level != before:
                for watch in watchers:
                    watch(before, self.level, t)
            for fn in configs:
                fn(t)

        return restore

    def settle(self, t: int) -> None:
        """Recompute the level from scratch (after wiring or attaching a part) and record it."""
        level = resolve(self.counts)
        old = self.level
        self.level = level
        if self.trace is not None:
            record_level(self.trace, t, level)  # a change at the same instant replaces the last one
        if level != old:
            self._notify(old, level, t)  # contention here: a wire joined two driven nets
        else:
            for fn in self.drive_watchers:
                fn(t)
        for fn in self.config_watchers:
            fn(t)

    def strong_drivers(self) -> list[Driver]:
        return [d for d in self.drivers if d.code in (STRONG_LO, STRONG_HI)]

    merges = 0  # class-wide wiring generation: what Board caches its clusters on

    def merge(self, other: Net) -> None:
        """Absorb `other` (a wire joins two nets into one)."""
        Net.merges += 1
        for d in other.drivers:
            d.net = self
            self.drivers.append(d)
            self.counts[d.code] += 1
        self.watchers.extend(other.watchers)
        self.drive_watchers.extend(other.drive_watchers)
        self.config_watchers.extend(other.config_watchers)
        other.drivers.clear()
        other.watchers.clear()
        other.drive_watchers.clear()
        other.config_watchers.clear()
