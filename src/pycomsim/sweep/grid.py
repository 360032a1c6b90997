"""What a sweep runs: seeds x parameter values, each combination one `pycomsim run` command line.

`--seeds 0:1000` (a range, end excluded), `0:1000:10` (a step), `1,5,9` (a list) or a mix `0:10,50`.
`--param key=v1,v2` names a `pycomsim run` option (`press`, `until`, `wire`, `board`, `strict`, any other
the run command takes) or, with a scenario, a value of its file (`generators.0.freq`,
`boards.ping.seed`: scenario_set.py). Each run is the argv of a `pycomsim run`, so a row's `command`
reproduces it exactly.
"""

from __future__ import annotations

import itertools
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exc import UsageError

# columns of the results table; a parameter may not take one of these names
RESULT_COLUMNS = (
    "run",
    "seed",
    "status",
    "passed",
    "exit_code",
    "virtual_ns",
    "wall_s",
    "edges",
    "edges_by_pin",
    "callbacks",
    "dropped",
    "faults",
    "reason",
    "vcd",
    "command",
)
# `pycomsim run` options a sweep sets itself or that make no sense inside one
NOT_PARAMS = {"seed", "scenario", "vcd", "plot", "pins", "window", "json", "quiet", "ui", "port"}
NOT_PARAMS |= {"speed", "set", "help", "vcd-timescale"}


def parse_seeds(spec: str) -> list[int]:
    """'0:10,20,30:40:5' -> [0..9, 20, 30, 35]; a UsageError names a bad piece."""
    seeds: list[int] = []
    for piece in spec.split(","):
        piece = piece.strip()
        try:
            if ":" in piece:
                bounds = [int(x) for x in piece.split(":")]
                if len(bounds) not in (2, 3) or (len(bounds) == 3 and bounds[2] <= 0):
                    raise ValueError
                seeds.extend(range(*bounds))
            else:
                seeds.append(int(piece))
        except ValueError:
            raise UsageError(
                f"bad --seeds {spec!r}: {piece!r} is not N, START:END or START:END:STEP"
            ) from None
    unique = list(dict.fromkeys(seeds))
    if not unique:
        raise UsageError(f"bad --seeds {spec!r}: no seeds in it")
    return unique


def parse_param(spec: str) -> tuple[str, list[str]]:
    """'press=P10@1s,P10@2s' -> ('press', ['P10@1s', 'P10@2s'])."""
    key, sep, values = spec.partition("=")
    key = key.strip().removeprefix("--")
    if not sep or not key or not values:
        raise UsageError(f"bad --param {spec!r}: expected KEY=V1,V2,..., e.g. press=P10@1s,P10@2s")
    if key in RESULT_COLUMNS or key in NOT_PARAMS:
        raise UsageError(f"bad --param {spec!r}: {key!r} is set by the sweep itself")
    return key, [v.strip() for v in values.split(",")]


@dataclass(frozen=True)
class RunSpec:
    """One run of the sweep: its seed, its parameter values and the `pycomsim run` argv."""

    seed: int
    params: tuple[tuple[str, str], ...]
    argv: tuple[str, ...]

    @property
    def key(self) -> str:
        """The run's name in the results table (what --resume matches on)."""
        return " ".join([f"seed={self.seed}"] + [f"{k}={v}" for k, v in self.params])

    @property
    def command(self) -> str:
        return shlex.join(["pycomsim", "run", *self.argv])


@dataclass
class Grid:
    """Every run of a sweep, from the target (a script or a scenario), fixed run options, seeds and
    parameters. `definition` is what must match for --resume to continue an earlier sweep."""

    script: str | None
    scenario: str | None
    seeds: list[int]
    params: list[tuple[str, list[str]]]
    fixed: list[str] = field(default_factory=list)  # run options every run gets, e.g. --until 1s
    run_flags: dict[str, str] = field(default_factory=dict)  # option name -> 'flag' or 'value'
    board_seeds: dict[str, int] = field(default_factory=dict)  # scenario: board -> file seed

    def __post_init__(self) -> None:
        if (self.script is None) == (self.scenario is None):
            raise UsageError("give a script or --scenario FILE to sweep (one of them)")
        target = self.script or self.scenario
        assert target is not None
        if not Path(target).is_file():
            raise UsageError(f"{'script' if self.script else 'scenario'} not found: {target}")
        if not self.run_flags:
            self.run_flags = run_options()
        if self.scenario:
            self.board_seeds = scenario_board_seeds(self.scenario)
        keys = [k for k, _ in self.params]
        for key in keys:
            if keys.count(key) > 1:
                raise UsageError(f"--param {key} is given twice: list its values in one --param")
            if key not in self.run_flags and not self.scenario:
                raise UsageError(
                    f"bad --param {key}: `pycomsim run` has no --{key} option "
                    "(scenario values need --scenario FILE)"
                )

    def _param_argv(self, key: str, value: str) -> list[str]:
        kind = self.run_flags.get(key)
        if kind == "flag":
            if value.lower() in ("1", "true", "yes", "on"):
                return [f"--{key}"]
            if value.lower() in ("0", "false", "no", "off"):
                return []
            raise UsageError(f"bad --param {key}={value}: --{key} is a flag, use true or false")
        if kind == "value":
            return [f"--{key}", value]
        return ["--set", f"{key}={value}"]  # a scenario value

    def spec(self, seed: int, params: tuple[tuple[str, str], ...]) -> RunSpec:
        argv: list[str] = []
        if self.script:
            argv += [str(self.script), "--seed", str(seed)]
        else:
            argv += ["--scenario", str(self.scenario)]
            # a scenario run's seed N shifts every board's seed in the file by N (0: the file as is)
            for board, base in self.board_seeds.items():
                argv += ["--set", f"boards.{board}.seed={base + seed}"]
        argv += self.fixed
        for key, value in params:
            argv += self._param_argv(key, value)
        return RunSpec(seed, params, tuple(argv))

    def runs(self) -> list[RunSpec]:
        keys = [k for k, _ in self.params]
        combos = itertools.product(*[values for _, values in self.params])
        return [
            self.spec(seed, tuple(zip(keys, combo, strict=True)))
            for combo in combos
            for seed in self.seeds  # seeds innermost: the first rows cover every seed of a combo
        ]

    @property
    def param_keys(self) -> list[str]:
        return [k for k, _ in self.params]

    def definition(self) -> dict[str, Any]:
        return {
            "script": self.script,
            "scenario": self.scenario,
            "fixed": self.fixed,
            "params": self.param_keys,
        }


def run_options() -> dict[str, str]:
    """`pycomsim run`'s options: name -> 'flag' (store_true) or 'value'."""
    import argparse

    from ..run_options import run_parser

    run = run_parser()
    options = {}
    for action in run._actions:
        for flag in action.option_strings:
            if flag.startswith("--"):
                name = flag[2:]
                kind = "flag" if isinstance(action, argparse._StoreTrueAction) else "value"
                options[name] = kind
    return {k: v for k, v in options.items() if k not in NOT_PARAMS}


def scenario_board_seeds(path: str) -> dict[str, int]:
    """The boards of a scenario file and their seeds (what a sweep seed is added to)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    from ..scenario import ScenarioError

    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ScenarioError(f"{path}: cannot read the scenario file: {error}") from None
    boards = data.get("boards")
    if not isinstance(boards, dict) or not boards:
        raise ScenarioError(f"{path}: boards: expected at least one [boards.NAME] table")
    seeds = {}
    for name, spec in boards.items():
        seed = spec.get("seed", 0) if isinstance(spec, dict) else 0
        seeds[name] = seed if isinstance(seed, int) and not isinstance(seed, bool) else 0
    return seeds
