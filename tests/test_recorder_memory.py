"""The recorder: compact traces and events, spilling to disk with bounded memory, same results."""

from __future__ import annotations

import io
import pickle

from pycomsim import Board
from pycomsim.output.vcd import write_vcd
from pycomsim.sim.recorder import Event, Recorder, Trace, record_level


def toggler(board: Board, n: int = 3000) -> None:
    Pin = board.machine.Pin
    pin = Pin("P11", Pin.OUT)
    for i in range(n):
        pin.toggle()
        if i % 100 == 0:
            board.time.sleep_us(50)


def test_trace_is_8_bytes_per_change():
    board = Board("lopy4", expansion=False)
    board.run(lambda: toggler(board, 20_000))
    trace = board.world.recorder.traces["lopy4.P11"]
    assert trace.itemsize == 8
    assert trace.total() == 20_001  # the level at boot, then one word per toggle
    assert trace.buffer_info()[1] * trace.itemsize <= 8 * 20_001 * 1.2  # array over-allocation


def test_spilled_run_reads_back_the_same_and_stays_bounded():
    plain = Board("lopy4", expansion=False)
    plain.run(lambda: toggler(plain))
    spilled = Board("lopy4", expansion=False)
    recorder = spilled.world.recorder
    recorder.memory_words = 200
    seen_in_memory = []
    recorder.checkpoint_listeners.append(
        lambda t: seen_in_memory.append(recorder.memory_words_used())
    )
    recorder.arm(spilled.kernel, period_ns=100_000)
    spilled.run(lambda: toggler(spilled))
    assert recorder.spilled_words > 2500
    assert max(seen_in_memory) < 200 + 400  # budget + what one checkpoint period adds
    a = plain.world.recorder.traces["lopy4.P11"]
    b = recorder.traces["lopy4.P11"]
    assert b._spilled > 0 and len(b) < b.total()
    assert b.changes() == a.changes()
    assert list(b.words(2000)) == list(a.words(2000))
    out_a, out_b = io.StringIO(), io.StringIO()
    write_vcd(plain.world, out_a)
    write_vcd(spilled.world, out_b)
    assert out_a.getvalue() == out_b.getvalue()
    assert spilled.trace("P11").edges() == plain.trace("P11").edges()


def test_record_level_collapses_one_instant_and_survives_spill():
    trace = Trace("x")
    for t in range(10):
        record_level(trace, t * 10, t % 2)
    trace.spill()
    record_level(
        trace, 90, 0
    )  # same instant as the last word: replaced, then equal to the one before
    assert trace.changes()[-2:] == [(70, 1), (80, 0)]
    assert pickle.loads(pickle.dumps(trace)).changes() == trace.changes()


def test_events_are_columns_with_shared_details():
    rec = Recorder()
    for i in range(1000):
        rec.event(i, "lopy4", "irq", "P10")
    rec.event(5000, "lopy4", "fault", ["unhashable"])
    assert len(rec.events.table) == 2  # 1000 irq events share one (board, kind, detail)
    assert rec.events.times.itemsize == 8 and len(rec.events.times) == 1001
    assert rec.events[0] == Event(0, "lopy4", "irq", "P10")
    assert rec.events[-1] == Event(5000, "lopy4", "fault", ["unhashable"])
    assert rec.events[998:] == [
        Event(998, "lopy4", "irq", "P10"),
        Event(999, "lopy4", "irq", "P10"),
        rec.events[-1],
    ]
    assert rec.events.count("irq") == 1000


def test_led_and_rgb_and_irq_events_are_recorded_in_time_order():
    board = Board("lopy4")

    def main() -> None:
        Pin = board.machine.Pin
        led = Pin("P9", Pin.OUT, value=1)
        board.pycom.heartbeat(False)
        board.pycom.rgbled(0x102030)
        button = Pin("P10", Pin.IN)
        button.callback(Pin.IRQ_FALLING, lambda p: None)
        board.time.sleep_ms(1)
        led(0)  # expansion LED lights (active low)
        board.time.sleep_ms(1)
        led(1)
        board.time.sleep_ms(5)

    board.expansion_board.button.press(at="3ms", hold="1ms")
    board.run(main)
    events = list(board.world.recorder.events)
    assert [e.t for e in events] == sorted(e.t for e in events)
    kinds = [e.kind for e in events]
    assert kinds.count("led") == 2
    leds = [e.detail for e in events if e.kind == "led"]
    assert leds == [("user LED", True), ("user LED", False)]
    assert ("rgb", 0x102030) in [(e.kind, e.detail) for e in events]
    assert "irq" in kinds and "boot" in kinds
    assert len(board.world.recorder.events) == len(events)
