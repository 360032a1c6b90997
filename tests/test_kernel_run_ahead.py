"""Boards that are not wired together run ahead of each other's task switches (Board.sync), which
must change nothing a user can see: each board's own trace, and the console's time order."""

import io

from pycomsim import Board, World
from pycomsim.sim.clusters import clusters


def _blinker(board, period_us=500, prints_every=0):
    def main():
        Pin = board.machine.Pin
        p = Pin("P11", Pin.OUT)
        n = 0
        while True:
            p.toggle()
            board.time.sleep_us(period_us)  # a busy wait: no task switch of its own
            n += 1
            if prints_every and n % prints_every == 0:
                print(board.name, board.time.ticks_us())

    return main


def _trace(board):
    return board.pad("P11").net.trace.changes()


def test_a_board_records_the_same_edges_alone_and_among_fifteen_others():
    alone = Board("lopy4", name="b0")
    alone.run(_blinker(alone), until="300ms")
    world = World()
    boards = [Board("lopy4", name=f"b{i}", world=world) for i in range(16)]
    for i, b in enumerate(boards):
        b.load(_blinker(b, period_us=500 + 37 * i))
    world.run(until="300ms")
    assert _trace(boards[0]) == _trace(alone)
    assert _trace(alone)[-1][0] <= 300_000_000  # nobody runs past the end of the run
    assert len(_trace(boards[0])) > 500


SCRIPT = """
import time
from machine import Pin
p = Pin('P11', Pin.OUT)
n = 0
while True:
    p.toggle()
    time.sleep_us(PERIOD)
    n += 1
    if n % EVERY == 0:
        print(time.ticks_us())
"""


def _script(tmp_path, name, period_us, every):
    path = tmp_path / name / "main.py"
    path.parent.mkdir()
    path.write_text(SCRIPT.replace("PERIOD", str(period_us)).replace("EVERY", str(every)))
    return path


def test_console_lines_of_unwired_boards_stay_in_time_order(tmp_path):
    out = io.StringIO()
    world = World()
    a = Board("lopy4", name="a", world=world, stdout=out)
    b = Board("lopy4", name="b", world=world, stdout=out)
    a.load(_script(tmp_path, "a", 700, 10))
    b.load(_script(tmp_path, "b", 900, 7))
    world.run(until="200ms")
    lines = out.getvalue().splitlines()
    times = [int(line.split("| ")[1]) for line in lines]
    assert len(times) > 40
    assert times == sorted(times)
    assert {line.split("| ")[0] for line in lines} == {"a", "b"}


def test_a_run_with_independent_boards_is_deterministic():
    def run():
        out = io.StringIO()
        world = World()
        boards = [Board("lopy4", name=f"b{i}", world=world, stdout=out) for i in range(4)]
        for i, b in enumerate(boards):
            b.load(_blinker(b, period_us=300 + 111 * i, prints_every=5))
        world.run(until="50ms")
        return out.getvalue(), [_trace(b) for b in boards]

    assert run() == run()


def test_wired_boards_form_one_cluster_and_see_each_other_in_time():
    world = World()
    a = Board("lopy4", name="a", world=world, expansion=False)
    b = Board("lopy4", name="b", world=world, expansion=False)
    c = Board("lopy4", name="c", world=world, expansion=False)
    world.wire_spec("a.P11=b.P3")
    table = clusters(world)
    assert table[a] == {c} and table[b] == {c} and table[c] == {a, b}
    seen = []

    def reader():
        Pin = b.machine.Pin
        p = Pin("P3", Pin.IN)
        for _ in range(20):
            level = p()
            seen.append((b.now_ns, level))  # the time of the read itself
            b.time.sleep_us(250)

    a.load(_blinker(a, period_us=1000))
    b.load(reader)
    c.load(_blinker(c, period_us=50))
    world.run(until="6ms")
    edges = _trace(a)
    for t_read, level in seen:
        before = [lvl for t, lvl in edges if t <= t_read]
        assert level == before[-1], (t_read, level, edges)


def _loopback(board, busy):
    def main():
        Pin = board.machine.Pin
        src = Pin("P11", Pin.OUT)
        Pin("P3", Pin.IN).callback(Pin.IRQ_RISING | Pin.IRQ_FALLING, lambda p: None)
        while True:
            src.toggle()
            if busy:
                board.time.sleep_us(990)  # holds the CPU: runs ahead past the other board's wakeups
            else:
                board.time.sleep_ms(1)  # a wakeup event of its own

    return main


def test_irq_events_of_unwired_boards_are_recorded_in_time_order():
    # one board holds the CPU in busy waits while the other sleeps: the event log (which readers
    # merge by time) must still come out sorted across boards (InterruptTask.post catches up)
    world = World()
    a = Board("lopy4", name="a", world=world, wires=["P11=P3"], expansion=False)
    b = Board("lopy4", name="b", world=world, wires=["P11=P3"], expansion=False)
    a.load(_loopback(a, busy=True))
    b.load(_loopback(b, busy=False))
    world.run(until="100ms")
    irqs = world.recorder.events.of_kind("irq")
    assert {e.board for e in irqs} == {"a", "b"}
    assert len(irqs) > 150
    times = [e.t for e in irqs]
    assert times == sorted(times)


def test_a_wire_added_between_runs_stops_the_run_ahead():
    world = World()
    a = Board("lopy4", name="a", world=world, expansion=False)
    b = Board("lopy4", name="b", world=world, expansion=False)
    seen = []

    def reader():
        Pin = b.machine.Pin
        p = Pin("P3", Pin.IN, Pin.PULL_DOWN)
        while True:
            level = p()
            seen.append((b.now_ns, level))
            b.time.sleep_us(250)  # busy: b would run ahead of a if they were still independent

    a.load(_blinker(a, period_us=1000))
    b.load(reader)
    world.run(until="3ms")
    assert {level for _, level in seen} == {0}  # not wired yet: the pull-down holds P3 low
    world.wire_spec("a.P11=b.P3")
    start = len(seen)
    world.run(until="6ms")
    edges = _trace(a)
    assert len(seen) - start > 10
    for t_read, level in seen[start:]:
        before = [lvl for t, lvl in edges if t <= t_read]
        assert level == before[-1], (t_read, level)
    assert {level for _, level in seen[start:]} == {0, 1}
