"""assert_waveform and its spec language, outside pytest's plugin machinery."""

from __future__ import annotations

import pytest

from pycomsim import Board
from pycomsim.testing import assert_waveform, parse_waveform
from pycomsim.testing.waveform import Expected


@pytest.fixture
def pulses() -> Board:
    board = Board("lopy4", expansion=False)

    def main() -> None:
        Pin = board.machine.Pin
        p = Pin("P21", Pin.OUT, value=0)
        board.time.sleep_ms(10)
        p(1)
        board.time.sleep_ms(10)
        p(0)
        board.time.sleep_ms(10)

    board.run(main)
    return board


def test_parse_waveform():
    assert parse_waveform("0 1@10ms 0@20ms") == [
        Expected(0, None),
        Expected(1, 10_000_000),
        Expected(0, 20_000_000),
    ]
    assert parse_waveform("Z@5us x@1ms") == [Expected("z", 5_000), Expected("x", 1_000_000)]


@pytest.mark.parametrize(
    "spec, message",
    [
        ("", "bad waveform ''"),
        ("0 1", "only the first token may omit @TIME"),
        ("0 2@1ms", "bad waveform token '2@1ms'"),
        ("1@5ms 0@1ms", "'0@1ms' comes before"),
        ("1@soon", "'soon'"),
    ],
)
def test_bad_waveform_spec_is_a_value_error_naming_it(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_waveform(spec)


def test_matching_waveform_returns_the_edges(pulses):
    edges = assert_waveform(pulses.trace("P21"), "0 1@10ms 0@20ms", tol="100us")
    assert [e.level for e in edges] == [1, 0]
    assert_waveform(pulses.trace("P21", start="15ms"), "1 0@20ms", tol="100us")


def test_failing_waveform_shows_expected_and_actual_side_by_side(pulses):
    with pytest.raises(AssertionError) as info:
        assert_waveform(pulses.trace("P21"), "1 1@10ms 0@25ms 1@28ms", tol="50us")
    message = str(info.value)
    first, *table = message.splitlines()
    assert (
        first.startswith("waveform of lopy4.P21 (0ns..30.")
        and "does not match '1 1@10ms 0@25ms 1@28ms' (tol 50us)" in first
    )
    assert "starts at 0, expected 1" in first and "edge 3: missing 1@28ms" in first
    assert table[0].split() == ["expected", "actual"]
    assert table[1].split()[:3] == ["start", "1", "0"] and table[1].endswith("<-- level")
    assert table[2].split()[:7] == ["1", "1", "@", "10ms", "1", "@", table[2].split()[6]]
    assert "<-- off by -4.9" in table[3]
    assert table[4].split()[:5] == ["3", "1", "@", "28ms", "-"] and table[4].endswith("<-- missing")


def test_wrong_trace_type_is_a_type_error():
    with pytest.raises(TypeError, match="board.trace"):
        assert_waveform([(0, 1)], "0")
