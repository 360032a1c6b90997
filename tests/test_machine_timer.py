"""machine.Timer, one test per rule, from the firmware: `esp32/mods/machtimer.c` (the Timer type,
sleep_us), `machtimer_alarm.c` (alarm_make_new, alarm_set_callback_helper, timer_alarm_isr,
alarm_handler, alarm_delete), `machtimer_chrono.c` (chrono_*), `esp32/util/mpirq.c` (the queue)."""

from __future__ import annotations

import struct

import pytest

from pycomsim import Board

MS = 1_000_000
US = 1_000


def make_board(**kwargs) -> Board:
    kwargs.setdefault("expansion", False)
    return Board("lopy4", cpu="free", seed=0, **kwargs)


def catch(fn, *args, **kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the test compares type and message
        return (type(e), str(e))


def in_script(board: Board, fn, until: str = "1ms"):
    """Run `fn` as the board's script; return what it returned."""
    out = []
    board.run(lambda: out.append(fn()), until=until)
    return out[0]


def alarm_times(board: Board) -> list[int]:
    return [e.t for e in board.world.recorder.events.of_kind("alarm")]


# ---- the Timer type (machtimer.c mach_timer_type: no make_new) ----
def test_timer_cannot_be_instantiated() -> None:
    b = make_board()
    assert in_script(b, lambda: catch(b.machine.Timer)) == (
        TypeError,
        "cannot create 'Timer' instances",
    )


def test_timer_holds_alarm_chrono_and_sleep_us() -> None:
    t = make_board().machine.Timer
    assert all(hasattr(t, name) for name in ("Alarm", "Chrono", "sleep_us"))


# ---- Alarm arguments (alarm_make_new) ----
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"s": 1, "ms": 1}, {"ms": 1, "us": 1}, {"s": 0}, {"s": 1e-50}],
    ids=["none", "s_and_ms", "ms_and_us", "s_zero", "s_below_float32"],
)
def test_alarm_needs_exactly_one_nonzero_duration(kwargs) -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.Timer.Alarm, lambda a: None, **kwargs))
    assert got == (ValueError, "please provide a single duration")


def test_alarm_negative_seconds_is_refused() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.Timer.Alarm, lambda a: None, -1))
    assert got == (ValueError, "please provide a positive number")


def test_alarm_negative_ms_wraps_as_uint32_and_is_accepted() -> None:
    """ms is a uint32: -1 is 0xFFFFFFFF ms, and ms * 40000 wraps to 2**32 - 40000 ticks."""
    b = make_board()
    got = in_script(b, lambda: b.machine.Timer.Alarm(lambda a: None, ms=-1).interval)
    assert got == (0xFFFFFFFF * 40_000) & 0xFFFFFFFF


def test_alarm_ms_tick_product_wraps_at_2_to_the_32() -> None:
    """ms * (CLK_FREQ / 1000) is uint32 arithmetic: 200 s becomes 200 s - 107.37 s."""
    b = make_board()
    fired = []
    b.run(lambda: b.machine.Timer.Alarm(fired.append, ms=200_000), until="120s")
    assert alarm_times(b) and alarm_times(b)[0] < 100 * 1_000_000_000
    assert len(fired) == 1


def test_alarm_seconds_may_be_a_float() -> None:
    b = make_board()
    got = in_script(b, lambda: b.machine.Timer.Alarm(lambda a: None, 0.25).interval)
    assert got == 10_000_000  # 0.25 s at 40 MHz


def test_alarm_handler_is_required() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.Timer.Alarm, s=1))
    assert got == (TypeError, "'handler' argument required")


def test_alarm_ms_is_keyword_only() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.Timer.Alarm, lambda a: None, 1, 5))
    assert got == (TypeError, "extra positional arguments given")


def test_alarm_unknown_keyword_is_refused() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.Timer.Alarm, lambda a: None, 1, every=2))
    assert got == (TypeError, "extra keyword arguments given")


def test_alarm_arg_defaults_to_the_alarm_itself() -> None:
    b = make_board()
    got = []
    made = []
    b.run(lambda: made.append(b.machine.Timer.Alarm(got.append, ms=1)), until="5ms")
    assert got == [made[0]]


def test_alarm_arg_is_passed_when_given() -> None:
    b = make_board()
    got = []
    b.run(lambda: b.machine.Timer.Alarm(got.append, ms=1, arg=0), until="5ms")
    assert got == [0]


# ---- the list of 16 ----
def test_at_most_16_alarms_are_armed() -> None:
    b = make_board()

    def main():
        alarms = [b.machine.Timer.Alarm(lambda a: None, 10) for _ in range(16)]
        return len(alarms), catch(b.machine.Timer.Alarm, lambda a: None, 10)

    assert in_script(b, main) == (
        16,
        (MemoryError, "maximum number of 16 alarms already reached"),
    )


def test_a_one_shot_alarm_frees_its_slot_when_it_fires() -> None:
    b = make_board()

    def main():
        for _ in range(16):
            b.machine.Timer.Alarm(lambda a: None, ms=1)
        b.time.sleep_ms(2)
        return catch(b.machine.Timer.Alarm, lambda a: None, ms=1)[0]

    assert in_script(b, main, until="10ms") == "ok"


def test_cancel_frees_the_slot() -> None:
    b = make_board()

    def main():
        alarms = [b.machine.Timer.Alarm(lambda a: None, 10) for _ in range(16)]
        alarms[3].cancel()
        return catch(b.machine.Timer.Alarm, lambda a: None, 10)[0]

    assert in_script(b, main) == "ok"


# ---- firing ----
def test_one_shot_alarm_fires_once_after_its_interval() -> None:
    b = make_board()
    got = []
    b.run(lambda: b.machine.Timer.Alarm(lambda a: got.append(b.now), ms=10), until="100ms")
    assert len(got) == 1 and 10 * MS < got[0] < 11 * MS


def test_periodic_alarm_rearms_at_isr_time_plus_interval_so_latency_drifts() -> None:
    """timer_alarm_isr: set_alarm_when reads the counter in the ISR, after the match: each period
    is the interval plus the interrupt latency, and the error accumulates."""
    b = make_board()
    b.run(lambda: b.machine.Timer.Alarm(lambda a: None, ms=10, periodic=True), until="105ms")
    times = alarm_times(b)
    gaps = {t2 - t1 for t1, t2 in zip(times, times[1:], strict=False)}
    assert len(times) == 10
    assert gaps == {10 * MS + b.costs.timer_isr}


def test_slow_handler_does_not_shift_the_periodic_schedule() -> None:
    """The ISR re-arms before the handler runs: a handler busy for 4 ms leaves the period alone."""
    b = make_board()

    def slow(a) -> None:
        b.time.sleep_ms(4)

    b.run(lambda: b.machine.Timer.Alarm(slow, ms=10, periodic=True), until="55ms")
    times = alarm_times(b)
    assert {t2 - t1 for t1, t2 in zip(times, times[1:], strict=False)} == {
        10 * MS + b.costs.timer_isr
    }


def test_alarms_fire_in_due_order_whatever_the_creation_order() -> None:
    b = make_board()
    got = []

    def main() -> None:
        b.machine.Timer.Alarm(lambda a: got.append("late"), ms=5)
        b.machine.Timer.Alarm(lambda a: got.append("early"), ms=2)

    b.run(main, until="10ms")
    assert got == ["early", "late"]


# ---- callback() and cancel() (alarm_set_callback_helper, alarm_delete) ----
def test_callback_arms_an_alarm_made_without_handler_counting_from_now() -> None:
    b = make_board()
    got = []

    def main() -> None:
        a = b.machine.Timer.Alarm(None, ms=10)
        b.time.sleep_ms(30)
        a.callback(lambda x: got.append(b.now))

    b.run(main, until="100ms")
    assert len(got) == 1 and 40 * MS < got[0] < 41 * MS


def test_callback_on_an_armed_alarm_restarts_it_but_the_handler_is_lost() -> None:
    """alarm_set_callback_helper sets the handler, then (armed) INTERRUPT_OBJ_CLEAN clears it, then
    re-arms because NULL is not None: the countdown restarts, no handler is ever called."""
    b = make_board()
    got = []

    def main() -> None:
        a = b.machine.Timer.Alarm(lambda x: got.append("old"), ms=10)
        b.time.sleep_ms(5)
        a.callback(lambda x: got.append("new"))

    b.run(main, until="50ms")
    assert got == []
    assert len(alarm_times(b)) == 1 and 15 * MS < alarm_times(b)[0] < 16 * MS


def test_callback_none_on_an_armed_alarm_stops_the_calls_but_keeps_the_slot() -> None:
    b = make_board()
    got = []

    def main():
        a = b.machine.Timer.Alarm(got.append, ms=5, periodic=True)
        others = [b.machine.Timer.Alarm(lambda x: None, 10) for _ in range(15)]
        b.time.sleep_ms(12)
        a.callback(None)
        b.time.sleep_ms(20)
        return len(others), catch(b.machine.Timer.Alarm, lambda x: None, 10)[0]

    assert in_script(b, main, until="50ms") == (15, MemoryError)
    assert len(got) == 2  # at 5 and 10 ms; none after callback(None)
    assert len(alarm_times(b)) > 4  # the interrupt goes on firing


def test_callback_none_on_a_fired_one_shot_leaves_it_off() -> None:
    b = make_board()

    def main():
        a = b.machine.Timer.Alarm(lambda x: None, ms=1)
        b.time.sleep_ms(2)
        a.callback(None)
        b.time.sleep_ms(5)

    b.run(main, until="20ms")
    assert len(alarm_times(b)) == 1


def test_cancel_stops_a_periodic_alarm() -> None:
    b = make_board()
    got = []

    def main() -> None:
        a = b.machine.Timer.Alarm(got.append, ms=5, periodic=True)
        b.time.sleep_ms(12)
        a.cancel()

    b.run(main, until="50ms")
    assert len(got) == 2


def test_one_shot_rearmed_from_its_own_handler_fires_without_handler() -> None:
    """alarm_handler clears a one-shot alarm's handler after the call: the re-armed alarm's
    interrupt comes, the handler does not run again."""
    b = make_board()
    got = []

    def handler(a) -> None:
        got.append(b.now)
        a.callback(handler)

    b.run(lambda: b.machine.Timer.Alarm(handler, ms=5), until="30ms")
    assert len(got) == 1
    assert len(alarm_times(b)) == 2


def test_queued_entry_of_a_cancelled_alarm_calls_nothing() -> None:
    """The handler is read when the entry runs (alarm_handler), not when the ISR queued it: the
    first alarm's handler cancels the second, whose entry is already queued."""
    b = make_board()
    got = []

    def main() -> None:
        second = b.machine.Timer.Alarm(lambda a: got.append("second"), us=300)
        b.machine.Timer.Alarm(lambda a: (got.append("first"), second.cancel()), us=100)
        b.time.sleep_us(500)  # busy wait: both ISRs queue their entries meanwhile

    b.run(main, until="5ms")
    assert got == ["first"] and len(alarm_times(b)) == 2 and b.irq.runs == 2


# ---- the interrupt task and its queue (mpirq.c) ----
def test_alarm_handler_waits_for_a_busy_wait_of_the_main_task() -> None:
    b = make_board()
    got = []

    def main() -> None:
        b.machine.Timer.Alarm(lambda a: got.append(b.now), us=100)
        b.time.sleep_us(800)

    b.run(main, until="5ms")
    assert len(got) == 1 and got[0] > 800 * US


def test_alarm_entries_share_the_32_entry_queue_and_its_drop_count() -> None:
    b = make_board()

    queued = []

    def main() -> None:
        a = b.machine.Timer.Alarm(lambda x: None, us=20, periodic=True)
        b.time.sleep_us(1000)  # 1000 us busy: about 50 interrupts for 32 queue entries
        queued.append(len(b.irq.queue))
        a.cancel()

    b.run(main, until="10ms")
    assert queued == [32] and b.irq.dropped > 0
    assert b.irq.runs + b.irq.dropped == len(alarm_times(b))
    assert b.world.recorder.events.of_kind("drop")[0].detail == "Alarm1"


def test_exception_in_alarm_handler_kills_the_interrupt_task_for_pins_too() -> None:
    b = Board("lopy4", seed=0, wires=["P11=P19"], expansion=False)
    Pin = b.machine.Pin
    pins = []

    def bad(a) -> None:
        raise ValueError("boom")

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, pins.append)
        b.machine.Timer.Alarm(bad, ms=1)
        b.time.sleep_ms(2)
        src(0)
        b.time.sleep_ms(2)

    b.run(main, until="10ms")
    text = "".join(b.output)
    assert text.startswith("Unhandled exception in callback handler\n")
    assert text.endswith("ValueError: boom\n")
    assert pins == [] and not b.irq.alive


def test_disabled_interrupts_hold_the_alarm_until_enable_irq() -> None:
    """disable_irq masks the timer's level interrupt too: the ISR runs at enable_irq, and a periodic
    alarm re-arms from then."""
    b = make_board()
    got = []

    def main() -> None:
        b.machine.Timer.Alarm(lambda a: got.append(b.now), ms=1, periodic=True)
        state = b.machine.disable_irq()
        b.time.sleep_ms(5)
        b.machine.enable_irq(state)
        b.time.sleep_ms(3)

    b.run(main, until="8ms")
    times = alarm_times(b)
    assert 5 * MS < times[0] < 5.1 * MS
    assert len(times) == 3 and times[1] - times[0] == 1 * MS + b.costs.timer_isr


def test_reset_removes_every_alarm() -> None:
    b = make_board()
    got = []

    def main() -> None:
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            b.machine.Timer.Alarm(got.append, ms=5, periodic=True)
            b.time.sleep_ms(7)
            b.machine.reset()

    b.run(main, until="50ms")
    assert len(got) == 1 and len(alarm_times(b)) == 1


# ---- Chrono (machtimer_chrono.c) ----
def test_chrono_counts_only_while_started() -> None:
    b = make_board()

    def main():
        c = b.machine.Timer.Chrono()
        b.time.sleep_ms(5)
        before = c.read()
        c.start()
        b.time.sleep_ms(10)
        c.stop()
        b.time.sleep_ms(10)
        return before, c.read_ms()

    before, ms = in_script(b, main, until="50ms")
    assert before == 0.0 and 10.0 < ms < 10.1


def test_chrono_start_twice_keeps_the_first_start() -> None:
    b = make_board()

    def main():
        c = b.machine.Timer.Chrono()
        c.start()
        b.time.sleep_ms(10)
        c.start()
        return c.read_ms()

    assert in_script(b, main, until="50ms") > 10.0


def test_chrono_accumulates_across_stop_and_start() -> None:
    b = make_board()

    def main():
        c = b.machine.Timer.Chrono()
        for _ in range(3):
            c.start()
            b.time.sleep_ms(10)
            c.stop()
            b.time.sleep_ms(10)
        return c.read_ms()

    assert 30.0 < in_script(b, main, until="100ms") < 30.2


def test_chrono_reset_keeps_a_running_chrono_running() -> None:
    b = make_board()

    def main():
        c = b.machine.Timer.Chrono()
        c.start()
        b.time.sleep_ms(10)
        c.reset()
        b.time.sleep_ms(5)
        running = c.read_ms()
        c.stop()
        c.reset()
        return running, c.read()

    running, stopped = in_script(b, main, until="50ms")
    assert 5.0 < running < 5.1 and stopped == 0.0


def test_chrono_reads_are_float32() -> None:
    """chrono_read*: mp_obj_new_float(t / (float) CLK): single precision, so read_us loses the
    microsecond after about 16.7 s (2**24 us)."""
    b = make_board()

    def main():
        c = b.machine.Timer.Chrono()
        c.start()
        b.time.sleep_ms(20_000)
        b.time.sleep_us(1)
        c.stop()
        return c.read(), c.read_ms(), c.read_us(), c._elapsed()

    s, ms, us, ticks = in_script(b, main, until="30s")
    for value in (s, ms, us):
        assert struct.unpack("f", struct.pack("f", value))[0] == value
    assert us != ticks / 40 and us % 2 == 0  # float32 spacing at 2e7 is 2


def test_chrono_follows_the_board_clock_including_api_costs() -> None:
    b = make_board()

    def main():
        c = b.machine.Timer.Chrono()
        c.start()
        t0 = b.now
        for _ in range(100):
            b.machine.freq()
        c.stop()
        elapsed = b.now - t0
        return c.read_us(), elapsed

    us, elapsed = in_script(b, main, until="50ms")
    assert abs(us * 1000 - elapsed) <= 50  # within two ticks of the board clock


# ---- Timer.sleep_us (machtimer.c sleep_us) ----
def test_timer_sleep_us_below_1000_keeps_the_interpreter_lock() -> None:
    b = make_board()
    got = []

    def main() -> None:
        b.machine.Timer.Alarm(lambda a: got.append(b.now), us=100)
        b.machine.Timer.sleep_us(900)

    b.run(main, until="5ms")
    assert got and got[0] > 900 * US


def test_timer_sleep_us_from_1000_lets_handlers_run() -> None:
    b = make_board()
    got = []

    def main() -> None:
        b.machine.Timer.Alarm(lambda a: got.append(b.now), us=100)
        b.machine.Timer.sleep_us(2000)

    b.run(main, until="5ms")
    assert got and got[0] < 300 * US


def test_timer_sleep_us_lasts_the_delay_including_the_call() -> None:
    b = make_board()

    def main():
        t0 = b.now
        b.machine.Timer.sleep_us(500)
        return b.now - t0

    assert in_script(b, main) == 500 * US


def test_timer_sleep_us_negative_returns_at_once() -> None:
    """d is uint64: -1 * 40 wraps below the counter, so the busy loop ends at once."""
    b = make_board()

    def main():
        b.time.sleep_ms(1)
        t0 = b.now
        b.machine.Timer.sleep_us(-1)
        return b.now - t0

    assert in_script(b, main, until="5ms") == b.costs.sleep_call


# ---- tools ----
def test_alarm_interrupts_are_in_the_event_log() -> None:
    b = make_board()
    b.run(lambda: b.machine.Timer.Alarm(lambda a: None, ms=2, periodic=True), until="7ms")
    events = b.world.recorder.events.of_kind("alarm")
    assert [e.detail for e in events] == ["Alarm1"] * 3
