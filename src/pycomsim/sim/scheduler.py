"""One board's CPU: its clock, its tasks (main script, interrupt task, `_thread`s) and the interpreter
lock (GIL) they share. Every task switch of a board happens here.

The clock (`now`, int ns) runs ahead of the kernel clock while it stays below the kernel's next pending
event (`kernel.next_time`): nothing else can happen before that event, so running ahead is safe and
keeps the hot path free of task switches. A task that reaches `next_time` parks itself as an event at
its own time (`sync`) and lets the kernel process everything earlier first.

The GIL follows the port (esp32/mpthreadport.c, py/modthread.c): the interrupt task holds it from a
handler's dispatch until the handler ends or sleeps (it outranks the main thread on the board), a short
`sleep_us` keeps it while spinning, and a task that comes due while another holds it waits in
`gil_waiters` until the holder lets go.

A reset or deep sleep raised in any task (`Reboot`) unwinds every task of the board in one place
(`_run`), then hands over to the board's lifecycle (`on_reboot`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from greenlet import GreenletExit, getcurrent, greenlet

from .kernel import Kernel


class Reboot(BaseException):
    """Unwinds the running task when the script resets or deep-sleeps the board."""

    def __init__(self, cause: int, sleep_ns: int | None = 0) -> None:
        super().__init__(cause, sleep_ns)
        self.cause = cause
        self.sleep_ns = sleep_ns  # None: deep sleep until a wake pin


class InterruptWork(Protocol):
    """What the scheduler needs to know of the interrupt task's queue (firmware/irq.py) to wake it."""

    queue: Any
    scheduled: bool  # a wakeup is pending
    masked: bool  # machine.disable_irq()
    running: bool  # inside the task body
    alive: bool  # False once a handler's exception ended the task

    def kick(self, t: int) -> None: ...

    def body(self) -> None: ...


class _AlwaysListening:
    run_until_idle = True


class Scheduler:
    def __init__(
        self,
        kernel: Kernel,
        *,
        on_reboot: Callable[[Reboot], None],
        on_idle: Callable[[], None],
        run_ahead_limit: Callable[[], int],
        before_resume: Callable[[], None] = lambda: None,
        idle_watcher: Any = None,
    ) -> None:
        self.kernel = kernel
        self.now = kernel.now
        self.current: greenlet | None = None  # the task running now (or parked mid-call)
        self.main: greenlet | None = None
        self.interrupt_task: greenlet | None = None
        self.interrupts: InterruptWork | None = None  # set by the board: the ISR queue
        self.threads: list[greenlet] = []  # live _thread tasks
        # tasks waiting for a _thread lock or an endless uselect poll: only another task can wake
        # them, so they do not keep a run without `until` going (busy)
        self.blocked: set[greenlet] = set()
        # The interrupt task holds the GIL from a handler's dispatch until it ends or sleeps; a
        # main or _thread task due meanwhile waits in gil_waiters.
        self.irq_holds_gil = False
        self.busy_wait = False  # inside a short sleep_us: the GIL is held, no handler runs
        self.gil_waiters: list[greenlet] = []
        self.pending_fault: BaseException | None = None  # strict runs: raised at the next API call
        self._on_reboot = on_reboot
        self._on_idle = on_idle
        # what `on_idle` reports to: its `run_until_idle` says whether it wants to hear (World)
        self.idle_watcher = idle_watcher if idle_watcher is not None else _AlwaysListening()
        self._run_ahead_limit = run_ahead_limit
        self._before_resume = before_resume

    # ---- the clock ----
    def advance(self, cost: int) -> None:
        """Charge `cost` ns of CPU time to the running task; let due events happen first."""
        t = self.now = self.now + cost
        if t >= self.kernel.next_time:
            self.sync()

    def in_task(self) -> bool:
        """True when called from this board's running task (not from the host or the kernel)."""
        return self.current is not None and getcurrent() is self.current

    def time_now(self) -> int:
        """The board's time for its running task, else the kernel's (a test, a part, a stimulus)."""
        return self.now if self.in_task() else self.kernel.now

    def sync(self, run_ahead: bool = True, faults: bool = True) -> None:
        """Let everything scheduled before `now` happen (other boards, stimuli, this board's handlers).
        `faults` False: a strict run's pending fault waits for the next API call (sim/preempt.py)."""
        task = self.current
        if task is None or getcurrent() is not task:
            if not self.kernel.in_loop():
                self.kernel.run_until(self.now)  # called from the host (a test): it drives time
            return
        if run_ahead:
            limit = self._run_ahead_limit()
            if self.now < limit:
                # only other clusters' task switches come first: they cannot affect this board, so
                # it goes on without two greenlet switches; `catch_up` puts output back in time order
                self.kernel.next_time = limit
                self._kick_interrupts()
                return
        holds = task is self.interrupt_task
        self.irq_holds_gil = holds
        self.kernel.schedule(self.now, self.resume_when_free, task)
        self.kernel.loop_glet.switch()
        if holds:
            self.irq_holds_gil = False
        if faults:
            self.after_switch()
        self._kick_interrupts()

    def catch_up(self) -> None:
        """Before output that other boards' output is ordered against (the console, IRQ events,
        warnings, the script's end): if this task ran ahead of other clusters' work, let that work
        happen first. Only when every event before `now` is another cluster's, so this board's own
        behaviour never changes."""
        if not self.in_task():
            return
        if self.kernel.earliest() < self.now < self._run_ahead_limit():
            self.sync(run_ahead=False)

    def after_switch(self) -> None:
        """Back in a task after a switch: a strict run's fault that a part or stimulus caused while
        it waited surfaces here, in the script (World._contention)."""
        if self.pending_fault is not None:
            error, self.pending_fault = self.pending_fault, None
            raise error  # type: ignore[misc]

    def _kick_interrupts(self) -> None:
        work = self.interrupts
        if work is not None and work.queue and not self.busy_wait:
            work.kick(self.now)

    # ---- switching ----
    def resume_when_free(self, task: greenlet) -> None:
        """Kernel event: run `task` now, unless another task holds the GIL (then it waits)."""
        if task.dead:
            return
        if (self.irq_holds_gil and task is not self.interrupt_task) or (
            self.busy_wait and task is not self.current  # a short sleep_us keeps the GIL
        ):
            self.gil_waiters.append(task)  # it runs when the holder lets go (release_gil)
            return
        self.resume(task)

    def resume(self, task: greenlet) -> None:
        kernel = self.kernel
        kernel.flush_front()  # a task looks at the heap: the kept-aside event goes there
        if self.now < kernel.now:
            self.now = kernel.now
        self.current = task
        loop = kernel.loop_glet
        if task.parent is not loop:  # setting it checks for cycles: only when it changed
            task.parent = loop
        task.switch()

    def wake(self, task: greenlet) -> None:
        """Make `task` due now (a new thread, a lock handed over)."""
        self.blocked.discard(task)
        self.kernel.schedule(self.now, self.resume_when_free, task)

    def throw_into(self, task: greenlet | None, error: BaseException) -> bool:
        """Raise `error` in `task` where it waits (a kernel event: Ctrl-C on the serial console). Its
        pending wake-up is dropped so it is not woken twice. A task blocked on a _thread lock is
        not interruptible (xSemaphoreTake with portMAX_DELAY); False then, and for a dead task."""
        if task is None or task.dead or task is getcurrent() or task in self.blocked:
            return False
        kernel = self.kernel
        kernel.cancel(self.resume_when_free, task)
        if task in self.gil_waiters:
            self.gil_waiters.remove(task)
        if self.now < kernel.now:
            self.now = kernel.now
        self.current = task
        if task.parent is not kernel.loop_glet:
            task.parent = kernel.loop_glet
        task.throw(error)
        return True

    def park_idle(self) -> None:
        """The running task has nothing to do until it is woken (the interrupt task after draining its
        queue): tell the world, then let the kernel loop go on. Once per handler run: the world is
        only told during a run without `until`, the one that cares."""
        self.current = None
        if self.idle_watcher.run_until_idle:
            self._on_idle()
        self.kernel.loop_glet.switch()

    def release_gil(self) -> None:
        """The holder sleeps or has drained its queue: tasks that came due run now, in order."""
        waiters = self.gil_waiters
        for task in waiters:
            self.kernel.schedule(self.now, self.resume_when_free, task)
        waiters.clear()

    def yield_gil(self) -> None:
        """Between two handler runs the interrupt task drops the GIL (mpirq.c TASK_Interrupts,
        MP_THREAD_GIL_EXIT): a main task that came due gets a turn, so a flood of level interrupts
        slows the script down without stopping it."""
        if self.gil_waiters:
            self.sleep(0)

    # ---- waiting ----
    def sleep(self, ns: int, *, busy: bool = False) -> None:
        """Sleep the running task. `busy` keeps the GIL (no handler runs), as mp_hal_delay_us does
        for short delays."""
        if busy:
            self.busy_wait = True
            try:
                self.advance(ns)
            finally:
                self.busy_wait = False
            if self.gil_waiters:  # a _thread task came due during the busy wait
                self.release_gil()
            self._kick_interrupts()
            return
        task = self.current
        if task is None or getcurrent() is not task:
            self.now += ns
            if not self.kernel.in_loop():
                self.kernel.run_until(self.now)
            return
        wake = self.now + ns
        self.release_gil()  # mp_hal_delay_ms: MP_THREAD_GIL_EXIT (first: a waiting main goes first)
        self.kernel.schedule(wake, self.resume_when_free, task)
        self._kick_interrupts()
        self.kernel.loop_glet.switch()
        self.after_switch()

    def block(self) -> None:
        """Wait until another task calls `wake` (a _thread lock, an endless poll). GIL released."""
        me = getcurrent()
        self.release_gil()
        self._kick_interrupts()
        self.current = None
        self.blocked.add(me)
        self._on_idle()  # if every task now waits, a run without `until` is over
        try:
            self.kernel.loop_glet.switch()
        finally:
            self.blocked.discard(me)
        self.after_switch()

    def suspend(self, deadline: int | None = None, *, certain: bool = False) -> None:
        """Park the running task until another task or event calls `wake` for it, or until
        `deadline` (ns) passes, with the GIL released. Without a deadline and unless the wake is
        `certain` (the board's own firmware will give it), the task counts as blocked: a run
        without `until` ends if nothing is left that could wake it."""
        if deadline is None and not certain:
            self.block()
            return
        task = getcurrent()
        self.release_gil()
        if deadline is not None:
            self.kernel.schedule(deadline, self.resume_when_free, task)
        self._kick_interrupts()
        self.kernel.loop_glet.switch()
        self.after_switch()

    # ---- tasks ----
    def start_main(
        self,
        body: Callable[[], Any],
        on_error: Callable[[BaseException], None],
        on_end: Callable[[], None],
    ) -> None:
        """Start the main script's task now. `on_error` gets its uncaught exception; `on_end` runs
        when it has ended (not when it rebooted the board)."""
        self.main = greenlet(
            lambda: self._run(body, on_error, on_end), parent=self.kernel.loop_glet
        )
        self.resume(self.main)

    def start_thread(
        self, body: Callable[[], Any], on_error: Callable[[BaseException], None]
    ) -> greenlet:
        """A `_thread` task, due at the creator's next switch point."""
        task = greenlet(lambda: self._run(body, on_error), parent=self.kernel.loop_glet)
        self.threads.append(task)
        self.kernel.schedule(self.now, self.resume_when_free, task)
        return task

    def wake_interrupt_task(self, _: object = None) -> None:
        """Kernel event (the queue got work): run the interrupt task, resuming it where it parked
        or starting it on the queue's `body` (which handles its handlers' exceptions itself);
        nothing when it is masked, already running or dead, or in a short busy wait (the main task
        kicks it again). Once per handler run, so `resume` is inlined, without its flush: a kernel
        event never starts with an event kept aside (the loop runs that one before any other)."""
        work: Any = self.interrupts  # set by the board before any wakeup is scheduled
        work.scheduled = False
        if not work.queue or work.masked or self.busy_wait or work.running or not work.alive:
            return
        kernel = self.kernel
        loop = kernel.loop_glet
        glet = self.interrupt_task
        if glet is None or glet.dead:
            body = work.body
            glet = self.interrupt_task = greenlet(lambda: self._run(body, None), parent=loop)
        if self.now < kernel.now:
            self.now = kernel.now
        self.current = glet
        if glet.parent is not loop:  # setting it checks for cycles: only when it changed
            glet.parent = loop
        glet.switch()

    def _run(
        self,
        body: Callable[[], Any],
        on_error: Callable[[BaseException], None] | None,
        on_end: Callable[[], None] | None = None,
    ) -> None:
        """A task's whole life: the body, its uncaught exception, a reboot it raised, its end."""
        me = getcurrent()
        try:
            body()
        except Reboot as reboot:  # machine.reset()/deepsleep() from any task reboots the board
            self.reboot(reboot)
            return
        except SystemExit:
            pass
        except (GreenletExit, KeyboardInterrupt):
            raise
        except BaseException as error:
            if on_error is None:
                raise
            on_error(error)
        finally:
            if me in self.threads:
                self.threads.remove(me)
        if on_end is not None:
            on_end()
        self.release_gil()  # a task that ends lets go of the GIL: tasks due meanwhile run
        self.current = None
        self._on_idle()

    def reboot(self, reboot: Reboot) -> None:
        """Called on the task that raised Reboot: unwind every other task of the board, then hand
        over to the lifecycle (boot again, or deep sleep)."""
        me = getcurrent()
        self.irq_holds_gil = self.busy_wait = False
        self.gil_waiters.clear()
        self.blocked.clear()
        threads, self.threads = self.threads, []  # the reboot ends every _thread task too
        for task in (self.main, self.interrupt_task, *threads):
            if task is not None and task is not me and not task.dead:
                task.parent = me  # its unwinding returns here, not to the loop
                task.throw(GreenletExit)
        self.interrupt_task = None
        self.current = None
        self._on_reboot(reboot)

    def busy(self, main_running: bool, interrupts_pending: bool, irq_running: bool) -> bool:
        """Has this CPU work left that no other task has to wake? (a run without `until` ends when
        no board has)"""
        blocked = self.blocked
        return (
            (main_running and self.main not in blocked)
            or interrupts_pending
            or (irq_running and self.interrupt_task not in blocked)
            or any(task not in blocked for task in self.threads)
        )
