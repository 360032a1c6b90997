"""What happened in a run: every net's level changes and the board events around them.

A trace is an `array('Q')` (unsigned: array's fastest 8-byte append) of `(t_ns << 2) | level` words, one 8-byte word per change, appended from the
hot path with the array's own C `append`. Levels are net levels: 0, 1, 2 (floating) and 3 (contention).
10 million edges take 80 MB. For longer runs the recorder spills: at a checkpoint (a kernel event every
few ms of virtual time, armed by `Recorder.arm`) any array holding more than its share of the memory budget
moves all but its last two words to an anonymous temporary file, so memory stays bounded and the hot path
keeps appending to the same array object. Readers (`Trace.words`) see disk and memory as one sequence.

Board events (IRQ, drops, faults, RGB colour, boots, ...) are stored in columns too: a time and an index
into a table of distinct (board, kind, detail) keys, 12 bytes per event. LED states are 1-bit signals and
go to a trace of their own (`led_traces`), 8 bytes per change.
"""

from __future__ import annotations

import heapq
import itertools
import tempfile
from array import array
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from .kernel import Kernel

_READ_CHUNK = 1 << 16  # words read back from a spill file at a time


class LedWords(Protocol):
    """An LED's on/off changes as `t << 2 | on` words, its state when placed first."""

    def words(self, start: int = 0) -> Iterator[int]: ...

    def total(self) -> int: ...


class SpillArray(array):
    """An array whose head can move to a temporary file; `total()` and `words()` cover both parts."""

    name: str
    _spill: IO[bytes] | None
    _spilled: int

    def __new__(cls, typecode: str, name: str = "") -> SpillArray:
        self = super().__new__(cls, typecode)
        self.name = name
        self._spill = None
        self._spilled = 0
        return self

    def total(self) -> int:
        """Entries recorded, on disk and in memory."""
        return self._spilled + len(self)

    def spill(self, keep: int = 2, spill_dir: str | None = None) -> int:
        """Move all but the last `keep` entries to disk; return how many moved."""
        n = len(self) - keep
        if n <= 0:
            return 0
        if self._spill is None:
            self._spill = tempfile.TemporaryFile(prefix="pycomsim-", dir=spill_dir)
        self._spill.seek(0, 2)
        with memoryview(self) as view:  # no copy: a 100 MB trace must not need 200 MB more
            self._spill.write(view[:n])
        del self[:n]  # in place (the buffer is released): the hot path's `append` stays valid
        self._spilled += n
        return n

    def words(self, start: int = 0) -> Iterator[int]:
        """Entries from absolute index `start` on, disk first, then memory."""
        spilled = self._spilled
        if start < spilled and self._spill is not None:
            f = self._spill
            itemsize = self.itemsize
            pos = start
            while pos < spilled:
                n = min(_READ_CHUNK, spilled - pos)
                f.seek(pos * itemsize)
                chunk = array(self.typecode)
                chunk.frombytes(f.read(n * itemsize))
                yield from chunk
                pos += n
            start = spilled
        # islice, not a slice: a slice would copy the rest of a long trace at every call
        yield from itertools.islice(self, start - spilled, None) if start > spilled else self

    def chunks(self) -> Iterator[array]:
        """The entries as arrays: disk in pieces, then a copy of the memory part (safe to keep)."""
        if self._spill is not None and self._spilled:
            f = self._spill
            f.seek(0)
            left = self._spilled * self.itemsize
            while left > 0:
                chunk = array(self.typecode)
                chunk.frombytes(f.read(min(left, _READ_CHUNK * self.itemsize)))
                left -= len(chunk) * self.itemsize
                yield chunk
        yield array(self.typecode, self)

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None


class Trace(SpillArray):
    """Level changes of one net: decode with `changes()`; the first entry is the level at time 0.

    `flusher`, when set, is called before the trace is read: a steady wave that writes its edges in
    blocks (chip/ledc.py SteadyWave) writes what is due first."""

    flusher: Callable[[], None] | None = None

    def __new__(cls, name: str) -> Trace:
        return super().__new__(cls, "Q", name)  # type: ignore[return-value]

    def total(self) -> int:
        if self.flusher is not None:
            self.flusher()
        return super().total()

    def words(self, start: int = 0) -> Iterator[int]:
        if self.flusher is not None:
            self.flusher()
        return super().words(start)

    def chunks(self) -> Iterator[array]:
        if self.flusher is not None:
            self.flusher()
        return super().chunks()

    def changes(self) -> list[tuple[int, int]]:
        return [(word >> 2, word & 3) for word in self.words()]

    def __reduce_ex__(self, protocol: Any) -> Any:  # the spill file stays behind: copy the words
        return (_rebuild_trace, (self.name, list(self.words())))

    def __copy__(self) -> Trace:
        return _rebuild_trace(self.name, list(self.words()))

    def __deepcopy__(self, memo: Any) -> Trace:
        return self.__copy__()


def _rebuild_trace(name: str, words: list[int]) -> Trace:
    trace = Trace(name)
    trace.extend(words)
    return trace


def record_level(trace: Trace, t: int, level: int) -> None:
    """Record `level` at `t` off the hot path: a later level at the same instant replaces the earlier
    one, and a level equal to the one before is no edge (settling at boot or after wiring)."""
    word = t << 2 | level
    if trace and trace[-1] >> 2 == t:
        trace[-1] = word
        if len(trace) > 1 and trace[-2] & 3 == level:
            trace.pop()
    elif not trace or trace[-1] & 3 != level:
        trace.append(word)


class Event(NamedTuple):
    t: int
    board: str
    kind: str  # 'irq', 'drop', 'fault', 'warning', 'led', 'rgb', 'boot', 'deepsleep', 'button', ...
    detail: Any


class EventLog:
    """Board events in columns: times, and indexes into a table of distinct (board, kind, detail).

    Iterating yields `Event`s in time order, LED changes (kept as traces) merged in."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self.times = SpillArray("Q", "event times")
        self.keys = SpillArray("l", "event keys")
        self.table: list[tuple[str, str, Any]] = []
        self._index: dict[tuple[str, str, Any], int] = {}

    def append(self, t: int, board: str, kind: str, detail: Any) -> None:
        i = self.index(board, kind, detail)
        self.times.append(t)
        self.keys.append(i)

    def index(self, board: str, kind: str, detail: Any) -> int:
        """The table index of (board, kind, detail), added if new. A hot caller (the IRQ queue) looks
        its key up once and then appends `t` to `times` and the index to `keys` itself."""
        key = (board, kind, detail)
        try:
            i = self._index.get(key)
        except TypeError:  # an unhashable detail: never shared
            self.table.append(key)
            return len(self.table) - 1
        if i is None:
            i = self._index[key] = len(self.table)
            self.table.append(key)
        return i

    def _own(self) -> Iterator[Event]:
        table = self.table
        for t, i in zip(self.times.words(), self.keys.words(), strict=True):
            board, kind, detail = table[i]
            yield Event(t, board, kind, detail)

    def _leds(self, key: tuple[str, str], trace: LedWords) -> Iterator[Event]:
        board, name = key
        words = trace.words()
        next(words, None)  # the state at registration is not an event
        for word in words:
            yield Event(word >> 2, board, "led", (name, bool(word & 3)))

    def __iter__(self) -> Iterator[Event]:
        leds = [self._leds(k, tr) for k, tr in self._recorder.led_sources()]
        if not leds:
            return self._own()
        return heapq.merge(self._own(), *leds, key=lambda e: e.t)

    def __len__(self) -> int:
        leds = sum(max(0, tr.total() - 1) for _, tr in self._recorder.led_sources())
        return self.times.total() + leds

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice) and (index.start or 0) >= 0 and index.step in (None, 1):
            stop = index.stop if index.stop is None or index.stop >= 0 else len(self) + index.stop
            return list(itertools.islice(self, index.start or 0, stop))
        return list(self)[index]

    def __bool__(self) -> bool:
        return len(self) > 0

    def of_kind(self, kind: str, board: str | None = None) -> list[Event]:
        return [e for e in self if e.kind == kind and (board is None or e.board == board)]

    def count(self, kind: str) -> int:
        if kind == "led":
            return sum(1 for e in self if e.kind == "led")
        wanted = {i for i, (_, k, _) in enumerate(self.table) if k == kind}
        return sum(1 for i in self.keys.words() if i in wanted)


# An idle recorder still checkpoints every 10 s of virtual time: a burst that starts after a long
# quiet spell is bounded by what 10 s can record. "Idle": no pad changed and fewer new words (LEDs, events) than CHECKPOINT_WORDS.
IDLE_CHECKPOINT_NS = 10_000_000_000
CHECKPOINT_WORDS = 4096
IDLE_CHECKPOINTS = 8


class Recorder:
    def __init__(self, *, memory_words: int = 8 << 20, spill_dir: str | None = None) -> None:
        self.traces: dict[str, Trace] = {}  # 'board.P9' -> the net's trace (wired pads share one)
        self.led_traces: dict[tuple[str, str], Trace] = {}  # (board, LED name) -> on/off changes
        # LED parts that read their on/off changes off the nets' traces (sim/parts.py Led)
        self.leds: dict[tuple[str, str], LedWords] = {}
        self.part_arrays: list[SpillArray] = []  # words parts keep themselves: bounded like traces
        self.events = EventLog(self)
        self.memory_words = memory_words  # budget for in-memory words before spilling (8M = 64 MB)
        self.spill_dir = spill_dir
        self.spilled_words = 0
        self.checkpoint_listeners: list[Callable[[int], None]] = []
        self._armed: tuple[Kernel, int] | None = None

    def trace(self, key: str) -> Trace:
        trace = self.traces.get(key)
        if trace is None:
            trace = self.traces[key] = Trace(key)
        return trace

    def led_trace(self, board: str, name: str, t: int, on: bool) -> Trace:
        """The on/off trace of an LED, starting at `t` in state `on`."""
        trace = self.led_traces.get((board, name))
        if trace is None:
            trace = self.led_traces[(board, name)] = Trace(f"{board}.{name}")
            trace.append(t << 2 | (1 if on else 0))
        return trace

    def led_sources(self) -> list[tuple[tuple[str, str], LedWords]]:
        """(board, LED name) -> its on/off words, for every LED."""
        return [*self.led_traces.items(), *self.leds.items()]

    def event(self, t: int, board: str, kind: str, detail: Any = None) -> None:
        if kind == "led" and isinstance(detail, tuple) and len(detail) == 2:
            name, on = detail
            trace = self.led_traces.get((board, name))
            if trace is None:
                trace = self.led_traces[(board, name)] = Trace(f"{board}.{name}")
                trace.append(0 if on else 1)  # before its first change the LED was the other way
            record_level(trace, t, 1 if on else 0)
            return
        self.events.append(t, board, kind, detail)

    # ---- bounded memory for long runs ----
    def arm(self, kernel: Kernel, period_ns: int = 10_000_000) -> None:
        """Checkpoint while anything else is scheduled: spill traces over budget and tell listeners
        (a streaming VCD writer) how far time is final. Checkpoints follow the data, not the
        clock: `period_ns` apart while something is recorded, twice as far apart after each one
        that found little new (fewer than CHECKPOINT_WORDS; up to IDLE_CHECKPOINT_NS), so an idle board costs almost nothing
        whatever --until is."""
        self._armed = (kernel, period_ns)
        self._gap = period_ns
        self._quiet = 0
        self._seen_words = self._total_words()
        kernel.schedule(kernel.now + period_ns, self._checkpoint, kernel)

    def disarm(self) -> None:
        self._armed = None

    def _total_words(self) -> tuple[int, int]:
        """(pad changes recorded so far, words of every array): what decides the next gap."""
        pads = sum(tr.total() for tr in {id(t): t for t in self.traces.values()}.values())
        return pads, sum(a.total() for a in self.arrays())

    def _checkpoint(self, kernel: Kernel) -> None:
        if self._armed is None or self._armed[0] is not kernel:
            return
        self.checkpoint(kernel.now)
        words = self._total_words()
        period = self._armed[1]
        # busy: a pad changed (a streaming VCD wants it soon) or much else came in (memory)
        (pads, total), (seen_pads, seen_total) = words, self._seen_words
        busy = pads != seen_pads or total - seen_total >= min(
            CHECKPOINT_WORDS, self.memory_words // 16
        )
        # the gap only grows after IDLE_CHECKPOINTS quiet checkpoints in a row: a slow blink
        # still streams each change within one period
        self._quiet = 0 if busy else self._quiet + 1
        if busy:
            self._gap = period
        elif self._quiet >= IDLE_CHECKPOINTS:
            self._gap = min(self._gap * 2, IDLE_CHECKPOINT_NS)
        self._seen_words = words
        if kernel.pending():  # something else will happen: keep watching; else the run is over
            kernel.schedule(kernel.now + max(self._gap, period), self._checkpoint, kernel)

    def checkpoint(self, t: int) -> None:
        """Every change before `t` is final: no task can record earlier than the kernel clock."""
        for listener in self.checkpoint_listeners:
            listener(t)
        self.bound_memory()

    def arrays(self) -> list[SpillArray]:
        unique = {id(tr): tr for tr in self.traces.values()}
        unique.update({id(tr): tr for tr in self.led_traces.values()})
        unique.update({id(a): a for a in self.part_arrays})
        return [*unique.values(), self.events.times, self.events.keys]

    def memory_words_used(self) -> int:
        return sum(len(a) for a in self.arrays())

    def bound_memory(self) -> int:
        """Spill the biggest arrays until the in-memory words fit in the budget; return words moved."""
        arrays = self.arrays()
        used = sum(len(a) for a in arrays)
        moved = 0
        if used <= self.memory_words:
            return 0
        for a in sorted(arrays, key=len, reverse=True):
            if used <= self.memory_words // 2:  # leave headroom: don't spill at every checkpoint
                break
            n = a.spill(spill_dir=self.spill_dir)
            used -= n
            moved += n
        self.spilled_words += moved
        return moved

    def close(self) -> None:
        for a in self.arrays():
            a.close()
