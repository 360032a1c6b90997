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

from greenlet import greenlet

from .. import exc
from ..sim.net import CONTENTION, FLOATING, HIGH, LOW

if TYPE_CHECKING:
    from ..board import Board
    from .pin import PinBase

QUEUE_SIZE = 32  # mpirq.c, firmware 1.20 (16 before)
RISING, FALLING, BOTH, LOW_LEVEL, HIGH_LEVEL = 1, 2, 3, 4, 5


class InterruptTask:
    def __init__(self, board: Board) -> None:
        self.board = board
        self.queue: deque[PinBase] = deque()
        self.alive = True
        self.masked = False  # machine.disable_irq()
        self.busy_wait = False  # inside a short sleep_us: the GIL is held, the task cannot run
        self.scheduled = False
        self.running = False  # inside the task body (running a handler or parked mid-handler)
        self.dropped = 0
        self.runs = 0
        self.glet: greenlet | None = None
        # other interrupt sources held back while masked (the timer's alarm ISR): run at unmask
        self.on_unmask: list[Callable[[], None]] = []
        self._watchers: dict[PinBase, tuple[object, Callable[[int, int, int], None]]] = {}
        # per pin: (the event log, its times.append, its keys.append, the index of the pin's
        # ('board', 'irq', pin) key), looked up once; spilling keeps the arrays, so the appends stay valid
        self._irq_keys: dict[
            PinBase, tuple[object, Callable[[int], None], Callable[[int], None], int]
        ] = {}

    def reset(self) -> None:
        """After a reboot: empty queue, a new task, nothing watched."""
        self.queue.clear()
        self.alive = True
        self.masked = self.busy_wait = self.scheduled = self.running = False
        self.glet = None
        self.on_unmask.clear()
        for pin in list(self._watchers):
            self._unwatch(pin)

    # ---- edge detection (the GPIO peripheral) ----
    def pin_configured(self, pin: PinBase) -> None:
        trigger = pin._pad_trigger
        watching = pin._input_on and 1 <= trigger <= 5
        old = self._watchers.get(pin)
        if old is not None and (not watching or old[0] is not pin._out.net):
            self._unwatch(pin)
            old = None
        if watching and old is None:
            self._watch(pin)
        if watching and trigger >= LOW_LEVEL and self._level_holds(pin):
            self.post(pin, self.board.now)

    def _watch(self, pin: PinBase) -> None:
        net = pin._out.net
        last = [_logic(net.level, 0)]
        post = self.post  # bound once: the watcher runs on every edge of the net

        def on_change(old: int, new: int, t: int) -> None:
            before = last[0]
            now = last[0] = new if new <= HIGH else _logic(new, before)
            if not pin._input_on:
                return  # the pad just became an output: with its input path off it sees nothing
            trigger = pin._pad_trigger
            if trigger <= BOTH:  # edges first: the common case
                if before != now and trigger & (RISING if now else FALLING):
                    post(pin, t)
            elif now == (trigger == HIGH_LEVEL) and before != now:
                post(pin, t)

        net.watchers.append(on_change)
        self._watchers[pin] = (net, on_change)

    def _unwatch(self, pin: PinBase) -> None:
        net, fn = self._watchers.pop(pin)
        try:
            net.watchers.remove(fn)  # type: ignore[attr-defined]
        except ValueError:
            pass

    def rewatch_all(self) -> None:
        """Nets were rebuilt (wiring): move every watcher to its pin's current net."""
        for pin in list(self._watchers):
            self._unwatch(pin)
            self._watch(pin)

    def _level_holds(self, pin: PinBase) -> bool:
        level = _logic(pin._out.net.level, 0)
        return pin._input_on and level == (pin._pad_trigger == HIGH_LEVEL)

    # ---- the queue ----
    def post(self, pin: PinBase, t: int) -> None:
        board = self.board
        if pin._handler is None:
            return  # with no handler nothing is queued (call_interrupt_handler)
        if self.masked:
            pin._latched = True  # the GPIO status bit stays set until interrupts are enabled again
            return
        heap = board.kernel._heap
        if heap and heap[0][0] < t:  # the task ran ahead of other boards: their events go first
            board._catch_up()
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
            kernel = board.kernel
            if t <= kernel.now:  # an edge from a part or stimulus: usually the very next event
                kernel.schedule_next(self._wakeup)
            else:
                kernel.schedule(t, self._wakeup)

    def kick(self, t: int) -> None:
        if self.queue and not self.scheduled and not self.running and self.alive:
            self.scheduled = True
            self.board.kernel.schedule(t, self._wakeup)

    def unmask(self) -> None:
        self.masked = False
        for pin in sorted(self.board.pins, key=lambda p: p._info.gpio):  # the ISR scans by GPIO
            if pin._latched:
                pin._latched = False
                self.post(pin, self.board.now)
        held, self.on_unmask = self.on_unmask, []
        for isr in held:
            isr()
        self.kick(self.board.now)

    def _wakeup(self, _: object) -> None:
        self.scheduled = False
        if not self.queue or self.masked or self.busy_wait or self.running or not self.alive:
            return  # masked, in a short busy wait, already running or dead: the main task kicks again
        board = self.board
        kernel = board.kernel
        loop = kernel.loop_glet
        glet = self.glet
        if glet is None or glet.dead:
            glet = self.glet = greenlet(self._body, parent=loop)
        # board.resume(glet), inlined (once per handler run): keep in step
        if kernel._front is not None:
            kernel.flush_front()
        if board.now < kernel.now:
            board.now = kernel.now
        board.current = glet
        if glet.parent is not loop:  # setting it checks for cycles: only when it changed
            glet.parent = loop
        glet.switch()

    def _body(self) -> None:
        from ..board import Reboot  # board imports this module

        board = self.board
        world = board.world
        kernel = board.kernel
        queue = self.queue
        while True:
            self.running = True
            try:
                # drain the queue (inlined here: one Python call less per handler run)
                while queue and self.alive and not self.masked:
                    pin = queue.popleft()
                    handler = pin._handler
                    if handler is None:
                        continue
                    t = board.now = board.now + board.costs.irq_dispatch  # board.advance, inlined
                    if t >= kernel.next_time:
                        board.sync()
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
                        world.recorder.event(board.now, board.name, "irq-task-died", repr(error))
                        break
                    if (
                        pin._pad_trigger >= LOW_LEVEL
                        and pin._handler is not None
                        and self._level_holds(pin)
                    ):
                        self.post(pin, board.now)
                    if board._gil_waiters:
                        board.yield_gil()
            except Reboot as reboot:  # machine.reset()/deepsleep() called from a handler
                self.running = False
                board._reboot(reboot)
                return
            finally:
                self.running = False
            if board._gil_waiters:  # release_gil(), only when a task waits
                board.release_gil()
            board.current = None
            if world._run_until_idle:  # world.board_idle(board) only acts then: skip the call
                world.board_idle(board)
            kernel.loop_glet.switch()  # park until the next wakeup resumes us


def _logic(level: int, previous: int) -> int:
    """What the input buffer sees: floating keeps the last value (pad capacitance), contention reads 0."""
    if level == LOW or level == HIGH:
        return level
    if level == FLOATING:
        return previous
    assert level == CONTENTION
    return 0
