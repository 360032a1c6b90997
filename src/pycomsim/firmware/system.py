"""What the firmware keeps for a board besides its pins: the timer group, and the hooks that run at
every boot and before every reset or deep sleep (`esp32/mptask.c` TASK_Micropython)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .machine_timer import TimerGroup

if TYPE_CHECKING:
    from ..board import Board


class BoardSystem:
    def __init__(self, board: Board) -> None:
        self.board = board
        self.timers = TimerGroup(board)

    def boot(self) -> None:
        """At every boot, in mptask.c's order."""
        self.timers.boot()  # machtimer_preinit / machtimer_init0

    def halt(self) -> None:
        """The chip stops (machine.reset(), the watchdog, deep sleep): its timers stop with it."""
        self.timers.halt()
