"""Parts on a board's nets: LEDs, push buttons, pull resistors, and the Pycom expansion board.

Times given to parts (`press(at=...)`) are absolute virtual times of the run, as ints of ns or strings
with a unit; `None` means now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..units import parse_duration
from .bounce import Bounce, make_bounce
from .net import EXT_HI, EXT_LO, HIGH, LOW, OFF, STRONG_HI, STRONG_LO, Driver
from .recorder import record_level

if TYPE_CHECKING:
    from ..board import Board
    from ..chip.pads import Pad


def board_now(board: Board) -> int:
    """The board's time when called from its running script, else the kernel's (a test or a part)."""
    return board.scheduler.time_now()


def when(board: Board, at: int | str | None, what: str) -> int:
    return board_now(board) if at is None else parse_duration(at, what)


class Led:
    """An LED between a pad and a supply rail: a load, it drives nothing. `active_low` means it
    lights when the pad is driven low (wired from 3V3 into the pad). `on` is its state now and
    `history` every change as (t, on)."""

    def __init__(
        self, board: Board, pin: str, *, active_low: bool = False, name: str | None = None
    ) -> None:
        self.board = board
        self.pad: Pad = board.pad(pin)
        self.active_low = active_low
        self.name = name or f"LED on {self.pad.name}"
        self.on = self._lit(self.pad.net.level)
        # The recorder keeps the on/off changes as a trace (8 bytes each, spilled to disk on long
        # runs); `history` reads it back, so a long blink loop costs no Python objects here.
        self._trace = board.world.recorder.led_trace(
            board.name, self.name, board.kernel.now, self.on
        )
        self._changed = self._make_watcher()
        self.pad.net.watchers.append(self._changed)
        self.pad.net.drive_watchers.append(self._drive_changed)

    def _lit(self, level: int) -> bool:
        # An LED needs milliamps: a strong driver on its lit side, not a 45 kOhm pull (the boot
        # pull-down leaves the expansion LED dark).
        counts = self.pad.net.counts
        if self.active_low:
            return level == LOW and counts[STRONG_LO] > 0
        return level == HIGH and counts[STRONG_HI] > 0

    def _drive_changed(self, t: int) -> None:
        self._changed(-1, self.pad.net.level, t)

    def _make_watcher(self) -> Any:
        """The net watcher: it runs at every edge of a blink loop, so it is `_lit` and the recorder's
        LED trace append, with the lookups done once (the P9 write costs about what a P11 one does)."""
        trace = self._trace
        append = trace.append
        lit_level, strong = (LOW, STRONG_LO) if self.active_low else (HIGH, STRONG_HI)
        driver = self.pad.gpio_driver  # its net is the pad's net, after any wire too
        # when the LED last changed: a second change in one instant replaces it (boot)
        last = [trace[-1] >> 2 if len(trace) else -1]

        def changed(old: int, new: int, t: int) -> None:
            on = new == lit_level and driver.net.counts[strong] > 0  # type: ignore[union-attr]
            if on is not self.on:
                self.on = on
                if t == last[0]:
                    record_level(trace, t, 1 if on else 0)
                else:
                    last[0] = t
                    append(t << 2 | on)

        return changed

    @property
    def history(self) -> list[tuple[int, bool]]:
        """Every state as (t, on), from when the LED was placed; changes within one instant
        (boot) keep only the last state."""
        return [(word >> 2, bool(word & 3)) for word in self._trace.words()]

    @property
    def blinks(self) -> int:
        """How many times the LED lit up."""
        return sum(1 for word in self._trace.words(1) if word & 3)

    def __repr__(self) -> str:
        return f"<Led {self.board.name}.{self.pad.name} {'on' if self.on else 'off'}>"


class PullResistor:
    """An external resistor to 3V3 (`up=True`) or to GND: stronger than the pad's own pulls, weaker
    than any output."""

    def __init__(self, board: Board, pin: str, *, up: bool = True) -> None:
        self.pad = board.pad(pin)
        self.up = up
        self.driver = Driver(f"{board.name}.{self.pad.name} external pull-{'up' if up else 'down'}")
        board.world.attach(self.pad, self.driver, EXT_HI if up else EXT_LO)

    def __repr__(self) -> str:
        return f"<PullResistor {self.driver.name}>"


class Probe:
    """A lab probe on a pad: drives it strongly high or low, or lets it go (the web UI's pin menu).
    Changes happen as kernel events, so they land between the board's own steps."""

    LEVELS = {"high": STRONG_HI, "low": STRONG_LO, "release": OFF}

    def __init__(self, board: Board, pin: str, *, name: str = "web probe") -> None:
        self.board = board
        self.pad = board.pad(pin)
        self.driver = Driver(f"{board.name}.{self.pad.name} {name}")
        board.world.attach(self.pad, self.driver, OFF)

    @property
    def level(self) -> str | None:
        """'high', 'low', or None when released."""
        code = self.driver.code
        return None if code == OFF else ("high" if code == STRONG_HI else "low")

    def drive(self, level: str) -> None:
        """'high', 'low' or 'release', now."""
        code = self.LEVELS[level]
        kernel = self.board.kernel
        kernel.schedule(kernel.now, lambda _: self.driver.set(code, kernel.now))


class Button:
    """A push button from a pad to GND: strong low while the contact is closed. Presses and releases
    bounce (a seeded burst of transitions, see `bounce.py`) unless `bounce=False`."""

    def __init__(
        self,
        board: Board,
        pin: str,
        *,
        name: str | None = None,
        bounce: Bounce | bool | dict[str, Any] | None = True,
    ) -> None:
        self.board = board
        self.pad = board.pad(pin)
        self.name = name or "button"
        self.bounce = make_bounce(bounce)
        self.driver = Driver(f"{board.name}.{self.pad.name} {self.name}")
        board.world.attach(self.pad, self.driver)
        self.pressed = False  # what the finger does
        self.closed = False  # what the contact does (differs during a bounce burst)
        self.presses = 0
        self._burst = 0  # a new press or release cancels the rest of a burst still in flight

    def _contact(self, arg: tuple[int, bool]) -> None:
        burst, closed = arg
        if burst == self._burst:
            self.closed = closed
            self.driver.set(STRONG_LO if closed else OFF, self.board.kernel.now)

    def _finger(self, pressed: bool) -> None:
        if pressed == self.pressed:
            return
        self.pressed = pressed
        if pressed:
            self.presses += 1
        board = self.board
        t = board.kernel.now
        board.world.recorder.event(t, board.name, "button", (self.name, pressed))
        self._burst += 1
        if self.bounce is None:
            self._contact((self._burst, pressed))
            return
        for when_t, closed in self.bounce.burst(board.rng, t, pressed):
            board.kernel.schedule(when_t, self._contact, (self._burst, closed))

    def press(self, at: int | str | None = None, hold: int | str | None = None) -> Button:
        """Press at `at` (virtual time; now if None); release `hold` later if given."""
        t = when(self.board, at, "press time")
        kernel = self.board.kernel
        kernel.schedule(t, lambda _: self._finger(True))
        if hold is not None:
            kernel.schedule(t + parse_duration(hold, "hold"), lambda _: self._finger(False))
        return self

    def release(self, at: int | str | None = None) -> Button:
        t = when(self.board, at, "release time")
        self.board.kernel.schedule(t, lambda _: self._finger(False))
        return self

    def click(self, at: int | str | None = None, hold: int | str = "100ms") -> Button:
        """Press and release: a short push (100 ms unless `hold` says otherwise)."""
        return self.press(at=at, hold=hold)

    def __repr__(self) -> str:
        return f"<Button {self.board.name}.{self.pad.name} {'pressed' if self.pressed else 'released'}>"


class ExpansionBoard:
    """Pycom expansion board: user LED on P9 (lit when P9 is low), user button on P10 to GND with an
    external pull-up, so P10 reads 1 when released even without PULL_UP."""

    def __init__(self, board: Board) -> None:
        self.led = Led(board, "P9", active_low=True, name="user LED")
        self.pull_up = PullResistor(board, "P10", up=True)
        self.button = Button(board, "P10", name="user button")


def button_for(board: Board, pin: str, **options: Any) -> Button:
    """`board.button(pin)`: the expansion-board button for P10/G17 when the expansion board is on,
    else the button already on that pin, else a new one."""
    target = board.pad(pin)
    exp = getattr(board, "expansion_board", None)
    parts = _parts(board)
    if exp is not None and target is exp.button.pad:
        button = exp.button
    else:
        button = parts.get(("button", target.name))
        if button is None:
            button = parts[("button", target.name)] = Button(board, pin, **options)
            return button
    if "bounce" in options:
        button.bounce = make_bounce(options["bounce"])
    if "name" in options:
        button.name = options["name"]
    return button


def led_for(board: Board, pin: str, **options: Any) -> Led:
    """`board.led(pin)`: the expansion-board LED for P9/G16, else the LED already on that pin, else a new one."""
    target = board.pad(pin)
    exp = getattr(board, "expansion_board", None)
    if exp is not None and target is exp.led.pad and not options:
        return exp.led
    parts = _parts(board)
    led = parts.get(("led", target.name))
    if led is None:
        led = parts[("led", target.name)] = Led(board, pin, **options)
    return led


def _parts(board: Board) -> dict[tuple[str, str], Any]:
    parts = board.__dict__.get("_parts")
    if parts is None:
        parts = board.__dict__["_parts"] = {}
    return parts
