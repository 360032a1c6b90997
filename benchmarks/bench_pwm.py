"""PWM at 78 kHz, the firmware's top frequency: a steady wave nobody listens to is written into the trace
in blocks (chip/ledc.py SteadyWave, compact) instead of one kernel event per edge. The peer is the same
wave with an LED on the pad, which must see every edge, so it runs one event per edge. Both are timed per
recorded edge in the same run; the compact run is a whole virtual minute."""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

from common import Figure, clock_ns, interleaved, recorded

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pycomsim import Board  # noqa: E402

SCRIPT = """
from machine import PWM
import time
PWM(0, 78000).channel(0, pin="P11", duty_cycle=0.5)
time.sleep({seconds})
"""


def _run(seconds: float, edge_mode: bool) -> tuple[float, int, int]:
    """(ns of wall time per recorded edge, edges, peak words in memory)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "main.py"
        path.write_text(textwrap.dedent(SCRIPT.format(seconds=seconds)))
        board = Board("lopy4", expansion=False)
        if edge_mode:
            board.led("P11")  # a watcher on the net: every edge is an event
        board.world.recorder.arm(board.kernel)  # bounded memory, as the CLI runs
        start = clock_ns()
        board.run(path, until=f"{int(seconds * 1000) + 1}ms")
        edges = recorded(board.world.recorder.traces["lopy4.P11"])
        elapsed = clock_ns() - start
        peak = board.world.recorder.memory_words_used()
        board.world.recorder.close()
    return elapsed / max(edges, 1), edges, peak


def pwm(quick: bool, rounds: int) -> Figure:
    compact_s, edge_s = (0.5, 0.05) if quick else (60.0, 2.0)
    extra: dict = {}

    def ours() -> float:
        per_edge, edges, peak = _run(compact_s, edge_mode=False)
        extra.update(compact_edges=edges, compact_words_in_memory_at_end=peak)
        return per_edge

    def peer() -> float:
        per_edge, edges, _ = _run(edge_s, edge_mode=True)
        extra.update(edge_mode_edges=edges)
        return per_edge

    mine, theirs, pairs = interleaved(max(1, min(rounds, 3)), ours, peer)
    extra["compact_wall_s_per_virtual_minute"] = (
        mine * extra["compact_edges"] / 1e9 * (60 / compact_s)
    )
    return Figure(
        name="pwm",
        pycomsim=mine,
        peer=theirs,
        unit="ns",
        ratio=mine / theirs,
        target=0.25,
        op="<=",
        rounds=pairs,
        what=(
            f"78 kHz PWM, ns per recorded edge: compact for {compact_s:g} virtual s vs one event "
            f"per edge (an LED on the pad) for {edge_s:g} s"
        ),
        extra=extra,
    )
