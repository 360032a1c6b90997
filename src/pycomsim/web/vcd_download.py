"""`GET /run.vcd`: the VCD of the run so far, made in pieces so the whole file is never in memory.

The traces belong to the simulator's thread (a trace's last word can still change, a PWM wave writes
its edges when read), so each piece is made there, between two slices: at most `CHUNK_CHANGES` value
changes, then the run goes on. The file ends at the instant the download started; what the run does
after that is not in it. A download is refused before it starts when it would hold more than
`MAX_CHANGES` value changes (the page says why and points at `--vcd FILE`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..output.vcd import VcdStream
from ..sim.trace import end_time

if TYPE_CHECKING:
    from ..sim.world import World

CHUNK_CHANGES = 10_000  # about 150 KB of text per piece
MAX_CHANGES = 10_000_000  # about 100 MB of VCD: past it, --vcd FILE is the way


class _Pieces:
    """Where the writer puts text: kept as the strings it wrote until taken (a StringIO would hold
    four bytes a character)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        """Nothing to flush: the pieces are taken whole."""

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


class TooLarge(ValueError):
    """The download would be bigger than the cap; the text says so in one line."""


class VcdDownload:
    """One download in progress. Every method runs on the simulator's thread."""

    def __init__(self, world: World, *, max_changes: int = MAX_CHANGES) -> None:
        self._text = _Pieces()
        self._stream = VcdStream(world, self._text)
        self.end = end_time(world)
        # every recorded word of a selected trace is at most one value change
        changes = sum(trace.total() for trace in self._stream.traces)
        changes += sum(len(trace.times) for _, trace in self._stream.analog)
        if changes > max_changes:
            raise TooLarge(
                f"the VCD so far holds {changes:,} value changes, more than a download may "
                f"({max_changes:,}): write it with --vcd FILE instead"
            )
        self.done = False

    def next_chunk(self) -> str:
        """The next piece of the file; '' once it is complete."""
        if self.done:
            return ""
        if self._stream.write_until(self.end + 1, CHUNK_CHANGES):
            self._stream.close(self.end)
            self.done = True
        return self._text.take()
