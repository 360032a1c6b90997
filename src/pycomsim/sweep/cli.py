"""`pycomsim sweep SCRIPT|--scenario FILE`: one script over many seeds and parameter values, on Dask.

Every `pycomsim run` option is also a sweep option (given to every run); `--param` varies one;
`--seeds` lists the seeds. Exit codes: 0 every run passed, 1 some run failed, hung or errored,
2 bad usage or input, 130 interrupted (results so far are in the output folder: --resume).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from ..exc import UsageError
from ..units import parse_duration

# run options the sweep does not pass on: it sets them itself, or they make no sense in a sweep
_NOT_FORWARDED = {"seed", "scenario", "vcd", "plot", "pins", "window", "json", "quiet", "ui"}
_NOT_FORWARDED |= {"port", "speed", "help", "vcd-timescale"}


def _run_actions(run: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        a
        for a in run._actions
        if a.option_strings
        and a.option_strings[0].startswith("--")
        and a.option_strings[0][2:] not in _NOT_FORWARDED
    ]


def add_sweep_parser(sub: Any, run: argparse.ArgumentParser) -> None:
    """The `sweep` subcommand; every option of `run` (the run subparser) is forwarded to each run."""
    sweep = sub.add_parser(
        "sweep", help="run a script over many seeds and parameter values (on Dask) and tabulate"
    )
    sweep.add_argument("script", nargs="?", help="the script to run as main.py")
    sweep.add_argument("--scenario", metavar="FILE", help="sweep a scenario file instead")
    sweep.add_argument(
        "--seeds",
        default="0:100",
        metavar="SPEC",
        help="seeds: 0:1000 (end excluded), 0:1000:10, 1,5,9, or a mix (default 0:100); with a "
        "scenario, seed N is added to every board's seed in the file",
    )
    sweep.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="vary a run option (press=P10@1s,P10@2s, until=1s,2s, board=lopy4,wipy3) or, with "
        "--scenario, a value of the file (generators.0.freq=100,1000); repeatable: every "
        "combination runs",
    )
    cond = sweep.add_argument_group("pass condition (all given must hold; default: exit code 0)")
    cond.add_argument(
        "--expect-exit", type=int, default=0, metavar="N", help="the run's exit code (default 0)"
    )
    cond.add_argument("--expect-stdout", metavar="FILE", help="the board's exact output")
    cond.add_argument("--expect-regex", metavar="RE", help="a regex found in the board's output")
    cond.add_argument(
        "--check",
        metavar="MODULE:FUNCTION",
        help="a Python predicate called with (summary, traces); file.py:function works too",
    )
    out = sweep.add_argument_group("output and engine")
    out.add_argument(
        "--out",
        default="sweep-out",
        metavar="DIR",
        help="folder for results.csv/.parquet, summary.png, vcd/ (default sweep-out)",
    )
    out.add_argument("--resume", action="store_true", help="continue the sweep in --out")
    out.add_argument(
        "--overwrite", action="store_true", help="start again over an earlier sweep in --out"
    )
    out.add_argument(
        "--keep-vcd",
        type=int,
        default=20,
        metavar="N",
        help="save the VCD of the first N failing runs (default 20, 0: none)",
    )
    out.add_argument("--no-plot", action="store_true", help="no summary.png")
    out.add_argument(
        "--scheduler", metavar="tcp://HOST:8786", help="run on this Dask cluster (default: local)"
    )
    out.add_argument(
        "--workers", type=int, metavar="N", help="local worker processes (default: one per core)"
    )
    out.add_argument(
        "--timeout",
        default="60s",
        metavar="TIME",
        help="wall-time limit of one run; past it the run is killed and recorded as a hang "
        "(default 60s)",
    )
    out.add_argument("--batch", type=int, metavar="N", help="runs per Dask task (default: auto)")
    out.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    forwarded = sweep.add_argument_group("run options (given to every run, see pycomsim run -h)")
    for action in _run_actions(run):
        kwargs: dict[str, Any] = {"help": action.help, "dest": "run_" + action.dest}
        if isinstance(action, argparse._StoreTrueAction):
            kwargs["action"] = "store_true"
        elif isinstance(action, argparse._AppendAction):
            kwargs.update(action="append", default=[], metavar=action.metavar)
        else:
            kwargs.update(default=None, metavar=action.metavar or action.dest.upper())
        forwarded.add_argument(*action.option_strings, **kwargs)
    sweep.set_defaults(run_actions=_run_actions(run))


def _fixed_argv(args: argparse.Namespace) -> list[str]:
    argv: list[str] = []
    for action in args.run_actions:
        flag = action.option_strings[0]
        value = getattr(args, "run_" + action.dest)
        if isinstance(action, argparse._StoreTrueAction):
            argv += [flag] if value else []
        elif isinstance(action, argparse._AppendAction):
            for item in value:
                argv += [flag, item]
        elif value is not None and value != action.default:
            argv += [flag, str(value)]
    return argv


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..extras import require_extra

    require_extra("sweep", "pycomsim sweep")
    from ..output.progress import wanted
    from .conditions import PassCondition
    from .driver import SweepOptions, run_sweep
    from .grid import Grid, parse_param, parse_seeds
    from .report import summary_lines

    expected = None
    if args.expect_stdout is not None:
        try:
            expected = Path(args.expect_stdout).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read --expect-stdout {args.expect_stdout}: {error}") from None
    condition = PassCondition(args.expect_exit, expected, args.expect_regex, args.check)
    grid = Grid(
        args.script,
        args.scenario,
        parse_seeds(args.seeds),
        [parse_param(spec) for spec in args.param],
        fixed=_fixed_argv(args),
    )
    timeout_s = parse_duration(args.timeout, "--timeout") / 1e9
    if timeout_s <= 0:
        raise UsageError(f"bad --timeout {args.timeout!r}: must be more than 0")
    if args.keep_vcd < 0:
        raise UsageError(f"bad --keep-vcd {args.keep_vcd}: 0 or more")
    if args.resume and args.overwrite:
        raise UsageError(
            "--resume continues the sweep in --out, --overwrite replaces it: one of them"
        )
    options = SweepOptions(
        out=Path(args.out),
        condition=condition,
        scheduler=args.scheduler,
        workers=args.workers,
        timeout_s=timeout_s,
        keep_vcd=args.keep_vcd,
        resume=args.resume,
        overwrite=args.overwrite,
        batch=args.batch,
        progress=wanted(args.quiet),
        plot=not args.no_plot,
    )
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops a sweep as Ctrl-C does: results kept
    try:
        result = run_sweep(grid, options)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not args.quiet:
        for line in summary_lines(result.rows, result.param_keys, result.total):
            print(f"pycomsim: {line}", file=sys.stderr)
        for note in result.written:
            print(f"pycomsim: {note}", file=sys.stderr)
    if result.interrupted:
        print(f"pycomsim: interrupted: --resume --out {args.out} continues", file=sys.stderr)
        return 130
    return 1 if result.failed else 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
