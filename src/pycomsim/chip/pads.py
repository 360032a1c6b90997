"""Pads: the only code of the board that touches the electrical world.

A pad is one ESP32 IO pad on a net (sim/net.py). Firmware modules and peripherals use it through a small
contract, and no net or kernel type crosses it:

    configure(output, pull, input_enable, level)   the output stage, the pull resistors, the input buffer
    write(level)                                   the level the output stage drives (0 or 1)
    read() -> LOW | HIGH | Z | X                   the level on the pad's net
    hold(on)                                       gpio_pad_hold: the pad ignores everything until released
    watch(fn) -> unwatch                           fn(old, new, t) on every level change of the pad's net
    drive_signal(label, level)                     a peripheral's output through the GPIO matrix

The pad reads its time from the board's CPU clock (`clock.now`), so a write lands at the instant the
running task has reached. `Pad.net` and `Pad.gpio_driver` are for the electrical world (wiring, parts,
the recorder), never for firmware modules.

The hot path (`Pin.value`, `Pin.toggle`) has one specialised copy next to these pads, in
`chip/fast_pin.py`; both are run by the same conformance tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from ..sim.net import (
    CONTENTION,
    EXT_HI,
    EXT_LO,
    FLOATING,
    HIGH,
    LOW,
    OFF,
    STRONG_HI,
    STRONG_LO,
    WEAK_HI,
    WEAK_LO,
    Driver,
    Net,
    resolve,
)

Z, X = FLOATING, CONTENTION
__all__ = ["LOW", "HIGH", "Z", "X", "OUTPUT_OFF", "PUSH_PULL", "OPEN_DRAIN", "Pad"]

# What the output stage does with the level it is given
OUTPUT_OFF, PUSH_PULL, OPEN_DRAIN = 0, 1, 2
PULL_NONE, PULL_UP, PULL_DOWN = 0, 1, 2
# driver codes for level 0 and level 1, by output mode (None: the stage drives nothing)
_DRIVE_CODES: tuple[tuple[int, int] | None, ...] = (
    None,
    (STRONG_LO, STRONG_HI),
    (STRONG_LO, OFF),
)
_PULL_CODES = (OFF, WEAK_HI, WEAK_LO)
EXTERNAL_PULL_CODES = {True: EXT_HI, False: EXT_LO}  # an external resistor (a part) to 3V3 / GND


class Clock(Protocol):
    now: int


Watcher = Callable[[int, int, int], None]


class Pad:
    __slots__ = (
        "name",
        "board_name",
        "gpio_driver",
        "pull_driver",
        "has_pulls",
        "drive",
        "input_enabled",
        "frozen",
        "source",
        "_signals",
        "_signal_levels",
        "_source_stage",
        "_clock",
        "_output",
        "__weakref__",
    )

    def __init__(self, board_name: str, name: str, clock: Clock, *, has_pulls: bool = True) -> None:
        self.name = name  # 'P9'
        self.board_name = board_name
        self._clock = clock
        self.has_pulls = has_pulls  # GPIO34-39 have no pull resistors
        self.gpio_driver = Driver(f"{board_name}.{name}", owner=self)
        self.pull_driver = Driver(f"{board_name}.{name} pull")
        net = Net(f"{board_name}.{name}")
        net.attach(self.gpio_driver)
        net.attach(self.pull_driver)
        # (code for 0, code for 1) while the GPIO latch drives the output stage, else None
        self.drive: tuple[int, int] | None = None
        self._output = OUTPUT_OFF
        self.input_enabled = True
        self.frozen = False
        self.source: str | None = (
            None  # None: the GPIO latch; else the peripheral signal routed here
        )
        self._signals: dict[str, Driver] = {}  # one driver per peripheral signal ever routed here
        self._signal_levels: dict[str, int | None] = {}
        self._source_stage: int | None = None

    @property
    def net(self) -> Net:
        """The net the pad is on now (a wire may have merged it into another)."""
        return self.gpio_driver.net  # type: ignore[return-value]

    # ---- the contract ----
    def configure(
        self,
        output: int,
        pull: int,
        input_enable: bool,
        level: int = 0,
        *,
        latch_drives: bool = True,
    ) -> None:
        """Set the output stage (OUTPUT_OFF, PUSH_PULL, OPEN_DRAIN), the pulls (PULL_NONE, PULL_UP,
        PULL_DOWN) and the input buffer in one step: the net resolves once, so there is no glitch.
        `level` is what the GPIO latch starts driving; with `latch_drives` False (the pin selected a
        peripheral output) the latch does not reach the pad. A signal the GPIO matrix routed here
        drives through the new output stage. A held pad ignores all of it."""
        if self.frozen:
            return
        self._output = output
        self._source_stage = None  # gpio_config sets the direction: the pad's own stage from now on
        self.input_enabled = input_enable
        codes = _DRIVE_CODES[output] if self.source is None and latch_drives else None
        self.drive = codes
        out_code = OFF if codes is None else codes[level]
        pull_code = _PULL_CODES[pull] if self.has_pulls else OFF
        gpio, pull_driver = self.gpio_driver, self.pull_driver
        if out_code != gpio.code or pull_code != pull_driver.code:
            self.net.change_many(((gpio, out_code), (pull_driver, pull_code)), self._clock.now)
        if self.source is not None:
            signal = self._signals.get(self.source)
            if signal is not None:
                self._drive_signal_driver(signal, self._signal_levels.get(self.source), None)

    def set_pull(self, pull: int) -> bool:
        """Only the pull resistors change (gpio_pullup_dis and friends); True if they did."""
        if self.frozen:
            return False
        code = _PULL_CODES[pull] if self.has_pulls else OFF
        if code == self.pull_driver.code:
            return False
        self.net.change(self.pull_driver, code, self._clock.now)
        return True

    def write(self, level: int, t: int | None = None) -> None:
        """Drive `level` (0 or 1) if the output stage is on and the GPIO latch owns the pad, at `t`
        (default: the board's now; a peripheral's timed events give their own)."""
        codes = self.drive
        if codes is not None and not self.frozen:
            code = codes[level]
            if code != self.gpio_driver.code:
                self.net.change(self.gpio_driver, code, self._clock.now if t is None else t)

    def read(self) -> int:
        """The net's level: LOW, HIGH, Z (floating) or X (contention)."""
        return self.gpio_driver.net.level  # type: ignore[union-attr]

    def hold(self, on: bool) -> None:
        """gpio_pad_hold_en/dis: while held, configure and write change nothing on the pad."""
        self.frozen = on
        if on:
            self.drive = None

    def watch(self, fn: Watcher) -> Callable[[], None]:
        """Call fn(old, new, t) on every level change; returns the function that stops it. The watch
        follows the pad when a wire merges its net into another."""
        self.net.watchers.append(fn)

        def unwatch() -> None:
            try:
                self.net.watchers.remove(fn)
            except ValueError:
                pass

        return unwatch

    # ---- the GPIO matrix side (chip/matrix.py) ----
    def route(self, source: str | None, stage: int | None = None) -> None:
        """The matrix hands the pad's output to `source` (a peripheral signal's name; "" a signal
        that drives nothing here) or back to the GPIO latch (None): the signal it leaves stops
        driving. `stage`: the output stage the peripheral enables itself (the console UART and the
        RGB LED driver at reset, a PWM channel); None: the pad's own."""
        restage = stage != self._source_stage
        self._source_stage = stage
        if source == self.source:
            signal = self._signals.get(source) if source else None
            if restage and signal is not None and not self.frozen:
                self._drive_signal_driver(signal, self._signal_levels.get(source), None)
            return
        old = self._signals.get(self.source) if self.source is not None else None
        self.source = source
        if old is not None and old.code != OFF:
            old.set(OFF, self._clock.now)
        if source is not None:
            self.drive = None

    def drive_signal(self, label: str, level: int | None, t: int | None = None) -> None:
        """A peripheral signal routed to this pad drives `level` (None: released) through the pad's
        output stage (open drain only pulls low), at time `t` (default: the board's now). Its driver
        is named after the peripheral ('lopy4.P1 UART TX'), so faults say who drove the pad."""
        if label != self.source:
            return
        self._signal_levels[label] = level
        if self.frozen:
            return
        driver = self._signals.get(label)
        if driver is None:
            driver = self._signals[label] = Driver(f"{self.board_name}.{self.name} {label}")
            self.net.attach(driver)
        self._drive_signal_driver(driver, level, t)

    def _drive_signal_driver(self, driver: Driver, level: int | None, t: int | None) -> None:
        stage = self._source_stage
        codes = _DRIVE_CODES[self._output if stage is None else stage]
        code = OFF if level is None or codes is None else codes[level]
        if code != driver.code:
            self.net.change(driver, code, self._clock.now if t is None else t)

    def signal_output_on(self) -> bool:
        """Does a signal routed here reach the net (an output stage on, the pad not held)?"""
        stage = self._output if self._source_stage is None else self._source_stage
        return not self.frozen and _DRIVE_CODES[stage] is not None

    # ---- a steady wave written into the trace in blocks (chip/ledc.py) ----
    def unobserved(self) -> bool:
        """Nothing but this pad's own drivers and external resistors is on its net, nobody watches
        the net's edges, and it is recorded: a signal's steady wave may go into the trace in blocks."""
        net = self.net
        if net.watchers or net.drive_watchers or net.trace is None:
            return False
        own = {id(self.gpio_driver), id(self.pull_driver), *map(id, self._signals.values())}
        return all(id(d) in own or d.code in EXTERNAL_PULL_CODES.values() for d in net.drivers)

    def observers(self) -> tuple[int, ...]:
        """What may start watching the net (cheap to compare): its identity and its lists' sizes."""
        net = self.net
        return (id(net), len(net.watchers), len(net.drive_watchers), len(net.drivers))

    def set_trace_flusher(self, flush: Callable[[], None] | None) -> None:
        """Called before the net's trace is read (the wave writes what is due), None: no more."""
        trace = self.net.trace
        if trace is not None and (flush is not None or trace.flusher is not None):
            trace.flusher = flush

    def trace_flusher(self) -> Callable[[], None] | None:
        trace = self.net.trace
        return None if trace is None else trace.flusher

    def write_signal_block(self, label: str, words: Iterable[int], level: int) -> None:
        """Append a steady wave's edges (trace words) to the net's trace, and leave signal `label`
        driving `level`, without telling anyone: only while `unobserved()`."""
        net = self.net
        net.trace.extend(words)  # type: ignore[union-attr]
        self._signal_levels[label] = level
        driver = self._signals.get(label)
        if driver is None or self.frozen:
            return
        stage = self._source_stage
        codes = _DRIVE_CODES[self._output if stage is None else stage]
        code = OFF if codes is None else codes[level]
        if driver.code != code:
            counts = net.counts
            counts[driver.code] -= 1
            counts[code] += 1
            driver.code = code
            net.level = resolve(counts)

    def hand_to_peripheral(self) -> None:
        """gpio_set_direction(OUTPUT) for a peripheral that drives the pad with drivers of its own
        (a PWM channel, `OutputSignal.claim_pad`): the input buffer and the GPIO latch's drive let go."""
        if self.frozen:
            return
        self.input_enabled = False
        self.drive = None
        if self.gpio_driver.code != OFF:
            self.gpio_driver.set(OFF, self._clock.now)

    # ---- power ----
    def power_down(self, keep_pull: bool) -> None:
        """Deep sleep powers the digital domain down: the output stage and peripheral signals let go;
        the pull stays only where the RTC domain keeps it. A held pad keeps everything."""
        if self.frozen:
            return
        t = self._clock.now
        for driver in self._signals.values():
            if driver.code != OFF:
                driver.set(OFF, t)
        self.gpio_driver.set(OFF, t)
        if not keep_pull:
            self.pull_driver.set(OFF, t)
        self.drive = None

    def __repr__(self) -> str:
        return f"<Pad {self.board_name}.{self.name} level {'01zx'[self.net.level]}>"


def settle_silently(pads: Iterable[Pad], at: int, step: Callable[[], None]) -> None:
    """Run `step` (a boot's reconfiguration of many pads) as one instant: watchers and the recorder
    see only each net's level before and after, not the steps in between."""
    nets = {id(pad.net): pad.net for pad in pads}.values()
    restores = [net.quiet() for net in nets]
    try:
        step()
    finally:
        for restore in restores:
            restore(at)


def add_fixed_pull(pad: Pad, label: str, *, up: bool, at: int) -> Driver:
    """A resistor of the module itself that always pulls the pad (the antenna switch's pull-down)."""
    driver = Driver(f"{pad.board_name}.{pad.name} {label}")
    driver.code = EXTERNAL_PULL_CODES[up]
    pad.net.attach(driver)
    pad.net.settle(at)
    return driver


__all__ += ["PULL_NONE", "PULL_UP", "PULL_DOWN", "settle_silently", "add_fixed_pull"]
