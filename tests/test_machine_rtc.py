"""machine.RTC and the clock time.time() reads, one test per rule: `esp32/mods/machrtc.c`
(mach_rtc_make_new, mach_rtc_init, mach_rtc_datetime_us, mach_rtc_now, mach_rtc_ntp_sync,
mach_rtc_has_synced, machine_rtc_memory), `esp32/mptask.c` (rtc_init0 unless DEEPSLEEP_RESET),
`esp32/util/timeutils.c` (timeutils_seconds_since_epoch)."""

from __future__ import annotations

from pycomsim import Board


def make_board() -> Board:
    return Board("lopy4", cpu="free", seed=0, expansion=False)


def catch(fn, *args, **kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the test compares type and message
        return (type(e), str(e))


def in_script(board: Board, fn, until: str = "1s"):
    out = []
    board.run(lambda: out.append(fn()), until=until)
    return out[0]


def test_rtc_starts_at_the_1970_epoch() -> None:
    b = make_board()
    assert in_script(b, lambda: b.machine.RTC().now()[:6]) == (1970, 1, 1, 0, 0, 0)


def test_rtc_is_one_object() -> None:
    b = make_board()
    assert in_script(b, lambda: b.machine.RTC() is b.machine.RTC(0))


def test_rtc_id_other_than_0_is_resource_not_available() -> None:
    b = make_board()
    assert in_script(b, lambda: catch(b.machine.RTC, 1)) == (OSError, "resource not available")


def test_init_sets_the_time_and_now_gives_microseconds_and_none() -> None:
    b = make_board()

    def main():
        rtc = b.machine.RTC()
        rtc.init((2020, 2, 29, 23, 59, 58, 250_000))
        b.time.sleep_ms(2000)
        return rtc.now()

    year, month, day, hour, minute, second, usec, tz = in_script(b, main, until="3s")
    assert (year, month, day, hour, minute, second, tz) == (2020, 3, 1, 0, 0, 0, None)
    assert 250_000 < usec < 260_000


def test_datetime_needs_3_to_8_items() -> None:
    b = make_board()

    def main():
        rtc = b.machine.RTC()
        return [catch(rtc.init, (2020, 1)), catch(rtc.init, (2020, 1, 1, 0, 0, 0, 0, None, 9))]

    assert in_script(b, main) == [(ValueError, "invalid argument(s) value")] * 2


def test_datetime_with_3_items_is_midnight() -> None:
    b = make_board()

    def main():
        b.machine.RTC(datetime=(2021, 6, 1))
        return b.time.time()

    assert in_script(b, main) == 1622505600


def test_datetime_must_be_a_tuple_or_list() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.RTC().init, "2020-01-01"))
    assert got == (TypeError, "object 'str' isn't a tuple or list")


def test_time_time_and_localtime_follow_the_rtc() -> None:
    b = make_board()

    def main():
        b.machine.RTC().init((2021, 1, 12, 10, 30, 0))
        return b.time.time(), b.time.localtime()[:6]

    assert in_script(b, main) == (1610447400, (2021, 1, 12, 10, 30, 0))


def test_machine_reset_sets_the_rtc_back_to_the_epoch() -> None:
    """mptask.c: rtc_init0() on every boot that is not a deep-sleep wake."""
    b = make_board()
    seen = []

    def main() -> None:
        seen.append(b.time.time())
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            b.machine.RTC().init((2021, 1, 1))
            b.time.sleep_ms(3000)
            b.machine.reset()

    b.run(main, until="5s")
    assert seen == [0, 0]


def test_deep_sleep_keeps_the_rtc_counting() -> None:
    b = make_board()
    seen = []

    def main() -> None:
        if b.machine.reset_cause() != b.machine.DEEPSLEEP_RESET:
            b.machine.RTC().init((2021, 1, 1))
            b.machine.deepsleep(10_000)
        seen.append(b.machine.RTC().now()[:6])

    b.run(main, until="12s")
    assert seen == [(2021, 1, 1, 0, 0, 10)]


def test_watchdog_reset_sets_the_rtc_back_to_the_epoch() -> None:
    b = make_board()
    seen = []

    def main() -> None:
        seen.append((b.machine.reset_cause(), b.time.time()))
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            b.machine.RTC().init((2021, 1, 1))
            b.machine.WDT(timeout=2000)
            b.time.sleep_ms(5000)

    b.run(main, until="3s")
    assert seen == [(0, 0), (b.machine.WDT_RESET, 0)]


def test_ntp_sync_without_network_never_syncs() -> None:
    b = make_board()

    def main():
        rtc = b.machine.RTC()
        rtc.ntp_sync("pool.ntp.org")
        b.time.sleep_ms(5000)
        return rtc.synced()

    assert in_script(b, main, until="6s") is False


def test_ntp_sync_period_below_15_s_is_refused() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.RTC().ntp_sync, "pool.ntp.org", 14))
    assert got == (ValueError, "update period cannot be shorter than 15 s")


def test_ntp_sync_needs_a_server() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.RTC().ntp_sync))
    assert got == (TypeError, "'server' argument required")


def test_ntp_sync_server_must_be_a_string() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.RTC().ntp_sync, 123))
    assert got == (TypeError, "can't convert 'int' object to str implicitly")


def test_ntp_sync_none_stops_sntp() -> None:
    b = make_board()
    assert in_script(b, lambda: b.machine.RTC().ntp_sync(None)) is None


def test_memory_reads_back_what_was_written() -> None:
    b = make_board()

    def main():
        rtc = b.machine.RTC()
        before = rtc.memory()
        rtc.memory(b"state=1")
        return before, rtc.memory()

    assert in_script(b, main) == (b"", b"state=1")


def test_memory_holds_at_most_2048_bytes() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.RTC().memory, bytes(2049)))
    assert got == (ValueError, "buffer too long")


def test_memory_survives_deep_sleep_but_not_reset() -> None:
    """RTC_DATA_ATTR: the bootloader reloads RTC slow memory on every reset but a deep-sleep wake."""
    b = make_board()
    seen = []

    def main() -> None:
        rtc = b.machine.RTC()
        cause = b.machine.reset_cause()
        seen.append((cause, rtc.memory()))
        if cause == b.machine.PWRON_RESET:
            rtc.memory(b"kept")
            b.machine.deepsleep(100)
        elif cause == b.machine.DEEPSLEEP_RESET:
            b.machine.reset()

    b.run(main, until="1s")
    assert seen == [(0, b""), (3, b"kept"), (2, b"")]


def test_clock_source_constants() -> None:
    rtc = make_board().machine.RTC
    assert (rtc.INTERNAL_RC, rtc.XTAL_32KHZ) == (0, 1)
