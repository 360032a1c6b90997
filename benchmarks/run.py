"""`make bench`: every figure of issue 6, pycomsim and its peer side by side in one run.

Prints one line per figure (name, pycomsim, peer, ratio, target, pass/fail) and writes the whole record,
rounds included, to benchmarks/results.json. `--quick` shrinks every figure to a smoke run (the numbers
then mean nothing; the structure is the same). Exit status is 0 even when a target is missed: the table
is the result.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baseline  # noqa: E402
import bench_cpu  # noqa: E402
import bench_memory  # noqa: E402
import bench_pin  # noqa: E402
import bench_pwm  # noqa: E402
import bench_sweep  # noqa: E402
import bench_throughput  # noqa: E402
from common import Figure  # noqa: E402

FIGURES = {
    "write": bench_pin.write,
    "write_p9": bench_pin.write_led_pin,
    "read": bench_pin.read,
    "edge": bench_pin.edge,
    "throughput": bench_throughput.throughput,
    "scale": bench_throughput.scale,
    "memory": bench_memory.memory,
    "pwm": bench_pwm.pwm,
    "cpu-loop": bench_cpu.loop,
    "cpu-overhead": bench_cpu.overhead,
    "cpu-blink": bench_cpu.blink,
    "cpu-write": bench_cpu.write,
    "cpu-read": bench_cpu.read,
    "cpu-edge": bench_cpu.edge,
    "sweep": bench_sweep.sweep,
    "sweep-overhead": bench_sweep.overhead,
}


def _fmt(value: float, unit: str) -> str:
    if unit == "ns":
        return f"{value:,.0f} ns"
    if unit == "s":
        return f"{value:,.2f} s"
    return f"{value:,.1f} {unit}"


def format_line(fig: Figure) -> str:
    verdict = "pass" if fig.passed else "FAIL"
    return (
        f"{fig.name:<20} pycomsim {_fmt(fig.pycomsim, fig.unit):>12}   peer {_fmt(fig.peer, fig.unit):>12}"
        f"   ratio {fig.ratio:8.2f}   target {fig.op} {fig.target:g}   {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: checks the runner, not speed"
    )
    parser.add_argument("--rounds", type=int, default=None, help="rounds per figure (median taken)")
    parser.add_argument(
        "--only", action="append", choices=sorted(FIGURES), help="run only this figure (repeatable)"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "results.json", help="where to write JSON"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="TREE",
        help="compare with another checkout (e.g. a worktree of an older commit), both loaded in"
        " this process, round by round; figures: write, write_p9, read, edge (the default)",
    )
    args = parser.parse_args(argv)
    rounds = args.rounds if args.rounds is not None else (1 if args.quick else 5)
    if rounds < 1:
        parser.error(f"--rounds must be at least 1, got {rounds}")
    if args.baseline is not None:
        keys = args.only or ["write", "write_p9", "read", "edge"]
        return baseline.compare(args.baseline, keys, rounds, args.quick)

    started = time.perf_counter()
    keys = [key for key in FIGURES if key in (args.only or FIGURES)]
    done: dict[str, Figure] = {}
    if "memory" in keys:
        # first, while this process is small: Linux carries a parent's peak RSS into a child's
        # ru_maxrss across fork+exec, and the other figures grow this process
        done["memory"] = FIGURES["memory"](args.quick, rounds)
    figures = []
    for key in keys:
        fig = done.get(key) or FIGURES[key](args.quick, rounds)
        figures.append(fig)
        print(format_line(fig), flush=True)
    elapsed = time.perf_counter() - started
    record = {
        "quick": args.quick,
        "rounds": rounds,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "elapsed_s": elapsed,
        "figures": [fig.to_json() for fig in figures],
    }
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"{len(figures)} figures in {elapsed:.0f} s; results in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
