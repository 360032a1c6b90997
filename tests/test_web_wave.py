"""Waveform updates for the page (web/wave.py): thinning to the canvas resolution, incremental cursors."""

from pycomsim.sim.recorder import Trace
from pycomsim.web.wave import BUSY, TraceCursor, decimate, trace_for


def words(*changes: tuple[int, int]) -> list[int]:
    return [t << 2 | level for t, level in changes]


def test_sparse_changes_pass_unchanged() -> None:
    assert decimate(words((0, 0), (5000, 1), (12000, 0)), 1000) == [[0, 0], [5000, 1], [12000, 0]]


def test_a_burst_inside_one_pixel_becomes_a_busy_block_ending_at_the_real_level() -> None:
    burst = words((1000, 1), (1100, 0), (1200, 1), (1300, 0), (1400, 1), (9000, 0))
    assert decimate(burst, 1000) == [[1000, BUSY], [1400, 1], [9000, 0]]


def test_floating_and_contention_levels_survive() -> None:
    assert decimate(words((0, 2), (4000, 3)), 1000) == [[0, 2], [4000, 3]]


def test_cursor_sends_only_what_is_new_and_resends_the_last_word() -> None:
    trace = Trace("P9")
    trace.extend(words((0, 0), (100, 1)))
    cursor = TraceCursor(trace)
    assert cursor.update(1) == {"from_t": 0, "changes": [[0, 0], [100, 1]]}
    assert cursor.update(1) is None  # nothing new
    trace.append(200 << 2 | 0)
    assert cursor.update(1) == {"from_t": 100, "changes": [[100, 1], [200, 0]]}
    trace[-1] = 200 << 2 | 2  # the recorder replaced the level at the same instant
    assert cursor.update(1) == {"from_t": 200, "changes": [[200, 2]]}


def test_trace_lookup_by_board_and_pin() -> None:
    a, b = Trace("lopy4.P9"), Trace("P10")
    traces = {"lopy4.P9": a, "P10": b}
    assert trace_for(traces, "lopy4", "P9") is a
    assert trace_for(traces, "lopy4", "P10") is b
    assert trace_for(traces, "lopy4", "P11") is None
