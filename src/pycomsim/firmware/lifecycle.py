"""A board's life: power-on, the boot (esp32/mptask.c), the main task, reset and deep sleep.

At every boot the firmware puts the pads in their reset state (machpin.c pin_init0, the GPIO matrix's
own signals on P1 and P2), starts the heartbeat if NVS says so, and runs the program on a fresh main
task. `machine.reset()` and `machine.deepsleep()` raise `Reboot` in whatever task called them; the
scheduler unwinds every task and hands over here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..chip.pads import settle_silently
from ..sim.scheduler import Reboot
from .deepsleep import DeepSleep
from .loader import run_program
from .pin import pin_init0
from .power_supply import PowerSupply
from .reset_causes import DEEPSLEEP_RESET, PWRON_RESET, PWRON_WAKE, SOFT_RESET, WDT_RESET

if TYPE_CHECKING:
    from ..board import Board


__all__ = ["Lifecycle", "Reboot"]


class Lifecycle:
    def __init__(self, board: Board) -> None:
        self.board = board
        # the lifecycle's state, on the board: machine.reset_cause() and friends read it
        board.program = None
        board.error = None
        board.error_ns = None  # when the main program raised
        board.finished = True
        board.boot_pending = False
        board.reset_cause = PWRON_RESET
        board.wake_reason = (PWRON_WAKE, None)
        board.wake_pins = None  # (pins, mode, enable_pull) of machine.pin_sleep_wakeup
        board.boot_count = 0
        board.boot_ns = 0
        board.user_modules = {}
        # where a relative script path given to run()/load() starts (None: the current directory)
        board.script_dir = None
        self.deep_sleep: DeepSleep | None = None  # the sleep under way, if any
        self.power = PowerSupply(
            board
        )  # a shield's coprocessor may cut the supply (power_supply.py)

    def power_on(self, program: Any) -> None:
        """Power the board on with `program` (a script path or a function) at the current time."""
        board = self.board
        if isinstance(program, (str, Path)):
            path = Path(program)
            if board.script_dir is not None and not path.is_absolute():
                path = board.script_dir / path  # the pytest plugin: the test file's folder
            if not path.is_file():
                raise FileNotFoundError(f"script not found: {path}")
            program = path.resolve()
            board.flash_layer.check_over(program.parent)
        board.program = program
        board.reset_cause = PWRON_RESET
        self.schedule_boot(board.kernel.now, power_on=True)

    def schedule_boot(self, t: int, power_on: bool = False) -> None:
        """Boot at `t` plus the board's time from reset to boot.py (core/cpu.py BOOT_NS); a run
        starts at the first line of boot.py of the power-on boot, so that one costs nothing here."""
        board = self.board
        board.boot_pending = True
        board.finished = False
        board.kernel.schedule(t if power_on else t + board.cpu.boot_ns, self._boot)

    def _boot(self, _: object) -> None:
        board = self.board
        if not self.power.powered:
            return
        board.boot_pending = False
        board.boot_count += 1
        board.boot_ns = board.kernel.now  # ticks_* count from here: every reset restarts the timer
        board.scheduler.pending_fault = None
        board.system.boot()
        self.reset_state()
        board.world.recorder.event(board.kernel.now, board.name, "boot", board.reset_cause)
        board.finished = False
        board.scheduler.start_main(self._main, self._script_failed, self._main_ended)

    def reset_state(self) -> None:
        """What every boot resets, in one instant: the pads (held ones keep their state), the
        matrix's own signals, the heartbeat, the loaded user modules."""
        board = self.board
        for reset in board.peripheral_resets:
            reset()  # uart_deinit_all and friends: peripherals let go of their pads first

        def configure() -> None:
            board.matrix.reset()
            pin_init0(board.pins, board.spec.boot_skipped)
            for pad_name, signal in board.boot_signals.items():
                signal.level = signal.idle
                board.matrix.route(pad_name, signal)

        settle_silently(board.pads.values(), board.scheduler.now, configure)
        board.pycom.reset()
        board.user_modules = {}

    def _main(self) -> None:
        run_program(self.board, self.board.program)

    def _script_failed(self, error: BaseException) -> None:
        board = self.board
        board.error = error
        if board.error_ns is None:  # the first raise of the run (a boot.py error may come first)
            board.error_ns = board.scheduler.now
        board.scheduler.catch_up()
        # lib/utils/pyexec.c: the board prints the uncaught exception on its console
        board.console_write(board.format_board_exception(error))
        board.world.script_failed(board, error)

    def _main_ended(self) -> None:
        board = self.board
        board.scheduler.catch_up()
        board.finished = True

    def watchdog_reset(self) -> None:
        """The watchdog timed out (a kernel event, no task runs): the chip resets with WDT_RESET."""
        cpu = self.board.scheduler
        if cpu.now < cpu.kernel.now:
            cpu.now = cpu.kernel.now
        cpu.reboot(Reboot(WDT_RESET))

    def after_reboot(self, reboot: Reboot) -> None:
        """Every task is unwound: boot again now, or sleep until a wake source fires."""
        board = self.board
        board.irq.reset()
        board.system.halt()
        board.reset_cause = reboot.cause
        board.finished = True
        if not self.power.powered:
            self.power.power_down()
        elif reboot.cause == DEEPSLEEP_RESET:
            self.deep_sleep = DeepSleep(board, reboot.sleep_ns, self)
            self.deep_sleep.start()
        else:
            board.wake_reason = (PWRON_WAKE, None)
            # a soft reset (the REPL's Ctrl-D, mptask.c) restarts the VM without the bootloader
            self.schedule_boot(board.scheduler.now, power_on=reboot.cause == SOFT_RESET)
