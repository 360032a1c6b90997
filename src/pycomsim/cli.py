"""`pycomsim run`: run a script (or a scenario of several boards) on simulated boards.

stdout is the board's serial output and nothing else; everything pycomsim says goes to stderr.
Exit codes: 0 done (script ended or --until reached), 1 a script raised, 2 bad usage or input,
74 an output file could not be written, 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP, 152 the CPU limit of
--isolate (each after the outputs are complete and the summary is printed), 141 stdout was a pipe
that closed (`| head`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time as host_time
from typing import Any

from .exc import UsageError
from .report import summary, summary_line
from .run_options import (  # noqa: F401 - names older callers import from here
    CliError,
    _button,
    _cpu,
    _parse_press,
    _Parser,
    _setup,
    _setup_scenario,
    add_run_arguments,
)
from .signals import ending_signals, interrupted_status, quiet_broken_stdout

EXIT_OK, EXIT_SCRIPT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 141  # stdout was a pipe that closed: 128 + SIGPIPE, as a shell reports it
EXIT_OUTPUT = 74  # an output file (--vcd, --plot) could not be written: sysexits EX_IOERR


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog="pycomsim", description="Run Pycom MicroPython scripts on simulated boards."
    )
    parser.add_argument("--version", action="version", version=f"pycomsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a script on a simulated board")
    add_run_arguments(run)
    from .serve.command import add_serve_arguments

    serve = sub.add_parser(
        "serve", help="put a simulated board on a serial port (mpremote, rshell)"
    )
    add_serve_arguments(serve, run)
    from .sweep.cli import add_sweep_parser

    add_sweep_parser(sub, run)  # `pycomsim sweep`: every run option, over seeds and parameters
    from .isolate import add_isolate_arguments

    add_isolate_arguments(run)  # after serve and sweep took run's options: `run` only
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    if (args.port is not None or args.speed is not None) and not args.ui:
        raise CliError("--port and --speed only apply with --ui")
    if args.ui:
        from .extras import require_extra

        require_extra("ui", "--ui")  # before the run is set up: nothing happens without the extra
    world, boards = _setup(args)
    from .output.artifacts import RunOutputs

    # checks --vcd/--plot/--pins/--window before the run, in every mode
    outputs = RunOutputs(world, args, live=not args.ui)
    if args.ui:
        from .web.launch import run_ui  # the web stack is only imported when asked for

        try:
            code = run_ui(
                world,
                boards,
                port=args.port,
                speed=args.speed,
                until=args.until,
                written_up_to=outputs.write_up_to,
            )
        finally:
            written = outputs.finish()
        _report_outputs(outputs, written, args)
        return EXIT_OUTPUT if outputs.failed and code == EXIT_OK else code
    started = host_time.perf_counter()
    status = "ended"
    code = EXIT_OK
    try:
        with ending_signals():  # SIGTERM and SIGHUP end the run as Ctrl-C does
            outputs.start_progress()
            world.run(until=args.until)
        if args.until is not None:
            status = "reached --until"
    except KeyboardInterrupt as stop:
        status, code = interrupted_status(stop)
    finally:
        wall = host_time.perf_counter() - started
        written = outputs.finish()  # the VCD is complete whatever happened
    if world.stdout_closed:  # `pycomsim run x.py | head -1`: end quietly, as other tools do
        quiet_broken_stdout()
        return EXIT_BROKEN_PIPE
    sys.stdout.flush()  # the board printed its tracebacks there; the host lines follow on stderr
    for board, error in world.failed:
        text = board.format_exception(error)  # in a multi-board run each line gets 'name| '
        sys.stderr.write(
            "".join(board.console.prefix + line for line in text.splitlines(keepends=True))
        )
        status, code = "script raised", EXIT_SCRIPT_ERROR if code == EXIT_OK else code
    data = summary(world, wall_s=wall, status=status, extra={"written": outputs.written})
    if args.json:
        print(json.dumps(data), file=sys.stderr)
    else:
        _report_outputs(outputs, written, args)
        if not args.quiet:
            print(summary_line(data), file=sys.stderr)
    if outputs.failed and code == EXIT_OK:
        code = EXIT_OUTPUT
    return code


def _report_outputs(outputs: Any, written: list[str], args: argparse.Namespace) -> None:
    for line in outputs.failed:  # always said, even with --quiet or --json
        print(f"pycomsim: error: {line}", file=sys.stderr)
    if not args.quiet and not args.json:
        for note in written:
            print(f"pycomsim: {note}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    code = _main(argv)
    if argv is None and "pycomsim.web.session" in sys.modules:
        from .web.session import HELD_THREADS

        if any(t.is_alive() for t in HELD_THREADS):
            # board code that never yields (a zero-time loop under --ui) keeps its thread, which
            # would slow the interpreter's wind-down by a second; the outputs are complete: leave
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return code


def _main(argv: list[str] | None) -> int:
    if sys.stdout is None:  # started with stdout closed (`>&-`): the output has nowhere to go
        if sys.stderr is not None:
            print(
                "pycomsim: error: stdout is closed: the board's output has nowhere to go",
                file=sys.stderr,
            )
        return EXIT_USAGE
    if not (sys.argv[1:] if argv is None else argv):
        build_parser().print_help()  # bare `pycomsim`: what it can do, not a usage error
        return EXIT_OK
    try:
        args = build_parser().parse_args(argv)
        if args.command == "run" and (args.isolate_memory or args.isolate_cpu) and not args.isolate:
            raise CliError("--isolate-memory and --isolate-cpu apply to --isolate")
        if args.command == "run" and args.isolate:
            from .isolate import inside, run_isolated

            if not inside():  # the parent: the same command line in a limited child
                return run_isolated(sys.argv[1:] if argv is None else list(argv), args)
        if args.command == "serve":
            from .serve.command import cmd_serve

            return cmd_serve(args)
        if args.command == "sweep":
            from .sweep.cli import cmd_sweep

            return cmd_sweep(args)
        return cmd_run(args)
    except (CliError, UsageError) as error:
        print(f"pycomsim: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as error:  # bad durations and pin names from our own parsers
        print(f"pycomsim: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("pycomsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
