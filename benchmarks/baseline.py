"""`benchmarks/run.py --baseline TREE`: this checkout's per-call costs against another checkout's (the code
before a change), measured in the same process, round by round.

TREE's package is copied to a temporary folder as `pycomsim_baseline` (pycomsim's own imports are
relative, so the copy imports itself), and both packages are loaded side by side. Each round runs the
same workload on a board of each package, in rotating order, so both see the same machine load;
printed per figure: the median and interquartile range of the per-round cost ratio this/baseline
(1.00: the same cost; above: slower now) and each side's median cost. Times are CPU time of this
process (`time.process_time_ns`): on a machine shared with other work, wall time mostly measures the
other work. The workloads use only the public API both trees have (Board, machine.Pin, the signal
generator), as a user's script would.
"""

from __future__ import annotations

import importlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
clock = time.process_time_ns


def _write(mod: ModuleType, n: int, pin: str = "P11") -> float:
    board = mod.Board("lopy4", seed=0)
    out: list[float] = []

    def main() -> None:
        Pin = board.machine.Pin
        p = Pin(pin, Pin.OUT)
        t = clock()
        for _ in range(n):
            p.value(1)
            p.value(0)
        out.append((clock() - t) / (2 * n))

    board.run(main)
    return out[0]


def _read(mod: ModuleType, n: int) -> float:
    board = mod.Board("lopy4", seed=0)
    out: list[float] = []

    def main() -> None:
        Pin = board.machine.Pin
        p = Pin("P3", Pin.IN, Pin.PULL_UP)
        t = clock()
        for _ in range(n):
            p.value()
        out.append((clock() - t) / n)

    board.run(main)
    return out[0]


def _edge(mod: ModuleType, n: int) -> float:
    """bench_pin's edge figure: a 1 kHz generator on P10, an IRQ_FALLING handler that counts."""
    board = mod.Board("lopy4", seed=0, expansion=False)
    count = [0]

    def main() -> None:
        Pin = board.machine.Pin
        pin = Pin("P10", Pin.IN, Pin.PULL_UP)
        pin.callback(Pin.IRQ_FALLING, lambda pin: count.__setitem__(0, count[0] + 1))
        while True:
            board.time.sleep(3600)

    board.load(main)
    board.world.run(until="1ms")
    board.generator("P10", freq=1000, start=board.kernel.now)
    t = clock()
    board.world.run(until=n * 1_000_000)
    dt = clock() - t
    assert count[0] == n, f"{count[0]} handler runs for {n} falling edges"
    return dt / n


# figure -> (workload, calls per round in a full run, in a --quick run)
WORKLOADS: dict[str, tuple[Callable[..., float], int, int]] = {
    "write": (_write, 50_000, 500),
    "write_p9": (lambda mod, n: _write(mod, n, "P9"), 50_000, 500),
    "read": (_read, 100_000, 1_000),
    "edge": (_edge, 3_000, 50),
}


def _load(tree: Path, where: Path) -> ModuleType:
    src = tree / "src" / "pycomsim"
    if not (src / "__init__.py").is_file():
        raise SystemExit(f"--baseline {tree}: not a pycomsim checkout (no src/pycomsim)")
    shutil.copytree(src, where / "pycomsim_baseline", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(where))
    return importlib.import_module("pycomsim_baseline")


def _span(values: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"{statistics.median(values):.3f} (IQR {q1:.3f}-{q3:.3f})"


def compare(baseline: Path, keys: list[str], rounds: int, quick: bool) -> int:
    import pycomsim

    unknown = [key for key in keys if key not in WORKLOADS]
    if unknown:
        raise SystemExit(f"--baseline measures {', '.join(WORKLOADS)}; not {', '.join(unknown)}")
    with tempfile.TemporaryDirectory() as tmp:
        other = _load(baseline.resolve(), Path(tmp))
        sides: list[tuple[str, Any]] = [("this", pycomsim), ("baseline", other)]
        for key in keys:
            workload, n, n_quick = WORKLOADS[key]
            size = n_quick if quick else n
            costs: dict[str, list[float]] = {"this": [], "baseline": []}
            for r in range(rounds):
                for name, mod in sides if r % 2 == 0 else sides[::-1]:
                    costs[name].append(workload(mod, size))
            ratio = [a / b for a, b in zip(costs["this"], costs["baseline"], strict=True)]
            print(
                f"{key:<10} cost this/baseline {_span(ratio)}   this {statistics.median(costs['this']):,.0f} ns"
                f"   baseline {statistics.median(costs['baseline']):,.0f} ns   ({rounds} rounds)",
                flush=True,
            )
    return 0
