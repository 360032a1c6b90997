"""Parts on a board's nets: LEDs, push buttons, pull resistors, and the Pycom expansion board."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..units import parse_duration
from .net import EXT_HI, EXT_LO, HIGH, LOW, OFF, STRONG_LO, Driver

if TYPE_CHECKING:
    from ..board import Board
    from ..pin import PinBase


class Led:
    """An LED between a pad and a supply rail: a load, it drives nothing. `active_low` means it
    lights when the pad is driven low (wired from 3V3 into the pad)."""

    def __init__(
        self, board: Board, pin: str, *, active_low: bool = False, name: str | None = None
    ) -> None:
        self.board = board
        self.pin: PinBase = board.pin(pin)
        self.active_low = active_low
        self.name = name or f"LED on {self.pin._name}"
        self.on = self._lit(self.pin._out.net.level)
        self.pin._out.net.watchers.append(self._changed)

    def _lit(self, level: int) -> bool:
        return level == (LOW if self.active_low else HIGH)

    def _changed(self, old: int, new: int, t: int) -> None:
        on = self._lit(new)
        if on != self.on:
            self.on = on
            self.board.world.recorder.event(t, self.board.name, "led", (self.name, on))


class PullResistor:
    """An external resistor to 3V3 (`up=True`) or to GND: stronger than the pad's own pulls."""

    def __init__(self, board: Board, pin: str, *, up: bool = True) -> None:
        self.pin = board.pin(pin)
        self.driver = Driver(
            f"{board.name}.{self.pin._name} external pull-{'up' if up else 'down'}"
        )
        board.world.attach(self.pin, self.driver, EXT_HI if up else EXT_LO)


class Button:
    """A push button from a pad to GND: strong low while closed."""

    def __init__(self, board: Board, pin: str, *, name: str | None = None) -> None:
        self.board = board
        self.pin = board.pin(pin)
        self.name = name or f"button on {self.pin._name}"
        self.driver = Driver(f"{board.name}.{self.pin._name} {self.name}")
        board.world.attach(self.pin, self.driver)
        self.pressed = False

    def _set(self, closed: bool) -> None:
        self.pressed = closed
        self.driver.set(STRONG_LO if closed else OFF, self.board.kernel.now)

    def press(self, at: int | str | None = None, hold: int | str | None = None) -> Button:
        """Press at `at` (virtual time; now if None); release after `hold` if given."""
        kernel = self.board.kernel
        t = kernel.now if at is None else parse_duration(at, "press time")
        kernel.schedule(t, lambda _: self._set(True))
        if hold is not None:
            kernel.schedule(t + parse_duration(hold, "hold"), lambda _: self._set(False))
        return self

    def release(self, at: int | str | None = None) -> Button:
        kernel = self.board.kernel
        t = kernel.now if at is None else parse_duration(at, "release time")
        kernel.schedule(t, lambda _: self._set(False))
        return self


class ExpansionBoard:
    """Pycom expansion board: user LED on P9 (lit when P9 is low), user button on P10 to GND with an
    external pull-up, so P10 reads 1 when released even without PULL_UP."""

    def __init__(self, board: Board) -> None:
        self.led = Led(board, "P9", active_low=True, name="user LED")
        self.pull_up = PullResistor(board, "P10", up=True)
        self.button = Button(board, "P10", name="user button")
