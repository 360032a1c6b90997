"""An LED reads its on/off history off the net's trace, and watches the net's edges only while a pull
toward its lit side could hold the net at that level without lighting it. Whatever the script and the
parts do, the history must equal what a watcher of every change sees."""

import io
import random

import pytest

from pycomsim import Board, World
from pycomsim.sim.net import HIGH, LOW, STRONG_HI, STRONG_LO
from pycomsim.sim.recorder import Trace, record_level


class EveryChange:
    """The reference: told of every level, drive and make-up change of the pad's net."""

    def __init__(self, board, pin, active_low):
        self.pad = board.pad(pin)
        self.lit, self.strong = (LOW, STRONG_LO) if active_low else (HIGH, STRONG_HI)
        self.trace = Trace("reference")
        self.trace.append(board.kernel.now << 2 | self._on())
        self._net = None
        self._follow(board.kernel.now)

    def _on(self):
        net = self.pad.net
        return int(net.level == self.lit and net.counts[self.strong] > 0)

    def _record(self, t):
        record_level(self.trace, t, self._on())

    def _follow(self, t):
        net = self.pad.net
        if net is not self._net:  # a wire moved the pad: follow its new net
            self._net = net
            net.watchers.append(lambda old, new, t: self._record(t))
            net.drive_watchers.append(self._record)
            net.config_watchers.append(self._follow)
        self._record(t)

    def history(self):
        return [(w >> 2, bool(w & 3)) for w in self.trace.words()]


def random_script(rng: random.Random, steps: int):
    """Pin set-ups, writes and pulls on P9, with the time step sometimes 0 (one instant)."""
    lines = ["from machine import Pin", "import time", "p = Pin('P9', Pin.OUT)"]
    modes = ["Pin.OUT", "Pin.OPEN_DRAIN", "Pin.IN"]
    pulls = ["None", "Pin.PULL_UP", "Pin.PULL_DOWN"]
    for _ in range(steps):
        r = rng.random()
        if r < 0.5:
            lines.append(f"p({rng.randint(0, 1)})")
        elif r < 0.7:
            lines.append(f"p.init({rng.choice(modes)}, pull={rng.choice(pulls)})")
        elif r < 0.8:
            lines.append(f"p.pull({rng.choice(pulls)})")
        elif r < 0.9:
            lines.append(f"p.hold({rng.choice(['True', 'False'])})")
        lines.append(f"time.sleep_us({rng.choice([0, 0, 3, 50])})")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(12))
def test_the_history_equals_a_watcher_of_every_change(tmp_path, seed):
    rng = random.Random(seed)
    board = Board("lopy4", seed=seed, world=World(stderr=io.StringIO()), stdout=io.StringIO())
    reference = EveryChange(board, "P9", active_low=True)
    if seed % 3 == 1:
        board.pull("P9", up=False)  # an external pull-down: the LED watches from now on
    if seed % 3 == 2:
        board.button("P9", bounce=False).press(at="300us", hold="200us")
        board.generator("P23", freq=10_000, start="100us")
    (tmp_path / "main.py").write_text(random_script(rng, 60))
    board.load(tmp_path / "main.py")
    if seed % 3 == 2:
        board.world.run(until="150us")
        board.world.wire_spec("P9=P23", default_board=board)  # a wire during the run
    board.world.run(until="5ms")
    led = board.expansion_board.led
    assert led.history == reference.history()
    assert led.on is bool(reference.history()[-1][1])
    assert led.blinks == sum(1 for _, on in reference.history()[1:] if on)


def test_a_blink_without_pulls_costs_the_led_no_watcher():
    board = Board("lopy4")
    led = board.expansion_board.led
    Pin = board.machine.Pin
    p = Pin("P9", Pin.OUT)  # Pin.OUT without a pull: the boot pull-down is gone
    net = board.pad("P9").net
    assert led._changed not in net.watchers and led._drive_changed not in net.drive_watchers
    for _ in range(3):
        p(0)
        p(1)
    assert [on for _, on in led.history][-6:] == [True, False] * 3
    p.init(Pin.OUT, pull=Pin.PULL_DOWN)  # now LOW could be the pull's: it watches
    assert led._changed in net.watchers
    p.init(Pin.OUT, pull=None)
    assert led._changed not in net.watchers


def test_led_events_are_in_the_event_log_in_time_order():
    board = Board("lopy4")
    Pin = board.machine.Pin
    p = Pin("P9", Pin.OUT, value=1)
    board.sleep_ns(1000)
    p(0)
    board.sleep_ns(1000)
    p(1)
    events = [e for e in board.world.recorder.events if e.kind == "led"]
    assert [e.detail for e in events] == [("user LED", True), ("user LED", False)]
    assert events[1].t - events[0].t >= 1000
    assert len(board.world.recorder.events) >= 2
