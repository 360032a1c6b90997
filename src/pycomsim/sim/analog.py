"""Analog levels on nets: sources that set a pad's voltage, and the recording of voltages as real-valued
traces.

A net's voltage is that of its analog source (a constant, a potentiometer, a waveform, a CSV of
(time, volts), a DAC) when it has one, else what its digital level means: 0 V low, 3.3 V high, and for a
floating net a seeded random voltage. Sources are instruments with a low-impedance output: the last one
attached to a net wins. Times are ints of ns; volts are floats.

Each source records its voltage in an `AnalogTrace` (times and float values, `array('Q')` and
`array('d')`): a change when it is set (potentiometer, steps, CSV points), and for continuous waveforms a
sample every `sample` ns, written when the trace is read (no kernel event per sample).
"""

from __future__ import annotations

import csv
import math
from array import array
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..units import parse_duration
from .net import FLOATING, HIGH

if TYPE_CHECKING:
    from ..board import Board

VDD = 3.3


class AnalogTrace:
    """(t, volts) points of one analog signal, in time order; `flusher` writes what is due first."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.times = array("Q")
        self.values = array("d")
        self.flusher: Callable[[], None] | None = None

    def add(self, t: int, volts: float) -> None:
        if self.times and self.times[-1] == t:
            self.values[-1] = volts
        elif not self.values or self.values[-1] != volts:
            self.times.append(t)
            self.values.append(volts)

    def points(self) -> list[tuple[int, float]]:
        if self.flusher is not None:
            self.flusher()
        return list(zip(self.times, self.values, strict=True))

    def value_at(self, t: int) -> float | None:
        from bisect import bisect_right

        if self.flusher is not None:
            self.flusher()
        i = bisect_right(self.times, t) - 1
        return self.values[i] if i >= 0 else None


def analog_traces(world: Any) -> dict[str, AnalogTrace]:
    """'board.P13' -> its analog trace (the recorder keeps them beside the digital ones)."""
    return world.recorder.__dict__.setdefault("analog_traces", {})


class AnalogSource:
    """Sets the voltage of `pin`'s net; subclasses say what the voltage is at a time."""

    kind = "analog source"

    def __init__(self, board: Board, pin: str, *, name: str | None = None) -> None:
        self.board = board
        self.pin = board.pin(pin)
        self.name = name or f"{self.kind} on {self.pin._name}"
        key = f"{board.name}.{self.pin._name}"
        traces = analog_traces(board.world)
        self.trace = traces.get(key) or traces.setdefault(key, AnalogTrace(key))
        sources = board.world.__dict__.setdefault("analog_sources", {})
        sources[id(self.pin._pad.net)] = self
        sources[key] = self
        self.active = True

    def voltage(self, t: int) -> float:
        raise NotImplementedError

    def _now(self) -> int:
        from .parts import board_now

        return board_now(self.board)

    def release(self) -> None:
        """Disconnect: the net goes back to its digital meaning."""
        self.active = False
        self.trace.add(self._now(), math.nan)


class ConstantSource(AnalogSource):
    kind = "constant voltage"

    def __init__(self, board: Board, pin: str, volts: float, **kw: Any) -> None:
        super().__init__(board, pin, **kw)
        self.volts = _volts(volts)
        self.trace.add(self._now(), self.volts)

    def voltage(self, t: int) -> float:
        return self.volts


class Potentiometer(AnalogSource):
    """A voltage a test, a scenario or the web UI turns: `set(volts)` or `turn(fraction)` of 3.3 V."""

    kind = "potentiometer"

    def __init__(self, board: Board, pin: str, volts: float = 0.0, **kw: Any) -> None:
        super().__init__(board, pin, **kw)
        self._changes: list[tuple[int, float]] = []
        self.volts = _volts(volts)
        self.trace.add(self._now(), self.volts)

    def set(self, volts: float, at: int | str | None = None) -> None:
        """The new voltage from `at` (absolute virtual time; None: now)."""
        v = _volts(volts)
        if at is None:
            self.volts = v
            self.trace.add(self._now(), v)
            return
        t = parse_duration(at, "potentiometer time")
        self.board.kernel.schedule(t, self._apply, v)

    def _apply(self, v: float) -> None:
        self.volts = v
        self.trace.add(self.board.kernel.now, v)

    def turn(self, fraction: float, at: int | str | None = None) -> None:
        if not isinstance(fraction, (int, float)) or not 0 <= fraction <= 1:
            raise ValueError(
                f"bad potentiometer position {fraction!r}: expected a number in [0, 1]"
            )
        self.set(fraction * VDD, at)

    def voltage(self, t: int) -> float:
        return self.volts


class FunctionSource(AnalogSource):
    """A voltage computed from the time: sampled into the trace every `sample` ns when read."""

    kind = "waveform"

    def __init__(
        self, board: Board, pin: str, fn: Callable[[int], float], sample: int, **kw: Any
    ) -> None:
        super().__init__(board, pin, **kw)
        self.fn = fn
        self.sample = max(1, sample)
        self._t0 = self._now()
        self._done = self._t0 - self.sample
        self.trace.flusher = self.flush

    def voltage(self, t: int) -> float:
        return self.fn(t)

    def flush(self) -> None:
        if not self.active:
            return
        now = self.board.kernel.now
        t = self._done + self.sample
        while t <= now:
            self.trace.add(t, self.fn(t))
            t += self.sample
        self._done = t - self.sample


def waveform(
    board: Board,
    pin: str,
    shape: str,
    *,
    low: float = 0.0,
    high: float = VDD,
    freq: float = 1.0,
    levels: Iterable[Any] = (),
    sample: int | str | None = None,
    name: str | None = None,
) -> AnalogSource:
    """'sine', 'ramp' (sawtooth low to high) or 'steps' ([(t, volts), ...])."""
    low, high = _volts(low), _volts(high)
    if shape == "steps":
        return StepSource(board, pin, levels, name=name)
    if not isinstance(freq, (int, float)) or isinstance(freq, bool) or not freq > 0:
        raise ValueError(f"bad waveform freq {freq!r}: expected a number of Hz > 0")
    period = 1e9 / freq
    start = board.kernel.now
    if shape == "sine":

        def fn(t: int) -> float:
            return low + (high - low) * (0.5 + 0.5 * math.sin(2 * math.pi * (t - start) / period))

    elif shape == "ramp":

        def fn(t: int) -> float:
            return low + (high - low) * (((t - start) % period) / period)

    else:
        raise ValueError(f"bad waveform shape {shape!r}: expected 'sine', 'ramp' or 'steps'")
    step = parse_duration(sample, "sample") if sample is not None else max(1, round(period / 64))
    return FunctionSource(board, pin, fn, step, name=name)


class StepSource(AnalogSource):
    """Piecewise-constant volts: [(t, volts), ...]; before the first step, the first value."""

    kind = "voltage steps"

    def __init__(self, board: Board, pin: str, steps: Iterable[Any], **kw: Any) -> None:
        super().__init__(board, pin, **kw)
        self.steps: list[tuple[int, float]] = []
        for i, entry in enumerate(steps):
            if not isinstance(entry, (list, tuple)) or len(entry) != 2:
                raise ValueError(f"bad step #{i} {entry!r}: expected [time, volts]")
            self.steps.append((parse_duration(entry[0], f"time of step #{i}"), _volts(entry[1])))
        if not self.steps:
            raise ValueError("voltage steps need at least one [time, volts] entry")
        self.steps.sort(key=lambda s: s[0])
        for t, v in self.steps:
            self.trace.add(t, v)

    def voltage(self, t: int) -> float:
        v = self.steps[0][1]
        for when, volts in self.steps:
            if when > t:
                break
            v = volts
        return v


class CsvSource(StepSource):
    """Volts from a CSV file of `time,volts` rows (time with a unit or in ns; a header row is
    skipped), linearly interpolated between rows, holding the last value."""

    kind = "CSV voltage"

    def __init__(self, board: Board, pin: str, path: str | Path, **kw: Any) -> None:
        rows = []
        path = Path(path)
        try:
            text = path.read_text()
        except OSError as error:
            raise ValueError(f"cannot read analog CSV {str(path)!r}: {error.strerror}") from None
        for n, row in enumerate(csv.reader(text.splitlines()), 1):
            if not row or row[0].strip().startswith("#"):
                continue
            if len(row) != 2:
                raise ValueError(f"{path}:{n}: expected two columns time,volts, got {row!r}")
            t_text, v_text = row[0].strip(), row[1].strip()
            try:
                volts = float(v_text)
            except ValueError:
                if n == 1:
                    continue  # a header
                raise ValueError(f"{path}:{n}: bad volts {v_text!r}") from None
            t = int(t_text) if t_text.isdigit() else t_text
            try:
                rows.append((parse_duration(t, "time"), volts))
            except ValueError as error:
                raise ValueError(f"{path}:{n}: {error}") from None
        super().__init__(board, pin, rows, **kw)

    def voltage(self, t: int) -> float:
        steps = self.steps
        if t <= steps[0][0]:
            return steps[0][1]
        for (t0, v0), (t1, v1) in zip(steps, steps[1:], strict=False):
            if t0 <= t < t1:
                return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        return steps[-1][1]


def _volts(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= VDD:
        raise ValueError(f"bad voltage {value!r}: expected a number of volts in [0, 3.3]")
    return float(value)


def net_voltage(board: Board, pin: Any, t: int) -> float:
    """The volts on `pin`'s net at `t`: an analog source's, else the digital level's meaning."""
    sources = board.world.__dict__.get("analog_sources", {})
    net = pin._pad.net
    source = sources.get(id(net))
    if source is None:
        for pad in board.world.pads_on(net):  # a source on a pad wired to this one
            source = sources.get(pad)
            if source is not None and source.active:
                break
    if source is not None and source.active:
        return source.voltage(t)
    level = net.level
    if level == HIGH:
        return VDD
    if level == FLOATING:
        return board.rng.uniform(0.0, VDD)
    return 0.0  # low, or contention (a contended pad reads low)
