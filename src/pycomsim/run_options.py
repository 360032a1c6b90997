"""The options of `pycomsim run` and what they build: the board or boards of one run.

`pycomsim serve` and `pycomsim sweep` take the same options, so they live here, below the command
line itself (cli.py), which only adds the subcommands.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .board import Board
from .core.boards import BOARDS, DEFAULT_BOARD
from .sim.world import World
from .units import parse_duration


class CliError(Exception):
    """A bad flag or input: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(message)


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    """Every option of `pycomsim run` (serve and sweep take them too)."""
    run.add_argument("script", nargs="?", help="the script to run as main.py")
    run.add_argument(
        "--scenario",
        metavar="FILE",
        help="run several boards, wires, parts and stimuli from a TOML file (docs/scenario.md)",
    )
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="with --scenario: change a value of the file, e.g. generators.0.freq=1000",
    )
    run.add_argument(
        "--board",
        default=DEFAULT_BOARD,
        help=f"board type: {', '.join(BOARDS)} (default {DEFAULT_BOARD})",
    )
    run.add_argument("--until", help="stop at this virtual time: 500us, 20ms, 2s, 1min")
    run.add_argument("--seed", default="0", help="seed for floating inputs and bounce (default 0)")
    run.add_argument(
        "--cpu",
        help="how board code costs time: board (default: MicroPython 1.11 on a 160 MHz ESP32), "
        "a factor of it (2: twice as slow), or free (statements cost nothing); docs/timing.md",
    )
    run.add_argument(
        "--wire",
        action="append",
        default=[],
        metavar="A=B",
        help="wire two pins together, e.g. P9=P23",
    )
    run.add_argument(
        "--press",
        action="append",
        default=[],
        metavar="PIN@TIME[+HOLD]",
        help="press a button on PIN at TIME, e.g. P10@1s+200ms (expansion button: P10)",
    )
    run.add_argument(
        "--no-bounce",
        action="store_true",
        help="buttons pressed with --press close and open cleanly (default: seeded contact bounce)",
    )
    run.add_argument(
        "--part",
        action="append",
        default=[],
        metavar="KIND@PIN[,PIN][:key=value,...]",
        help="add a part from the catalogue, e.g. dht22@P11:humidity=40 or hcsr04@P20,P21:distance=1.5m "
        "(docs/parts.md; in a scenario run the pins name their board: dht22@a.P11)",
    )
    run.add_argument(
        "--shield",
        action="append",
        default=[],
        metavar="NAME",
        help="put a Pycom shield on the board: pysense, pysense2, pytrack, pytrack2 (same as --part NAME)",
    )
    run.add_argument(
        "--no-bus-levels",
        action="store_true",
        help="I2C and SPI transfers keep their timing and events but put no edges on the pins "
        "(faster; the VCD then shows no bus waveform)",
    )
    run.add_argument(
        "--strict",
        action="store_true",
        help="turn every electrical fault into an exception in the script",
    )
    run.add_argument(
        "--no-expansion",
        action="store_true",
        help="leave the expansion board (LED P9, button P10) off",
    )
    run.add_argument(
        "--json", action="store_true", help="end with the summary as one JSON object on stderr"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary line")
    from .output.artifacts import add_output_arguments

    add_output_arguments(run)  # --vcd, --plot, --pins, --window
    run.add_argument(
        "--flash-dir",
        metavar="DIR",
        help="keep the board's /flash changes in DIR between runs (default: discarded at the end)",
    )
    run.add_argument(
        "--host-python",
        action="store_true",
        help="skip the board-language gate (MicroPython 1.11 syntax, board-only modules): host code",
    )
    run.add_argument(
        "--ui",
        action="store_true",
        help="watch the board live in the browser (serves a page on 127.0.0.1; Ctrl-C to stop)",
    )
    run.add_argument("--port", help="with --ui: the port to serve on (default: a free port)")
    run.add_argument(
        "--speed", help="with --ui: virtual seconds per wall second, e.g. 0.1 or 10 (default 1)"
    )


def run_parser() -> argparse.ArgumentParser:
    """A parser of `pycomsim run`'s options alone (a sweep's runs, the serve command)."""
    parser = _Parser(prog="pycomsim run", description="run a script on a simulated board")
    add_run_arguments(parser)
    return parser


def _button(board: Board, pin: str, no_bounce: bool) -> Any:
    return board.button(pin, bounce=False) if no_bounce else board.button(pin)


def _parse_press(spec: str) -> tuple[str, int, int | None]:
    pin, sep, when = spec.partition("@")
    if not sep or not pin:
        raise CliError(f"bad --press {spec!r}: expected PIN@TIME[+HOLD], e.g. P10@1s+200ms")
    at, plus, hold = when.partition("+")
    if plus and not hold.strip():
        raise CliError(f"bad --press {spec!r}: no hold time after '+', e.g. {spec}200ms")
    try:
        return pin, parse_duration(at, "press time"), parse_duration(hold, "hold") if hold else None
    except ValueError as error:
        raise CliError(f"bad --press {spec!r}: {error}") from None


def add_cli_parts(args: argparse.Namespace, boards: list[Board]) -> list[Any]:
    """--part and --shield: parts from the catalogue (sim/part_catalogue.py) on `boards`. With several
    boards a pin names its board (`dht22@a.P11`) and a part without pins is `a.pysense`."""
    from .sim.part_catalogue import parse_part_spec

    by_name = {board.name: board for board in boards}
    made = []
    for flag, spec in [("--part", s) for s in getattr(args, "part", [])] + [
        ("--shield", s) for s in getattr(args, "shield", [])
    ]:
        try:
            kind, pins, options = parse_part_spec(spec)
            board_name, dot, kind = kind.rpartition(".")
            refs = [pin.rpartition(".") for pin in pins]
            names = {ref[0] for ref in refs if ref[1]} | ({board_name} if dot else set())
            if len(names) > 1:
                raise ValueError(f"the pins are on different boards ({', '.join(sorted(names))})")
            if not names and len(boards) > 1:
                raise ValueError(
                    f"say which board: e.g. {boards[0].name}.PIN ({', '.join(by_name)})"
                )
            name = names.pop() if names else boards[0].name
            if name not in by_name:
                raise ValueError(f"unknown board {name!r} (boards: {', '.join(by_name)})")
            made.append(by_name[name].add_part(kind, *[ref[2] for ref in refs], **options))
        except (ValueError, TypeError) as error:
            raise CliError(f"bad {flag} {spec!r}: {error}") from None
    return made


def _setup_scenario(args: argparse.Namespace) -> tuple[World, list[Board]]:
    """`--scenario FILE`: the boards come from the file; --until, --strict, --wire and --press
    (with board names: a.P10@1s) apply on top of it."""
    from .scenario import load_scenario

    if args.script:
        raise CliError(f"give a script or --scenario, not both (got {args.script!r})")
    for flag, given, key in (
        ("--board", args.board != DEFAULT_BOARD, "type"),
        ("--seed", args.seed != "0", "seed"),
        ("--no-expansion", args.no_expansion, "expansion = false"),
        ("--flash-dir", getattr(args, "flash_dir", None) is not None, "flash_dir"),
    ):
        if given:
            raise CliError(
                f"{flag} is for single-script runs: set {key} per board in the scenario file"
            )
    if args.until is not None:
        parse_duration(args.until, "--until")
    from .scenario_set import parse_setting

    settings = [parse_setting(spec) for spec in args.set]
    scenario = load_scenario(
        args.scenario,
        strict=True if args.strict else None,
        settings=settings,
        cpu=_cpu(args.cpu),
    )
    world = scenario.world
    for wire in args.wire:
        world.wire_spec(wire)
    for spec in args.press:
        ref, at, hold = _parse_press(spec)
        pad = world.resolve_pad(ref)
        _button(world.boards[pad.board_name], pad.name, args.no_bounce).press(at=at, hold=hold)
    add_cli_parts(args, list(scenario.boards.values()))
    _bus_levels(args, list(scenario.boards.values()))
    if args.until is None and scenario.until is not None:
        args.until = scenario.until
    if args.host_python:
        for board in scenario.boards.values():
            board.host_python = True
    return world, list(scenario.boards.values())


def _bus_levels(args: argparse.Namespace, boards: list[Board]) -> None:
    """--no-bus-levels: transfers without their waveform (chip/i2c.py, chip/spi.py)."""
    if getattr(args, "no_bus_levels", False):
        for board in boards:
            board.bus_levels = False


def _cpu(value: str | None) -> Any:
    """--cpu board|free|FACTOR (core/cpu.py); None when not given."""
    if value is None:
        return None
    from .core.cpu import cpu_model

    try:
        return cpu_model(value)
    except ValueError:
        raise CliError(
            f"bad --cpu {value!r}: expected board, free or a positive factor such as 2 or 0.5"
        ) from None


def _setup(args: argparse.Namespace) -> tuple[World, list[Board]]:
    if args.scenario:
        return _setup_scenario(args)
    if not args.script:
        raise CliError("no script given: pycomsim run SCRIPT (or --scenario FILE)")
    if args.set:
        raise CliError(
            f"--set changes a scenario file's values: give --scenario FILE (got {args.set[0]!r})"
        )
    script = Path(args.script)
    if not script.is_file():
        raise CliError(f"script not found: {args.script}")
    _check_readable(script)
    if args.board not in BOARDS:
        raise CliError(f"unknown board {args.board!r}: choose one of {', '.join(BOARDS)}")
    try:
        seed = int(args.seed)
    except ValueError:
        raise CliError(f"bad --seed {args.seed!r}: expected an integer") from None
    if args.until is not None:
        parse_duration(args.until, "--until")
    cpu = _cpu(args.cpu)
    board = Board(
        args.board,
        seed=seed,
        wires=args.wire,
        # a shield (--shield) takes the expansion board's place: a module sits on one or the other
        expansion=not args.no_expansion and not getattr(args, "shield", []),
        strict=args.strict,
        host_python=args.host_python,
        flash_dir=args.flash_dir,
        cpu=cpu,
    )
    for spec in args.press:
        pin, at, hold = _parse_press(spec)
        _button(board, pin, args.no_bounce).press(at=at, hold=hold)  # P10: the expansion button
    add_cli_parts(args, [board])
    _bus_levels(args, [board])
    board.load(script)
    return board.world, [board]


def _check_readable(script: Path) -> None:
    try:
        open(script, "rb").close()  # noqa: SIM115 - only whether it opens
    except OSError as error:
        raise CliError(f"cannot read script {str(script)!r}: {error.strerror}") from None
