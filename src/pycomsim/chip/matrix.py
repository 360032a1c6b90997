"""The GPIO matrix: which source drives each pad's output, and which peripheral listens to each pad.

On the ESP32 every pad's output comes from one source: the GPIO latch (what `Pin.value()` writes) or a
peripheral signal (UART TX, a PWM channel, the RGB LED's RMT line, I2C...) routed by
`gpio_matrix_out`; peripheral inputs (UART RX, I2C SDA) are routed from pads by `gpio_matrix_in`.
Configuring a pin for the latch (`Pin.init()` without `alt`) takes its pad back (machpin.c pin_config
calls `gpio_matrix_out(..., SIG_GPIO_OUT_IDX)`); a pin whose `alt` output names the routed signal keeps
it, and the signal then drives through the pad's output stage (push-pull or open drain).

A peripheral plugs in here: it makes an `OutputSignal` per output line, `route`s it to a pad and sets
its level; for inputs it `listen`s to a pad. Nothing else of the peripheral touches a pad.

Sources at reset (what drives a pad before the script configures it): UART0 TX on P1 idles high, the
RGB LED data line on P2 idles low (esp32/mptask.c starts the UART console and the RGB LED driver); both
enable the pad's output themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from .pads import PUSH_PULL, Pad

Watcher = Callable[[int, int, int], None]


class OutputSignal:
    """One peripheral output line (UART TX, a PWM channel, the RGB LED data line): routed to one or
    more pads, it drives each of them with its level."""

    def __init__(
        self,
        label: str,
        idle: int | None = None,
        *,
        index: int = -1,
        stage: int | None = None,
    ) -> None:
        self.label = label  # names the driver in fault messages: 'lopy4.P1 UART TX'
        self.idle = idle  # the level it drives when routed, before the peripheral sets one
        self.level = idle
        self.index = index  # gpio_sig_map.h *_OUT_IDX: what a Pin's `alt` output selects
        self.stage = stage  # an output stage the peripheral enables itself; None: the pad's
        self.pads: list[Pad] = []

    def set(self, level: int | None, t: int | None = None) -> None:
        """Drive `level` (0, 1, or None to let go) on every pad this signal is routed to, at `t`
        (default: the board's now; a peripheral's timed events give their own)."""
        self.level = level
        for pad in self.pads:
            pad.drive_signal(self.label, level, t)


class GpioMatrix:
    def __init__(self, pads: dict[str, Pad]) -> None:
        self.pads = pads
        self.routes: dict[str, OutputSignal] = {}  # pad name -> the signal driving it

    def route(self, pad_name: str, signal: OutputSignal) -> None:
        """gpio_matrix_out: `signal` drives pad `pad_name` from now on."""
        pad = self.pads[pad_name]
        old = self.routes.get(pad_name)
        if old is signal:
            return
        if old is not None:
            old.pads.remove(pad)
        self.routes[pad_name] = signal
        signal.pads.append(pad)
        pad.route(signal.label, signal.stage)
        pad.drive_signal(signal.label, signal.level)

    def take_back(self, pad_name: str) -> None:
        """gpio_matrix_out(SIG_GPIO_OUT_IDX): the GPIO latch owns the pad again."""
        old = self.routes.pop(pad_name, None)
        if old is not None:
            pad = self.pads[pad_name]
            old.pads.remove(pad)
            pad.route(None)

    def routed_index(self, pad_name: str) -> int | None:
        """The signal index routed to the pad, or None when the latch owns it."""
        signal = self.routes.get(pad_name)
        return None if signal is None else signal.index

    def source(self, pad_name: str) -> str:
        """'GPIO' when the latch drives the pad, else the label of the signal routed to it."""
        signal = self.routes.get(pad_name)
        return "GPIO" if signal is None else signal.label

    def listen(self, pad_name: str, fn: Watcher) -> Callable[[], None]:
        """gpio_matrix_in: a peripheral input follows the pad's level; returns the unlisten call."""
        return self.pads[pad_name].watch(fn)

    def reset(self) -> None:
        """A chip reset: every pad back to the GPIO latch (the boot then routes its own signals)."""
        for pad_name in list(self.routes):
            self.take_back(pad_name)


def boot_signals() -> dict[str, OutputSignal]:
    """The signals that own a pad at reset: pad name -> signal."""
    return {
        "P1": OutputSignal("UART TX", idle=1, stage=PUSH_PULL),
        "P2": OutputSignal("RGB LED data", idle=0, stage=PUSH_PULL),
    }
