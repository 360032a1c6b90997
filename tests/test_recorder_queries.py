"""Trace queries: board.trace('P9').edges(), value_at, high_time, frequency, duty, windows."""

from __future__ import annotations

import pytest

from pycomsim import Board
from pycomsim.sim.trace import Edge


def pwm(board: Board, high_us: int = 250, low_us: int = 750, periods: int = 10) -> None:
    Pin = board.machine.Pin
    p = Pin("P21", Pin.OUT, value=0)
    board.time.sleep_ms(1)
    for _ in range(periods):
        p(1)
        board.time.sleep_us(high_us + 1500)  # sleep_us <= 1000 busy-waits; both paths are exact
        p(0)
        board.time.sleep_us(low_us + 1500)


@pytest.fixture
def ran() -> Board:
    board = Board("lopy4", expansion=False, cpu="free")  # exact edge times of the API table
    board.run(lambda: pwm(board))
    return board


def test_edges_are_level_changes_with_times(ran):
    edges = ran.trace("P21").edges()
    assert len(edges) == 20
    assert [e.level for e in edges] == [1, 0] * 10
    assert all(isinstance(e, Edge) and isinstance(e.t, int) for e in edges)
    assert edges[0].t == pytest.approx(1_000_000, abs=100_000)
    assert str(edges[0]) == f"1@{edges[0].t / 1e6:g}ms"


def test_value_at_and_initial(ran):
    trace = ran.trace("P21")
    first_rise = trace.rising()[0]
    assert trace.value_at(first_rise - 1) == 0
    assert trace.value_at(first_rise) == 1
    assert trace.value_at("2ms") == 1
    assert trace.initial() == 0
    assert ran.trace("P11").value_at("1ms") == 0  # boot: IN with PULL_DOWN
    with pytest.raises(ValueError, match="'99s'"):
        trace.value_at("99s")
    with pytest.raises(ValueError, match="'12 parsecs'"):
        trace.value_at("12 parsecs")


def test_high_time_frequency_duty(ran):
    trace = ran.trace("P21")
    period = 250 + 750 + 3000  # us
    assert trace.frequency() == pytest.approx(1e6 / period, rel=0.03)
    assert trace.period() == pytest.approx(period * 1000, rel=0.03)
    assert trace.duty() == pytest.approx(1750 / period, rel=0.03)
    assert trace.high_time() == pytest.approx(10 * 1750_000, rel=0.03)
    assert trace.low_time() + trace.high_time() == trace.end


def test_windowed_queries(ran):
    trace = ran.trace("P21")
    rises = trace.rising()
    part = ran.trace("P21", start=rises[2], end=rises[5])
    assert [e.level for e in part.edges()] == [0, 1, 0, 1, 0, 1]
    assert part.initial() == 1
    assert part.frequency() == pytest.approx(trace.frequency(), rel=0.03)
    assert trace.window(rises[2], rises[3]).high_time() == pytest.approx(1_750_000, rel=0.03)
    with pytest.raises(ValueError, match="bad window"):
        ran.trace("P21", start="5ms", end="1ms")


def test_too_few_edges_give_zero_not_a_crash():
    board = Board("lopy4", expansion=False)
    board.run(lambda: board.time.sleep_ms(2))
    trace = board.trace("P21")
    assert trace.edges() == [] and trace.frequency() == 0.0 and trace.period() == 0
    assert trace.duty() == 0.0  # held low by the boot pull-down


def test_floating_and_g_names():
    board = Board("lopy4", expansion=False)

    def main() -> None:
        Pin = board.machine.Pin
        Pin("G22", Pin.IN, pull=None)  # G22 is P11: nothing holds it
        board.time.sleep_ms(1)

    board.run(main)
    assert board.trace("G22").name == "lopy4.P11"
    assert board.trace("P11").value_at(board.kernel.now) == "z"


@pytest.mark.parametrize("bad", ["P24", "p9", "GPIO12", 9])
def test_unknown_pin_is_a_value_error_naming_it(bad):
    board = Board("lopy4")
    with pytest.raises(ValueError, match=repr(bad)):
        board.trace(bad)
