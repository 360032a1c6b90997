"""Waveform assertions: `assert_waveform(board.trace("P9"), "0 1@10ms 0@20ms", tol="50us")`.

The expected waveform is one line of tokens: the first may be a bare level (the level at the start of
the trace's window), every other one is `LEVEL@TIME`, one per edge, in order. Levels are 0, 1, z
(floating) and x (contention). Actual edges must match one for one: same level, time within `tol`.
A mismatch fails with a table of expected and actual edges side by side.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..sim.trace import Edge, Level, PinTrace
from ..units import format_ns, parse_duration

_TOKEN = re.compile(r"^([01zxZX])(?:@(.+))?$")


class Expected(NamedTuple):
    level: Level
    t: int | None  # None: the initial level


def parse_waveform(spec: str) -> list[Expected]:
    """'0 1@10ms 0@20ms' -> [Expected(0, None), Expected(1, 10_000_000), Expected(0, 20_000_000)]."""
    if not isinstance(spec, str) or not spec.split():
        raise ValueError(f"bad waveform {spec!r}: expected tokens like '0 1@10ms 0@20ms'")
    out: list[Expected] = []
    for i, token in enumerate(spec.split()):
        match = _TOKEN.match(token)
        if not match:
            raise ValueError(
                f"bad waveform token {token!r} in {spec!r}: expected LEVEL or LEVEL@TIME, "
                "LEVEL one of 0 1 z x, e.g. 1@10ms"
            )
        char, when = match.groups()
        level: Level = int(char) if char in "01" else char.lower()
        if when is None:
            if i:
                raise ValueError(
                    f"bad waveform token {token!r} in {spec!r}: only the first token may omit @TIME"
                )
            out.append(Expected(level, None))
            continue
        t = parse_duration(when, f"time in waveform token {token!r}")
        if out and out[-1].t is not None and t < out[-1].t:
            raise ValueError(f"bad waveform {spec!r}: {token!r} comes before the edge it follows")
        out.append(Expected(level, t))
    return out


def _fmt_time(t: int) -> str:
    return format_ns(t) if t else "0"


def _fmt_offset(dt: int) -> str:
    return ("+" if dt > 0 else "") + format_ns(dt)


def waveform_mismatches(
    trace: PinTrace, spec: str, tol: int | str = 0
) -> tuple[list[str], list[Edge], list[Expected]]:
    """(problems, actual edges, expected) for `trace` against `spec`; no problems means a match."""
    tolerance = parse_duration(tol, "tol")
    expected = parse_waveform(spec)
    actual = trace.edges()
    problems: list[str] = []
    exp_edges = [e for e in expected if e.t is not None]
    if expected[0].t is None:
        initial = trace.initial()
        if initial != expected[0].level:
            problems.append(f"starts at {initial}, expected {expected[0].level}")
    for i in range(max(len(exp_edges), len(actual))):
        exp = exp_edges[i] if i < len(exp_edges) else None
        act = actual[i] if i < len(actual) else None
        if exp is None:
            problems.append(f"edge {i + 1}: unexpected {act}")
        elif act is None:
            problems.append(f"edge {i + 1}: missing {exp.level}@{_fmt_time(exp.t)}")
        elif act.level != exp.level:
            problems.append(f"edge {i + 1}: went to {act.level}, expected {exp.level}")
        elif abs(act.t - exp.t) > tolerance:
            problems.append(f"edge {i + 1}: off by {_fmt_offset(act.t - exp.t)}")
    return problems, actual, expected


def format_side_by_side(
    trace: PinTrace, expected: list[Expected], actual: list[Edge], tolerance: int
) -> str:
    """A table: one row per edge, expected on the left, actual on the right, and what is wrong."""
    rows = [("", "expected", "actual", "")]
    if expected[0].t is None:
        initial = trace.initial()
        rows.append(
            (
                "start",
                str(expected[0].level),
                str(initial),
                "" if initial == expected[0].level else "<-- level",
            )
        )
    exp_edges = [e for e in expected if e.t is not None]
    for i in range(max(len(exp_edges), len(actual))):
        exp = exp_edges[i] if i < len(exp_edges) else None
        act = actual[i] if i < len(actual) else None
        left = f"{exp.level} @ {_fmt_time(exp.t)}" if exp else "-"
        right = f"{act.level} @ {_fmt_time(act.t)}" if act else "-"
        if exp is None:
            note = "<-- unexpected"
        elif act is None:
            note = "<-- missing"
        elif act.level != exp.level:
            note = "<-- level"
        elif abs(act.t - exp.t) > tolerance:
            note = f"<-- off by {_fmt_offset(act.t - exp.t)}"
        else:
            note = ""
        rows.append((str(i + 1), left, right, note))
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    lines = [
        f"  {r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip()
        for r in rows
    ]
    return "\n".join(lines)


def assert_waveform(trace: PinTrace, spec: str, tol: int | str = 0) -> list[Edge]:
    """Assert that `trace` has exactly the edges of `spec`, each within `tol`; return the actual edges.

    `spec` is e.g. "0 1@10ms 0@20ms": level 0 at the start, then a rising edge at 10 ms and a falling
    one at 20 ms, and nothing else inside the trace's window (use `trace.window(start, end)` to look
    at part of a run)."""
    __tracebackhide__ = True  # pytest shows the test's line, not this one
    if not isinstance(trace, PinTrace):
        raise TypeError(
            f"assert_waveform needs a trace, e.g. board.trace('P9'), not {type(trace).__name__}"
        )
    tolerance = parse_duration(tol, "tol")
    problems, actual, expected = waveform_mismatches(trace, spec, tolerance)
    if problems:
        window = f"{format_ns(trace.start)}..{format_ns(trace.end)}"
        raise AssertionError(
            f"waveform of {trace.name} ({window}) does not match {spec!r} (tol {format_ns(tolerance)}): "
            + "; ".join(problems)
            + "\n"
            + format_side_by_side(trace, expected, actual, tolerance)
        )
    return actual
