"""Parts on a board's nets: LEDs, push buttons, pull resistors, and the Pycom expansion board.

Times given to parts (`press(at=...)`) are absolute virtual times of the run, as ints of ns or strings
with a unit; `None` means now.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..units import parse_duration
from .bounce import Bounce, make_bounce
from .net import (
    EXT_HI,
    EXT_LO,
    HIGH,
    LOW,
    OFF,
    STRONG_HI,
    STRONG_LO,
    WEAK_HI,
    WEAK_LO,
    Driver,
    Net,
)
from .recorder import Trace, record_level

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
    `history` every change as (t, on).

    An LED needs milliamps: a strong driver on its lit side, not a pull resistor (the boot pull-down
    leaves the expansion LED dark). While no pull toward its lit side is on the net, "lit" is just
    "the net is at the lit level", so the LED reads its history off the net's own trace and costs
    the blink loop nothing. Only while such a pull is there (a pull-down on an active-low LED's pad)
    does it watch the net and keep its own on/off words. The net tells it when its pulls, parts or
    wires change (`Net.config_watchers`); history is a list of spans, each read from one source."""

    def __init__(
        self, board: Board, pin: str, *, active_low: bool = False, name: str | None = None
    ) -> None:
        self.board = board
        self.pad: Pad = board.pad(pin)
        self.active_low = active_low
        self.name = name or f"LED on {self.pad.name}"
        if active_low:
            self._lit_level, self._strong, self._lit_pulls = LOW, STRONG_LO, (EXT_LO, WEAK_LO)
        else:
            self._lit_level, self._strong, self._lit_pulls = HIGH, STRONG_HI, (EXT_HI, WEAK_HI)
        # (start time, source): a net's Trace (levels, read as lit when at the lit level) or the
        # LED's own on/off words (`_own`, written while it watches)
        self._spans: list[tuple[int, Trace]] = []
        self._own = Trace(f"{board.name}.{self.name}")
        self._watched: Net | None = None  # the net whose edges it watches, while it must
        recorder = board.world.recorder
        recorder.leds[(board.name, self.name)] = self
        recorder.part_arrays.append(self._own)  # bounded memory covers the own words too
        self._net: Net | None = None
        self._recheck(board.kernel.now)

    # ---- following the net ----
    def _lit_now(self) -> bool:
        net = self.pad.net
        return net.level == self._lit_level and net.counts[self._strong] > 0

    def _recheck(self, t: int) -> None:
        """The net's make-up may have changed: choose the source of the history from `t` on."""
        net = self.pad.net
        if net is not self._net:  # placed, or a wire moved the pad onto another net
            if self._net is not None:
                self._net.config_watchers.remove(self._recheck)
            net.config_watchers.append(self._recheck)
            self._net = net
        counts = net.counts
        must_watch = net.trace is None or any(counts[code] for code in self._lit_pulls)
        source = self._own if must_watch else net.trace
        if must_watch:
            self._watch(net)
            record_level(self._own, t, 1 if self._lit_now() else 0)
        else:
            self._unwatch()
        spans = self._spans
        if not spans or spans[-1][1] is not source:
            spans.append((t, source))  # type: ignore[arg-type]

    def _watch(self, net: Net) -> None:
        if self._watched is net:
            return
        self._unwatch()
        net.watchers.append(self._changed)
        net.drive_watchers.append(self._drive_changed)
        self._watched = net

    def _unwatch(self) -> None:
        net = self._watched
        if net is not None:
            for watchers, fn in (
                (net.watchers, self._changed),
                (net.drive_watchers, self._drive_changed),
            ):
                if fn in watchers:
                    watchers.remove(fn)
            self._watched = None

    def _changed(self, old: int, new: int, t: int) -> None:
        record_level(self._own, t, 1 if self._lit_now() else 0)

    def _drive_changed(self, t: int) -> None:
        record_level(self._own, t, 1 if self._lit_now() else 0)

    # ---- what it did ----
    @property
    def on(self) -> bool:
        """Lit now."""
        trace = self.pad.net.trace
        if trace is not None and trace.flusher is not None:
            trace.flusher()  # a PWM wave written in blocks: the net's level is the wave's now
        return self._lit_now()

    def words(self, start: int = 0) -> Iterator[int]:
        """The on/off changes as trace words (`t << 2 | on`), the state at placement first."""
        return itertools.islice(self._words(), start, None)

    def _words(self) -> Iterator[int]:
        lit = self._lit_level
        spans = self._spans
        out = _Collapse()
        for i, (start, source) in enumerate(spans):
            end = spans[i + 1][0] if i + 1 < len(spans) else None
            own = source is self._own
            state = -1  # the state at the span's start, until a later word comes
            for word in source.words():
                t = word >> 2
                if t <= start:
                    state = word & 3 if own else int(word & 3 == lit)
                    continue
                if end is not None and t >= end:
                    break
                if state >= 0:
                    if (w := out.push(start, state)) is not None:
                        yield w
                    state = -1
                if (w := out.push(t, word & 3 if own else int(word & 3 == lit))) is not None:
                    yield w
            if state >= 0 and (w := out.push(start, state)) is not None:
                yield w
        if out.t >= 0:
            yield out.t << 2 | out.on

    def total(self) -> int:
        """How many words `words()` gives."""
        return sum(1 for _ in self._words())

    @property
    def history(self) -> list[tuple[int, bool]]:
        """Every state as (t, on), from when the LED was placed; changes within one instant
        (boot) keep only the last state."""
        return [(word >> 2, bool(word & 3)) for word in self._words()]

    @property
    def blinks(self) -> int:
        """How many times the LED lit up."""
        return sum(1 for word in self.words(1) if word & 3)

    def __repr__(self) -> str:
        return f"<Led {self.board.name}.{self.pad.name} {'on' if self.on else 'off'}>"


class _Collapse:
    """record_level's rules on a stream of (t, on): a later state in the same instant replaces the
    earlier one, and a state equal to the one before is no change. `push` returns the word that
    became final, if one did."""

    def __init__(self) -> None:
        self.t, self.on, self.before = -1, -1, -1  # the pending word, and the state before it

    def push(self, t: int, on: int) -> int | None:
        if t == self.t:
            self.on = on
            if on == self.before:  # back to the state before: the pending change is undone
                self.t, self.on = -1, on
            return None
        if on == self.on:
            return None
        done = None if self.t < 0 else self.t << 2 | self.on
        self.before, self.t, self.on = self.on, t, on
        return done


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
