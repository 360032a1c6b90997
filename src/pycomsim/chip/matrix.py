"""The GPIO matrix: which source drives each pad's output, and which peripheral listens to each pad.

On the ESP32 every pad's output comes from one source: the GPIO latch (what `Pin.value()` writes) or a
peripheral signal (UART TX, a PWM channel, I2C SDA/SCL, the RGB LED's RMT line...) selected by
`gpio_matrix_out(pad, signal index)`; peripheral inputs (UART RX) follow a pad through
`gpio_matrix_in`. Every peripheral claims pads here, and nothing else of a peripheral touches a pad:

    signal = OutputSignal(board, index, "U1TXD")    one output line of a peripheral (gpio_sig_map.h index)
    signal.claim(pin, pull=PULL_UP, mode=OUT)      the driver's pin_config(pin, -1, index, mode, pull, 1)
    signal.claim_pad(pin)                          gpio_set_direction(OUTPUT) + gpio_matrix_out, the Pin
                                                   fields untouched (ESP-IDF's ledc_channel_config)
    signal.set(level, t)                           the line's level, on every pad that selects it
    signal.release(pin) / release_all()            the peripheral lets go (deinit, reset)
    watch_input(pin, fn) -> unwatch                a peripheral input follows the pad's level
    pin_config(...), pin_deassign(pin)             machpin.c's, for drivers that set the Pin fields

What a pad's output selects follows machpin.c pin_obj_configure: a Pin configured as an output (OUT,
OPEN_DRAIN) selects its `alt` output signal, or the latch without one; an input leaves the selection
as it was, with the output stage off. A selected signal drives only pads it was claimed on (a Pin
`alt` naming a signal no peripheral set up drives nothing), through the pad's own output stage (open
drain only pulls low) or, until the Pin is configured again, the stage the peripheral enabled itself.

Sources at reset (`boot_signals`): UART0 TX on P1 idles high, the RGB LED data line on P2 idles low
(esp32/mptask.c starts the UART console and the RGB LED driver); both enable the pad's output
themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .pads import PULL_NONE, PUSH_PULL, Pad

if TYPE_CHECKING:
    from ..board import Board
    from ..firmware.pin import PinBase

Watcher = Callable[[int, int, int], None]

IN, OUT, OPEN_DRAIN = 1, 2, 7  # machine.Pin modes (GPIO_MODE_INPUT, _OUTPUT, _INPUT_OUTPUT_OD)
PULL_UP = 1  # machine.Pin.PULL_UP
LATCH = -1  # gpio_matrix_out's SIG_GPIO_OUT_IDX: the GPIO latch drives the pad
U0TXD_OUT_IDX, RMT_SIG_OUT0_IDX = 14, 87  # soc/gpio_sig_map.h


class OutputSignal:
    """One peripheral output line (U1TXD, LEDC_HS_SIG_OUT0 + n, I2CEXT0_SDA, the RGB LED data line):
    it drives every pad it was claimed on that selects it, with its level."""

    def __init__(
        self, board: Board, index: int, name: str, *, idle: int = 1, stage: int | None = None
    ) -> None:
        self.board = board
        self.matrix: GpioMatrix = board.matrix
        self.index = index  # gpio_sig_map.h *_OUT_IDX: what a Pin's `alt` output selects
        self.name = name  # names its driver in fault messages: 'lopy4.P3 U1TXD'
        self.idle = idle  # its level before the peripheral sets one
        self.level = idle
        self.stage = stage  # the output stage it enables itself when routed (None: the pad's)
        self.pads: dict[str, Pad] = {}  # pad name -> pad: where it was claimed
        self.matrix.signals.append(self)

    def claim(self, pin: PinBase, *, pull: int | None = PULL_UP, mode: int = OUT) -> None:
        """Route the signal to `pin` through its Pin fields (machpin.c pin_config with af_out)."""
        self.matrix.claim(pin._name, self)
        pin_config(pin, -1, self.index, mode, pull, 1)

    def claim_pad(self, pin: PinBase) -> None:
        """Route the signal to `pin`'s pad without touching the Pin fields, as ESP-IDF's
        ledc_channel_config does (gpio_set_direction(OUTPUT), then gpio_matrix_out)."""
        self.matrix.claim(pin._name, self)
        pad = pin._pad
        if not pad.frozen:
            pin._pad_mode = OUT
            pad.hand_to_peripheral()
        self.matrix.select(pin._name, self.index, stage=PUSH_PULL)

    def set(self, level: int | None, t: int | None = None) -> None:
        """Drive `level` (0, 1, or None to let go) on every pad that selects this signal, at `t`
        (default: the board's now; a peripheral's timed events give their own)."""
        self.level = level
        for pad in self.pads.values():
            pad.drive_signal(self.name, level, t)

    def drives(self, pad_name: str) -> bool:
        """Does the signal reach pad `pad_name` now (claimed there, selected, output on, not held)?"""
        pad = self.pads.get(pad_name)
        return pad is not None and pad.source == self.name and pad.signal_output_on()

    def release(self, pin: PinBase) -> None:
        """The peripheral lets go of `pin`'s pad: it stops driving it (the selection stays)."""
        self.matrix.unclaim(pin._name, self)

    def release_all(self) -> None:
        for name in list(self.pads):
            self.matrix.unclaim(name, self)


class GpioMatrix:
    def __init__(self, pads: dict[str, Pad]) -> None:
        self.pads = pads
        self.selected: dict[str, int] = {}  # pad name -> the signal index its output selects
        self.signals: list[OutputSignal] = []  # every peripheral output line of the board
        self.claims: dict[str, list[OutputSignal]] = {}  # pad name -> signals claimed, in order
        # steady PWM waves written into a pad's trace in blocks (chip/ledc.py): a reconfiguration
        # of the pad writes them out first and has them look again after
        self.waves: dict[str, set[Any]] = {}

    def select(
        self, pad_name: str, index: int, stage: int | None = None, *, drive: bool = True
    ) -> None:
        """gpio_matrix_out(pad, index): the signal `index` (LATCH: the GPIO latch) drives the pad's
        output from now on; of the signals with that index, the one last claimed on this pad.
        `drive` False: the pad's configuration that follows drives it (no glitch between)."""
        pad = self.pads[pad_name]
        if index == LATCH:
            self.selected.pop(pad_name, None)
            pad.route(None)
            return
        self.selected[pad_name] = index
        signal = self._claimed(pad_name, index)
        if signal is None:
            pad.route("")  # an index no peripheral set up here: nothing drives the pad
            return
        pad.route(signal.name, stage if stage is not None else signal.stage)
        if drive:
            pad.drive_signal(signal.name, signal.level)

    def _claimed(self, pad_name: str, index: int) -> OutputSignal | None:
        for signal in reversed(self.claims.get(pad_name, ())):
            if signal.index == index:
                return signal
        return None

    def claim(self, pad_name: str, signal: OutputSignal) -> None:
        """`signal` may drive the pad from now on (when the pad's output selects it)."""
        claims = self.claims.setdefault(pad_name, [])
        if signal in claims:
            claims.remove(signal)
        claims.append(signal)
        signal.pads[pad_name] = self.pads[pad_name]

    def unclaim(self, pad_name: str, signal: OutputSignal) -> None:
        """`signal` lets go of the pad: it stops driving it; the pad's selection stays."""
        claims = self.claims.get(pad_name, [])
        if signal in claims:
            claims.remove(signal)
        pad = signal.pads.pop(pad_name, None)
        if pad is not None and pad.source == signal.name:
            pad.route("")

    def route(self, pad_name: str, signal: OutputSignal) -> None:
        """A signal claims the pad and its output selects it, with the output stage the signal
        enables itself (the boot's UART TX and RGB LED line)."""
        self.claim(pad_name, signal)
        self.select(pad_name, signal.index)

    def pin_configuring(self, pin: PinBase, output: bool) -> None:
        """Pin.init/mode/pull... reached pin_obj_configure, before the pad takes the configuration:
        steady waves on the pad write out their edges first, and an output mode selects the Pin's
        `alt` output signal or the latch (machpin.c); an input mode leaves the selection."""
        for wave in list(self.waves.get(pin._name, ())):
            wave.flush()
        if output:
            self.select(pin._name, pin._af_out if pin._af_out >= 0 else LATCH, drive=False)

    def pin_configured(self, pin: PinBase) -> None:
        """The pad took the configuration: the selected signal drives through the new output
        stage, and steady waves on the pad look again."""
        pad = self.pads[pin._name]
        if pad.source:
            signal = self._claimed(pin._name, self.selected[pin._name])
            if signal is not None:
                pad.drive_signal(signal.name, signal.level)
        for wave in list(self.waves.get(pin._name, ())):
            wave.recheck(force=True)

    def routed_index(self, pad_name: str) -> int | None:
        """The signal index the pad's output selects, or None when the latch owns it."""
        return self.selected.get(pad_name)

    def source(self, pad_name: str) -> str:
        """'GPIO' when the latch drives the pad, else the name of the signal it selects."""
        source = self.pads[pad_name].source
        return "GPIO" if source is None else (source or f"signal {self.selected[pad_name]}")

    def listen(self, pad_name: str, fn: Watcher) -> Callable[[], None]:
        """gpio_matrix_in: a peripheral input follows the pad's level; returns the unlisten call."""
        return self.pads[pad_name].watch(fn)

    def reset(self) -> None:
        """A chip reset: every pad back to the GPIO latch, no signal claimed anywhere (the boot then
        routes its own signals)."""
        for pad_name in list(self.selected):
            self.select(pad_name, LATCH)
        for signal in self.signals:
            signal.pads.clear()
        self.claims.clear()


def boot_signals(board: Board) -> dict[str, OutputSignal]:
    """The signals that own a pad at reset: pad name -> signal."""
    return {
        "P1": OutputSignal(board, U0TXD_OUT_IDX, "UART TX", idle=1, stage=PUSH_PULL),
        "P2": OutputSignal(board, RMT_SIG_OUT0_IDX, "RGB LED data", idle=0, stage=PUSH_PULL),
    }


def pin_config(
    pin: PinBase, af_in: int, af_out: int, mode: int, pull: int | None, value: int
) -> None:
    """machpin.c pin_config: the Pin's fields, then the pad (pin_obj_configure)."""
    pin._mode = mode
    pin._pull = pull
    pin._af_in = af_in
    pin._af_out = af_out
    if value >= 0:
        pin._latch = value
    pin._trigger = 0
    pin._configure()


def pin_deassign(pin: PinBase, *, pull_off: bool = True) -> None:
    """machuart.c uart_deassign_pins_af: value 1, back to the GPIO latch (pin_deassign), pull-up off
    (gpio_pullup_dis leaves the Pin's pull field as it was)."""
    pin._latch = 1
    pin._af_in = pin._af_out = -1
    pin._configure()
    if pull_off and pin._pad.set_pull(PULL_NONE):
        pin._pad_pull = None


def watch_input(pin: PinBase, fn: Watcher) -> Callable[[], None]:
    """Call `fn(old, new, t)` on every level change of the pad's net; returns the unwatch function.
    The watcher follows the pad when a wire merges its net into another."""
    return pin._pad.watch(fn)
