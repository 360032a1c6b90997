"""SPEC.md section 8: `time`/`utime` on the board clock, one test per rule.

Firmware: `esp32/mods/modutime.c` (time_ticks_diff, time_ticks_add, time_sleep, time_sleep_ms,
time_mktime), `esp32/hal/esp32_mphal.c` (mp_hal_delay_ms, mp_hal_delay_us, mp_hal_ticks_us).
"""

from __future__ import annotations

import time as host_time

import pytest

from pycomsim import Board

MS = 1_000_000


def run(fn, until="10ms", **kwargs) -> Board:
    b = Board("lopy4", seed=0, expansion=False, **kwargs)
    b.run(lambda: fn(b), until=until)
    return b


def run_script(tmp_path, source: str, until="100ms") -> Board:
    script = tmp_path / "main.py"
    script.write_text(source)
    b = Board("lopy4", seed=0, expansion=False)
    b.run(str(script), until=until)
    return b


def test_time_and_utime_are_the_same_board_module(tmp_path) -> None:
    b = run_script(tmp_path, "import time, utime\nprint(time is utime, utime.__name__)\n")
    assert b.output == "True utime\n"


def test_board_time_module_does_not_replace_the_hosts(tmp_path) -> None:
    run_script(tmp_path, "import time\ntime.sleep(5)\n", until="10s")
    import time as t

    assert t is host_time
    assert t.sleep.__module__ == "time"


def test_sleep_ms_advances_the_board_clock_not_the_host_clock() -> None:
    seen = []

    def main(b):
        t0 = b.now_ns
        b.time.sleep_ms(250)
        seen.append(b.now_ns - t0)

    wall = host_time.monotonic()
    run(main, until="1s")
    assert 250 * MS <= seen[0] < 251 * MS
    assert host_time.monotonic() - wall < 0.2


def test_sleep_seconds_accepts_int_and_float() -> None:
    seen = []

    def main(b):
        for s in (1, 0.5):
            t0 = b.now_ns
            b.time.sleep(s)
            seen.append((b.now_ns - t0) // MS)

    run(main, until="3s")
    assert seen == [1000, 500]


def test_sleep_truncates_to_ms() -> None:
    """time_sleep: mp_hal_delay_ms(1000 * mp_obj_get_float(s)) converts to a whole number of ms."""
    seen = []

    def main(b):
        for s in (0.0019, 0.001, 0.0009, 0):
            t0 = b.now_ns
            b.time.sleep(s)
            seen.append(b.now_ns - t0)

    run(main)
    assert seen[0] == seen[1]  # 1.9 ms sleeps 1 ms
    assert seen[2] == seen[3]  # 0.9 ms sleeps 0 ms
    assert seen[0] - seen[3] == 1 * MS


def test_sleep_us_advances_by_microseconds() -> None:
    seen = []

    def main(b):
        for us in (10, 500, 2500):
            t0 = b.now_ns
            b.time.sleep_us(us)
            seen.append(b.now_ns - t0)

    run(main)
    assert seen[1] - seen[0] == 490_000
    assert seen[2] - seen[0] == 2_490_000


def test_negative_sleep_ms_is_huge_delay() -> None:
    """mp_hal_delay_ms takes a uint32: sleep_ms(-1) waits 2**32 - 1 ms (about 49.7 days)."""
    marks = []

    def main(b):
        b.pycom.heartbeat(False)  # no heartbeat events: the kernel jumps straight to the wake-up
        marks.append(b.now_ns)
        b.time.sleep_ms(-1)
        marks.append(b.now_ns)

    b = run(main, until="10s")
    assert len(marks) == 1  # still asleep after 10 s
    b.run(until=(2**32 - 1) * MS)
    assert len(marks) == 2
    assert (2**32 - 1) * MS <= marks[1] - marks[0] < (2**32) * MS


def test_negative_sleep_us_is_huge_delay() -> None:
    marks = []

    def main(b):
        b.pycom.heartbeat(False)
        b.time.sleep_us(-1)
        marks.append(b.now_ns)

    b = run(main, until="10s")
    assert marks == []
    b.run(until=(2**32) * 1000)
    assert len(marks) == 1 and marks[0] >= (2**32 - 1) * 1000


def test_ticks_ms_and_ticks_us_follow_the_board_clock() -> None:
    seen = []

    def main(b):
        b.time.sleep_ms(1234)
        seen.append((b.time.ticks_ms(), b.now_ns))
        seen.append((b.time.ticks_us(), b.now_ns))

    run(main, until="2s")
    (ms, t_ms), (us, t_us) = seen
    assert ms == t_ms // MS == 1234
    assert us == t_us // 1000
    assert 1_234_000 <= us < 1_235_000


def test_ticks_cpu_counts_microseconds_not_cycles() -> None:
    """modutime.c time_ticks_cpu: mp_hal_ticks_us_non_blocking(), i.e. esp_timer_get_time() in us."""
    seen = []

    def main(b):
        b.time.sleep_ms(10)
        a = b.time.ticks_cpu()
        b.time.sleep_ms(10)
        seen.append(b.time.ticks_diff(b.time.ticks_cpu(), a))

    run(main, until="1s")
    assert 10_000 <= seen[0] < 10_100


def test_ticks_are_unsigned_32_bit_with_period_2_32() -> None:
    """Not MicroPython's usual 2**30: ticks_us passes 2**30 and wraps only at 2**32."""
    seen = []

    def main(b):
        b.pycom.heartbeat(False)
        b.time.sleep_ms(2**30 // 1000 + 1000)  # past 2**30 us
        seen.append(b.time.ticks_us())
        b.time.sleep_ms(2**32 // 1000 - 2**30 // 1000)  # past 2**32 us
        seen.append((b.time.ticks_us(), b.now_ns // 1000))

    run(main, until="2h")
    assert seen[0] > 2**30
    ticks, us = seen[1]
    assert us > 2**32
    assert ticks == us - 2**32


def test_ticks_diff_is_signed_32_bit() -> None:
    """modutime.c time_ticks_diff: both ticks truncated to int32, the difference as int32."""
    got = []

    def main(b):
        d = b.time.ticks_diff
        got.extend(
            [
                d(10, 5),
                d(5, 10),
                d(0, 0xFFFFFFFF),
                d(0xFFFFFFFF, 0),
                d(0x7FFFFFFF, 0),
                d(0x80000000, 0),
                d(0, 0x80000000),
                d(2**32 + 3, 1),
            ]
        )

    run(main)
    assert got == [5, -5, 1, -1, 2**31 - 1, -(2**31), -(2**31), 2]


def test_ticks_diff_across_the_wrap_gives_the_elapsed_time() -> None:
    got = []

    def main(b):
        start = 0xFFFFFF00
        end = b.time.ticks_add(start, 0x200)
        got.append((end, b.time.ticks_diff(end, start)))

    run(main)
    assert got == [(0x100, 0x200)]


def test_ticks_add_wraps_never_raises() -> None:
    """modutime.c time_ticks_add: uint32 arithmetic, any int accepted (no range check)."""
    got = []

    def main(b):
        a = b.time.ticks_add
        got.extend([a(0xFFFFFFFF, 1), a(0, -1), a(5, -10), a(0, 2**40 + 7), a(2**35, 2**33)])

    run(main)
    assert got == [0, 0xFFFFFFFF, 0xFFFFFFFB, 7, 0]


def test_ticks_functions_reject_non_ints() -> None:
    got = []

    def main(b):
        for fn, args in ((b.time.ticks_diff, ("1", 2)), (b.time.ticks_add, (1, 2.5))):
            try:
                fn(*args)
            except TypeError as e:
                got.append(str(e))

    run(main)
    assert got == ["can't convert str to int", "can't convert float to int"]


def test_time_counts_seconds_from_the_1970_epoch() -> None:
    seen = []

    def main(b):
        b.time.sleep(3)
        seen.append(b.time.time())

    run(main, until="5s")
    assert seen == [3]


def test_gmtime_and_localtime_give_8_tuples_from_1970() -> None:
    got = []

    def main(b):
        got.append(b.time.gmtime(0))
        got.append(b.time.localtime(86400 * 365 + 3661))
        got.append(b.time.gmtime())

    run(main)
    assert got[0] == (1970, 1, 1, 0, 0, 0, 3, 1)  # weekday 0 is Monday: 1 Jan 1970 was a Thursday
    assert got[1] == (1971, 1, 1, 1, 1, 1, 4, 1)
    assert got[2] == (1970, 1, 1, 0, 0, 0, 3, 1)  # the board's RTC starts at the epoch


def test_mktime_is_the_inverse_of_localtime() -> None:
    got = []

    def main(b):
        got.append(b.time.mktime((1970, 1, 2, 0, 0, 0, 0, 0)))
        got.append(b.time.mktime((2020, 2, 29, 12, 30, 15, 5, 60, 0)))  # 9-tuples too
        got.append(b.time.mktime(b.time.localtime(1_600_000_000)))

    run(main)
    assert got == [86400, 1582979415, 1_600_000_000]


def test_mktime_needs_8_or_9_items() -> None:
    """modutime.c time_mktime: TypeError('mktime needs a tuple of length 8 or 9 (%d given)')."""
    got = []

    def main(b):
        try:
            b.time.mktime((1970, 1, 1, 0, 0, 0))
        except TypeError as e:
            got.append(str(e))

    run(main)
    assert got == ["mktime needs a tuple of length 8 or 9 (6 given)"]


@pytest.mark.parametrize("name", ["sleep_ms", "sleep_us"])
def test_sleep_ms_and_us_reject_non_ints(name) -> None:
    got = []

    def main(b):
        try:
            getattr(b.time, name)(1.5)
        except TypeError as e:
            got.append(str(e))

    run(main)
    assert got == ["can't convert float to int"]


def test_mktime_subtracts_the_timezone_so_it_inverts_localtime() -> None:
    """modutime.c time_mktime (firmware 1.20.2): timeutils_mktime_since_epoch(...) - timezone_offset,
    while localtime adds the offset: mktime(localtime(t)) == t in any timezone."""
    got = []

    def main(b):
        b.time.timezone(3600)
        got.append(b.time.timezone())
        got.append(b.time.localtime(0))
        got.append(b.time.mktime(b.time.localtime(1_600_000_000)))
        got.append(b.time.mktime((1970, 1, 1, 1, 0, 0, 0, 0)))

    run(main)
    assert got == [3600, (1970, 1, 1, 1, 0, 0, 3, 1), 1_600_000_000, 0]


def test_sleep_rejects_a_non_number() -> None:
    """time_sleep: mp_obj_get_float raises TypeError naming the type."""
    got = []

    def main(b):
        try:
            b.time.sleep("1")
        except TypeError as e:
            got.append(str(e))

    run(main)
    assert got == ["can't convert str to float"]


def test_ticks_restart_at_every_boot_while_the_rtc_time_goes_on() -> None:
    """mp_hal_ticks_ms counts from the chip's start (esp_timer), reset by machine.reset() and by a
    deep-sleep wake; time.time() reads the RTC, which keeps counting (modutime.c time_time)."""
    b = Board("lopy4", cpu="free")
    seen = []

    def main() -> None:
        seen.append((b.machine.reset_cause(), b.time.ticks_ms(), b.time.time()))
        if b.machine.reset_cause() != b.machine.DEEPSLEEP_RESET:
            b.time.sleep_ms(1500)
            b.machine.deepsleep(2000)

    b.run(main, until="5s")
    (cause1, ticks1, rtc1), (cause2, ticks2, rtc2) = seen
    assert (cause1, ticks1, rtc1) == (b.machine.PWRON_RESET, 0, 0)
    assert cause2 == b.machine.DEEPSLEEP_RESET
    assert ticks2 < 5  # counted from the wake, not from power-on
    assert rtc2 == 3  # 1.5 s awake + 2 s asleep
