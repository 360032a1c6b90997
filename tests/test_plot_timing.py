"""Timing-diagram plots: a real picture (size, pixels), pin names, time units, windows, bad input."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.image import imread

from pycomsim import Board, World
from pycomsim.output.plot import parse_window, plot_timing, time_unit


def blink(board: Board, half_period_us: int = 500, n: int = 40) -> None:
    Pin = board.machine.Pin
    led = Pin("P9", Pin.OUT)
    fast = Pin("P11", Pin.OUT)
    for _ in range(n):
        led.toggle()
        for _ in range(50):
            fast.toggle()  # far more edges than pixel columns
        board.time.sleep_us(half_period_us)


@pytest.fixture
def ran() -> Board:
    board = Board("lopy4")
    board.run(lambda: blink(board))
    return board


def _blue_pixels(png) -> int:
    img = imread(png)[:, :, :3]
    blue = np.array([0x1F, 0x77, 0xB4]) / 255  # matplotlib's tab:blue
    return int((np.abs(img - blue).sum(axis=2) < 0.15).sum())


def test_plot_png_is_a_real_timing_diagram(tmp_path, ran):
    path = plot_timing(ran.world, tmp_path / "t.png")
    assert path.stat().st_size > 10_000
    img = imread(path)
    assert img.shape[1] == 1200 and img.shape[0] >= 200  # 12 x (0.7 per row + 1.4) in at 100 dpi
    assert _blue_pixels(path) > 5_000  # traces and the solid block of the fast pin
    # the fast pin is drawn as a solid block: a column through it is blue over most of its row
    empty = Board("lopy4")
    empty.run(lambda: empty.time.sleep_ms(1))
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_timing(empty.world, tmp_path / "e.png")


def test_plot_names_pins_and_uses_a_sensible_unit(tmp_path, ran):
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        plot_timing(ran.world, tmp_path / "t.svg", pins="P9,P11")
        svg = (tmp_path / "t.svg").read_text()
    assert ">P9<" in svg and ">P11<" in svg and "time (ms)" in svg
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        plot_timing(ran.world, tmp_path / "w.svg", pins=["P9"], window="100us:300us")
        svg = (tmp_path / "w.svg").read_text()
    assert "time (us)" in svg and ">P11<" not in svg
    assert time_unit(2_500_000_000) == ("s", 1_000_000_000)
    assert time_unit(999) == ("ns", 1)


def test_plot_window_changes_the_picture(tmp_path, ran):
    a = plot_timing(ran.world, tmp_path / "a.png", pins="P9")
    b = plot_timing(ran.world, tmp_path / "b.png", pins="P9", window="0ms:2ms")
    assert imread(a).shape == imread(b).shape
    assert not np.array_equal(imread(a), imread(b))


def test_plot_multi_board_rows_are_named_by_board(tmp_path):
    world = World()
    a = Board("lopy4", name="a", world=world)
    Board("lopy4", name="b", world=world)
    world.wire_spec("a.P21=b.P22")
    a.load(lambda: blink_pin(a))
    world.run()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        plot_timing(world, tmp_path / "m.svg", pins="a.P21,b.P22")
    svg = (tmp_path / "m.svg").read_text()
    assert ">a.P21<" in svg and ">b.P22<" in svg


def blink_pin(board: Board) -> None:
    Pin = board.machine.Pin
    p = Pin("P21", Pin.OUT)
    for _ in range(4):
        p.toggle()
        board.time.sleep_ms(1)


@pytest.mark.parametrize(
    "window, message",
    [
        ("5ms", "expected START:END"),
        ("5ms:1ms", "end must come after"),
        ("x:1ms", "bad window 'x:1ms'"),
        ((1, 2, 3), "expected \\(start, end\\)"),
    ],
)
def test_plot_bad_window_names_it(window, message):
    with pytest.raises(ValueError, match=message):
        parse_window(window)


def test_plot_window_forms():
    assert parse_window("0ms:50ms") == (0, 50_000_000)
    assert parse_window("10ms:") == (10_000_000, None)
    assert parse_window(":1s") == (0, 1_000_000_000)
    assert parse_window((0, "2ms")) == (0, 2_000_000)


def test_plot_bad_paths_and_pins(tmp_path, ran):
    with pytest.raises(ValueError, match="unknown pin 'P30'"):
        plot_timing(ran.world, tmp_path / "x.png", pins="P9,P30")
    with pytest.raises(ValueError, match="unknown format '.txt'"):
        plot_timing(ran.world, tmp_path / "x.txt")
    with pytest.raises(ValueError, match="no directory"):
        plot_timing(ran.world, tmp_path / "missing" / "x.png")
