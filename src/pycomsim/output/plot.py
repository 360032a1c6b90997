"""Timing diagrams of recorded pads as PNG (or SVG, PDF): matplotlib's Agg canvas, no display needed.

One row per pad, named as in the VCD ('P9', or 'board.P9' with several boards), time in the unit that
suits the window (ns, us, ms or s). Where a pad changes faster than the picture can show (more than two
changes in one pixel column), the row is drawn as a solid block, so 10 million edges plot in seconds.
Floating stretches are grey, contention red.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..exc import UsageError
from ..sim.trace import end_time, select_pins
from ..units import format_ns, parse_duration

if TYPE_CHECKING:
    from ..sim.recorder import Trace
    from ..sim.world import World

_UNITS = (("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("ns", 1))
_COLUMNS = 2000  # pixel columns a row is decimated to
_HIGH = 0.8  # row height of level 1
_MID = 0.4  # floating / contention drawn half way


def parse_window(spec: str | tuple[Any, Any] | None) -> tuple[int, int | None]:
    """'0ms:50ms' (or '10ms:', ':50ms', or a (start, end) pair) -> (start_ns, end_ns or None)."""
    if spec is None:
        return 0, None
    if isinstance(spec, str):
        left, sep, right = spec.partition(":")
        if not sep:
            raise UsageError(f"bad window {spec!r}: expected START:END, e.g. 0ms:50ms")
    else:
        try:
            left, right = spec
        except (TypeError, ValueError):
            raise UsageError(f"bad window {spec!r}: expected (start, end)") from None
    try:
        start = parse_duration(left, "window start") if str(left).strip() else 0
        end = parse_duration(right, "window end") if str(right).strip() else None
    except ValueError as error:
        raise UsageError(f"bad window {spec!r}: {error}") from None
    if end is not None and end <= start:
        raise UsageError(f"bad window {spec!r}: the end must come after the start")
    return start, end


def check_plot_path(out: str | Path) -> Path:
    """The output path, if matplotlib can write its format and its folder exists; else UsageError."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(out)
    suffix = path.suffix.lower().lstrip(".")
    formats = FigureCanvasAgg(Figure()).get_supported_filetypes()
    if suffix not in formats:
        raise UsageError(
            f"cannot write plot {str(out)!r}: unknown format {path.suffix or '(none)'!r}, "
            f"use .png, .svg or .pdf"
        )
    if path.is_dir():
        raise UsageError(f"cannot write plot {str(out)!r}: it is a directory")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write plot {str(out)!r}: no directory {str(path.parent)!r}")
    return path


def time_unit(span_ns: int) -> tuple[str, int]:
    for unit, scale in _UNITS:
        if span_ns >= scale:
            return unit, scale
    return "ns", 1


def _changes(trace: Trace, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    """Times and levels inside [start, end]: the level at `start` first, one change per instant."""
    words = np.concatenate([np.frombuffer(c, dtype=np.int64) for c in trace.chunks()])
    t = words >> 2
    levels = (words & 3).astype(np.int8)
    if len(t) == 0:
        return np.array([start], dtype=np.int64), np.array([2], dtype=np.int8)
    last_of_instant = np.append(t[1:] != t[:-1], True)
    t, levels = t[last_of_instant], levels[last_of_instant]
    first = max(int(np.searchsorted(t, start, side="right")) - 1, 0)
    stop = int(np.searchsorted(t, end, side="right"))
    t, levels = t[first:stop].copy(), levels[first:stop]
    if len(t) == 0:  # the trace starts after the window
        return np.array([start], dtype=np.int64), np.array([2], dtype=np.int8)
    t[0] = max(t[0], start)
    return t, levels


def _decimate(
    t: np.ndarray, levels: np.ndarray, start: int, res: int
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """Keep the first and last change of each pixel column; return busy spans (start, width)."""
    if len(t) <= 2 * _COLUMNS:
        return t, levels, []
    bucket = (t - start) // res
    first = np.append(True, bucket[1:] != bucket[:-1])
    last = np.append(bucket[1:] != bucket[:-1], True)
    counts = np.diff(np.append(np.flatnonzero(first), len(t)))
    busy_buckets = bucket[first][counts > 2]
    spans: list[tuple[int, int]] = []
    for b in busy_buckets.tolist():
        x = start + b * res
        if spans and spans[-1][0] + spans[-1][1] >= x:
            spans[-1] = (spans[-1][0], x + res - spans[-1][0])
        else:
            spans.append((x, res))
    keep = first | last
    return t[keep], levels[keep], spans


def _runs(t: np.ndarray, levels: np.ndarray, end: int, level: int) -> list[tuple[int, int]]:
    """(start, width) of the stretches at `level`."""
    nxt = np.append(t[1:], end)
    sel = levels == level
    return [(int(a), int(b - a)) for a, b in zip(t[sel], nxt[sel], strict=True) if b > a]


def plot_timing(
    world: World,
    out: str | Path,
    *,
    pins: Iterable[str] | str | None = None,
    window: str | tuple[Any, Any] | None = None,
    title: str | None = None,
) -> Path:
    """Draw a timing diagram of `pins` (default: every pad that changed) over `window` to `out`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = check_plot_path(out)
    start, end = parse_window(window)
    run_end = end_time(world)
    if end is None:
        end = max(run_end, start + 1)
    selected = select_pins(world, pins)
    multi = len(world.boards) > 1
    rows = []
    for board, pin in selected:
        trace = world.recorder.traces[world.signal_name(pin)]
        t, levels = _changes(trace, start, end)
        if pins is None and len(t) < 2:
            continue  # by default only pads that did something in the window
        rows.append((f"{board.name}.{pin.name}" if multi else pin.name, t, levels))
    analog = world.recorder.__dict__.get("analog_traces", {})
    analog_rows = []  # real-valued levels (sim/analog.py): an analog lane each, 0 to 3.3 V
    for board, pin in selected:
        trace = analog.get(f"{board.name}.{pin.name}")
        if trace is not None:
            points = [(t, v) for t, v in trace.points() if v == v and start <= t <= end]
            before = trace.value_at(start)
            if before is not None and before == before:
                points.insert(0, (start, before))
            if points:
                name = f"{board.name}.{pin.name}" if multi else pin.name
                analog_rows.append((f"{name} (V)", points))
    if not rows and not analog_rows and pins is None:
        raise UsageError(
            f"nothing to plot: no pad changed between {format_ns(start)} and {format_ns(end)} "
            "(choose pins with --pins)"
        )
    unit, scale = time_unit(end - start)
    res = max(1, (end - start) // _COLUMNS)
    fig = Figure(figsize=(12, 0.7 * (len(rows) + len(analog_rows)) + 1.4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    yticks = []
    for i, (name, t, levels) in enumerate(rows):
        base = -1.2 * i
        t, levels, busy = _decimate(t, levels, start, res)
        xs = np.append(t, end).astype(np.float64) / scale
        heights = np.array([0.0, _HIGH, _MID, _MID])[levels]
        ys = base + np.append(heights, heights[-1])
        ax.step(xs, ys, where="post", color="tab:blue", linewidth=1.2)
        for level, colour in ((2, "0.8"), (3, "tab:red")):
            spans = _runs(t, levels, end, level)
            if spans:
                ax.broken_barh(
                    [(a / scale, w / scale) for a, w in spans], (base, _HIGH), color=colour
                )
        if busy:
            ax.broken_barh(
                [(a / scale, w / scale) for a, w in busy], (base, _HIGH), color="tab:blue"
            )
        yticks.append((base + _HIGH / 2, name))
    for j, (name, points) in enumerate(analog_rows):
        base = -1.2 * (len(rows) + j)
        xs = np.array([p[0] for p in points] + [end], dtype=np.float64) / scale
        vs = np.array([p[1] for p in points] + [points[-1][1]]) / 3.3 * _HIGH
        ax.step(xs, base + vs, where="post", color="tab:green", linewidth=1.2)
        yticks.append((base + _HIGH / 2, name))
    lanes = len(rows) + len(analog_rows)
    ax.set_yticks([y for y, _ in yticks], [n for _, n in yticks])
    ax.set_xlim(start / scale, end / scale)
    ax.set_ylim(-1.2 * (lanes - 1) - 0.3, _HIGH + 0.3)
    ax.set_xlabel(f"time ({unit})")
    ax.grid(axis="x", color="0.9")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    boards = ", ".join(world.boards)
    ax.set_title(title or f"{boards}: {format_ns(start)} to {format_ns(end)}", loc="left")
    fig.tight_layout()
    try:
        fig.savefig(path)
    except OSError as error:
        raise UsageError(f"cannot write plot {str(out)!r}: {error.strerror or error}") from None
    return path
