"""The hot path of `machine.Pin` on the simulated pads: `value`, `__call__` and `toggle` specialised
for `chip/pads.py`.

These are firmware/pin.py's portable methods with the clock advance and the pad's net change inlined
(a Python call is a fifth of a write's cost). They read Pin's fields (`_mode`, `_latch`, `_pad`) and
the pad's internals, so they live here, next to the pads, and nowhere else. The conformance tests run
every Pin rule over both these and the portable methods (tests/conftest.py `pin_path`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import exc
from ..core.costs import CallCosts
from ..sim.net import resolve

_MISSING: Any = exc.MISSING
OUT = 2  # machine.Pin.OUT: an OUT pin reads its latch


def make_fast_path(
    costs: CallCosts, undefined_read: Callable[[Any, int], int]
) -> dict[str, Callable[..., Any]]:
    """Pin methods for one board, with its call costs bound in (they are fixed per board), and the
    firmware's rule for a floating or contended read (firmware/pin.py undefined_read)."""
    cost_read, cost_write, cost_toggle = costs.pin_read, costs.pin_write, costs.pin_toggle

    def value(self: Any, v: Any = _MISSING, /, *rest: Any, **kw: Any) -> int | None:
        if rest or kw:
            raise exc.NO_KW_ERROR() if kw else exc.at_most(2, 2 + len(rest))
        cpu = self._cpu
        if v is _MISSING:
            t = cpu.now = cpu.now + cost_read
            if t >= cpu.kernel.next_time:
                cpu.sync()
            if self._mode == OUT:
                return self._latch
            level = self._pad.gpio_driver.net.level
            return level if level < 2 else undefined_read(self, level)
        t = cpu.now = cpu.now + cost_write
        if t >= cpu.kernel.next_time:
            cpu.sync()
            t = cpu.now
        v = self._latch = 1 if v else 0
        pad = self._pad
        drive = pad.drive  # None while held, routed to a peripheral or not an output
        if drive is not None:
            out = pad.gpio_driver
            code = drive[v]
            was = out.code
            if was != code:
                # Net.change inlined. Literal codes save global lookups: 1 = STRONG_LO,
                # 2 = STRONG_HI, 3 = CONTENTION.
                net = out.net
                c = net.counts
                c[was] -= 1
                c[code] += 1
                out.code = code
                if c[2] and not c[1]:
                    level = 1
                elif c[1] and not c[2]:
                    level = 0
                else:
                    level = resolve(c)
                old = net.level
                if level != old:
                    net.level = level
                    record = net.record
                    if record is not None:
                        record(t << 2 | level)
                    watchers = net.watchers
                    if watchers:
                        for watch in watchers:
                            watch(old, level, t)
                    if level == 3 and net.on_fault is not None:
                        net.on_fault(net, net.strong_drivers(), t)
                elif net.drive_watchers:
                    for fn in net.drive_watchers:
                        fn(t)
        return None

    def call(self: Any, v: Any = _MISSING, /, *rest: Any, **kw: Any) -> int | None:
        if kw:
            raise exc.NO_KW_ERROR()
        if rest:
            raise exc.at_most(1, 1 + len(rest))
        return value(self, v) if v is not _MISSING else value(self)

    def toggle(self: Any, *args: Any) -> None:
        if args:
            raise exc.takes(1, 1 + len(args))
        cpu = self._cpu
        t = cpu.now = cpu.now + cost_toggle
        if t >= cpu.kernel.next_time:
            cpu.sync()
        v = self._latch = 1 - self._latch
        pad = self._pad
        drive = pad.drive
        if drive is not None:
            out = pad.gpio_driver
            code = drive[v]
            if out.code != code:
                out.net.change(out, code, cpu.now)

    return {"value": value, "__call__": call, "toggle": toggle}
