"""The pytest plugin, run in a separate pytest session with pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

BLINK = """
import pytest
from pycomsim.testing import assert_waveform


def blink(board, ms=10, times=2):
    Pin = board.machine.Pin
    led = Pin("P9", Pin.OUT, value=0)
    for _ in range(times):
        board.time.sleep_ms(ms)
        led.toggle()
"""


def test_plugin_board_fixture_marker_and_trace_queries(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        BLINK
        + """
@pytest.mark.board("gpy", seed=7, wires=["P9=P23"])
def test_marker(board):
    assert board.type == "gpy" and board.seed == 7
    board.run(lambda: blink(board), until="30ms")
    trace = board.trace("P23")  # wired to P9
    assert [e.level for e in trace.edges()] == [1, 0]
    assert trace.value_at("15ms") == 1
    assert abs(trace.high_time() - 10_000_000) < 100_000
    assert_waveform(board.trace("P9"), "0 1@10ms 0@20ms", tol="100us")


def test_default_board(board):
    assert board.type == "lopy4"
    board.run(lambda: blink(board, ms=1, times=20))
    trace = board.trace("P9")
    assert 450 < trace.frequency() < 510  # 2 ms period
    assert 0.45 < trace.duty() < 0.55


def test_factory_shares_one_world(world, make_board):
    a = make_board("lopy4", wires=[])
    b = make_board("lopy4")
    assert b.name == "lopy4_2" and a.world is b.world is world
    world.wire_spec("lopy4.P21=lopy4_2.P22")

    def drive():
        Pin = a.machine.Pin
        p = Pin("P21", Pin.OUT, value=0)
        a.time.sleep_ms(5)
        p(1)
        a.time.sleep_ms(5)
    a.load(drive)
    world.run()
    assert_waveform(b.trace("P22"), "0 1@5ms", tol="300us")


def test_run_until_condition(board):
    board.load(lambda: blink(board, ms=3, times=10))
    t = board.run_until(lambda: board.trace("P9").value_at(board.kernel.now) == 1, poll="50us")
    assert 3_000_000 <= t <= 3_100_000
    with pytest.raises(TimeoutError, match="not met within 1ms"):
        board.run_until(lambda: False, timeout="1ms")


def test_unknown_pin_in_query(board):
    with pytest.raises(ValueError, match="P42"):
        board.trace("P42")
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:playwright", "-q")
    result.assert_outcomes(passed=5)


def test_plugin_failing_waveform_message_and_vcd_saved(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        BLINK
        + """
def test_wrong_edges(board):
    board.run(lambda: blink(board, times=3), until="40ms")
    assert_waveform(board.trace("P9"), "0 1@10ms 0@25ms", tol="50us")
"""
    )
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-p", "no:playwright", "--junitxml=reports/junit.xml"
    )
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "waveform of lopy4.P9 (0ns..40ms) does not match '0 1@10ms 0@25ms' (tol 50us)" in out
    result.stdout.fnmatch_lines(
        [
            "*expected*actual*",
            "*start*0*0*",
            "*1*1 @ 10ms*1 @ 10.*ms*",
            "*2*0 @ 25ms*0 @ 20.*ms*<-- off by -4.9*ms*",
            "*3*-*1 @ 30.*ms*<-- unexpected*",
        ]
    )
    vcd = (
        pytester.path
        / "reports"
        / "test_plugin_failing_waveform_message_and_vcd_saved.py_test_wrong_edges.vcd"
    )
    assert vcd.is_file()
    text = vcd.read_text()
    assert "$scope module lopy4 $end" in text and " P9 $end" in text
    assert "$enddefinitions $end" in text
    result.stdout.fnmatch_lines([f"*VCD of board lopy4 saved to {vcd}*"])
    result.stdout.fnmatch_lines(["*VCD of failing*test_wrong_edges*"])


def test_plugin_passing_test_saves_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        BLINK
        + """
def test_ok(board):
    board.run(lambda: blink(board), until="30ms")
    assert_waveform(board.trace("P9"), "0 1@10ms 0@20ms", tol="1ms")
"""
    )
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-p", "no:playwright", "--pycomsim-vcd-dir=out"
    )
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "out").exists()


def test_plugin_bad_marker_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.board("lopy4", colour="red")
def test_x(board):
    pass
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:playwright")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*colour*"])


def test_a_relative_script_resolves_against_the_test_files_folder(board, make_board, monkeypatch):
    monkeypatch.chdir("/")  # not the current directory
    board.run("web_scripts/blink_button.py", until="10ms")  # tests/web_scripts/, next to this file
    assert board.output == "ready\n"
    other = make_board("wipy3")
    with pytest.raises(FileNotFoundError, match=r"script not found: .*tests/web_scripts/nope\.py"):
        other.run("web_scripts/nope.py")
