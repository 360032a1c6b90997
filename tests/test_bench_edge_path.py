"""The edge->callback hot path (see benchmarks/): the signal generator's int stepping, the kernel's
kept-aside next event (Kernel.schedule_next) and the IRQ queue's inlined event record must behave
exactly as the general code does."""

import pytest

from pycomsim import Board
from pycomsim.sim.kernel import Kernel
from pycomsim.sim.stimuli import SignalGenerator


def _general_instants(gen: SignalGenerator, n: int) -> list[int]:
    return [gen._at(k) for k in range(n)]


@pytest.mark.parametrize(
    ("freq", "duty", "start"),
    [(1000, 0.5, "1ms"), (4, 0.25, 0), (12_500, 0.3, "7us"), (1e6, 0.5, 5), (250.0, 0.999, "2ms")],
)
def test_the_generator_fast_path_makes_the_instants_of_the_general_formula(freq, duty, start):
    board = Board("lopy4", expansion=False)
    gen = board.generator("P10", freq=freq, duty=duty, start=start)
    assert "_step" in repr(board.kernel._heap)  # whole-ns periods take the fast path
    n = 41
    board.kernel.run_until(gen._at(n - 1))
    words = board.pad("P10").net.trace.changes()[1:]  # [0] is the level at time 0
    assert [t for t, _ in words] == _general_instants(gen, n)
    assert [lvl for _, lvl in words] == [1 - k % 2 for k in range(n)]
    assert gen.edges == n


def test_a_generator_started_in_the_past_catches_up_at_once_then_keeps_its_nominal_grid():
    board = Board("lopy4", expansion=False)
    board.kernel.run_until(2_500_000)
    gen = board.generator("P10", freq=1000, start=0)
    board.kernel.run_until(4_000_000)
    changes = board.pad("P10").net.trace.changes()
    # the edges due at 0, 0.5, 1, 1.5, 2 and 2.5 ms all happen at 2.5 ms (ending low), then on the grid
    assert [t for t, _ in changes if t > 2_500_000] == [3_000_000, 3_500_000, 4_000_000]
    assert changes[-4:] == [(2_500_000, 0), (3_000_000, 1), (3_500_000, 0), (4_000_000, 1)]
    assert gen.edges == 6 + 3


def test_a_non_integer_period_uses_the_general_edge_function():
    board = Board("lopy4", expansion=False)
    gen = board.generator("P10", freq=3000, start=0)  # 333333.33 ns
    assert "_edge" in repr(board.kernel._heap)
    board.kernel.run_until(2_000_000)
    edges = [t for t, _ in board.pad("P10").net.trace.changes() if t > 0]
    assert edges == _general_instants(gen, len(edges) + 1)[1:]


def _scenario(watcher_first: bool, stop_at_edge: bool = False):
    """A handler on P10, a level source and a generator, a host event due at the edge's instant
    and a watcher that schedules one more at it; returns everything observable."""
    board = Board("lopy4", expansion=False)
    log: list = []

    def main():
        Pin = board.machine.Pin
        p = Pin("P10", Pin.IN, Pin.PULL_UP)
        p.callback(Pin.IRQ_FALLING | Pin.IRQ_RISING, lambda pin: log.append(("irq", board.now)))
        while True:
            board.time.sleep(3600)

    k = board.kernel
    net = board.pad("P10").net

    def watcher(old, new, t):
        k.schedule(t, lambda _: log.append(("after", k.now)))
        if stop_at_edge:
            k.stop()

    if watcher_first:
        net.watchers.append(watcher)
    board.load(main)
    board.world.run(until="1ms")
    if not watcher_first:
        net.watchers.append(watcher)
    k.schedule(2_000_000, lambda _: log.append(("before", k.now)))
    board.levels("P10", [(2_000_000, 0), (2_000_100, "z")])
    board.generator("P10", freq=10_000, start="3ms", stop="4ms", open_drain=True)
    for _ in range(6):
        board.world.run(until="1ms")
    events = [(e.t, e.kind, e.detail) for e in board.world.recorder.events]
    return log, net.trace.changes(), events, k.pending()


@pytest.mark.parametrize("watcher_first", [True, False])
@pytest.mark.parametrize("stop_at_edge", [False, True])
def test_the_kept_aside_wakeup_runs_exactly_where_the_heap_would_run_it(
    monkeypatch, watcher_first, stop_at_edge
):
    fast = _scenario(watcher_first, stop_at_edge)
    monkeypatch.setattr(
        Kernel, "schedule_next", lambda self, fn, arg=None: self.schedule(self.now, fn, arg)
    )
    general = _scenario(watcher_first, stop_at_edge)
    assert fast == general
    # a stop at each edge ends each of the six runs early: fewer handlers run in the same runs
    assert sum(1 for e in fast[0] if e[0] == "irq") >= (3 if stop_at_edge else 20)


def test_schedule_next_from_the_host_or_with_an_event_due_goes_through_the_heap():
    k = Kernel()
    seen = []
    k.schedule(5, lambda _: seen.append("a"))
    k.schedule(5, lambda _: k.schedule_next(lambda _: seen.append("next")))
    k.schedule(5, lambda _: seen.append("c"))  # due at 5 already: comes before "next"
    k.run_until(10)
    assert seen == ["a", "c", "next"]
    k.schedule_next(lambda _: seen.append("host"))  # not in the loop: the heap
    assert k._front is None and k.pending() == 1
    k.run_until(20)
    assert seen[-1] == "host"


def test_schedule_next_in_a_callback_runs_next_and_stop_keeps_it_for_the_next_run():
    k = Kernel()
    seen = []

    def first(_):
        k.schedule_next(lambda _: seen.append("next"))
        assert k._front is not None and k.pending() == 2 and k.next_time == 5
        k.schedule(5, lambda _: seen.append("later"))
        k.stop()

    k.schedule(5, first)
    k.schedule(9, lambda _: seen.append("nine"))
    k.run_until(10)
    assert seen == [] and k._front is None and k.pending() == 3
    k.run_until(10)
    assert seen == ["next", "later", "nine"]


def test_irq_events_are_recorded_as_the_general_event_call_does():
    board = Board("lopy4", expansion=False)
    log: list = []

    def main():
        Pin = board.machine.Pin
        p = Pin("P10", Pin.IN, Pin.PULL_UP)
        p.callback(Pin.IRQ_FALLING, lambda pin: log.append(board.now))
        while True:
            board.time.sleep(3600)

    board.load(main)
    board.world.run(until="1ms")
    board.generator("P10", freq=1000, start="2ms")
    board.world.run(until="9ms")  # to 10 ms: falls at 2.5, 3.5, ... 9.5 ms
    irqs = board.world.recorder.events.of_kind("irq")
    assert len(irqs) == len(log) == 8
    assert all(e.board == board.name and e.detail == "P10" for e in irqs)
    assert [e.t for e in irqs] == [2_500_000 + 1_000_000 * i for i in range(8)]


@pytest.mark.parametrize("loop", ["plain", "with keep_going"])
def test_a_periodic_event_runs_again_at_the_time_it_returns_and_plain_returns_are_ignored(loop):
    """Kernel.schedule_periodic: the callback's return is its next run (clamped to now, after what
    the callback scheduled itself), None stops it; what a plain event returns is ignored."""
    k = Kernel()
    log = []

    def step(at):
        log.append((k.now, at))
        if at == 0:
            k.schedule(10, lambda _: log.append((k.now, "scheduled by the first step")))
            return 10
        if at == 10:
            return 5  # in the past: now, with 5 as its argument
        if at == 5:
            return k.now + 10
        return None  # stops

    k.schedule_periodic(0, step, 0)
    k.schedule(3, lambda _: 3)  # a plain event returning an int: nothing more
    k.schedule(4, lambda _: (4, step, 4))  # nor a tuple
    k.run_until(100, keep_going=(lambda: True) if loop != "plain" else None)
    assert log == [(0, 0), (10, "scheduled by the first step"), (10, 10), (10, 5), (20, 20)]
    assert k.pending() == 0
