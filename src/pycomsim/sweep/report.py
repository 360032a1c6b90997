"""What a sweep says at the end: the stderr summary (failures by parameter value, the first failing
seeds, how to replay one) and the PNG summary plot (pass rate per parameter value, wall-time histogram)."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

FIRST_SEEDS = 10


def summary_lines(rows: list[dict[str, Any]], param_keys: list[str], total: int) -> list[str]:
    statuses = Counter(row["status"] for row in rows)
    bad = [row for row in rows if not row["passed"]]
    lines = [
        f"{len(rows)} of {total} runs done: {statuses['pass']} passed, {statuses['fail']} failed, "
        f"{statuses['hang']} hung, {statuses['error']} errors"
    ]
    for key in param_keys:
        by_value: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            counts = by_value[row[key]]
            counts[0] += not row["passed"]
            counts[1] += 1
        parts = [f"{value}: {n}/{of}" for value, (n, of) in by_value.items()]
        lines.append(f"failures by {key}: " + ", ".join(parts))
    if bad:
        seeds = sorted({row["seed"] for row in bad})
        more = f" (+{len(seeds) - FIRST_SEEDS} more)" if len(seeds) > FIRST_SEEDS else ""
        lines.append("first failing seeds: " + ", ".join(map(str, seeds[:FIRST_SEEDS])) + more)
        first = min(bad, key=lambda row: row["seed"])
        lines.append(f"seed {first['seed']} {first['status']}: {first['reason']}")
        lines.append(f"replay it: {first['command']}")
    return lines


def plot_summary(rows: list[dict[str, Any]], param_keys: list[str], path: Path) -> None:
    """Pass rate per value of each parameter (one panel each; the whole sweep without parameters)
    and the wall-time histogram of the runs, as one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = param_keys or [None]
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(4.5 * (len(panels) + 1), 3.6))
    for ax, key in zip(axes, panels, strict=False):
        groups: dict[str, list[bool]] = defaultdict(list)
        for row in rows:
            groups[row[key] if key else "all runs"].append(bool(row["passed"]))
        labels = list(groups)
        rates = [100.0 * sum(v) / len(v) for v in groups.values()]
        ax.bar(range(len(labels)), rates, color="tab:green")
        ax.set_xticks(range(len(labels)), labels, rotation=30 if len(labels) > 4 else 0, ha="right")
        ax.set_ylim(0, 100)
        ax.set_ylabel("pass rate (%)")
        ax.set_title(f"pass rate by {key}" if key else "pass rate")
    walls = [row["wall_s"] for row in rows if row["wall_s"] is not None]
    hist = axes[-1]
    hist.hist([1000 * w for w in walls], bins=min(50, max(5, len(walls) // 5)), color="tab:blue")
    hist.set_xlabel("wall time per run (ms)")
    hist.set_ylabel("runs")
    hist.set_title(f"wall time ({len(walls)} runs)")
    fig.tight_layout()
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    tmp.replace(path)
