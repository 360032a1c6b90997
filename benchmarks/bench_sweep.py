"""Sweep throughput: 200 short runs (examples/debounce.py, one bounced press, ~20 ms of virtual time)
on a 2-worker Dask LocalCluster through `run_sweep`, against the same runs in a plain loop in one
process (`run_one` one after the other: no Dask, no child processes, no results file).

The cluster is started and its workers' run processes warmed before the clock starts: a sweep pays
that once (a few seconds), not per run. The sweep's side includes everything else a real sweep does:
checking the runs, batching, streaming rows back, writing results.csv (and Parquet), reading it back.

ratio = sweep runs/s / loop runs/s (target >= 1.7 on 2 cores): wall clock, so it needs the two cores
to be free. overhead = the CPU time a run costs beyond the run itself: (CPU of the driver, the
workers and their run processes during the sweep - CPU of the loop) / runs (target < 20 ms); CPU
time, so a busy machine does not inflate it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from common import Figure, clock_ns, median

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = str(ROOT / "examples" / "debounce.py")
WORKERS = 2
OVERHEAD_TARGET_MS = 20.0


_measured: dict[tuple[bool, int], tuple[int, list[dict[str, float]]]] = {}


def _measure(quick: bool, rounds: int) -> tuple[int, list[dict[str, float]]]:
    """(runs, [{'pycomsim': sweep wall s, 'peer': loop wall s}, ...]), measured once for both figures."""
    if (quick, rounds) not in _measured:
        _measured[(quick, rounds)] = _rounds(quick, rounds)
    return _measured[(quick, rounds)]


def _rounds(quick: bool, rounds: int) -> tuple[int, list[dict[str, float]]]:
    from pycomsim.sweep.conditions import PassCondition
    from pycomsim.sweep.driver import SweepOptions, run_sweep, start_local_cluster
    from pycomsim.sweep.grid import Grid
    from pycomsim.sweep.runner import run_one
    from pycomsim.sweep.task import warm

    n = 20 if quick else 200
    grid = Grid(SCRIPT, None, list(range(n)), [], fixed=["--press", "P10@5ms"])
    runs = grid.runs()
    condition = PassCondition()
    run_one(runs[0].argv, condition)  # the loop's lazy imports are not timed either
    folder = Path(tempfile.mkdtemp(prefix="pycomsim-bench-sweep-"))
    client, cluster = start_local_cluster(WORKERS)  # the cluster `pycomsim sweep` starts
    try:
        client.run(warm)
        workers = list(client.run(os.getpid).values())
        pairs = []
        for i in range(rounds):
            t, cpu = clock_ns(), time.process_time()
            for spec in runs:
                run_one(spec.argv, condition)
            loop_s, loop_cpu = (clock_ns() - t) / 1e9, time.process_time() - cpu
            options = SweepOptions(out=folder / f"round{i}", plot=False, keep_vcd=0)
            t, cpu = clock_ns(), _cpu(workers)
            result = run_sweep(grid, options, client=client)
            sweep_s, sweep_cpu = (clock_ns() - t) / 1e9, _cpu(workers) - cpu
            assert len(result.rows) == n and not any(r["status"] == "error" for r in result.rows)
            pairs.append(
                {"pycomsim": sweep_s, "peer": loop_s, "sweep_cpu": sweep_cpu, "loop_cpu": loop_cpu}
            )
    finally:
        client.close()
        cluster.close()
        shutil.rmtree(folder, ignore_errors=True)
    return n, pairs


def _cpu(workers: list[int]) -> float:
    """CPU seconds of this process (the driver and the in-process scheduler), the worker processes
    and their run processes."""
    import psutil

    total = time.process_time()
    for pid in workers:
        process = psutil.Process(pid)
        for p in [process, *process.children()]:
            t = p.cpu_times()
            total += t.user + t.system
    return total


def sweep(quick: bool, rounds: int) -> Figure:
    n, pairs = _measure(quick, rounds)
    sweep_s = median([p["pycomsim"] for p in pairs])
    loop_s = median([p["peer"] for p in pairs])
    return Figure(
        name="sweep",
        pycomsim=n / sweep_s,
        peer=n / loop_s,
        unit="runs/s",
        ratio=loop_s / sweep_s,
        target=1.7,
        op=">=",
        what=f"{n} short runs: a {WORKERS}-worker LocalCluster sweep against a plain loop in one "
        "process (runs/s); ratio = sweep speed / loop speed",
        rounds=pairs,
        extra={"runs": n, "workers": WORKERS},
    )


def overhead(quick: bool, rounds: int) -> Figure:
    """The same measurement as `sweep`: per-run cost of the sweep machinery, against the budget."""
    n, pairs = _measure(quick, rounds)
    per_round = [(p["sweep_cpu"] - p["loop_cpu"]) / n * 1000 for p in pairs]
    ms = median(per_round)
    return Figure(
        name="sweep overhead",
        pycomsim=ms,
        peer=OVERHEAD_TARGET_MS,
        unit="ms",
        ratio=ms / OVERHEAD_TARGET_MS,
        target=1.0,
        op="<=",
        what=f"CPU time per run beyond the run itself, (sweep CPU - loop CPU) / {n}, against the "
        f"{OVERHEAD_TARGET_MS:g} ms budget (peer column)",
        rounds=[{"pycomsim": v, "peer": OVERHEAD_TARGET_MS} for v in per_round],
        extra={"loop_cpu_ms_per_run": round(median([p["loop_cpu"] for p in pairs]) / n * 1000, 2)},
    )
