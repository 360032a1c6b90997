"""Sweeps on a real Dask LocalCluster (two worker processes): the failing seeds found exactly, rows that
`pycomsim run` reproduces, the CSV and Parquet tables, saved VCDs, runs that hang, a worker killed
mid-sweep, an interrupted sweep resumed, and `--scheduler` on an existing cluster."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pycomsim.cli import main
from pycomsim.sweep.driver import SweepOptions, run_sweep, start_local_cluster
from pycomsim.sweep.grid import RESULT_COLUMNS, Grid

ROOT = Path(__file__).resolve().parent.parent
DEBOUNCE = str(ROOT / "examples" / "debounce.py")
HANG = str(ROOT / "tests" / "sweep_scripts" / "hang_when_high.py")
PRESS = ["--press", "P10@5ms"]
SEEDS = list(range(40))


@pytest.fixture(scope="module")
def client() -> Any:
    c, cluster = start_local_cluster(2)  # what `pycomsim sweep` starts
    yield c
    c.close()
    cluster.close()


def run_directly(argv: list[str]) -> tuple[int, str]:
    """`pycomsim run ARGV` in this process, without the sweep: exit code and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", *argv])
    return code, err.getvalue()


@pytest.fixture(scope="module")
def expected_failing() -> set[int]:
    """The seeds whose contact bounce makes examples/debounce.py count one press twice, found by
    running every seed directly."""
    failing = {s for s in SEEDS if run_directly([DEBOUNCE, "--seed", str(s), *PRESS])[0] != 0}
    assert 0 < len(failing) < len(SEEDS)  # a sweep that finds them has something to find
    return failing


def debounce_grid(seeds: list[int] = SEEDS) -> Grid:
    return Grid(DEBOUNCE, None, seeds, [], fixed=PRESS)


def test_sweep_finds_exactly_the_failing_seeds(
    client: Any, tmp_path: Path, expected_failing: set[int]
) -> None:
    streamed: list[str] = []
    result = run_sweep(
        debounce_grid(),
        SweepOptions(out=tmp_path / "o", keep_vcd=3),
        client=client,
        on_row=lambda row: streamed.append(row["run"]),
    )
    assert len(result.rows) == len(SEEDS) and len(streamed) == len(SEEDS)
    assert {row["seed"] for row in result.failed} == expected_failing
    assert {row["status"] for row in result.failed} == {"fail"}
    # the first failing VCDs (3) are saved, and only for failing runs
    saved = [row for row in result.rows if row["vcd"]]
    assert len(saved) == 3 and all(not row["passed"] for row in saved)
    for row in saved:
        text = Path(row["vcd"]).read_text()
        assert "$enddefinitions" in text and "P10" in text
    assert sorted(p.name for p in (tmp_path / "o" / "vcd").iterdir()) == sorted(
        Path(row["vcd"]).name for row in saved
    )
    assert (tmp_path / "o" / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rows_are_reproduced_by_pycomsim_run(
    client: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws its bar as on a terminal
    result = run_sweep(
        Grid(DEBOUNCE, None, [0, 1, 3], [("until", ["30ms"])], fixed=PRESS),
        SweepOptions(out=tmp_path / "o", plot=False, progress=True),
        client=client,
    )
    captured = capsys.readouterr()
    assert captured.out == ""  # the progress bar is drawn on stderr only
    assert "sweep" in captured.err and "2 failing" in captured.err and "3/3" in captured.err
    assert {row["passed"] for row in result.rows} == {True, False}
    for row in result.rows:
        command = row["command"].split()
        assert command[:2] == ["pycomsim", "run"]
        code, err = run_directly([*command[2:], "--json"])
        data = json.loads(err.strip().splitlines()[-1])
        assert code == row["exit_code"]
        assert data["virtual_ns"] == row["virtual_ns"]
        assert data["edges"] == json.loads(row["edges_by_pin"])
        assert sum(data["edges"].values()) == row["edges"]
        assert data["callbacks_run"] == row["callbacks"]
        assert data["events_dropped"] == row["dropped"]
        assert len(data["faults"]) == row["faults"]


def test_csv_and_parquet_tables(client: Any, tmp_path: Path, expected_failing: set[int]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    seeds = SEEDS[:12]
    grid = Grid(DEBOUNCE, None, seeds, [("until", ["25ms", "30ms"])], fixed=PRESS)
    run_sweep(grid, SweepOptions(out=tmp_path / "o", keep_vcd=0), client=client)
    with open(tmp_path / "o" / "results.csv", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == ["run", "seed", "until", *RESULT_COLUMNS[2:]]
    assert len(rows) == 24 and len({r["run"] for r in rows}) == 24
    for r in rows:
        seed = int(r["seed"])
        assert r["run"] == f"seed={seed} until={r['until']}"
        assert r["passed"] == str(seed not in expected_failing)
        assert r["status"] == ("fail" if seed in expected_failing else "pass")
        assert r["exit_code"] == ("1" if seed in expected_failing else "0")
        assert r["virtual_ns"] == str(int(r["until"][:2]) * 1_000_000)
        assert float(r["wall_s"]) > 0
        assert int(r["edges"]) == sum(json.loads(r["edges_by_pin"]).values()) > 0
        assert int(r["callbacks"]) >= 1 and r["dropped"] == "0" and r["faults"] == "0"
        assert r["vcd"] == ""  # keep_vcd=0
        assert r["command"].endswith(f"--seed {seed} --press P10@5ms --until {r['until']}")
    table = pq.read_table(tmp_path / "o" / "results.parquet").to_pylist()
    assert len(table) == 24
    by_run = {r["run"]: r for r in rows}
    for t in table:
        r = by_run[t["run"]]
        assert t["seed"] == int(r["seed"]) and t["passed"] == (r["passed"] == "True")
        assert t["virtual_ns"] == int(r["virtual_ns"]) and t["edges"] == int(r["edges"])
        assert t["until"] == r["until"] and t["command"] == r["command"]


def test_a_hanging_run_is_killed_and_recorded(client: Any, tmp_path: Path) -> None:
    seeds = list(range(6))
    hangs = {s for s in seeds if _floats_high(s)}
    assert 0 < len(hangs) < len(seeds)
    started = time.monotonic()
    result = run_sweep(
        Grid(HANG, None, seeds, []),
        SweepOptions(out=tmp_path / "o", timeout_s=3.0, batch=1, plot=False),
        client=client,
    )
    assert time.monotonic() - started < 30
    by_seed = {row["seed"]: row for row in result.rows}
    assert {s for s, row in by_seed.items() if row["status"] == "hang"} == hangs
    for s in hangs:
        assert by_seed[s]["wall_s"] == 3.0 and "wall-time limit of 3 s" in by_seed[s]["reason"]
        assert by_seed[s]["exit_code"] is None
    assert all(by_seed[s]["passed"] for s in set(seeds) - hangs)
    # every killed child is gone: each worker keeps at most the one child it runs with now
    children = client.run(_runner_children)
    assert all(n <= 1 for n in children.values()), children


def _floats_high(seed: int) -> bool:
    """What the floating P11 reads with this seed (a plain board, no sweep)."""
    from pycomsim import Board

    board = Board("lopy4", seed=seed)
    return board.machine.Pin("P11", mode=board.machine.Pin.IN)() == 1


def _runner_children() -> int:
    import psutil

    return sum(
        "pycomsim.sweep.runner" in " ".join(p.cmdline())
        for p in psutil.Process().children()
        if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    )


def test_a_worker_killed_mid_sweep(client: Any, tmp_path: Path, expected_failing: set[int]) -> None:
    pids = client.run(os.getpid)
    victim = next(iter(pids.values()))
    killed: list[int] = []

    def kill_one(row: dict[str, Any]) -> None:
        if not killed:
            os.kill(victim, signal.SIGKILL)  # mid-sweep: batches are still out on both workers
            killed.append(victim)

    result = run_sweep(
        debounce_grid(),
        SweepOptions(out=tmp_path / "o", batch=2, plot=False, keep_vcd=0),
        client=client,
        on_row=kill_one,
    )
    assert killed == [victim]
    assert len(result.rows) == len(SEEDS) and len({r["run"] for r in result.rows}) == len(SEEDS)
    assert {row["status"] for row in result.rows} <= {"pass", "fail"}
    assert {row["seed"] for row in result.failed} == expected_failing
    client.wait_for_workers(2, timeout=60)
    assert victim not in client.run(os.getpid).values()  # the nanny started a new worker


def test_interrupted_sweep_resumes(client: Any, tmp_path: Path, expected_failing: set[int]) -> None:
    out = tmp_path / "o"
    seen: list[dict[str, Any]] = []

    def interrupt_after_seven(row: dict[str, Any]) -> None:
        seen.append(row)
        if len(seen) == 7:
            raise KeyboardInterrupt  # what Ctrl-C does in the driver

    options = SweepOptions(out=out, batch=1, plot=False, keep_vcd=0)
    first = run_sweep(debounce_grid(), options, client=client, on_row=interrupt_after_seven)
    assert first.interrupted and len(first.rows) == 7
    before = (out / "results.csv").read_text().splitlines()
    assert len(before) == 8  # the header and the seven rows, complete
    # a row recorded as an error (a worker lost too often, say) is run again by --resume
    errored = (
        before[7].replace(",pass,True,", ",error,False,").replace(",fail,False,", ",error,False,")
    )
    assert errored != before[7]
    (out / "results.csv").write_text("\n".join([*before[:7], errored]) + "\n")
    retried = before[7].split(",")[0]
    rerun: list[str] = []
    options.resume = True
    second = run_sweep(
        debounce_grid(), options, client=client, on_row=lambda r: rerun.append(r["run"])
    )
    assert not second.interrupted
    assert len(rerun) == len(SEEDS) - 6 and retried in rerun
    assert not set(rerun) & {r["run"] for r in seen[:6]}
    after = (out / "results.csv").read_text().splitlines()
    assert after[:7] == before[:7]  # the earlier rows are kept as they were
    assert sorted(r["seed"] for r in second.rows) == SEEDS
    assert {row["seed"] for row in second.failed} == expected_failing
    # a resume of a different sweep is refused
    with pytest.raises(Exception, match="cannot resume: fixed was"):
        run_sweep(Grid(DEBOUNCE, None, SEEDS, []), options, client=client)


def test_cli_on_an_existing_cluster(
    client: Any, tmp_path: Path, expected_failing: set[int]
) -> None:
    address = client.scheduler.address
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            ["sweep", DEBOUNCE, *PRESS, "--seeds", "0:20", "--scheduler", address]
            + ["--out", str(tmp_path / "o"), "--no-plot"]
        )
    failing = sorted(s for s in expected_failing if s < 20)
    assert code == 1 and out.getvalue() == ""
    text = err.getvalue()
    assert f"20 of 20 runs done: {20 - len(failing)} passed, {len(failing)} failed" in text
    assert "first failing seeds: " + ", ".join(map(str, failing)) in text
    assert f"replay it: pycomsim run {DEBOUNCE} --seed {failing[0]} --press P10@5ms" in text
    assert "Traceback" not in text
    assert client.scheduler_info()["workers"]  # the cluster is still there for others


def test_ctrl_c_on_the_command_line_keeps_results(
    tmp_path: Path, expected_failing: set[int]
) -> None:
    """The real thing: `pycomsim sweep` in its own process group, Ctrl-C sent to the whole group
    (as a terminal does), then `--resume`."""
    out = tmp_path / "o"
    argv = [sys.executable, "-m", "pycomsim.cli", "sweep", DEBOUNCE, *PRESS, "--workers", "1"]
    argv += ["--batch", "1", "--no-plot", "--out", str(out)]
    proc = subprocess.Popen(
        [*argv, "--seeds", "0:2000"], stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    results = out / "results.csv"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if results.exists() and results.read_text().count("\n") >= 4:
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted: --resume" in err and "Traceback" not in err, err
    done = results.read_text().count("\n") - 1
    assert 3 <= done < 2000, err
    proc = subprocess.run([*argv, "--seeds", "0:20", "--resume"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    with open(results, newline="") as f:
        rows = list(csv.DictReader(f))
    seeds = [int(r["seed"]) for r in rows]
    assert len(seeds) == len(set(seeds)) and set(range(20)) <= set(seeds)
    failing = {int(r["seed"]) for r in rows if r["passed"] == "False"}
    assert {s for s in failing if s < len(SEEDS)} == {s for s in expected_failing if s in seeds}
