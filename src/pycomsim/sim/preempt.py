"""The charge of a basic block, and the GIL preemption point of the VM (py/vm.c of MicroPython 1.11).

`make_tick(board)` gives the function that instrumented user code calls at every basic block
(lang/timing.py). It advances the board's CPU clock by the block's cost. Two things can follow:

* the clock reaches the next pending event: the events up to now happen (other boards, stimuli, the
  GPIO ISR queueing an edge), but with the GIL held: no other task of this board runs in the middle
  of a block, as on the board where only the VM lets go of the GIL;
* every `GIL_VM_DIVISOR`-th block is the preemption point (py/vm.c `pending_exception_check`:
  `if (--gil_divisor == 0) { MP_THREAD_GIL_EXIT(); MP_THREAD_GIL_ENTER(); }`). The interrupt task
  (priority 11) takes the GIL there at once when it has queued work; a main task or thread waiting
  for the GIL (priority 5, the running task's own) gets it at the first point after a FreeRTOS tick.

The divisor counter is the board's (the VM's is per bytecode function call: a deviation of at most
a few blocks in where a switch happens, deterministic either way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from greenlet import getcurrent

from ..core.cpu import GIL_VM_DIVISOR, RTOS_TICK_NS

if TYPE_CHECKING:
    from ..board import Board


def make_tick(board: Board) -> Callable[[int], None]:
    """The charge function of `board`'s instrumented code: `tick(ns)` at every basic block."""
    kernel = board.kernel
    cpu = board.scheduler
    irq = board.irq
    left = GIL_VM_DIVISOR
    slice_end = 0  # the FreeRTOS tick that ends the running task's time slice
    slice_task: object = None  # the task that slice belongs to

    def tick(cost: int) -> None:
        nonlocal left
        t = cpu.now = cpu.now + cost
        left -= 1
        if left and t < kernel.next_time:
            return
        slow(t)

    def slow(t: int) -> None:
        nonlocal left, slice_end, slice_task
        if t >= kernel.next_time:
            hold_gil_sync()
        if left > 0:
            return
        left = GIL_VM_DIVISOR
        task = cpu.current
        if task is None or task is cpu.interrupt_task or getcurrent() is not task:
            return  # the interrupt task outranks everyone; host code has no GIL to give
        if task is not slice_task:  # a task that just got the CPU runs to the next RTOS tick
            slice_task = task
            slice_end = (cpu.now // RTOS_TICK_NS + 1) * RTOS_TICK_NS
        handler_due = bool(irq.queue) and irq.alive and not irq.masked and not irq.running
        thread_due = bool(cpu.gil_waiters) and cpu.now >= slice_end
        if not (handler_due or thread_due):
            return
        if thread_due:
            slice_end = (cpu.now // RTOS_TICK_NS + 1) * RTOS_TICK_NS
        give_gil(handler_due, thread_due)

    def hold_gil_sync() -> None:
        was = cpu.busy_wait
        cpu.busy_wait = True  # the running task keeps the GIL: due tasks wait (resume_when_free)
        try:
            cpu.sync(faults=False)  # a strict run's fault surfaces at the next API call
        finally:
            cpu.busy_wait = was

    def give_gil(handler_due: bool, thread_due: bool) -> None:
        """MP_THREAD_GIL_EXIT; MP_THREAD_GIL_ENTER: whoever outranks or shares waits no more."""
        me = cpu.current
        now = cpu.now
        if handler_due:
            irq.kick(now)  # first: priority 11 runs before the tasks of priority 5
        if thread_due:
            cpu.release_gil()
        kernel.schedule(now, cpu.resume_when_free, me)
        kernel.loop_glet.switch()
        cpu.after_switch()

    return tick
