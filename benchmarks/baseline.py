"""`benchmarks/run.py --baseline TREE`: this checkout's figures against another checkout's (the code before a
change), measured alternately in the same run.

Each round runs every chosen figure once in a child process of this tree, then once in a child process of
TREE (its own `benchmarks/run.py`, with `PYTHONPATH=TREE/src` so it imports TREE's pycomsim); the order
flips every round, so both sides see the same machine load on average. Printed per figure: the range and
median of each side's ratio against its in-process peer (the load cancels out of it), and of the direct
per-round cost ratio this/baseline (1.00: the same cost; above: slower now).

Times are CPU time of the measuring process (`time.process_time_ns` stands in for the runners'
`perf_counter_ns`): on a machine shared with other work, wall time mostly measures the other work.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _one_round(tree: Path, keys: list[str], quick: bool) -> dict[str, dict]:
    """Run `keys` once in a child process of `tree`; figure name -> its JSON record."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree / "src")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        runner = str(tree / "benchmarks" / "run.py")
        # CPU time instead of wall time, on both sides (their runners read time.perf_counter_ns)
        shim = (
            "import runpy, sys, time; time.perf_counter_ns = time.process_time_ns; "
            "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
        )
        args = [sys.executable, "-c", shim, runner, "--rounds", "1"]
        args += ["--out", str(out)] + (["--quick"] if quick else [])
        for key in keys:
            args += ["--only", key]
        proc = subprocess.run(args, env=env, capture_output=True, text=True, cwd=tree)
        if proc.returncode != 0:
            raise SystemExit(
                f"benchmarks in {tree} failed: {proc.stderr.strip().splitlines()[-1:]}"
            )
        return {fig["name"]: fig for fig in json.loads(out.read_text())["figures"]}


def _span(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f} (median {statistics.median(values):.2f})"


def compare(baseline: Path, keys: list[str], rounds: int, quick: bool) -> int:
    ours_tree = HERE.parent
    baseline = baseline.resolve()
    if not (baseline / "benchmarks" / "run.py").is_file() or not (baseline / "src").is_dir():
        raise SystemExit(
            f"--baseline {baseline}: not a pycomsim checkout (no benchmarks/run.py, src/)"
        )
    ours: list[dict[str, dict]] = []
    base: list[dict[str, dict]] = []
    # figures the baseline's runner does not know are measured on this side only
    known = (baseline / "benchmarks" / "run.py").read_text()
    base_keys = [key for key in keys if f'"{key}":' in known]
    for r in range(rounds):
        sides = [(ours_tree, ours, keys), (baseline, base, base_keys)]
        for tree, results, tree_keys in sides if r % 2 == 0 else sides[::-1]:
            results.append(_one_round(tree, tree_keys, quick) if tree_keys else {})
    for name in ours[0]:
        if name not in base[0]:
            ratio = [rnd[name]["ratio"] for rnd in ours]
            print(f"{name:<20} ratio: this {_span(ratio)} (the baseline has no such figure)")
            continue
        ratio_ours = [rnd[name]["ratio"] for rnd in ours]
        ratio_base = [rnd[name]["ratio"] for rnd in base]
        cost = [o[name]["pycomsim"] / b[name]["pycomsim"] for o, b in zip(ours, base, strict=True)]
        print(
            f"{name:<20} ratio to peer: this {_span(ratio_ours)}, baseline {_span(ratio_base)};"
            f"   cost this/baseline {_span(cost)}",
            flush=True,
        )
    return 0
