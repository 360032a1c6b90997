"""Peak memory of a run that records 10 million edges, measured in a fresh subprocess.

The child runs a toggle loop until its net's trace holds the edges, then reports its peak RSS
(`resource.getrusage`, kB on Linux) and its RSS before the run, so the table can show what recording
itself costs per edge. The budget is the peer column.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

from common import Figure, recorded

BUDGET_MB = 300.0


def _child(edges: int) -> None:
    from pycomsim import Board

    board = Board("lopy4", seed=0)
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def main() -> None:
        Pin = board.machine.Pin
        time = board.time
        p = Pin("P11", Pin.OUT)
        trace = p._pad.net.trace
        while recorded(trace) < edges:
            for _ in range(10_000):
                p.toggle()
                time.sleep_us(500)

    board.run(main)
    trace = board.pad("P11").net.trace
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm_kb = _vm_hwm_kb()
    in_memory = len(trace)
    print(
        json.dumps(
            {
                "edges": recorded(trace),
                "in_memory": in_memory,
                "peak_kb": peak_kb,
                "hwm_kb": hwm_kb,
                "before_kb": before_kb,
            }
        )
    )


def _vm_hwm_kb() -> int | None:
    """This process's own peak RSS (Linux /proc), which, unlike ru_maxrss, starts afresh at exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def memory(quick: bool, rounds: int) -> Figure:
    edges = 100_000 if quick else 10_000_000
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(edges)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    peak_mb = data["peak_kb"] / 1024
    grown = (data["peak_kb"] - data["before_kb"]) * 1024
    return Figure(
        name="memory",
        pycomsim=peak_mb,
        peer=BUDGET_MB,
        unit="MB",
        ratio=peak_mb / BUDGET_MB,
        target=1.0,
        op="<=",
        rounds=[{"pycomsim": peak_mb, "peer": BUDGET_MB}],  # one child: peak RSS is not noisy
        what=f"{data['edges']:,} recorded edges, peak RSS of the process vs the {BUDGET_MB:.0f} MB budget",
        extra={
            "edges": data["edges"],
            "edges_in_memory": data["in_memory"],
            "vm_hwm_mb": data["hwm_kb"] / 1024 if data["hwm_kb"] else None,
            "rss_before_run_mb": data["before_kb"] / 1024,
            "bytes_per_edge": grown / data["edges"],
        },
    )


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(int(sys.argv[2]))
