"""machine.PWM as esp32/mods/machpwm.c (1.20.2) has it, on the LEDC model of chip/ledc.py: arguments and
messages, one object per timer, channels shared across timers, duty clamping and resolution by frequency,
the waveform on the pad (trace, VCD, a wired input), and the compact form of a steady wave."""

import io
import re
import textwrap

import pytest

from pycomsim import Board
from pycomsim.chip.ledc import duty_resolution, scaled_duty, timer_period
from pycomsim.output.vcd import write_vcd


@pytest.fixture
def board():
    return Board(
        "lopy4", expansion=False, stdout=io.StringIO(), cpu="free"
    )  # LEDC rules, exact times


@pytest.fixture
def PWM(board):  # noqa: N802
    return board.machine.PWM


def run(board, tmp_path, source, until="50ms"):
    (tmp_path / "main.py").write_text(textwrap.dedent(source))
    board.run(tmp_path / "main.py", until=until)
    assert board.error is None, board.error
    return "".join(board.output)


# ---- mach_pwm_timer_make_new / init_helper ----
def test_timers_are_0_to_3_else_oserror_resource_not_available(PWM):
    with pytest.raises(OSError, match="^resource not available$"):
        PWM(4, 1000)


def test_frequency_above_78000_is_invalid_frequency_also_negative_ones(PWM):
    with pytest.raises(ValueError, match="^invalid frequency 78001$"):
        PWM(0, 78001)
    with pytest.raises(ValueError, match="^invalid frequency -5$"):
        PWM(0, -5)  # the check is on the uint32


def test_timer_and_frequency_are_required_ints(PWM):
    with pytest.raises(TypeError, match="'frequency' argument required"):
        PWM(0)
    with pytest.raises(TypeError, match="can't convert float to int"):
        PWM(0, 1000.5)


def test_one_object_per_timer_and_calling_again_reconfigures_it(PWM, board):
    a = PWM(1, 1000)
    b = PWM(1, 2000)
    assert a is b
    assert board.ledc.timers[1].freq == 2000
    a.init(frequency=3000)
    assert board.ledc.timers[1].freq == 3000


def test_there_is_no_deinit_it_is_commented_out_of_the_method_table(PWM):
    assert not hasattr(PWM(0, 1000), "deinit")


@pytest.mark.parametrize(
    "freq,bits",
    [
        (1, 14),
        (3999, 14),
        (4000, 13),
        (7999, 13),
        (8000, 12),
        (16000, 11),
        (32000, 10),
        (78000, 10),
    ],
)
def test_duty_resolution_by_frequency(freq, bits):
    assert duty_resolution(freq) == bits


def test_the_ledc_divider_makes_78khz_run_at_78125hz():
    assert timer_period(78000, 10) == 12800  # div 256 of 80 MHz << 8 at 10 bits
    assert timer_period(1, 14) == 1_000_000_000  # REF_TICK below ~5 Hz


# ---- channels ----
def test_channel_ids_are_0_to_7_else_oserror(PWM):
    with pytest.raises(OSError, match="resource not available"):
        PWM(0, 1000).channel(8, pin="P11")


def test_pin_is_keyword_only_and_required(PWM):
    pwm = PWM(0, 1000)
    with pytest.raises(TypeError, match="'pin' argument required"):
        pwm.channel(0)
    with pytest.raises(TypeError, match="extra positional arguments given"):
        pwm.channel(0, "P11")


def test_an_input_only_pin_fails_channel_configuration(PWM):
    with pytest.raises(ValueError, match="^PWM channel configuration failed$"):
        PWM(0, 1000).channel(0, pin="P13")


def test_a_bad_pin_is_invalid_arguments(PWM):
    with pytest.raises(ValueError, match=re.escape("invalid argument(s) value")):
        PWM(0, 1000).channel(0, pin="P77")


def test_duty_is_clamped_and_truncated_to_the_resolution_in_single_precision():
    assert scaled_duty(0.5, 10) == 511  # (uint32_t)(1023 * 0.5f)
    assert scaled_duty(-1, 10) == 0
    assert scaled_duty(2.0, 10) == 1023
    assert scaled_duty(0.999, 14) == 16383  # 0.999 and up: the maximum, output held high
    assert scaled_duty(0.9989, 14) == int(16383 * 0.9989)


def test_default_duty_is_one_half_and_the_wave_is_on_the_pad(PWM, board, tmp_path):
    run(board, tmp_path, "from machine import PWM\nPWM(0, 5000).channel(0, pin='P11')\n")
    trace = board.trace("P11", "1ms", "40ms")
    assert trace.frequency() == pytest.approx(5000, rel=1e-6)
    assert trace.duty() == pytest.approx(4095 / 8192, abs=1e-5)  # 13 bits at 5 kHz


def test_duty_cycle_changes_the_duty_and_has_no_getter(board, tmp_path):
    run(
        board,
        tmp_path,
        """
        from machine import PWM
        import time
        ch = PWM(0, 1000).channel(3, pin='P11', duty_cycle=0.25)
        time.sleep_ms(20)
        print(ch.duty_cycle(0.75))
        """,
    )
    assert "".join(board.output) == "None\n"
    assert board.trace("P11", "2ms", "19ms").duty() == pytest.approx(0.25, abs=1e-3)
    assert board.trace("P11", "22ms", "49ms").duty() == pytest.approx(0.75, abs=1e-3)


def test_duty_0_is_low_and_0_999_is_held_high(board, tmp_path):
    run(
        board,
        tmp_path,
        """
        from machine import PWM
        import time
        ch = PWM(0, 1000).channel(0, pin='P11', duty_cycle=0)
        time.sleep_ms(10)
        ch.duty_cycle(0.9995)
        time.sleep_ms(10)
        """,
    )
    assert board.trace("P11").value_at("5ms") == 0
    assert board.trace("P11", "11ms", "19ms").edges() == []
    assert board.trace("P11").value_at("15ms") == 1


def test_ledc_channels_are_shared_across_timers_the_old_pad_keeps_the_signal(PWM, board):
    PWM(0, 1000).channel(0, pin="P11", duty_cycle=0.5)
    PWM(1, 2000).channel(0, pin="P12", duty_cycle=0.5)  # the same LEDC channel 0, now on timer 1
    board.world.run(until="20ms")
    assert board.trace("P12", "2ms").frequency() == pytest.approx(2000)
    assert board.trace("P11", "2ms").frequency() == pytest.approx(2000)  # still routed to channel 0


def test_a_new_frequency_keeps_the_duty_counts_so_a_new_resolution_changes_the_duty(PWM, board):
    ch = PWM(0, 1000).channel(0, pin="P11", duty_cycle=0.5)  # 8191 of 2**14
    assert ch is not None
    PWM(0, 5000)  # 13 bits: 8191 of 8192
    board.world.run(until="10ms")
    assert board.trace("P11", "1ms").duty() == pytest.approx(8191 / 8192, abs=1e-4)


def test_pin_init_takes_the_pad_back_from_the_ledc(PWM, board):
    PWM(0, 1000).channel(0, pin="P11")
    board.world.run(until="5ms")
    Pin = board.machine.Pin
    Pin("P11", Pin.OUT, value=1)
    board.world.run(until="5ms")
    assert board.trace("P11", "6ms").edges() == []
    assert board.world.faults == []


# ---- the waveform outside the board ----
def test_loopback_a_pwm_pin_wired_to_an_input_counts_its_rising_edges(tmp_path):
    board = Board("lopy4", expansion=False, wires=["P11=P23"], stdout=io.StringIO())
    out = run(
        board,
        tmp_path,
        """
        from machine import PWM, Pin
        import time
        n = [0]
        def count(p):
            n[0] += 1
        Pin('P23', Pin.IN).callback(Pin.IRQ_RISING, count)
        PWM(2, 100).channel(5, pin='P11', duty_cycle=0.3)
        time.sleep_ms(105)
        print(n[0])
        """,
        until="200ms",
    )
    assert out == "11\n"  # rises at 0, 10, ..., 100 ms


def test_the_vcd_shows_the_pwm_edges(PWM, board):
    PWM(0, 10000).channel(0, pin="P11")
    board.world.run(until="1ms")
    out = io.StringIO()
    write_vcd(board.world, out, pins=["P11"])
    assert out.getvalue().count("\n1!") == 10


def test_a_steady_wave_nobody_listens_to_is_compact_and_equals_the_edge_by_edge_wave(tmp_path):
    script = "from machine import PWM\nimport time\nPWM(0, 78000).channel(1, pin='P11', duty_cycle=0.3)\ntime.sleep_ms(20)\n"
    quiet = Board("lopy4", expansion=False, stdout=io.StringIO())
    watched = Board("lopy4", expansion=False, stdout=io.StringIO())
    watched.pad("P11").watch(lambda old, new, t: None)  # a watcher: every edge must be an event
    quiet_led, watched_led = quiet.led("P11"), watched.led("P11")  # an LED reads the trace
    for b in (quiet, watched):
        (tmp_path / "main.py").write_text(script)
        b.run(tmp_path / "main.py", until="25ms")
    assert quiet.ledc.channels[1].wave.compact and not watched.ledc.channels[1].wave.compact
    assert list(quiet.trace("P11").trace.words()) == list(watched.trace("P11").trace.words())
    assert len(quiet.trace("P11").edges()) > 3000
    assert quiet_led.history == watched_led.history and quiet_led.blinks > 1500
    assert quiet_led.on == watched_led.on


def test_a_wire_added_later_turns_a_compact_wave_into_events(PWM, board):
    PWM(0, 1000).channel(0, pin="P11")
    board.world.run(until="5ms")
    assert board.ledc.channels[0].wave.compact
    board.world.wire_spec("P11=P23", default_board=board)
    board.world.run(until="5ms")  # to 10 ms
    assert not board.ledc.channels[0].wave.compact
    rises = board.trace("P23", "5ms").rising()
    assert rises == [5_010_000 + k * 1_000_000 for k in range(5)]  # the wave started at 10 us


def test_a_reset_stops_every_pwm(board, tmp_path):
    run(
        board,
        tmp_path,
        """
        from machine import PWM
        import machine, time
        if machine.reset_cause() != machine.WDT_RESET:
            PWM(0, 1000).channel(0, pin='P11')
            time.sleep_ms(10)
            machine.reset()
        """,
    )
    assert board.trace("P11", "15ms").edges() == []
