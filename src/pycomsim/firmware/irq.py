"""The interrupt task: the firmware's ISR queue (`mpirq.c`) and the thread that runs Python handlers.

The ISR puts the pin (or another source: a `Timer.Alarm` has the same `_handler`, `_arg`, `_name`)
on a queue of 32 entries and drops events silently when it is full; the task takes
an entry off the queue, then runs the pin's handler as it is *now* (not when queued), one at a time.
An uncaught exception prints a message and ends the task for good. Level triggers are never disabled:
after each run, while the level still holds, another event is queued.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import exc
from ..chip.pads import HIGH, LOW, X, Z

if TYPE_CHECKING:
    from ..board import Board
    from .pin import PinBase

QUEUE_SIZE = 32  # mpirq.c, firmware 1.20 (16 before)
RISING, FALLING, BOTH, LOW_LEVEL, HIGH_LEVEL = 1, 2, 3, 4, 5


class InterruptTask:
    def __init__(self, board: Board) -> None:
        self.board = board
        self.cpu = board.scheduler
        self.queue: deque[PinBase] = deque()
        self.alive = True
        self.masked = False  # machine.disable_irq()
        self.scheduled = False
        self.running = False  # inside the task body (running a handler or parked mid-handler)
        self.dropped = 0
        self.runs = 0
        # other interrupt sources held back while masked (the timer's alarm ISR): run at unmask
        self.on_unmask: list[Callable[[], None]] = []
        self._unwatch: dict[PinBase, Callable[[], None]] = {}
        # per pin: (the event log, its times.append, its keys.append, the index of the pin's
        # ('board', 'irq', pin) key), looked up once; spilling keeps the arrays, so the appends stay valid
        self._irq_keys: dict[
            PinBase, tuple[object, Callable[[int], None], Callable[[int], None], int]
        ] = {}
        self.cpu.interrupts = self

    def reset(self) -> None:
        """After a reboot: empty queue, a new task, nothing watched."""
        self.queue.clear()
        self.alive = True
        self.masked = self.scheduled = self.running = False
        self.on_unmask.clear()
        for unwatch in self._unwatch.values():
            unwatch()
        self._unwatch.clear()

    # ---- edge detection (the GPIO peripheral's intr_type on each pad) ----
    def pin_configured(self, pin: PinBase) -> None:
        trigger = pin._pad_trigger
        watching = pin._pad.input_enabled and 1 <= trigger <= 5
        unwatch = self._unwatch.get(pin)
        if unwatch is not None and not watching:
            del self._unwatch[pin]
            unwatch()
        elif watching and unwatch is None:
            self._watch(pin)
        if watching and trigger >= LOW_LEVEL and self._level_holds(pin):
            self.post(pin, self.cpu.now)

    def _watch(self, pin: PinBase) -> None:
        pad = pin._pad
        last = [_logic(pad.read(), 0)]
        post = self.post  # bound once: the watcher runs on every edge of the net

        def on_change(old: int, new: int, t: int) -> None:
            before = last[0]
            now = last[0] = new if new <= HIGH else _logic(new, before)
            if not pad.input_enabled:
                return  # the pad just became an output: with its input path off it sees nothing
            trigger = pin._pad_trigger
            if trigger <= BOTH:  # edges first: the common case
                if before != now and trigger & (RISING if now else FALLING):
                    post(pin, t)
            elif now == (trigger == HIGH_LEVEL) and before != now:
                post(pin, t)

        self._unwatch[pin] = pad.watch(on_change)

    def _level_holds(self, pin: PinBase) -> bool:
        level = _logic(pin._pad.read(), 0)
        return pin._pad.input_enabled and level == (pin._pad_trigger == HIGH_LEVEL)

    # ---- the queue ----
    def post(self, pin: PinBase, t: int) -> None:
        board = self.board
        if pin._handler is None:
            return  # with no handler nothing is queued (call_interrupt_handler)
        if self.masked:
            pin._latched = True  # the GPIO status bit stays set until interrupts are enabled again
            return
        kernel = board.kernel
        # a task that ran ahead of other boards (t past the kernel clock) lets their events go
        # first; an edge from a part or stimulus (t is the kernel's now) has nothing earlier due
        if t > kernel.now and kernel.earliest() < t:
            self.cpu.catch_up()
        if len(self.queue) >= QUEUE_SIZE:
            self.dropped += 1
            board.world.recorder.event(t, board.name, "drop", pin._name)
            return
        self.queue.append(pin)
        # recorder.event(t, board.name, "irq", pin._name), inlined with the key looked up once per pin
        log = board.world.recorder.events
        rec = self._irq_keys.get(pin)
        if rec is None or rec[0] is not log:
            i = log.index(board.name, "irq", pin._name)
            rec = self._irq_keys[pin] = (log, log.times.append, log.keys.append, i)
        rec[1](t)
        rec[2](rec[3])
        if not self.scheduled and not self.running and self.alive:  # kick(), inlined: hot path
            self.scheduled = True
            if t <= kernel.now:  # an edge from a part or stimulus: usually the very next event
                kernel.schedule_next(self.cpu.wake_interrupt_task)
            else:
                kernel.schedule(t, self.cpu.wake_interrupt_task)

    def kick(self, t: int) -> None:
        if self.queue and not self.scheduled and not self.running and self.alive:
            self.scheduled = True
            self.board.kernel.schedule(t, self.cpu.wake_interrupt_task)

    def unmask(self) -> None:
        self.masked = False
        for pin in sorted(self.board.pins, key=lambda p: p._info.gpio):  # the ISR scans by GPIO
            if pin._latched:
                pin._latched = False
                self.post(pin, self.cpu.now)
        held, self.on_unmask = self.on_unmask, []
        for isr in held:
            isr()
        self.kick(self.cpu.now)

    def body(self) -> None:
        """The interrupt task (the scheduler starts it and wakes it, `Scheduler.wake_interrupt_task`):
        run the queued handlers, park, again."""
        board = self.board
        cpu = self.cpu
        kernel = board.kernel
        queue = self.queue
        dispatch = board.costs.irq_dispatch
        while True:
            self.running = True
            try:
                # drain the queue (inlined here: one Python call less per handler run)
                while queue and self.alive and not self.masked:
                    pin = queue.popleft()
                    handler = pin._handler
                    if handler is None:
                        continue
                    t = cpu.now = cpu.now + dispatch  # cpu.advance, inlined
                    if t >= kernel.next_time:
                        cpu.sync()
                    self.runs += 1
                    try:
                        handler(pin._arg)
                    except SystemExit:
                        pass
                    except Exception as error:  # the firmware prints and the interrupt task ends
                        self.alive = False
                        board.console_write(
                            exc.IRQ_UNHANDLED + "\n" + board.format_board_exception(error)
                        )
                        board.world.recorder.event(
                            cpu.now, board.name, "irq-task-died", repr(error)
                        )
                        break
                    if (
                        pin._pad_trigger >= LOW_LEVEL
                        and pin._handler is not None
                        and self._level_holds(pin)
                    ):
                        self.post(pin, cpu.now)
                    if cpu.gil_waiters:
                        cpu.yield_gil()
            finally:
                self.running = False
            if cpu.gil_waiters:  # release_gil(), only when a task waits
                cpu.release_gil()
            cpu.park_idle()  # until the next wakeup resumes us


def _logic(level: int, previous: int) -> int:
    """What the input buffer sees: floating keeps the last value (pad capacitance), contention reads 0."""
    if level == LOW or level == HIGH:
        return level
    if level == Z:
        return previous
    assert level == X
    return 0
