"""SPEC.md section 6: pin callbacks and the interrupt task, one test per rule.

Edges come from another output pin through a wire (P11 drives P19, P21 drives P20) or from a
timed level sequence, never from a bouncing button, so every count below is exact.
Firmware references: `esp32/mods/machpin.c` (pin_callback, call_interrupt_handler,
pin_interrupt_queue_handler), `esp32/util/mpirq.c` (TASK_Interrupts), `esp32/hal/esp32_mphal.c`
(mp_hal_delay_us).
"""

from __future__ import annotations

import pytest

from pycomsim import Board

FALLING, RISING, BOTH = 2, 1, 3


def make_board() -> Board:
    # no expansion board: P10's button and pull-up stay out of the way
    return Board("lopy4", cpu="free", seed=0, wires=["P11=P19", "P21=P20"], expansion=False)


def test_callback_returns_none() -> None:
    b = make_board()
    Pin = b.machine.Pin
    got = []

    def main() -> None:
        got.append(Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, lambda p: None))

    b.run(main, until="5ms")
    assert got == [None]


def test_callback_handler_gets_pin_when_arg_is_none() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        dst = Pin("P19", Pin.IN)
        dst.callback(Pin.IRQ_FALLING, log.append, arg=None)
        src(0)
        b.time.sleep_ms(1)

    b.run(main, until="5ms")
    assert len(log) == 1
    assert log[0] is Pin("P19")


def test_callback_handler_gets_arg_when_given_even_a_falsy_one() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        dst = Pin("P19", Pin.IN)
        dst.callback(Pin.IRQ_FALLING, log.append, 0)  # 0 is not None: the handler gets 0
        src(0)
        b.time.sleep_ms(1)
        dst.callback(trigger=Pin.IRQ_RISING, handler=log.append, arg="tag")
        src(1)
        b.time.sleep_ms(1)

    b.run(main, until="5ms")
    assert log == [0, "tag"]


def _edges_after(setup_callback) -> tuple[list, Board]:
    """Configure P19's callback with `setup_callback(dst, handler)`, then make 2 falling and
    2 rising edges on it; return what the handler saw."""
    b = make_board()
    Pin = b.machine.Pin
    log: list = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        dst = Pin("P19", Pin.IN)
        setup_callback(Pin, dst, log.append)
        for _ in range(2):
            src(0)
            b.time.sleep_ms(1)
            src(1)
            b.time.sleep_ms(1)

    b.run(main, until="10ms")
    return log, b


def test_trigger_falling_sees_only_falling_edges() -> None:
    log, b = _edges_after(lambda Pin, p, h: p.callback(Pin.IRQ_FALLING, h, "f"))
    assert log == ["f", "f"]


def test_trigger_rising_sees_only_rising_edges() -> None:
    log, b = _edges_after(lambda Pin, p, h: p.callback(Pin.IRQ_RISING, h, "r"))
    assert log == ["r", "r"]


def test_trigger_rising_or_falling_sees_both_edges() -> None:
    log, b = _edges_after(lambda Pin, p, h: p.callback(Pin.IRQ_RISING | Pin.IRQ_FALLING, h, "e"))
    assert log == ["e"] * 4


def test_trigger_zero_disables_callback() -> None:
    def setup(Pin, p, h):
        p.callback(Pin.IRQ_FALLING, h)
        p.callback(0, h)

    log, b = _edges_after(setup)
    assert log == []
    assert b.irq.runs == 0


def test_handler_none_disables_callback() -> None:
    def setup(Pin, p, h):
        p.callback(Pin.IRQ_FALLING, h)
        p.callback(Pin.IRQ_FALLING, None)

    log, b = _edges_after(setup)
    assert log == []
    assert b.irq.runs == 0


def test_callback_with_no_arguments_disables() -> None:
    def setup(Pin, p, h):
        p.callback(Pin.IRQ_FALLING, h)
        p.callback()

    log, b = _edges_after(setup)
    assert log == []


def test_trigger_8_is_accepted_and_never_fires() -> None:
    """machpin.c pin_callback: the trigger is not validated; gpio_config stores it in the 3-bit
    int_type field, so 8 reads back as 0 (disabled) although the handler is registered."""
    log, b = _edges_after(lambda Pin, p, h: p.callback(8, h, "x"))
    assert log == []
    assert b.irq.runs == 0


def test_trigger_9_is_truncated_to_3_bits_and_means_rising() -> None:
    """9 & 7 == 1 == IRQ_RISING (the 3-bit int_type field of the GPIO pin register)."""
    log, b = _edges_after(lambda Pin, p, h: p.callback(9, h, "r"))
    assert log == ["r", "r"]


def test_callback_without_handler_queues_nothing() -> None:
    """call_interrupt_handler: no handler, nothing goes on the queue, so a busy pin without a
    handler cannot take queue slots from a pin with one."""
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def slow(arg) -> None:
        log.append(arg)
        if len(log) == 1:
            b.time.sleep_ms(20)  # releases the interpreter lock: the main script runs meanwhile

    def main() -> None:
        a_src = Pin("P11", Pin.OUT, value=1)
        b_src = Pin("P21", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, slow, "a")
        Pin("P20", Pin.IN).callback(Pin.IRQ_FALLING)  # a trigger, no handler
        a_src(0)
        a_src(1)  # the slow handler starts here
        for _ in range(40):
            b_src(0)
            b_src(1)
        for _ in range(5):
            a_src(0)
            a_src(1)
        b.time.sleep_ms(100)

    b.run(main, until="200ms")
    assert log == ["a"] * 6
    assert b.irq.dropped == 0


def test_out_mode_pin_sees_no_edges_and_mode_change_keeps_the_callback() -> None:
    """Edges are seen only while the input path is on (IN, OPEN_DRAIN); mode() keeps the trigger
    (pin_obj_configure), so going back to IN brings the callback back."""
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def main() -> None:
        p = Pin("P22", Pin.IN, Pin.PULL_DOWN)
        p.callback(Pin.IRQ_RISING | Pin.IRQ_FALLING, log.append, "edge")
        p.mode(Pin.OUT)
        for _ in range(4):
            p.toggle()  # its own output transitions: no callback in OUT mode
            b.time.sleep_ms(1)
        log.append("in")
        p.value(0)
        p.mode(Pin.IN)  # the pull-down holds it low: no edge yet
        p.pull(Pin.PULL_UP)  # rising edge through the pull-up
        b.time.sleep_ms(1)

    b.run(main, until="20ms")
    assert log == ["in", "edge"]


def test_open_drain_pin_sees_its_own_transitions() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def main() -> None:
        p = Pin("P22", Pin.OPEN_DRAIN, Pin.PULL_UP, value=1)
        p.callback(Pin.IRQ_RISING | Pin.IRQ_FALLING, lambda q: log.append(q.value()))
        p(0)
        b.time.sleep_ms(1)
        p(1)
        b.time.sleep_ms(1)

    b.run(main, until="10ms")
    assert log == [0, 1]


def test_queue_holds_32_entries_and_drops_silently() -> None:
    """mpirq.c: a FreeRTOS queue of INTERRUPTS_QUEUE_LEN (32 since 1.20); xQueueSendFromISR drops
    when full and nothing is printed. 40 edges arrive while the main script busy-waits."""
    b = make_board()
    Pin = b.machine.Pin
    log = []
    # 40 falling edges, 10 us apart, from 1 ms on: all inside the 1000 us busy wait below
    levels = [("0ms", 1)]
    for k in range(40):
        levels += [(1_000_000 + 20_000 * k, 0), (1_010_000 + 20_000 * k, 1)]
    b.levels("P23", levels)

    def main() -> None:
        Pin("P23", Pin.IN).callback(Pin.IRQ_FALLING, log.append, "x")
        b.time.sleep_us(900)  # until just before the burst
        b.time.sleep_us(1000)  # the whole burst arrives during this busy wait
        b.time.sleep_ms(50)

    b.run(main, until="100ms")
    assert len(log) == 32
    assert b.irq.runs == 32
    assert b.irq.dropped == 8
    assert b.output == ""


def test_burst_during_slow_handler_gives_1_plus_32_runs() -> None:
    """TASK_Interrupts takes an entry off the queue (xQueueReceive) before running it, so while
    one handler runs the queue still takes 32 more."""
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def slow(p) -> None:
        log.append(b.now_ns)
        b.time.sleep_ms(10)

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, slow)
        src(0)
        for _ in range(40):  # the first call lets the handler start; then 40 falling edges
            src(1)
            src(0)

    b.run(main, until="1s")
    assert len(log) == 33
    assert b.irq.runs == 33
    assert b.irq.dropped == 8
    assert b.output == ""


def test_handler_and_arg_read_when_entry_runs_not_when_queued() -> None:
    """pin_interrupt_queue_handler reads pin->handler and pin->handler_arg when the entry runs."""
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def first(arg) -> None:
        log.append(("first", arg))
        b.time.sleep_ms(10)

    def second(arg) -> None:
        log.append(("second", arg))

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        dst = Pin("P19", Pin.IN)
        dst.callback(Pin.IRQ_FALLING, first, "old")
        src(0)
        src(1)  # `first` starts and sleeps
        for _ in range(3):  # three entries queued while `first` runs
            src(0)
            src(1)
        dst.callback(Pin.IRQ_FALLING, second, "new")
        b.time.sleep_ms(50)

    b.run(main, until="100ms")
    assert log == [("first", "old")] + [("second", "new")] * 3


@pytest.mark.parametrize(
    "disable",
    [
        lambda pin, Pin: pin.callback(0),
        lambda pin, Pin: pin.callback(Pin.IRQ_FALLING, handler=None),
    ],
    ids=["callback_0", "handler_none"],
)
def test_entries_queued_before_disabling_do_nothing(disable) -> None:
    """mp_irq_remove + INTERRUPT_OBJ_CLEAN: the handler is read when an entry runs, and is gone."""
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def slow(arg) -> None:
        log.append(arg)
        b.time.sleep_ms(10)

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        dst = Pin("P19", Pin.IN)
        dst.callback(Pin.IRQ_FALLING, slow, "x")
        src(0)
        src(1)  # `slow` starts and sleeps
        for _ in range(3):  # three entries queued meanwhile
            src(0)
            src(1)
        disable(dst, Pin)
        b.time.sleep_ms(50)

    b.run(main, until="100ms")
    assert log == ["x"]
    assert b.irq.runs == 1


def test_handlers_run_one_at_a_time_in_order() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def handler(name) -> None:
        log.append(name + "+")
        b.time.sleep_ms(2)  # the main script makes more edges meanwhile
        log.append(name + "-")

    def main() -> None:
        a = Pin("P11", Pin.OUT, value=1)
        c = Pin("P21", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, handler, "A")
        Pin("P20", Pin.IN).callback(Pin.IRQ_FALLING, handler, "B")
        a(0)
        c(0)
        a(1)
        a(0)
        c(1)
        c(0)
        b.time.sleep_ms(50)

    b.run(main, until="100ms")
    assert log == ["A+", "A-", "B+", "B-", "A+", "A-", "B+", "B-"]


def test_handler_runs_at_next_api_call_never_mid_statement() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []
    seen = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        dst = Pin("P19", Pin.IN)
        dst.callback(Pin.IRQ_FALLING, log.append, "h")
        src(0)
        seen.append(len(log))  # plain Python: the interrupt task cannot run here
        total = sum(range(10_000))
        seen.append(len(log) + 0 * total)
        dst.value()  # the next API call lets it run
        seen.append(len(log))

    b.run(main, until="5ms")
    assert seen == [0, 0, 1]


def test_handlers_keep_running_after_the_script_returns() -> None:
    """The board lives on at the REPL: handlers still run until `until`."""
    b = make_board()
    Pin = b.machine.Pin
    log = []
    b.levels("P23", [("0ms", 1), ("20ms", 0), ("30ms", 1), ("40ms", 0)])

    def main() -> None:
        Pin("P23", Pin.IN).callback(Pin.IRQ_FALLING, lambda p: log.append(b.now_ns // 1_000_000))

    b.run(main, until="50ms")
    assert log == [20, 40]


def test_low_level_trigger_refires_while_level_holds() -> None:
    """Level interrupts are never disabled by the firmware: after each run, while the level
    holds, another event is queued; once the level goes away the handler stops."""
    b = make_board()
    Pin = b.machine.Pin
    times = []
    released = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_LOW_LEVEL, lambda p: times.append(b.now_ns))
        src(0)
        b.time.sleep_ms(2)
        src(1)
        released.append(b.now_ns)
        b.time.sleep_ms(5)

    b.run(main, until="20ms")
    during = [t for t in times if t <= released[0]]
    after = [t for t in times if t > released[0]]
    assert len(during) > 40  # one run per dispatch for the whole 2 ms
    assert len(after) <= 1  # at most the entry queued before the level went away
    assert b.irq.runs == len(times)


def test_high_level_trigger_fires_at_once_when_level_already_holds() -> None:
    b = make_board()
    Pin = b.machine.Pin
    times = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_HIGH_LEVEL, lambda p: times.append(b.now_ns))
        b.time.sleep_ms(1)
        src(0)
        b.time.sleep_ms(5)

    b.run(main, until="10ms")
    assert len(times) > 30
    assert times[0] < 200_000  # at once: at the first API call after callback()
    assert max(times) < 1_300_000  # and stops once the level went away (about 1.16 ms)


def test_level_trigger_does_not_fire_while_level_absent() -> None:
    b = make_board()
    Pin = b.machine.Pin
    times = []

    def main() -> None:
        Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_LOW_LEVEL, lambda p: times.append(b.now_ns))
        b.time.sleep_ms(5)

    b.run(main, until="10ms")
    assert times == []


def test_sleep_us_up_to_1000_busy_waits_without_handlers() -> None:
    """mp_hal_delay_us: us <= 1000 is ets_delay_us with the GIL held, so no handler runs during it."""
    b = make_board()
    Pin = b.machine.Pin
    log = []
    seen = []
    b.levels("P23", [("0ms", 1), ("500us", 0)])  # an edge in the middle of the busy wait

    def main() -> None:
        Pin("P23", Pin.IN).callback(Pin.IRQ_FALLING, lambda p: log.append(b.now_ns))
        b.time.sleep_us(1000)
        seen.append((list(log), b.now_ns))
        b.time.sleep_ms(1)

    b.run(main, until="10ms")
    handled, t_end = seen[0]
    assert handled == []
    assert t_end > 1_000_000
    assert len(log) == 1 and log[0] > t_end


def test_sleep_us_over_1000_lets_handlers_run() -> None:
    """mp_hal_delay_us: longer delays release the GIL (vTaskDelay) and the interrupt task runs."""
    b = make_board()
    Pin = b.machine.Pin
    log = []
    seen = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, lambda p: log.append(b.now_ns))
        src(0)
        b.time.sleep_us(1001)
        seen.append((list(log), b.now_ns))

    b.run(main, until="10ms")
    handled, t_end = seen[0]
    assert len(handled) == 1 and handled[0] < t_end


def test_sleep_ms_lets_handlers_run() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []
    seen = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, lambda p: log.append(b.now_ns))
        src(0)
        b.time.sleep_ms(1)
        seen.append((list(log), b.now_ns))
        src(1)
        src(0)
        b.time.sleep(0.001)
        seen.append((list(log), b.now_ns))

    b.run(main, until="10ms")
    assert len(seen[0][0]) == 1 and seen[0][0][0] < seen[0][1]
    assert len(seen[1][0]) == 2 and seen[1][0][1] < seen[1][1]


def test_exception_in_handler_prints_message_and_kills_interrupt_task() -> None:
    """mpirq.c TASK_Interrupts: prints 'Unhandled exception in callback handler', the traceback,
    and breaks out of its loop: no handler of any pin runs again until reset."""
    b = make_board()
    Pin = b.machine.Pin
    log = []
    after = []

    def bad(p) -> None:
        log.append("bad")
        raise ValueError("boom")

    def main() -> None:
        a = Pin("P11", Pin.OUT, value=1)
        c = Pin("P21", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, bad)
        Pin("P20", Pin.IN).callback(Pin.IRQ_FALLING, lambda p: log.append("good"))
        a(0)
        b.time.sleep_ms(1)
        c(0)  # another pin, a good handler: never runs
        a(1)
        a(0)
        b.time.sleep_ms(5)
        after.append("script went on")

    b.run(main, until="20ms")
    assert log == ["bad"]
    assert after == ["script went on"]
    assert b.irq.runs == 1
    text = "".join(b.output)
    assert text.startswith(
        "Unhandled exception in callback handler\nTraceback (most recent call last):\n"
    )
    assert text.endswith("ValueError: boom\n")


def test_exception_traceback_points_at_the_users_file(tmp_path) -> None:
    script = tmp_path / "main.py"
    script.write_text(
        "from machine import Pin\n"
        "import time\n"
        "def handler(p):\n"
        "    raise ValueError('boom')\n"
        "src = Pin('P11', Pin.OUT, value=1)\n"
        "Pin('P19', Pin.IN).callback(Pin.IRQ_FALLING, handler)\n"
        "src(0)\n"
        "time.sleep_ms(1)\n"
        "print('done')\n"
    )
    b = make_board()
    b.run(str(script), until="10ms")
    text = "".join(b.output)
    assert text.startswith("Unhandled exception in callback handler\n")
    assert 'main.py", line 4, in handler\n' in text
    assert "pycomsim" not in text.replace(str(tmp_path), "")
    assert text.endswith("ValueError: boom\ndone\n")


def test_system_exit_in_handler_is_swallowed() -> None:
    """TASK_Interrupts: a SystemExit is swallowed silently and the task goes on."""
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def handler(p) -> None:
        log.append(len(log))
        raise SystemExit

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, handler)
        for _ in range(3):
            src(0)
            b.time.sleep_ms(1)
            src(1)
        log.append("main")

    b.run(main, until="20ms")
    assert log == [0, 1, 2, "main"]
    assert b.output == ""


def test_handlers_run_again_after_reset_once_the_task_died() -> None:
    """The interrupt task is created again at boot (mp_irq_init0)."""
    b = make_board()
    Pin = b.machine.Pin
    log = []
    boots = []

    def handler(p) -> None:
        log.append(len(boots))
        if len(boots) == 1:
            raise ValueError("first boot dies")

    def main() -> None:
        boots.append(b.machine.reset_cause())
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, handler)
        src(0)
        b.time.sleep_ms(1)
        src(1)
        src(0)
        b.time.sleep_ms(1)
        if len(boots) == 1:
            b.machine.reset()

    b.run(main, until="50ms")
    assert boots == [0, 2]
    assert log == [1, 2, 2]


def test_switching_an_input_to_out_mode_fires_no_callback() -> None:
    """In OUT mode there are no callbacks, not even for the edge the pad makes as it becomes an
    output (gpio_config turns the input path off before it enables the output driver)."""
    b = make_board()
    Pin = b.machine.Pin
    log = []

    def main() -> None:
        p = Pin("P22", Pin.IN, Pin.PULL_DOWN)
        p.callback(Pin.IRQ_RISING | Pin.IRQ_FALLING, log.append, "edge")
        p.value(1)  # the latch only: the pad is still an input held low
        p.mode(Pin.OUT)  # the pad goes high now
        b.time.sleep_ms(1)
        p.value(0)
        b.time.sleep_ms(1)

    b.run(main, until="5ms")
    assert log == []
    assert b.irq.runs == 0


def test_main_script_does_not_run_in_the_middle_of_a_handler() -> None:
    """The interrupt task keeps the interpreter lock from dispatch to return (mpirq.c
    TASK_Interrupts, MP_THREAD_GIL_ENTER/EXIT around the call): a main script whose sleep ends
    while a handler runs API calls resumes only after the handler returns."""
    b = make_board()
    Pin = b.machine.Pin
    log = []
    b.levels("P23", [("0ms", 1), ("1ms", 0)])

    def handler(p) -> None:
        log.append("handler start")
        for _ in range(100):  # about 1 ms of API calls, no sleep
            p.value()
        log.append("handler end")

    def main() -> None:
        Pin("P23", Pin.IN).callback(Pin.IRQ_FALLING, handler)
        b.time.sleep_us(1200 - b.now_ns // 1000)  # wakes at 1.2 ms, inside the handler
        log.append("main")

    b.run(main, until="10ms")
    assert log == ["handler start", "handler end", "main"]


def test_busy_wait_in_a_handler_keeps_the_main_script_waiting() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []
    b.levels("P23", [("0ms", 1), ("1ms", 0)])

    def handler(p) -> None:
        log.append("handler start")
        b.time.sleep_us(1000)  # ets_delay_us: the GIL stays taken
        log.append("handler end")

    def main() -> None:
        Pin("P23", Pin.IN).callback(Pin.IRQ_FALLING, handler)
        b.time.sleep_us(1500 - b.now_ns // 1000)
        log.append("main")

    b.run(main, until="10ms")
    assert log == ["handler start", "handler end", "main"]


def test_sleep_ms_in_a_handler_lets_the_main_script_run() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []
    b.levels("P23", [("0ms", 1), ("1ms", 0)])

    def handler(p) -> None:
        log.append("handler start")
        b.time.sleep_ms(2)  # mp_hal_delay_ms releases the GIL
        log.append("handler end")

    def main() -> None:
        Pin("P23", Pin.IN).callback(Pin.IRQ_FALLING, handler)
        b.time.sleep_us(1500 - b.now_ns // 1000)
        log.append("main")

    b.run(main, until="10ms")
    assert log == ["handler start", "main", "handler end"]


def test_level_flood_slows_the_main_script_without_stopping_it() -> None:
    """Between two entries the interrupt task drops the GIL, so the main script still advances."""
    b = make_board()
    Pin = b.machine.Pin
    count = []
    done = []

    def main() -> None:
        p = Pin("P22", Pin.IN, Pin.PULL_DOWN)
        p.callback(Pin.IRQ_LOW_LEVEL, lambda q: count.append(1))  # fires while low: forever
        for _ in range(20):
            p.value()
        done.append(b.now_ns)

    b.run(main, until="50ms")
    assert len(done) == 1
    assert len(count) >= 20
