"""The sweep without a cluster: seeds and parameters, the run a worker does (run_one), pass conditions,
the child process that makes a runaway run killable, scenario --set, and the CLI's one-line errors."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pycomsim.cli import main
from pycomsim.exc import UsageError
from pycomsim.sweep.child import ChildRunner, Hang
from pycomsim.sweep.conditions import PassCondition
from pycomsim.sweep.driver import SweepOptions, run_sweep
from pycomsim.sweep.grid import Grid, parse_param, parse_seeds
from pycomsim.sweep.runner import run_one

ROOT = Path(__file__).resolve().parent.parent
DEBOUNCE = str(ROOT / "examples" / "debounce.py")
SCRIPTS = ROOT / "tests" / "sweep_scripts"
PRESS = ["--press", "P10@5ms"]


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_seeds_ranges_lists_and_steps() -> None:
    assert parse_seeds("0:5") == [0, 1, 2, 3, 4]
    assert parse_seeds("0:10:4,7,2") == [0, 4, 8, 7, 2]
    assert parse_seeds("3,3,1:4") == [3, 1, 2]  # each seed once, first order kept
    for bad in ("a", "1:", "0:10:0", "1:2:3:4", "5:5"):
        with pytest.raises(UsageError, match="bad --seeds"):
            parse_seeds(bad)


def test_params_are_run_options_or_scenario_values() -> None:
    assert parse_param("press=P10@1s, P10@2s") == ("press", ["P10@1s", "P10@2s"])
    with pytest.raises(UsageError, match="set by the sweep itself"):
        parse_param("seed=1,2")
    with pytest.raises(UsageError, match="expected KEY=V1,V2"):
        parse_param("until")
    grid = Grid(
        DEBOUNCE, None, [0, 1], [("until", ["20ms", "30ms"]), ("strict", ["false", "true"])]
    )
    runs = grid.runs()
    assert len(runs) == 8 and [r.seed for r in runs[:2]] == [0, 1]
    assert runs[-1].argv == (DEBOUNCE, "--seed", "1", "--until", "30ms", "--strict")
    assert runs[-1].key == "seed=1 until=30ms strict=true"
    assert runs[-1].command.startswith("pycomsim run ") and "--strict" in runs[-1].command
    with pytest.raises(UsageError, match="has no --bogus option"):
        Grid(DEBOUNCE, None, [0], [("bogus", ["1"])])
    with pytest.raises(UsageError, match="script not found"):
        Grid("nope.py", None, [0], [])


def test_scenario_seed_shifts_every_board_and_params_become_set(tmp_path: Path) -> None:
    scenario = ROOT / "examples" / "bench.toml"
    grid = Grid(None, str(scenario), [3], [("buttons.0.presses.0.at", ["400ms"])])
    (run,) = grid.runs()
    argv = list(run.argv)
    # bench.toml: ping seed 1, pong seed 2
    assert argv[argv.index("boards.ping.seed=4") - 1] == "--set"
    assert "boards.pong.seed=5" in argv and "buttons.0.presses.0.at=400ms" in argv


def test_run_set_changes_a_scenario_value() -> None:
    scenario = str(ROOT / "examples" / "bench.toml")
    code, out, _ = run_cli("run", "--scenario", scenario, "--set", "until=250ms", "--quiet")
    assert code == 0 and "pulse 2" in out and "pulse 3" not in out  # pulses every 200 ms
    code, _, err = run_cli("run", "--scenario", scenario, "--set", "generators.0.freq=5")
    assert code == 2 and "bad --set generators.0.freq: the file has no generators" in err
    code, _, err = run_cli("run", DEBOUNCE, "--set", "until=1s")
    assert code == 2 and "--set changes a scenario file's values" in err


def test_run_one_is_the_run_command() -> None:
    for seed in (0, 1):
        row = run_one([DEBOUNCE, "--seed", str(seed), *PRESS], PassCondition(), want_vcd=True)
        code, out, err = run_cli("run", DEBOUNCE, "--seed", str(seed), *PRESS, "--json")
        assert row["exit_code"] == code
        assert row["passed"] == (code == 0)
        assert row["status"] == ("pass" if code == 0 else "fail")
        assert (row["vcd_bytes"] is None) == (code == 0)  # only a failing run's VCD comes back
        assert f'"virtual_ns": {row["virtual_ns"]}' in err
        assert f'"callbacks_run": {row["callbacks"]}' in err
    assert "AssertionError: one press counted 2 times" in row["reason"]  # seed 1 double-counts


def test_pass_conditions(tmp_path: Path) -> None:
    argv = [DEBOUNCE, "--seed", "0", *PRESS]
    assert run_one(argv, PassCondition(regex=r"^presses: 1$"))["passed"]
    row = run_one(argv, PassCondition(regex=r"presses: 2"))
    assert not row["passed"] and "no match for 'presses: 2'" in row["reason"]
    assert run_one(argv, PassCondition(stdout="presses: 1\n"))["passed"]
    row = run_one(argv, PassCondition(stdout="presses: 3\n"))
    assert "line 1: 'presses: 1' (expected 'presses: 3')" in row["reason"]
    failing = [DEBOUNCE, "--seed", "1", *PRESS]
    assert run_one(failing, PassCondition(exit_code=1))["passed"]
    checks = f"{SCRIPTS / 'checks.py'}"
    assert run_one(argv, PassCondition(predicate=f"{checks}:printed_one_press"))["passed"]
    row = run_one(failing, PassCondition(exit_code=1, predicate=f"{checks}:printed_one_press"))
    assert "printed_one_press returned False" in row["reason"]
    # the predicate sees P10's trace: pulled up, a press ends low, so it fell (edges + 1) // 2 times
    burst = PassCondition(exit_code=1, predicate=f"{checks}:one_falling_burst")
    verdicts = set()
    for seed in range(6):
        argv = [DEBOUNCE, "--seed", str(seed), *PRESS]
        edges = run_one(argv, PassCondition())["edges_by_pin"]["P10"]
        row = run_one(argv, PassCondition(row_code(argv), predicate=burst.predicate))
        assert row["passed"] == ((edges + 1) // 2 <= 3), (seed, edges, row["reason"])
        verdicts.add(row["passed"])
    assert verdicts == {True, False}  # both outcomes seen: the predicate decided
    with pytest.raises(UsageError, match="has no function 'nope'"):
        PassCondition(predicate=f"{checks}:nope").check()
    with pytest.raises(UsageError, match="bad --expect-regex"):
        PassCondition(regex="(").check()


def row_code(argv: list[str]) -> int:
    return run_one(argv, PassCondition())["exit_code"]


def test_bad_run_in_a_sweep_is_an_error_row() -> None:
    row = run_one([DEBOUNCE, "--press", "P10@soon"], PassCondition())
    assert row["status"] == "error" and row["exit_code"] == 2 and "bad --press" in row["reason"]


def test_child_runner_kills_a_runaway_and_starts_afresh() -> None:
    runner = ChildRunner()
    spin = str(SCRIPTS / "hang_when_high.py")
    request = {"argv": [spin, "--seed", "0"], "condition": PassCondition(), "want_vcd": False}
    request["cwd"] = None
    runner.start()
    proc = runner.proc
    started = time.monotonic()
    with pytest.raises(Hang):
        runner.run(request, 1.0)  # seed 0: P11 floats to 1, the script spins forever
    assert 1.0 <= time.monotonic() - started < 5.0
    assert proc is not None and proc.poll() is not None  # really gone, not left spinning
    row = runner.run(dict(request, argv=[spin, "--seed", "1"]), 30.0)  # a fresh child
    assert row["passed"] and runner.proc is not proc
    runner.kill()


def test_sweep_cli_errors_are_one_line(tmp_path: Path) -> None:
    cases = [
        (["sweep", DEBOUNCE, "--seeds", "x"], "bad --seeds 'x'"),
        (["sweep", DEBOUNCE, "--param", "bogus=1"], "has no --bogus option"),
        (["sweep"], "give a script or --scenario FILE"),
        (["sweep", DEBOUNCE, "--param", "press=P10@never"], "bad run `pycomsim run"),
        (["sweep", DEBOUNCE, "--timeout", "0s"], "bad --timeout"),
        (["sweep", DEBOUNCE, "--check", "nomodule_here:f"], "cannot import nomodule_here"),
        (["sweep", DEBOUNCE, "--resume", "--out", str(tmp_path / "none")], "nothing to resume"),
    ]
    for argv, message in cases:
        code, out, err = run_cli(*argv, "--out", str(tmp_path / "o"))
        assert code == 2, argv
        assert out == "" and err.count("\n") == 1 and message in err, (argv, err)
        assert "Traceback" not in err


def test_existing_results_need_resume_or_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "results.csv").write_text("run,seed\n")
    grid = Grid(DEBOUNCE, None, [0], [])
    with pytest.raises(UsageError, match="exists: --resume to continue that sweep, --overwrite"):
        run_sweep(grid, SweepOptions(out=out))
    assert (out / "results.csv").read_text() == "run,seed\n"  # nothing lost


BLOCKED_RUN = """
import sys
for name in ("dask", "distributed", "pyarrow"):
    sys.modules[name] = None  # import raises ImportError: the sweep extra is not installed
from pycomsim.cli import main
sys.exit(main({argv!r}))
"""


def test_without_the_sweep_extra_run_works_and_sweep_names_the_extra(tmp_path: Path) -> None:
    def without(argv: list[str]) -> subprocess.CompletedProcess:
        code = BLOCKED_RUN.format(argv=argv)
        return subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )

    ran = without(["run", DEBOUNCE, "--seed", "0", *PRESS, "--quiet"])
    assert ran.returncode == 0 and ran.stdout == "presses: 1\n", ran.stderr
    swept = without(["sweep", DEBOUNCE, *PRESS, "--seeds", "0:3"])
    assert swept.returncode == 2 and swept.stdout == ""
    lines = swept.stderr.splitlines()
    assert len(lines) == 1 and "pycomsim sweep needs distributed" in lines[0], swept.stderr
    assert "pip install 'pycomsim[sweep]'" in lines[0]
    assert not (tmp_path / "sweep-out").exists()  # nothing written


def test_a_scenario_run_of_a_sweep_sets_the_file_values(tmp_path: Path) -> None:
    # one board, one bounced press whose time is a parameter; seed 0 is the file's own seed
    (tmp_path / "main.py").write_text(Path(DEBOUNCE).read_text())
    (tmp_path / "bench.toml").write_text(
        '[boards.a]\nscript = "main.py"\nseed = 1\n\n'
        '[[buttons]]\npin = "a.P10"\npresses = [{ at = "5ms" }]\n'
    )
    grid = Grid(
        None, str(tmp_path / "bench.toml"), [0, 1], [("buttons.0.presses.0.at", ["5ms", "25ms"])]
    )
    outcomes = {}
    for spec in grid.runs():
        row = run_one(spec.argv, PassCondition(regex="presses: 1"))
        outcomes[spec.key] = row["passed"]
        code, _, _ = run_cli("run", *spec.argv, "--quiet")  # the row's command, run directly
        assert (code == 0) == (row["exit_code"] == 0)
    # seed 0 is the file's seed 1, which double-counts (see the single-script sweeps); a press at
    # 25 ms comes after the script's 20 ms count: no press at all
    assert outcomes == {
        "seed=0 buttons.0.presses.0.at=5ms": False,
        "seed=1 buttons.0.presses.0.at=5ms": True,
        "seed=0 buttons.0.presses.0.at=25ms": False,
        "seed=1 buttons.0.presses.0.at=25ms": False,
    }


def test_an_unreachable_scheduler_is_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pycomsim.sweep.driver as driver

    monkeypatch.setattr(driver, "CONNECT_TIMEOUT", "1s")
    code, out, err = run_cli(
        "sweep", DEBOUNCE, "--seeds", "0:3", "--scheduler", "tcp://127.0.0.1:9",
        "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "cannot reach the scheduler tcp://127.0.0.1:9" in err
    assert not (tmp_path / "o").exists()  # no empty table that would block the next try
