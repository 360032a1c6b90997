"""Blocking a board task on a network object: wait until it is ready, or a deadline on the board clock.

A firmware call such as ``s.recv(64)`` on a blocking socket waits in FreeRTOS (``xQueueReceive`` with a
timeout) with the interpreter lock released, so interrupt handlers and other threads run meanwhile.
Here the task parks in the kernel: a `WaitList` holds the parked tasks of one object (a socket's
receive queue, the LoRa modem's "done" bit); whoever makes the object ready calls `WaitList.wake`.
A wait with a deadline is an ordinary timed sleep that can end early; a wait without one parks the task
as blocked (`Scheduler.suspend`), so a run without `until` ends if nothing is left that could wake it, unless
the wake is certain (the board's own LoRa task will finish the command it waits for).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from greenlet import getcurrent, greenlet

from ... import exc

if TYPE_CHECKING:
    from ...board import Board


class _Waiter:
    __slots__ = ("board", "task", "fired")

    def __init__(self, board: Board, task: greenlet) -> None:
        self.board = board
        self.task = task
        self.fired = False

    def fire(self, _: object = None) -> None:
        """Resume the task once (a wake and a deadline may both come: the first one counts)."""
        if self.fired:
            return
        self.fired = True
        cpu = self.board.scheduler
        cpu.blocked.discard(self.task)
        cpu.kernel.schedule(cpu.kernel.now, cpu.resume_when_free, self.task)


class WaitList:
    """The tasks waiting for one object to become ready."""

    def __init__(self) -> None:
        self._waiters: list[_Waiter] = []

    def wake(self) -> None:
        """Something changed: every waiting task looks again (from a kernel event or another task)."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            waiter.fire()

    def wait(
        self,
        board: Board,
        ready: Callable[[], bool],
        deadline: int | None,
        *,
        certain: bool = False,
    ) -> bool:
        """Park the running task of `board` until `ready()` or the board clock reaches `deadline`
        (ns; None: no deadline). True if ready. `certain`: the board's own firmware will make it
        ready (the LoRa task finishing a command), so the task is not counted as blocked."""
        while not ready():
            if deadline is not None and board.now >= deadline:
                return False
            cpu = board.scheduler
            if not cpu.in_task():
                raise exc.UsageError(
                    "a network call can only wait in a board task, not in host code"
                )
            waiter = _Waiter(board, getcurrent())
            self._waiters.append(waiter)
            if deadline is not None:
                board.kernel.schedule(deadline, waiter.fire)
            cpu.suspend(certain=certain or deadline is not None)
            waiter.fired = True  # woken: a later deadline event finds it spent
            if waiter in self._waiters:
                self._waiters.remove(waiter)
        return True
