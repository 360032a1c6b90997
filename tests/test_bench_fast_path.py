"""Pin.value(x) carries an inlined copy of Net.change (the write hot path, see benchmarks/): it must
behave exactly as the net does, on every kind of net a write can meet."""

import random

from pycomsim import Board, FaultError
from pycomsim.sim.net import resolve


def _check_net(net, seen):
    assert net.level == resolve(net.counts)
    assert net.trace.changes()[-1][1] == net.level  # every level change was recorded
    assert seen[-1][1] == net.level if seen else True


def test_random_writes_on_wired_open_drain_and_push_pull_pins_keep_the_net_consistent():
    board = Board("lopy4", wires=["P11=P3", "P3=P19"], expansion=False)
    Pin = board.machine.Pin
    net = board.pad("P11").net
    seen = []
    net.watchers.append(lambda old, new, t: seen.append((old, new, t)))
    rng = random.Random(6)
    pins = [Pin(name) for name in ("P11", "P3", "P19")]
    modes = [Pin.OUT, Pin.OPEN_DRAIN, Pin.IN]
    for _ in range(400):
        p = rng.choice(pins)
        if rng.random() < 0.2:
            p.init(rng.choice(modes), rng.choice([None, Pin.PULL_UP, Pin.PULL_DOWN]))
        else:
            p.value(rng.getrandbits(1))
        _check_net(net, seen)
        for old, new, _ in seen:
            assert old != new  # watchers hear real changes only
    assert len(seen) > 50
    levels = {new for _, new, _ in seen}
    assert {0, 1, 3} <= levels  # low, high and contention all happened


def test_a_write_into_contention_reports_the_fault_and_strict_raises_in_the_script():
    board = Board("lopy4", wires=["P11=P19"], expansion=False, strict=True)
    Pin = board.machine.Pin
    reached = []

    def main():
        Pin("P11", Pin.OUT, value=0)
        b = Pin("P19", Pin.OUT, value=0)
        b.value(1)
        reached.append("after the write")

    board.run(main)
    assert isinstance(board.error, FaultError) and "contention" in str(board.error)
    assert reached == []
    assert board.pad("P11").read() == 3
    assert [f.kind for f in board.world.faults] == ["contention"]


def test_a_write_that_only_changes_strength_tells_drive_watchers():
    board = Board("lopy4", expansion=False)
    Pin = board.machine.Pin
    p = Pin("P11", Pin.IN, Pin.PULL_DOWN)  # weak low
    net = p._pad.net
    heard = []
    net.drive_watchers.append(heard.append)
    p.init(Pin.OPEN_DRAIN)
    p.value(0)  # strong low: same level, stronger
    assert net.level == 0
    assert heard  # the net told its drive watchers, as Net.change does


def test_the_literal_codes_in_the_inlined_copy_match_the_net_constants():
    from pycomsim.sim.net import CONTENTION, STRONG_HI, STRONG_LO

    assert (STRONG_LO, STRONG_HI, CONTENTION) == (1, 2, 3)  # pin.py's PinBase.value relies on it
