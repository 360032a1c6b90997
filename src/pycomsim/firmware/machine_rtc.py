"""`machine.RTC` (`esp32/mods/machrtc.c`) and the clock `time.time()` reads.

The RTC is the ESP-IDF system time (settimeofday/gettimeofday), kept in microseconds. It keeps counting
through deep sleep; at every other boot (power-on, `machine.reset()`, a watchdog reset) `mptask.c` calls
`rtc_init0()`, which sets it back to the 1970 epoch. `RTC.memory()` lives in RTC slow memory
(RTC_DATA_ATTR), which only deep sleep keeps: the bootloader loads it afresh on every other reset.
Without a network, `ntp_sync()` starts SNTP, which never gets an answer: `synced()` stays False.
"""

from __future__ import annotations

import calendar
import time as host_time
from typing import TYPE_CHECKING, Any

from .. import exc
from .args import INT, Arg, get_str, parse

if TYPE_CHECKING:
    from ..board import Board

MEM_USER_MAXLEN = 2048  # machrtc.c
RTC_SOURCE_INTERNAL_RC, RTC_SOURCE_EXTERNAL_XTAL = 0, 1  # RTC_SLOW_FREQ_RTC, RTC_SLOW_FREQ_32K_XTAL
SNTP_MIN_PERIOD_MS = 15_000
MASK32 = 0xFFFFFFFF
ERR_RESOURCE = "resource not available"  # mpexception.c mpexception_os_resource_not_avaliable
ERR_PERIOD = "update period cannot be shorter than 15 s"
ERR_BUFFER_TOO_LONG = "buffer too long"


class RtcClock:
    """The system time of one board: what RTC and time.time() read and set."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.offset_ns = 0  # rtc time = board time + offset
        self.memory = b""  # RTC.memory(), RTC slow memory
        self.synced = False
        self.sntp_server: str | None = None
        self.source = RTC_SOURCE_INTERNAL_RC

    def boot(self, deep_sleep_wake: bool) -> None:
        self.synced = False  # mach_rtc_obj is ordinary RAM: every boot starts unsynced
        self.sntp_server = None
        if not deep_sleep_wake:
            self.set_us(0)  # rtc_init0 (and the bootloader reloads RTC slow memory)
            self.memory = b""

    def us(self, t_ns: int | None = None) -> int:
        """mach_rtc_get_us_since_epoch."""
        t = self.board.now if t_ns is None else t_ns
        return (t + self.offset_ns) // 1000

    def set_us(self, us: int) -> None:
        """mach_rtc_set_us_since_epoch (settimeofday keeps whole microseconds)."""
        self.offset_ns = us * 1000 - self.board.now


def seconds_since_epoch(year: int, month: int, day: int, hour: int, minute: int, sec: int) -> int:
    """util/timeutils.c timeutils_seconds_since_epoch: plain arithmetic, no normalising, for months
    1-12 (the firmware indexes a table by month and reads past it otherwise)."""
    if not 1 <= month <= 12:
        raise ValueError(exc.INVALID_ARGS)
    days = calendar.timegm((year, month, 1, 0, 0, 0, 0, 0, 0)) // 86400 + day - 1
    return days * 86400 + hour * 3600 + minute * 60 + sec


def datetime_us(datetime: Any) -> int:
    """mach_rtc_datetime_us: (year, month, day[, hour[, minute[, second[, usecond[, tzinfo]]]]])."""
    if not isinstance(datetime, (tuple, list)):
        raise TypeError(f"object '{type(datetime).__name__}' isn't a tuple or list")
    if not 3 <= len(datetime) <= 8:
        raise ValueError(exc.INVALID_ARGS)
    year, month, day = (exc.get_int(v) for v in datetime[:3])
    usec = exc.get_int(datetime[6]) if len(datetime) >= 7 else 0
    sec = exc.get_int(datetime[5]) if len(datetime) >= 6 else 0
    minute = exc.get_int(datetime[4]) if len(datetime) >= 5 else 0
    hour = exc.get_int(datetime[3]) if len(datetime) >= 4 else 0
    return usec + 1_000_000 * seconds_since_epoch(year, month, day, hour, minute, sec)


_INIT_ARGS = (Arg("id", 0, INT), Arg("datetime"), Arg("source"))
_NTP_ARGS = (Arg("server", required=True), Arg("update_period", 3600, INT), Arg("backup_server"))


def make_rtc_class(board: Board) -> type:
    clock = board.system.rtc
    costs = board.costs

    class RTC:
        INTERNAL_RC = RTC_SOURCE_INTERNAL_RC
        XTAL_32KHZ = RTC_SOURCE_EXTERNAL_XTAL
        _instance: RTC | None = None

        def __new__(cls, *args: Any, **kwargs: Any) -> RTC:
            """mach_rtc_make_new: one object; the id must be 0."""
            board.advance(costs.machine_call)
            rtc_id, datetime, source = parse(args, kwargs, _INIT_ARGS)
            if rtc_id != 0:
                raise OSError(ERR_RESOURCE)
            if datetime is not None:
                clock.set_us(datetime_us(datetime))
            if source is not None:
                clock.source = exc.get_int(source)  # the clock source keeps the time as it is
            if cls._instance is None:
                cls._instance = object.__new__(cls)
            return cls._instance

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass  # __new__ did the work, as make_new does

        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(costs.machine_call)
            datetime, _source = parse(args, kwargs, _INIT_ARGS[1:])  # init ignores `source`
            if datetime is not None:
                clock.set_us(datetime_us(datetime))

        def now(self) -> tuple:
            board.advance(costs.machine_call)
            us = clock.us()
            tm = host_time.gmtime(us // 1_000_000)  # timeutils_seconds_since_epoch_to_struct_time
            return (
                tm.tm_year,
                tm.tm_mon,
                tm.tm_mday,
                tm.tm_hour,
                tm.tm_min,
                tm.tm_sec,
                us % 1_000_000,
                None,
            )

        def ntp_sync(self, *args: Any, **kwargs: Any) -> None:
            board.advance(costs.machine_call)
            server, period, backup = parse(args, kwargs, _NTP_ARGS)
            if (period * 1000) & MASK32 < SNTP_MIN_PERIOD_MS:  # sntp_update_period is a uint32
                raise ValueError(ERR_PERIOD)
            clock.synced = False
            clock.sntp_server = None
            if server is not None:
                clock.sntp_server = get_str(server)
                if backup is not None:
                    get_str(backup)
                # sntp_init(): SNTP starts, but with no network it never hears back

        def synced(self) -> bool:
            board.advance(costs.machine_call)
            return clock.synced

        def memory(self, *args: Any) -> bytes | None:
            if len(args) > 1:
                raise exc.at_most(2, len(args) + 1)
            board.advance(costs.machine_call)
            if not args:
                return clock.memory
            data = args[0]
            try:  # mp_get_buffer_raise: a str is a buffer too
                raw = data.encode() if isinstance(data, str) else bytes(memoryview(data))
            except TypeError:
                raise TypeError("object with buffer protocol required") from None
            if len(raw) > MEM_USER_MAXLEN:
                raise ValueError(ERR_BUFFER_TOO_LONG)
            clock.memory = raw
            return None

        def __repr__(self) -> str:
            return "<RTC>"

    return RTC
