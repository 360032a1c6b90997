"""Recorded pad levels as a Value Change Dump (IEEE 1364 VCD), written with pyvcd.

Timescale 1 ns by default (`timescale="1us"` ... `"1ms"` for long runs: viewers that sample the file, as
sigrok/PulseView does, take one sample per tick, so a 3 s run at 1 ns is 3e9 samples; at a coarser
timescale each change is rounded down to its tick and a pulse shorter than a tick vanishes); one scope per board (the board's name), one 1-bit wire per pad named by its module name
(`P9`); a floating net is `z`, contention is `x`. Pads wired together share a net, so their wires carry
the same changes. Several changes of one net at the same instant are written as the last one only.

`VcdStream` writes while the run goes on: the recorder's checkpoints tell it up to which time the traces
are final, and `close()` (call it in a `finally`) writes the rest and the end time, so the file is complete
even when the script raised or the run was interrupted. `write_vcd` is the one-shot form.
"""

from __future__ import annotations

import contextlib
import heapq
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from vcd import VCDWriter

from .. import __version__
from ..exc import UsageError
from ..sim.trace import end_time, select_pins

if TYPE_CHECKING:
    from ..sim.recorder import Trace
    from ..sim.world import World

_LEVELS = ("0", "1", "z", "x")  # net levels 0, 1, FLOATING, CONTENTION
# the timescales a VCD can have (IEEE 1364: 1, 10 or 100 of a unit), in ns per tick
TIMESCALES = {
    "1ns": 1,
    "10ns": 10,
    "100ns": 100,
    "1us": 1_000,
    "10us": 10_000,
    "100us": 100_000,
    "1ms": 1_000_000,
}


def parse_timescale(text: str, what: str = "timescale") -> int:
    """ns per tick of a VCD timescale ('1us'); a UsageError names a bad one."""
    ticks = TIMESCALES.get(str(text).replace(" ", "").replace("µ", "u"))
    if ticks is None:
        raise UsageError(f"bad {what} {text!r}: use one of {', '.join(TIMESCALES)}")
    return ticks


def open_output(out: str | Path | IO[Any], what: str = "VCD file") -> tuple[IO[str], Any]:
    """A text stream on `out` (a path, a text stream or a binary stream) and what to do to finish it:
    close our own file, detach a wrapper from the caller's binary stream, or nothing."""
    if isinstance(out, (str, Path)):
        try:
            stream = open(out, "w", encoding="ascii", newline="\n")  # noqa: SIM115
        except OSError as error:
            raise UsageError(f"cannot write {what} {str(out)!r}: {error.strerror}") from None
        return stream, stream.close
    if isinstance(out, io.TextIOBase):
        return out, out.flush
    if isinstance(out, (io.RawIOBase, io.BufferedIOBase)) or "b" in str(getattr(out, "mode", "")):
        wrapper = io.TextIOWrapper(out, encoding="ascii", newline="\n")  # type: ignore[arg-type]

        def finish() -> None:
            wrapper.flush()
            wrapper.detach()  # the caller's stream stays open

        return wrapper, finish
    if hasattr(out, "write"):
        return out, getattr(out, "flush", lambda: None)  # type: ignore[return-value]
    raise UsageError(f"cannot write {what} to {out!r}: expected a path or a stream")


class VcdStream:
    """A VCD file being written as the run goes on; see the module docstring."""

    def __init__(
        self,
        world: World,
        out: str | Path | IO[Any],
        *,
        pins: Iterable[str] | str | None = None,
        timescale: str = "1ns",
    ) -> None:
        self.world = world
        signals = select_pins(world, pins)  # validate before creating the file
        self.tick = parse_timescale(timescale)
        self._stream, self._finish = open_output(out)
        name = next(k for k, v in TIMESCALES.items() if v == self.tick)
        self.writer = VCDWriter(
            self._stream,
            timescale=f"{name[:-2]} {name[-2:]}",
            date="",  # no wall-clock date: the same run gives a byte-identical file
            version=f"pycomsim {__version__}",
            comment="net levels: z = floating (nothing drives it), x = contention",
        )
        self.vars = []
        self.traces: list[Trace] = []
        for board, pin in signals:
            self.vars.append(self.writer.register_var(board.name, pin.name, "wire", 1, init="x"))
            self.traces.append(world.recorder.traces[world.signal_name(pin)])
        self.cursors = [0] * len(self.traces)
        # analog levels (sim/analog.py) of the selected pads, as `real` variables named P13_V
        analog = world.recorder.__dict__.get("analog_traces", {})
        self.analog = [
            (self.writer.register_var(board.name, f"{pin.name}_V", "real", 64, init=0.0), trace)
            for board, pin in signals
            if (trace := analog.get(f"{board.name}.{pin.name}")) is not None
        ]
        self.analog_cursors = [0] * len(self.analog)
        self.written_to = -1  # every change before this time is in the file
        self.closed = False
        self.error: OSError | None = None  # why writing stopped, if it failed

    def _changes(self, idx: int, bound: int) -> Iterator[tuple[int, int, int, int]]:
        """(tick, idx, level, next word index) of the trace's changes before `bound` (ns), the last
        one of each tick."""
        trace = self.traces[idx]
        n = self.cursors[idx]
        tick = self.tick
        pending = -1
        for word in trace.words(n):
            if word >> 2 >= bound:
                break
            if pending >= 0 and (pending >> 2) // tick != (word >> 2) // tick:
                yield (pending >> 2) // tick, idx, pending & 3, n
            pending = word
            n += 1
        if pending >= 0:
            yield (pending >> 2) // tick, idx, pending & 3, n

    def _analog_changes(self, j: int, bound: int) -> Iterator[tuple[int, int, float, int]]:
        trace = self.analog[j][1]
        trace.points()  # let a waveform write its samples first
        idx = len(self.vars) + j
        n = self.analog_cursors[j]
        times, values = trace.times, trace.values
        while n < len(times) and times[n] < bound:
            if values[n] == values[n]:  # NaN: the source let go; the file keeps the last value
                yield times[n] // self.tick, idx, values[n], n + 1
            n += 1

    def write_until(self, t: int, limit: int | None = None) -> bool:
        """Write every change strictly before `t` (changes at `t` itself may still come), or only the
        first `limit` of them; True when all are written. A write that fails (a full disk) ends the
        file: `error` says why, the run goes on."""
        if self.closed or t <= self.written_to:
            return True
        try:
            return self._write_until(t, limit)
        except OSError as error:
            self._failed(error)
            return True

    def _failed(self, error: OSError) -> None:
        self.error = error
        self.closed = True
        with contextlib.suppress(OSError, ValueError):
            self._finish()

    def _write_until(self, t: int, limit: int | None = None) -> bool:
        streams = [self._changes(i, t) for i in range(len(self.traces))]
        streams += [self._analog_changes(j, t) for j in range(len(self.analog))]
        change, variables, cursors = self.writer.change, self.vars, self.cursors
        n_digital = len(variables)
        left = -1 if limit is None else limit
        for when, idx, level, next_word in heapq.merge(*streams):
            if left == 0:  # the next call starts again from the cursors: times never go back
                self._stream.flush()
                return False
            left -= 1
            if idx >= n_digital:  # an analog level: a float
                j = idx - n_digital
                change(self.analog[j][0], when, level)
                self.analog_cursors[j] = next_word
                continue
            change(variables[idx], when, _LEVELS[level])
            # advanced after the write: a Ctrl-C in between repeats one change at the same time,
            # which pyvcd drops as no change, so the file never goes back in time
            cursors[idx] = next_word
        self.written_to = t
        self._stream.flush()
        return True

    def close(self, end: int | None = None) -> None:
        """Write everything up to `end` (default: where the run ended) and finish the file."""
        if self.closed:
            return
        try:
            if end is None:
                end = end_time(self.world)
            self.write_until(end + 1)
            if self.closed:
                return  # the write failed
            self.writer.close(end // self.tick)
        except OSError as error:
            self._failed(error)
            return
        self.closed = True
        try:
            self._finish()
        except OSError as error:
            self._failed(error)

    def __enter__(self) -> VcdStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_vcd(
    world: World,
    out: str | Path | IO[Any],
    *,
    pins: Iterable[str] | str | None = None,
    until: int | str | None = None,
    timescale: str = "1ns",
) -> None:
    """Write the recorded pads of `world` (or only `pins`, e.g. ['P9', 'b.P10']) as VCD to `out` (a
    path, a text or a binary stream), up to `until` (virtual time; default: where the run ended), at
    `timescale` ('1ns' ... '1ms')."""
    from ..units import parse_duration

    end = parse_duration(until, "until") if until is not None else None
    stream = VcdStream(world, out, pins=pins, timescale=timescale)
    stream.close(end)
    if stream.error is not None:
        reason = stream.error.strerror or stream.error
        raise UsageError(f"cannot write VCD file {str(out)!r}: {reason}")
