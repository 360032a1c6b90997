"""The board's supply going away and coming back (a shield's coprocessor switching the module off).

A power cut is not a reset the firmware asks for: whatever runs stops where it is (like the watchdog,
from outside any task), a pending boot or deep sleep is forgotten, and every pad lets go, held or not,
since nothing is powered to hold it. When the supply comes back the chip starts from its power-on
reset: `machine.reset_cause()` is PWRON_RESET and `machine.wake_reason()` PWRON_WAKE (modmachine.c),
and the RTC starts again from its reset value (mptask.c rtc_init0 on every boot but a deep-sleep wake).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sim.scheduler import Reboot
from .reset_causes import PWRON_RESET, PWRON_WAKE

if TYPE_CHECKING:
    from ..board import Board


class PowerSupply:
    """`powered` is the module's supply; `cut(will_come_back)` and `restore()` switch it (from kernel events)."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.powered = True
        self.coming_back = False  # someone (a coprocessor's timer) will restore it: the run waits

    def cut(self, will_come_back: bool = True) -> None:
        """The supply goes away now (the kernel's time: call it from an event, not from a task)."""
        board = self.board
        if not self.powered:
            return
        now = board.kernel.now
        self.powered = False
        self.coming_back = will_come_back
        board.world.recorder.event(now, board.name, "power", "off")
        lifecycle = board.lifecycle
        board.kernel.cancel(lifecycle._boot, None)
        if lifecycle.deep_sleep is not None:
            lifecycle.deep_sleep.cancel()
        cpu = board.scheduler
        if cpu.now < now:
            cpu.now = now
        cpu.reboot(Reboot(PWRON_RESET))  # every task unwinds; after_reboot sees the supply is off

    def power_down(self) -> None:
        """What an unpowered chip does to its pads and peripherals (after every task unwound)."""
        board = self.board
        board.pycom._set_heartbeat(False)
        for reset in board.peripheral_resets:
            reset()
        for pin in board.pins:
            pin._pad.hold(False)  # a pad hold needs the RTC domain powered
            pin._pad.power_down(keep_pull=False)
        board.wake_pins = None
        board.finished = True
        board.boot_pending = self.coming_back  # a run without `until` waits for the supply
        board.world.board_idle(board)  # and without it, may end here

    def restore(self) -> None:
        """The supply comes back now: a power-on reset, then the boot (core/cpu.py BOOT_NS later)."""
        board = self.board
        if self.powered:
            return
        self.powered = True
        self.coming_back = False
        now = board.kernel.now
        board.world.recorder.event(now, board.name, "power", "on")
        board.reset_cause = PWRON_RESET
        board.wake_reason = (PWRON_WAKE, None)
        board.system.expected_wakeup_us = 0
        if board.scheduler.now < now:
            board.scheduler.now = now
        board.lifecycle.schedule_boot(now)
