"""What the firmware keeps for a board besides its pins (timer group, RTC, watchdog), and what it
does with them at every boot and before every reset or deep sleep (`esp32/mptask.c` TASK_Micropython)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .machine_rtc import RtcClock
from .machine_timer import TimerGroup
from .machine_wdt import Watchdog

if TYPE_CHECKING:
    from ..board import Board

DEEPSLEEP_RESET = 3  # machine.DEEPSLEEP_RESET (mpsleep.h)


class BoardSystem:
    def __init__(self, board: Board) -> None:
        self.board = board
        self.timers = TimerGroup(board)
        self.rtc = RtcClock(board)
        self.wdt = Watchdog(board)

    def boot(self) -> None:
        """At every boot, in mptask.c's order."""
        board = self.board
        self.rtc.boot(deep_sleep_wake=board.reset_cause == DEEPSLEEP_RESET)  # rtc_init0 unless
        self.timers.boot()  # machtimer_preinit / machtimer_init0

    def halt(self) -> None:
        """The chip stops (machine.reset(), the watchdog, deep sleep): timers and watchdog with it."""
        self.timers.halt()
        self.wdt.stop()

    def busy(self) -> bool:
        """A run without `until` waits for armed one-shot alarms (periodic ones would never end)."""
        return any(not alarm.periodic for alarm in self.timers.alarms)
