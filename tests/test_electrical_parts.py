"""Issue 4, parts and stimuli: expansion board, buttons with seeded bounce, LEDs, pulls, generators."""

import io
import textwrap

import pytest

from pycomsim import Board, World
from pycomsim.sim.bounce import Bounce, make_bounce
from pycomsim.sim.net import FLOATING


def quiet(**kw):
    return World(stderr=io.StringIO(), **kw)


def run_script(board, tmp_path, source, until=None):
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source))
    board.load(path)
    board.world.run(until=until)
    return "".join(board.output)


def edges(board, pin):
    return board.world.recorder.traces[f"{board.name}.{pin}"].changes()


# ---- the expansion board (SPEC.md section 9) ----
def test_expansion_button_reads_1_released_without_pull_up_and_0_pressed():
    board = Board("lopy4")
    Pin = board.machine.Pin
    p = Pin("P10", Pin.IN)  # no internal pull: the expansion board's pull-up holds it
    assert p() == 1
    board.button("P10", bounce=False).press()
    board.world.run(until="1ms")
    assert p() == 0


def test_board_button_p10_is_the_expansion_button_when_it_is_on():
    board = Board("lopy4")
    assert board.button("P10") is board.expansion_board.button
    assert board.button("G17") is board.expansion_board.button
    assert board.led("P9") is board.expansion_board.led


def test_without_expansion_p10_floats_and_a_button_is_a_new_part():
    board = Board("lopy4", expansion=False, world=quiet())
    Pin = board.machine.Pin
    Pin("P10", Pin.IN)
    assert board.pad("P10").read() == FLOATING
    button = board.button("P10")
    assert not hasattr(board, "expansion_board")
    assert board.button("P10") is button  # one button per pin


def test_expansion_led_lights_when_p9_is_driven_low():
    board = Board("lopy4")
    led = board.expansion_board.led
    assert led.on is False  # the boot pull-down is too weak to light it
    Pin = board.machine.Pin
    p = Pin("P9", Pin.OUT, value=0)
    assert led.on is True
    p(1)
    assert led.on is False
    assert [on for _, on in led.history] == [False, True, False]
    assert led.blinks == 1


def test_led_on_an_active_high_pin():
    board = Board("lopy4", expansion=False)
    led = board.led("P11")
    Pin = board.machine.Pin
    p = Pin("P11", Pin.OUT, value=1)
    assert led.on is True
    p.toggle()
    assert led.on is False
    assert any(e.kind == "led" for e in board.world.recorder.events)


# ---- buttons and bounce ----
def test_press_at_with_hold_follows_the_virtual_clock_without_bounce():
    board = Board("lopy4")
    board.button("P10", bounce=False).press(at="100ms", hold="50ms")
    board.world.run(until="1s")
    assert edges(board, "P10")[1:] == [(100_000_000, 0), (150_000_000, 1)]


def test_bounce_is_a_seeded_burst_on_press_and_on_release():
    def p10_edges(seed):
        board = Board("lopy4", seed=seed)
        board.button("P10").press(at="100ms", hold="50ms")
        board.world.run(until="1s")
        return edges(board, "P10")[1:]

    e = p10_edges(3)
    assert e == p10_edges(3)  # same seed, same waveform
    assert e != p10_edges(4)
    press = [(t, lv) for t, lv in e if t < 150_000_000]
    release = [(t, lv) for t, lv in e if t >= 150_000_000]
    assert press[0] == (100_000_000, 0) and press[-1][1] == 0 and len(press) >= 3
    assert release[0] == (150_000_000, 1) and release[-1][1] == 1 and len(release) >= 3
    assert press[-1][0] - press[0][0] <= Bounce().max_duration  # a few ms
    assert release[-1][0] - release[0][0] <= Bounce().max_duration


def test_bounce_can_be_configured_or_turned_off():
    board = Board("lopy4", seed=1)
    button = board.button("P10", bounce={"duration": "1ms", "flips": 4, "min_flips": 4})
    button.press(at="10ms", hold="20ms")
    board.world.run(until="100ms")
    e = edges(board, "P10")[1:]
    assert len(e) == 10  # 1 + 4 flips, twice
    assert all(t - 10_000_000 <= 1_000_000 for t, _ in e[:5])
    assert make_bounce(False) is None and make_bounce(True) == Bounce()


@pytest.mark.parametrize(
    "spec, word",
    [
        ({"duration": "soon"}, "bounce duration"),
        ({"flips": -2}, "flips"),
        ({"wobble": 1}, "wobble"),
        ("yes", "bad bounce"),
    ],
)
def test_bad_bounce_settings_name_the_bad_value(spec, word):
    with pytest.raises(ValueError, match=word):
        make_bounce(spec)


DEBOUNCED = """
from machine import Pin
import time
raw = 0
presses = 0
last = -1000

def on_press(pin):
    global raw, presses, last
    raw += 1
    now = time.ticks_ms()
    if time.ticks_diff(now, last) > LOCKOUT:
        presses += 1
    last = now

button = Pin('P10', mode=Pin.IN)
button.callback(Pin.IRQ_FALLING, on_press)
time.sleep_ms(1000)
print(presses, raw)
"""


def test_debounced_handler_counts_exactly_one_press_despite_bounce(tmp_path):
    board = Board("lopy4", seed=5)
    board.button("P10").press(at="100ms", hold="150ms")
    out = run_script(board, tmp_path, DEBOUNCED.replace("LOCKOUT", "200"))
    presses, raw = map(int, out.split())
    assert presses == 1
    falls = sum(1 for _, level in edges(board, "P10")[1:] if level == 0)
    assert raw == falls > 2  # every bounce edge reached the handler: a burst of callbacks


def test_a_lockout_shorter_than_the_hold_counts_the_release_bounce_too(tmp_path):
    # the bug real boards show: the release bursts also have falling edges
    board = Board("lopy4", seed=5)
    board.button("P10").press(at="100ms", hold="150ms")
    out = run_script(board, tmp_path, DEBOUNCED.replace("LOCKOUT", "50"))
    assert out.split()[0] == "2"


# ---- pull resistors ----
def test_external_pull_beats_the_internal_pull_and_loses_to_an_output():
    board = Board("lopy4", expansion=False)
    Pin = board.machine.Pin
    p = Pin("P11", Pin.IN, pull=Pin.PULL_DOWN)
    board.pull("P11", up=True)
    assert p() == 1
    q = Pin("P3", Pin.IN, pull=Pin.PULL_UP)
    board.pull("P3", up=False)
    assert q() == 0
    board.world.wire(board.pad("P3"), board.pad("P4"))
    Pin("P4", Pin.OUT, value=1)
    assert q() == 1
    assert board.world.faults == []


# ---- stimuli ----
def test_signal_generator_square_wave_frequency_and_duty():
    board = Board("lopy4", expansion=False)
    gen = board.generator("P13", freq=1000, duty=0.25, start="1ms", stop="5ms")
    board.world.run(until="10ms")
    e = edges(board, "P13")
    assert e[1:9] == [
        (1_000_000, 1),
        (1_250_000, 0),
        (2_000_000, 1),
        (2_250_000, 0),
        (3_000_000, 1),
        (3_250_000, 0),
        (4_000_000, 1),
        (4_250_000, 0),
    ]
    assert e[-1] == (5_000_000, FLOATING)  # released after stop
    assert gen.period_ns == 1_000_000


def test_signal_generator_does_not_drift_over_a_long_run():
    board = Board("lopy4", expansion=False)
    board.generator("P13", freq=3.0)  # period 333333333.3 ns
    board.world.run(until="10s")
    rises = [t for t, lv in edges(board, "P13") if lv == 1]
    assert rises[-1] == 10_000_000_000  # 30 periods land exactly on 10 s
    assert len(rises) == 31


def test_a_script_counts_generator_edges_with_a_callback(tmp_path):
    board = Board("lopy4", expansion=False)
    board.generator("P13", freq=100, duty=0.5, start="5ms", stop="105ms")
    out = run_script(
        board,
        tmp_path,
        """
        from machine import Pin
        import time
        n = 0
        def h(p):
            global n
            n += 1
        Pin('P13', Pin.IN).callback(Pin.IRQ_RISING, h)
        time.sleep_ms(200)
        print(n)
        """,
    )
    assert out == "10\n"


def test_timed_levels_drive_and_release():
    board = Board("lopy4", expansion=False, world=quiet())
    board.levels("P11", [("1ms", 1), ("2ms", 0), ("3ms", "z"), (4_000_000, 1)])
    board.levels("P3", [("1ms", 1), ("2ms", "z")])
    board.world.run(until="5ms")
    # released at 3 ms, P11 falls back to its boot pull-down: still 0, no edge
    assert edges(board, "P11")[1:] == [(1_000_000, 1), (2_000_000, 0), (4_000_000, 1)]
    board.machine.Pin("P3", board.machine.Pin.IN)  # no pull: released means floating
    assert edges(board, "P3")[1:3] == [(1_000_000, 1), (2_000_000, 0)]
    assert board.pad("P3").read() == FLOATING


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"freq": 0}, "freq"),
        ({"freq": "fast"}, "freq"),
        ({"freq": 10, "duty": 1.5}, "duty"),
        ({"freq": 10, "start": "soon"}, "generator start"),
        ({"freq": 10, "start": "2ms", "stop": "1ms"}, "stop"),
    ],
)
def test_bad_generator_settings_name_the_bad_value(kwargs, word):
    board = Board("lopy4", expansion=False)
    with pytest.raises(ValueError, match=word):
        board.generator("P13", **kwargs)


@pytest.mark.parametrize(
    "levels, word",
    [
        ([("1ms", 2)], "bad level 2"),
        ([("later", 1)], "entry #0"),
        ([5], "expected \\[time, level\\]"),
    ],
)
def test_bad_levels_name_the_bad_entry(levels, word):
    board = Board("lopy4", expansion=False)
    with pytest.raises(ValueError, match=word):
        board.levels("P13", levels)


@pytest.mark.parametrize("no_expansion", [False, True])
def test_cli_no_expansion_leaves_p10_floating(tmp_path, capsys, no_expansion):
    from pycomsim.cli import main

    path = tmp_path / "main.py"
    path.write_text("from machine import Pin\nprint(Pin('P10', Pin.IN)())\n")
    code = main(["run", str(path), "--quiet"] + (["--no-expansion"] if no_expansion else []))
    out, err = capsys.readouterr()
    assert code == 0
    if no_expansion:
        assert "floating input read: P10 is floating" in err
    else:
        assert out == "1\n" and "floating" not in err
