"""A progress bar of virtual time with the real-time factor, drawn with rich on stderr.

Only on a terminal (stderr is a TTY) and never with --quiet: piped output stays exactly what the board
printed. The kernel calls `on_advance` after every event; the bar redraws at most ~10 times a second.
"""

from __future__ import annotations

import sys
import time as host_time
from typing import IO, TYPE_CHECKING, Any

from ..units import format_ns

if TYPE_CHECKING:
    from ..sim.world import World


def wanted(quiet: bool, stream: IO[str] | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return not quiet and bool(isatty and isatty())


class VirtualTimeProgress:
    """`with VirtualTimeProgress(world, until_ns): world.run(...)`; `until_ns` None: no total."""

    def __init__(self, world: World, until_ns: int | None, stream: IO[str] | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        self.world = world
        self.until_ns = until_ns
        self.start_ns = world.kernel.now
        self.console = Console(file=stream if stream is not None else sys.stderr)
        columns: list[Any] = [TextColumn("[bold]virtual[/bold] {task.fields[virtual]}")]
        if until_ns:
            columns += [BarColumn(), TextColumn("{task.percentage:>3.0f}%")]
        columns.append(TextColumn("{task.fields[rtf]}"))
        self.progress = Progress(*columns, console=self.console, transient=True)
        self.task = self.progress.add_task("run", total=until_ns or None, virtual="0ns", rtf="")
        self._last = 0.0
        self._started = 0.0
        self._previous_hook: Any = None

    def __enter__(self) -> VirtualTimeProgress:
        self._started = self._last = host_time.perf_counter()
        kernel = self.world.kernel
        self._previous_hook = kernel.on_advance
        kernel.on_advance = self.on_advance
        self.progress.start()
        return self

    def on_advance(self, now: int) -> None:
        if self._previous_hook is not None:
            self._previous_hook(now)
        wall = host_time.perf_counter()
        if wall - self._last >= 0.1:
            self._last = wall
            self.update(now, wall)

    def update(self, now: int, wall: float | None = None) -> None:
        wall = host_time.perf_counter() if wall is None else wall
        elapsed = wall - self._started
        done = now - self.start_ns
        rtf = f"{done / 1e9 / elapsed:.3g}x real time" if elapsed > 0 else ""
        self.progress.update(self.task, completed=done, virtual=format_ns(done), rtf=rtf)

    def __exit__(self, *exc: object) -> None:
        self.world.kernel.on_advance = self._previous_hook
        self.progress.stop()
