"""`machine.Timer` (`esp32/mods/machtimer.c`, `machtimer_alarm.c`, `machtimer_chrono.c`).

One hardware counter, TIMG0 timer 0, counts at 40 MHz (APB / 2) from boot; `Chrono` reads it and
`Alarm` sets its compare register. The alarms of a boot are one list ordered by due count (16 at most);
the hardware compares against the first. Its interrupt (the ISR, `timer_alarm_isr`) takes the first
alarm off the list, re-arms a periodic one at *the count it reads then* plus the interval (so the
interrupt latency accumulates as drift), and queues `alarm_handler` on the interrupt task, the same
queue and task as Pin callbacks (`util/mpirq.c`). `alarm_handler` calls the handler the alarm has
*when it runs*, then forgets a one-shot alarm's handler.

Firmware quirks kept (they follow from `alarm_set_callback_helper`):
* `callback()` on an alarm that is armed takes it off the list, clears its handler
  (INTERRUPT_OBJ_CLEAN), then re-arms it because a cleared handler is not `None`: the countdown
  restarts but the new handler is never called. `callback(None)` on an armed alarm so stops the
  calls, yet the alarm stays armed (it still counts towards the 16).
* A one-shot alarm re-armed from its own handler fires without a handler: alarm_handler clears it
  after the handler returns.
* `ms` and `us` are uint32, and their tick products are uint32 too: negatives wrap, and
  `ms` above 107374 (or `us` above 107374182) wraps modulo 2**32 ticks (107.37 s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .args import BOOL, INT, Arg, get_float, parse
from .lang.mod_ustruct import to_float32

if TYPE_CHECKING:
    from ..board import Board

CLK_HZ = 40_000_000  # machtimer.h CLK_FREQ (APB_CLK_FREQ / 2)
NS_PER_TICK = 25
ALARM_HEAP_MAX_ELEMENTS = 16  # machtimer_alarm.c
MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1
SLEEP_US_GIL_MIN = 1000  # machtimer.c sleep_us: releases the interpreter lock from 1 ms on

ERR_SINGLE_DURATION = "please provide a single duration"
ERR_POSITIVE = "please provide a positive number"
ERR_MAX_ALARMS = "maximum number of 16 alarms already reached"


class TimerGroup:
    """TIMG0 timer 0 and the alarm list of the current boot."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.origin_ns = 0  # board time at which the counter read 0
        self.alarms: list[AlarmBase] = []  # ordered by `when`
        self._generation = 0  # bumps whenever the compare register changes: stale ISRs do nothing
        self._deferred = False  # an alarm interrupt is pending while interrupts are disabled
        self.created = 0  # alarms made this boot (their names in the event log)

    # ---- the counter ----
    def count(self, t_ns: int | None = None) -> int:
        t = self.board.now if t_ns is None else t_ns
        return (t - self.origin_ns) // NS_PER_TICK

    def boot(self) -> None:
        """machtimer_preinit (the counter restarts at 0) and machtimer_init0 (an empty alarm list)."""
        self.halt()
        self.origin_ns = self.board.kernel.now
        self.created = 0

    def halt(self) -> None:
        """machtimer_deinit before a reset or deep sleep: no alarm interrupt any more."""
        for alarm in self.alarms:
            alarm.armed = False
        self.alarms = []
        self._deferred = False
        self._generation += 1

    def suspend(self) -> None:
        """Light sleep gates the APB clock: no alarm interrupt until `pause` says for how long."""
        self._generation += 1

    def pause(self, ns: int) -> None:
        """After a light sleep of `ns`: the counter stood still that long."""
        self.origin_ns += ns
        self._load_next()

    # ---- the ordered list (insert_alarm, remove_alarm, load_next_alarm) ----
    def insert(self, alarm: AlarmBase) -> None:
        index = 0
        for index, other in enumerate(self.alarms):  # noqa: B007 - the index is the result
            if alarm.when <= other.when:
                break
        else:
            index = len(self.alarms)
        self.alarms.insert(index, alarm)
        alarm.armed = True
        if index == 0:
            self._load_next()

    def remove(self, alarm: AlarmBase) -> None:
        first = self.alarms and self.alarms[0] is alarm
        self.alarms.remove(alarm)
        alarm.armed = False
        if first:
            self._load_next()

    def _load_next(self) -> None:
        self._generation += 1
        if self.alarms:
            board = self.board
            due = self.origin_ns + self.alarms[0].when * NS_PER_TICK + board.costs.timer_isr
            board.kernel.schedule(due, self._isr, self._generation)

    # ---- the interrupt ----
    def _isr(self, generation: int) -> None:
        if generation != self._generation:
            return
        irq = self.board.irq
        if irq.masked:  # machine.disable_irq(): the level interrupt waits for enable_irq
            if not self._deferred:
                self._deferred = True
                irq.on_unmask.append(self._deferred_isr)
            return
        self._run_isr(self.board.kernel.now)

    def _deferred_isr(self) -> None:
        if self._deferred:
            self._deferred = False
            if self.alarms:
                self._run_isr(self.board.now)

    def _run_isr(self, t: int) -> None:
        """timer_alarm_isr at time `t`."""
        alarm = self.alarms[0]
        self.remove(alarm)
        if alarm.periodic:
            alarm.when = self.count(t) + alarm.interval  # set_alarm_when reads the counter now
            self.insert(alarm)
        board = self.board
        board.world.recorder.event(t, board.name, "alarm", alarm._name)
        board.irq.post(alarm, t)  # mp_irq_queue_interrupt(alarm_handler, alarm)


def _clocks(s: float, ms: int, us: int) -> int:
    """alarm_make_new: (uint64_t)(s * CLK_FREQ + 0.5) + ms * 40000 + us * 40, the products uint32."""
    scaled = to_float32(s * CLK_HZ)  # float * int is float arithmetic on the board
    whole = int(scaled + 0.5) if scaled != float("inf") else MASK64
    return (
        whole + ((ms * (CLK_HZ // 1000)) & MASK32) + ((us * (CLK_HZ // 1_000_000)) & MASK32)
    ) & MASK64


_ALARM_ARGS = (
    Arg("handler", required=True),
    Arg("s"),
    Arg("ms", 0, INT, kw_only=True),
    Arg("us", 0, INT, kw_only=True),
    Arg("arg", kw_only=True),
    Arg("periodic", False, BOOL, kw_only=True),
)
_CALLBACK_ARGS = (Arg("handler", required=True), Arg("arg", kw_only=True))


class AlarmBase:
    """`Timer.Alarm`. To the interrupt task it looks like a Pin: `_handler`, `_arg`, `_name`."""

    _timers: TimerGroup
    _pad_trigger = 0  # never a level trigger: the interrupt task does not re-queue it

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        timers = self._timers
        board = timers.board
        board.advance(board.costs.machine_call)
        handler, s, ms, us, arg, periodic = parse(args, kwargs, _ALARM_ARGS)
        s = 0.0 if s is None else to_float32(get_float(s))  # mp_float_t is float32 on the board
        ms &= MASK32
        us &= MASK32
        if (s != 0.0) + (ms != 0) + (us != 0) != 1:
            raise ValueError(ERR_SINGLE_DURATION)
        if s < 0.0:  # ms and us are unsigned: only s can be negative
            raise ValueError(ERR_POSITIVE)
        timers.created += 1
        self._name = f"Alarm{timers.created}"
        self.interval = _clocks(s, ms, us)
        self.periodic = periodic
        self.when = 0
        self.armed = False
        self.user_handler: Any = None
        self.user_arg: Any = None
        self._handler = self._dispatch  # what the interrupt task calls, with `_arg`
        self._arg = None
        self._set_callback(handler, arg)

    def _set_callback(self, handler: Any, arg: Any) -> None:
        """alarm_set_callback_helper, step by step (see the module docstring for what follows)."""
        timers = self._timers
        self.user_handler = handler
        self.user_arg = self if arg is None else arg
        if self.armed:
            timers.remove(self)
            self.user_handler = self.user_arg = _CLEARED  # INTERRUPT_OBJ_CLEAN
        if len(timers.alarms) == ALARM_HEAP_MAX_ELEMENTS:
            raise MemoryError(ERR_MAX_ALARMS)
        if self.user_handler is not None:  # a cleared handler is not None: it re-arms
            self.when = timers.count() + self.interval
            timers.insert(self)

    def _dispatch(self, _: object) -> None:
        """alarm_handler, on the interrupt task."""
        handler = self.user_handler
        if handler is not None and handler is not _CLEARED:
            handler(self.user_arg)
        if not self.periodic:
            self.user_handler = self.user_arg = _CLEARED

    def callback(self, *args: Any, **kwargs: Any) -> None:
        board = self._timers.board
        board.advance(board.costs.machine_call)
        handler, arg = parse(args, kwargs, _CALLBACK_ARGS)
        self._set_callback(handler, arg)

    def cancel(self) -> None:
        """alarm_delete (also `__del__`): off the list, handler cleared."""
        board = self._timers.board
        board.advance(board.costs.machine_call)
        self._delete()

    def _delete(self) -> None:
        if self.armed:
            self._timers.remove(self)
        self.user_handler = self.user_arg = _CLEARED

    def __del__(self) -> None:
        # the firmware's __del__ is cancel; the host's collector only finalises an alarm that is off
        # the list (the list holds the armed ones), so this never touches a running board
        try:
            self._delete()
        except Exception:  # noqa: BLE001, S110 - a finaliser must not complain at interpreter exit
            pass

    def __repr__(self) -> str:
        return "<Alarm>"


class _Cleared:
    """The NULL handler INTERRUPT_OBJ_CLEAN leaves: not None, and never called."""

    def __repr__(self) -> str:
        return "NULL"


_CLEARED = _Cleared()


class ChronoBase:
    """`Timer.Chrono`: a stopwatch on the 40 MHz counter, read as float32 (machtimer_chrono.c)."""

    _timers: TimerGroup

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # chrono_make_new ignores its arguments
        board = self._timers.board
        board.advance(board.costs.machine_call)
        self._start = 0  # 0 means stopped, as in the firmware
        self._accumulator = 0

    def _count(self) -> int:
        board = self._timers.board
        board.advance(board.costs.machine_call)
        return self._timers.count()

    def start(self) -> None:
        t = self._count()
        if self._start == 0:  # start() on a running chrono does nothing
            self._start = t

    def stop(self) -> None:
        t = self._count()
        if self._start != 0:
            self._accumulator += t - self._start
            self._start = 0

    def reset(self) -> None:
        t = self._count()
        self._accumulator = 0
        if self._start:  # a running chrono keeps running, from now
            self._start = t

    def _elapsed(self) -> int:
        t = self._count()
        return self._accumulator if self._start == 0 else t - self._start + self._accumulator

    def read(self) -> float:
        return to_float32(to_float32(self._elapsed()) / CLK_HZ)

    def read_ms(self) -> float:
        return to_float32(to_float32(self._elapsed()) / (CLK_HZ // 1000))

    def read_us(self) -> float:
        return to_float32(to_float32(self._elapsed()) / (CLK_HZ // 1_000_000))

    def __repr__(self) -> str:
        return "<Chrono>"


class _TimerType(type):
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("cannot create 'Timer' instances")  # no make_new (py/objtype.c type_call)

    def __repr__(cls) -> str:
        return "<class 'Timer'>"


def make_timer_class(board: Board) -> type:
    """The board's `machine.Timer`: a holder of Alarm, Chrono and sleep_us."""
    timers = board.system.timers
    alarm = type("Alarm", (AlarmBase,), {"_timers": timers})
    chrono = type("Chrono", (ChronoBase,), {"_timers": timers})

    def sleep_us(delay: Any) -> None:
        """machtimer.c sleep_us: a busy wait on the counter, lock released only from 1000 us on.
        The firmware subtracts a calibrated call overhead, so the whole call lasts `delay` us."""
        from .. import exc

        d = exc.get_int(delay) & MASK64  # uint64_t: a negative delay is a huge one...
        board.advance(board.costs.sleep_call)
        now = timers.count()
        target = (d * (CLK_HZ // 1_000_000) + now) & MASK64  # ...that wraps past the counter
        ticks = max(0, target - now - board.costs.sleep_call // NS_PER_TICK)
        if ticks:
            board.sleep_ns(ticks * NS_PER_TICK, busy=d < SLEEP_US_GIL_MIN)

    return _TimerType(
        "Timer", (), {"Alarm": alarm, "Chrono": chrono, "sleep_us": staticmethod(sleep_us)}
    )
