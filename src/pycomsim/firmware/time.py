"""The board's `utime` (`esp32/mods/modutime.c`) on the board's virtual clock.

Ticks are unsigned 32-bit with period 2**32 on this port (not MicroPython's usual 2**30); ticks_cpu counts
microseconds; ticks_diff is the signed 32-bit difference and ticks_add wraps without raising.
"""

from __future__ import annotations

import calendar
import time as host_time
import types
from typing import TYPE_CHECKING, Any

from .. import exc

if TYPE_CHECKING:
    from ..board import Board

MASK32 = 0xFFFFFFFF
BUSY_WAIT_MAX_US = 1000  # mp_hal_delay_us: up to 1 ms spins with the interpreter lock held


def _get_float(obj: object) -> float:
    if isinstance(obj, (int, float)):
        return float(obj)
    raise TypeError(f"can't convert {type(obj).__name__} to float")


def _signed32(value: int) -> int:
    value &= MASK32
    return value - (1 << 32) if value & 0x80000000 else value


def make_time(board: Board) -> types.ModuleType:
    m = types.ModuleType("utime")
    costs = board.costs
    cpu = board.scheduler
    rtc = board.system.rtc
    state = {"timezone": 0}

    def sleep_ms(ms: Any) -> None:
        ms = exc.get_int(ms) & MASK32  # mp_hal_delay_ms takes a uint32: negative means very long
        cpu.advance(costs.sleep_call)
        cpu.sleep(ms * 1_000_000)

    def sleep(seconds: Any) -> None:
        sleep_ms(int(1000 * _get_float(seconds)))  # truncated to whole milliseconds

    def sleep_us(us: Any) -> None:
        us = exc.get_int(us) & MASK32
        cpu.advance(costs.sleep_call)
        cpu.sleep(us * 1_000, busy=us <= BUSY_WAIT_MAX_US)

    def ticks_ms() -> int:
        cpu.advance(costs.time_call)
        return ((cpu.now - board.boot_ns) // 1_000_000) & MASK32  # counts from this boot

    def ticks_us() -> int:
        cpu.advance(costs.time_call)
        return ((cpu.now - board.boot_ns) // 1_000) & MASK32

    def ticks_diff(end: Any, start: Any) -> int:
        cpu.advance(costs.time_call)
        return _signed32(exc.get_int(end) - exc.get_int(start))

    def ticks_add(ticks: Any, delta: Any) -> int:
        cpu.advance(costs.time_call)
        return (exc.get_int(ticks) + exc.get_int(delta)) & MASK32

    def time() -> int:
        cpu.advance(costs.time_call)
        return (
            rtc.us() // 1_000_000
        )  # the RTC (machine.RTC): the 1970 epoch at each boot but deep sleep

    def _tuple(args: tuple, offset: int) -> tuple[int, ...]:
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        cpu.advance(costs.time_call)
        seconds = rtc.us() // 1_000_000 if not args or args[0] is None else exc.get_int(args[0])
        t = host_time.gmtime(seconds + offset)
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, t.tm_wday, t.tm_yday)

    def localtime(*args: Any) -> tuple[int, ...]:
        return _tuple(args, state["timezone"])

    def gmtime(*args: Any) -> tuple[int, ...]:
        return _tuple(args, 0)

    def mktime(tup: Any) -> int:
        cpu.advance(costs.time_call)
        if not isinstance(tup, (tuple, list)):
            raise TypeError(f"object '{type(tup).__name__}' isn't a tuple or list")
        if not 8 <= len(tup) <= 9:
            raise TypeError(f"mktime needs a tuple of length 8 or 9 ({len(tup)} given)")
        y, mo, d, h, mi, s = (exc.get_int(v) for v in tup[:6])
        # modutime.c time_mktime (1.20.2): epoch seconds minus the offset localtime() added
        return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) - state["timezone"]

    def timezone(*args: Any) -> int | None:
        if not args or args[0] is None:
            return state["timezone"]
        state["timezone"] = exc.get_int(args[0])
        return None

    m.__dict__.update(
        sleep=sleep,
        sleep_ms=sleep_ms,
        sleep_us=sleep_us,
        ticks_ms=ticks_ms,
        ticks_us=ticks_us,
        ticks_cpu=ticks_us,
        ticks_diff=ticks_diff,
        ticks_add=ticks_add,
        time=time,
        localtime=localtime,
        gmtime=gmtime,
        mktime=mktime,
        timezone=timezone,
    )
    return m
