"""How a peripheral reaches a pad until the GPIO matrix owns this: an output signal drives the pads whose
`alt` output is that signal, an input signal listens to a pad's level changes.

This keeps the peripherals (UART, LEDC) to three operations: `claim_output` (configure the Pin as the
firmware's `pin_config(pin, -1, signal, OUTPUT, pull, 1)` does), `OutputSignal.set(level, t)` and
`watch_input`. The Pin's own latch stops reaching the pad while a peripheral signal is routed to it
(`gpio_matrix_out`), and `Pin.init()` takes the pad back, as on the chip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..sim.net import OFF, STRONG_HI, STRONG_LO, Driver

if TYPE_CHECKING:
    from ..board import Board
    from ..firmware.pin import PinBase

IN, OUT, OPEN_DRAIN = 1, 2, 7
PULL_UP = 1


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
    if pull_off and not pin._pad.frozen and pin._pad.pull_driver.code != OFF:
        pin._pad.pull_driver.set(OFF, pin._board.now)
        pin._pad_pull = None


def _routes(board: Board) -> dict[str, int]:
    """Pad name -> the output signal index routed to it (gpio_matrix_out; -1: the GPIO latch)."""
    return board.__dict__.setdefault("pad_routes", {})


def reset_routes(board: Board) -> None:
    """At a reset every pad is the GPIO latch's again (the boot code then configures them)."""
    _routes(board).clear()


def pad_reconfigured(board: Board, pin: PinBase) -> None:
    """Pin.init/mode/pull... reached pin_obj_configure: an output mode routes the pad to `alt` or back to
    the latch (an input mode leaves the routing, with the output disabled); signals no longer routed to
    the pad stop driving it. Steady waves on the pad write out their edges first."""
    waves = list(board.__dict__.get("pad_waves", {}).get(pin._name, ()))
    for wave in waves:
        wave.flush(board.now)
    routes = _routes(board)
    if pin._mode != IN:
        routes[pin._name] = pin._af_out
    route = routes.get(pin._name)
    for (pad, index), driver in board.__dict__.get("signal_drivers", {}).items():
        if pad == pin._name and driver.code != OFF and (index != route or pin._mode == IN):
            driver.set(OFF, board.now)
    for wave in waves:
        wave.recheck(board.now, force=True)


class OutputSignal:
    """A peripheral's output signal (U1TXD, LEDC_HS_SIG_OUT0, ...): it drives every pad it was routed to,
    as long as the pad still takes its output from this signal."""

    def __init__(self, board: Board, index: int, name: str) -> None:
        self.board = board
        self.index = index  # gpio_sig_map.h *_OUT_IDX
        self.name = name
        self.level = 1
        self.pads: dict[str, tuple[PinBase, Driver]] = {}
        _routes(board)  # from now on Pin reconfigurations keep the routing table

    def claim(self, pin: PinBase, *, pull: int | None = PULL_UP, mode: int = OUT) -> None:
        """Route the signal to `pin` through its Pin fields (machpin.c pin_config with af_out)."""
        driver = self.driver_for(pin)
        pin_config(pin, -1, self.index, mode, pull, 1)
        self.pads[pin._name] = (pin, driver)
        self._drive(pin, driver, self.board.now)

    def claim_pad(self, pin: PinBase) -> None:
        """Route the signal to `pin`'s pad without touching the Pin fields, as ESP-IDF's
        ledc_channel_config does (gpio_set_direction(OUTPUT) and gpio_matrix_out)."""
        driver = self.driver_for(pin)
        _routes(self.board)[pin._name] = self.index
        if not pin._pad.frozen:
            pin._pad_mode = OUT
            pin._pad.hand_to_peripheral()
        self.pads[pin._name] = (pin, driver)
        self._drive(pin, driver, self.board.now)

    def driver_for(self, pin: PinBase) -> Driver:
        drivers = self.board.__dict__.setdefault("signal_drivers", {})
        key = (pin._name, self.index)
        driver = drivers.get(key)
        if driver is None:
            driver = drivers[key] = Driver(f"{self.board.name}.{pin._name} {self.name}")
            self.board.world.attach(pin._pad, driver, OFF)
        return driver

    def routed(self, pin: PinBase) -> bool:
        return (
            _routes(self.board).get(pin._name) == self.index
            and pin._pad_mode != IN
            and not pin._pad.frozen
        )

    def code_for(self, pin: PinBase, level: int) -> int:
        if not self.routed(pin):
            return OFF
        if level:
            return OFF if pin._pad_mode == OPEN_DRAIN else STRONG_HI
        return STRONG_LO

    def _drive(self, pin: PinBase, driver: Driver, t: int) -> None:
        code = self.code_for(pin, self.level)
        if driver.code != code:
            driver.net.change(driver, code, t)  # type: ignore[union-attr]

    def set(self, level: int, t: int) -> None:
        self.level = level
        for pin, driver in self.pads.values():
            self._drive(pin, driver, t)

    def release(self, pin: PinBase) -> None:
        entry = self.pads.pop(pin._name, None)
        if entry is not None and entry[1].code != OFF:
            entry[1].set(OFF, self.board.now)

    def release_all(self) -> None:
        for _pin, driver in list(self.pads.values()):
            if driver.code != OFF:
                driver.set(OFF, self.board.now)
        self.pads.clear()


def watch_input(pin: PinBase, fn: Callable[[int, int, int], None]) -> Callable[[], None]:
    """Call `fn(old, new, t)` on every level change of the pad's net; returns the unwatch function.
    The watcher follows the pad when a wire merges its net into another (Net.merge moves watchers)."""
    return pin._pad.watch(fn)
