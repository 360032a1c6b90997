"""What `pycomsim run` leaves besides the board's output: --vcd, --plot (with --pins, --window), and
the progress bar. `RunOutputs` checks every flag before the run starts (a bad one is a UsageError: exit 2,
nothing written), streams the VCD during the run, and finishes every file in `finish()`, which the CLI
calls in a `finally`: a script that raised or a Ctrl-C still leaves complete files."""

from __future__ import annotations

import argparse
from pathlib import Path
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
        "--vcd-timescale",
        metavar="1ns",
        help="the VCD's time unit: 1ns (default), 10ns, 100ns, 1us, 10us, 100us or 1ms; "
        "1us or coarser opens fast in PulseView/sigrok for runs of seconds",
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


def run_inputs(world: World, args: argparse.Namespace) -> list[Path]:
    """Every file the run reads: the scenario file, each board's script and the boot.py beside it."""
    inputs = [Path(args.scenario)] if getattr(args, "scenario", None) else []
    for board in world.boards.values():
        if isinstance(board.program, Path):
            inputs += [board.program, board.program.parent / "boot.py"]
    return inputs


class RunOutputs:
    """`live=False` (the web UI): nothing is streamed, the files are written by `finish()`."""

    def __init__(self, world: World, args: argparse.Namespace, *, live: bool = True) -> None:
        from ..exc import UsageError
        from ..sim.trace import select_pins
        from .safefile import AtomicFile, check_output

        self.world = world
        self.args = args
        self.vcd: VcdStream | None = None
        self.vcd_file: AtomicFile | None = None
        self.progress: VirtualTimeProgress | None = None
        self.plot_path: Path | None = None
        self.written: list[str] = []  # the paths finish() wrote (the --json summary's `written`)
        self.failed: list[str] = []  # one line per output that could not be written
        inputs = run_inputs(world, args)
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
        vcd = getattr(args, "vcd", None)
        plot = getattr(args, "plot", None)
        timescale = getattr(args, "vcd_timescale", None)
        if timescale is not None:
            from .vcd import parse_timescale

            if vcd is None:
                raise UsageError("--vcd-timescale applies to --vcd: give --vcd FILE too")
            parse_timescale(timescale, "--vcd-timescale")
        if vcd is not None:
            check_output(vcd, "--vcd", inputs)
        if plot is not None:
            from .plot import check_plot_path

            self.plot_path = check_plot_path(check_output(plot, "--plot", inputs))
        if vcd is not None and plot is not None and Path(vcd).resolve() == Path(plot).resolve():
            raise UsageError(f"--vcd and --plot name the same file {vcd!r}")
        if self.plot_path is not None:
            AtomicFile(self.plot_path, "--plot").discard()  # the folder is writable: fail now
        if vcd is not None:
            from .vcd import VcdStream

            self.vcd_file = AtomicFile(Path(vcd), "--vcd")  # creates the file: fails early
            self.vcd = VcdStream(world, self.vcd_file.temp, pins=pins, timescale=timescale or "1ns")
            if live:
                world.recorder.checkpoint_listeners.append(self.vcd.write_until)
        if live:
            world.recorder.arm(world.kernel, CHECKPOINT_NS)

    def write_up_to(self, t: int) -> None:
        """What a live page has run so far goes into the VCD now (the page's thread calls this
        between its slices), so ending the run leaves only the last moments to write."""
        if self.vcd is not None:
            self.vcd.write_until(t)

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
        """Close the VCD and draw the plot; return notes for stderr (what was written where).
        An output that fails is a line in `failed`, and the others are still written."""
        from ..exc import UsageError

        self.stop_progress()
        self.world.recorder.disarm()
        notes = []
        if self.vcd is not None and self.vcd_file is not None and not self.vcd.closed:
            self.vcd.close()
            if self.vcd.error is None:
                self.vcd_file.commit()
                notes.append(f"VCD written to {self.args.vcd}")
                self.written.append(str(self.args.vcd))
            else:
                kept = self.vcd_file.keep_partial()
                reason = self.vcd.error.strerror or self.vcd.error
                where = "" if self.vcd_file.direct else f" (what was written is in {kept})"
                self.failed.append(f"cannot write --vcd {self.args.vcd!r}: {reason}{where}")
        if self.plot_path is not None:
            from .plot import plot_timing
            from .safefile import AtomicFile

            target = AtomicFile(self.plot_path, "--plot")
            try:
                plot_timing(self.world, target.temp, pins=self.args.pins, window=self.args.window)
                target.commit()
                notes.append(f"plot written to {self.plot_path}")
                self.written.append(str(self.plot_path))
            except (UsageError, OSError) as error:
                target.discard()
                self.failed.append(f"cannot write --plot {str(self.plot_path)!r}: {error}")
            self.plot_path = None
        return notes
