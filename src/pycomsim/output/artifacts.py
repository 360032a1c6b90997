"""What `pycomsim run` leaves besides the board's output: --vcd, --plot (with --pins, --window), and
the progress bar. `RunOutputs` checks every flag before the run starts (a bad one is a UsageError: exit 2,
nothing written), streams the VCD during the run, and finishes every file in `finish()`, which the CLI
calls in a `finally`: a script that raised or a Ctrl-C still leaves complete files."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..units import parse_duration

if TYPE_CHECKING:
    from ..sim.world import World
    from .progress import VirtualTimeProgress
    from .vcd import VcdStream

CHECKPOINT_NS = (
    10_000_000  # recorder checkpoint: VCD written and memory bounded every 10 ms virtual
)


def add_output_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--vcd", metavar="FILE", help="write the pads' levels as VCD (GTKWave, sigrok)"
    )
    run.add_argument(
        "--plot", metavar="FILE", help="draw a timing diagram (.png, .svg or .pdf) of the pads"
    )
    run.add_argument(
        "--pins",
        metavar="P9,P10",
        help="only these pads in --vcd and --plot (board.P9 with several boards)",
    )
    run.add_argument(
        "--window",
        metavar="START:END",
        help="time span of --plot, e.g. 0ms:50ms (default: the run)",
    )


class RunOutputs:
    def __init__(self, world: World, args: argparse.Namespace) -> None:
        from ..exc import UsageError
        from ..sim.trace import select_pins

        self.world = world
        self.args = args
        self.vcd: VcdStream | None = None
        self.progress: VirtualTimeProgress | None = None
        self.plot_path = None
        self.written: list[str] = []
        pins = getattr(args, "pins", None)
        if pins is not None:
            select_pins(world, pins)  # unknown names fail now, before the run
        if getattr(args, "plot", None):
            from ..extras import require_extra

            require_extra("plot", "--plot")  # before plot.py, which imports numpy
        if getattr(args, "window", None) is not None:
            from .plot import parse_window

            if not args.plot:
                raise UsageError("--window applies to --plot: give --plot FILE too")
            parse_window(args.window)
        if getattr(args, "plot", None):
            from .plot import check_plot_path

            self.plot_path = check_plot_path(args.plot)
        if getattr(args, "vcd", None):
            from .vcd import VcdStream

            self.vcd = VcdStream(world, args.vcd, pins=pins)  # creates the file: fails early
            world.recorder.checkpoint_listeners.append(self.vcd.write_until)
        world.recorder.arm(world.kernel, CHECKPOINT_NS)

    def start_progress(self) -> None:
        from .progress import VirtualTimeProgress, wanted

        if wanted(bool(getattr(self.args, "quiet", False))):
            until = self.args.until
            self.progress = VirtualTimeProgress(
                self.world, parse_duration(until, "--until") if until is not None else None
            )
            self.progress.__enter__()

    def stop_progress(self) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)
            self.progress = None

    def finish(self) -> list[str]:
        """Close the VCD and draw the plot; return notes for stderr (what was written where)."""
        self.stop_progress()
        self.world.recorder.disarm()
        notes = []
        if self.vcd is not None and not self.vcd.closed:
            self.vcd.close()
            notes.append(f"VCD written to {self.args.vcd}")
        if self.plot_path is not None:
            from .plot import plot_timing

            plot_timing(self.world, self.plot_path, pins=self.args.pins, window=self.args.window)
            notes.append(f"plot written to {self.plot_path}")
            self.plot_path = None
        return notes
