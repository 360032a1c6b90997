"""Deep sleep: the script stops, held pads keep their state, the board boots again on a timer or a pin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sim.net import OFF

if TYPE_CHECKING:
    from ..board import Board


class DeepSleep:
    def __init__(self, board: Board, sleep_ns: int | None) -> None:
        self.board = board
        self.sleep_ns = sleep_ns
        self.done = False
        self._watched: list = []

    def start(self) -> None:
        from ..board import PIN_WAKE, RTC_WAKE

        board = self.board
        self.pin_wake = PIN_WAKE
        self.rtc_wake = RTC_WAKE
        board.world.recorder.event(board.now, board.name, "deepsleep", self.sleep_ns)
        board.pycom._set_heartbeat(False)  # the RGB LED is off while the chip sleeps
        # modmachine.c machine_pin_deepsleep_wakeup: enable_pull keeps ESP_PD_DOMAIN_RTC_PERIPH on, so
        # the pulls of RTC pads (the wake-capable ones) stay; otherwise that domain powers down too
        keep_pulls = board.wake_pins[2] if board.wake_pins else False
        for reset in board.__dict__.get("peripheral_resets", ()):
            reset()  # UART, LEDC, DAC: the digital domain and its peripherals power down
        for pin in board.pins:  # the digital domain powers down: unheld pads let go
            if pin._pad_frozen:
                continue
            if pin._name in board.peripherals:
                board.release_peripheral(pin._name)  # UART TX and the RGB LED data line stop too
            pin._out.set(OFF, board.now)
            if not (keep_pulls and pin._info.wake):
                pin._pullres.set(OFF, board.now)
        board.boot_pending = True  # a sleeping board still has work: it will wake
        if self.sleep_ns is not None:
            board.kernel.schedule(board.now + self.sleep_ns, self._wake_timer)
        if board.wake_pins:
            pins, mode, _ = board.wake_pins
            for pin in pins:
                fn = self._make_watch()
                pin._out.net.watchers.append(fn)
                self._watched.append((pin._out.net, fn))
            self._check_pins(board.now)
        if self.sleep_ns is None and not board.wake_pins:
            board.boot_pending = False  # nothing can wake it: the board is idle for good

    def _make_watch(self):
        def watch(old: int, new: int, t: int) -> None:
            self._check_pins(t)

        return watch

    def _check_pins(self, t: int) -> None:
        if self.done:
            return
        pins, mode, _ = self.board.wake_pins
        levels = [pin._out.net.level for pin in pins]
        if mode == 0:  # WAKEUP_ALL_LOW
            woke = all(level == 0 for level in levels)
            which = list(pins) if woke else []
        else:  # WAKEUP_ANY_HIGH
            which = [p for p, level in zip(pins, levels, strict=True) if level == 1]
            woke = bool(which)
        if woke:
            self._wake(t, (self.pin_wake, which))

    def _wake_timer(self, _: object) -> None:
        self._wake(self.board.kernel.now, (self.rtc_wake, None))

    def _wake(self, t: int, reason: tuple) -> None:
        if self.done:
            return
        self.done = True
        for net, fn in self._watched:
            if fn in net.watchers:
                net.watchers.remove(fn)
        board = self.board
        board.wake_reason = reason
        board.wake_pins = None
        board.now = max(board.now, t)
        board._schedule_boot(t)
