"""Deep sleep: the script stops, held pads keep their state, the board boots again on a timer or a pin."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .reset_causes import PIN_WAKE, RTC_WAKE

if TYPE_CHECKING:
    from ..board import Board
    from .lifecycle import Lifecycle


class DeepSleep:
    def __init__(self, board: Board, sleep_ns: int | None, lifecycle: Lifecycle) -> None:
        self.board = board
        self.sleep_ns = sleep_ns
        self.lifecycle = lifecycle
        self.done = False
        self._unwatch: list[Callable[[], None]] = []

    def start(self) -> None:
        board = self.board
        now = board.scheduler.now
        board.world.recorder.event(now, board.name, "deepsleep", self.sleep_ns)
        board.pycom._set_heartbeat(False)  # the RGB LED is off while the chip sleeps
        # modmachine.c machine_pin_deepsleep_wakeup: enable_pull keeps ESP_PD_DOMAIN_RTC_PERIPH on, so
        # the pulls of RTC pads (the wake-capable ones) stay; otherwise that domain powers down too
        keep_pulls = board.wake_pins[2] if board.wake_pins else False
        for reset in board.__dict__.get("peripheral_resets", ()):
            reset()  # UART, LEDC, DAC: the digital domain and its peripherals power down
        for pin in board.pins:  # the digital domain powers down: unheld pads let go
            pin._pad.power_down(keep_pull=keep_pulls and pin._info.wake)
        board.boot_pending = True  # a sleeping board still has work: it will wake
        if self.sleep_ns is not None:
            board.kernel.schedule(now + self.sleep_ns, self._wake_timer)
        if board.wake_pins:
            pins, mode, _ = board.wake_pins
            for pin in pins:
                self._unwatch.append(pin._pad.watch(self._pin_changed))
            self._check_pins(now)
        if self.sleep_ns is None and not board.wake_pins:
            board.boot_pending = False  # nothing can wake it: the board is idle for good

    def _pin_changed(self, old: int, new: int, t: int) -> None:
        self._check_pins(t)

    def _check_pins(self, t: int) -> None:
        if self.done:
            return
        pins, mode, _ = self.board.wake_pins
        levels = [pin._pad.read() for pin in pins]
        if mode == 0:  # WAKEUP_ALL_LOW
            woke = all(level == 0 for level in levels)
            which = list(pins) if woke else []
        else:  # WAKEUP_ANY_HIGH
            which = [p for p, level in zip(pins, levels, strict=True) if level == 1]
            woke = bool(which)
        if woke:
            self._wake(t, (PIN_WAKE, which))

    def cancel(self) -> None:
        """The board lost power while it slept: no wake source counts any more."""
        self.done = True
        for unwatch in self._unwatch:
            unwatch()
        self.board.kernel.cancel(self._wake_timer, None)

    def _wake_timer(self, _: object) -> None:
        self._wake(self.board.kernel.now, (RTC_WAKE, None))

    def _wake(self, t: int, reason: tuple) -> None:
        if self.done:
            return
        self.done = True
        for unwatch in self._unwatch:
            unwatch()
        board = self.board
        board.wake_reason = reason
        board.wake_pins = None
        board.scheduler.now = max(board.scheduler.now, t)
        self.lifecycle.schedule_boot(t)
