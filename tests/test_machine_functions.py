"""The rest of machine's table, one test per rule: `esp32/mods/modmachine.c` (machine_sleep,
machine_remaining_sleep_time, machine_init0, machine_info, machine_main, machine_temperature,
flash_encrypt, secure_boot), `esp32/util/random.c` (rng_init0, lfsr), `extmod/machine_mem.c`."""

from __future__ import annotations

import pytest

from pycomsim import Board
from pycomsim.firmware.machine_system import lfsr, rng_seed
from pycomsim.scenario import load_scenario

MS = 1_000_000


def make_board(**kwargs) -> Board:
    kwargs.setdefault("expansion", False)
    kwargs.setdefault("cpu", "free")  # boots take no time: the rules, not the boot delay
    return Board("lopy4", seed=0, **kwargs)


def catch(fn, *args, **kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the test compares type and message
        return (type(e), str(e))


def in_script(board: Board, fn, until: str = "1s"):
    out = []
    board.run(lambda: out.append(fn()), until=until)
    return out[0]


# ---- the names the firmware registers ----
FIRMWARE_NAMES = (
    "mem8 mem16 mem32 reset freq unique_id main rng idle sleep deepsleep remaining_sleep_time "
    "pin_sleep_wakeup reset_cause wake_reason disable_irq enable_irq info temperature "
    "flash_encrypt secure_boot Pin UART Timer RTC WDT PWRON_RESET HARD_RESET WDT_RESET "
    "DEEPSLEEP_RESET SOFT_RESET BROWN_OUT_RESET PWRON_WAKE PIN_WAKE RTC_WAKE ULP_WAKE "
    "WAKEUP_ALL_LOW WAKEUP_ANY_HIGH"
).split()


@pytest.mark.parametrize("name", FIRMWARE_NAMES)
def test_machine_has_the_firmware_name(name) -> None:
    assert name in make_board().machine.__dict__


# ---- rng ----
def test_rng_is_the_firmware_lfsr_from_a_seed_of_mac_and_rtc() -> None:
    b = make_board()
    got = in_script(b, lambda: [b.machine.rng() for _ in range(3)])
    seed = rng_seed(b.machine.unique_id(), 0)
    expected = [lfsr(seed)]
    expected += [lfsr(expected[-1]), lfsr(lfsr(expected[-1]))]
    assert got == expected


def test_rng_is_24_bit_and_the_same_for_the_same_seed() -> None:
    a, b = make_board(), make_board()
    va = in_script(a, lambda: [a.machine.rng() for _ in range(50)])
    vb = in_script(b, lambda: [b.machine.rng() for _ in range(50)])
    assert va == vb and all(0 < v < 1 << 24 for v in va) and len(set(va)) == 50


def test_rng_differs_with_the_board_seed() -> None:
    a, b = make_board(), Board("lopy4", cpu="free", seed=1, expansion=False)
    assert in_script(a, a.machine.rng) != in_script(b, b.machine.rng)


# ---- temperature ----
def test_temperature_is_the_raw_sensor_reading_of_the_set_die_temperature() -> None:
    b = make_board()
    b.temperature = 25
    assert in_script(b, b.machine.temperature) == 77  # the sensor reads about degrees Fahrenheit


def test_temperature_takes_105_us_of_busy_wait() -> None:
    b = make_board()

    def main():
        t0 = b.now
        b.machine.temperature()
        return b.now - t0

    assert in_script(b, main) == 105_000 + b.costs.machine_call


def test_board_temperature_refuses_a_non_number() -> None:
    with pytest.raises(
        ValueError, match="temperature must be a number of degrees Celsius, got 'hot'"
    ):
        make_board().temperature = "hot"


def test_scenario_sets_the_temperature(tmp_path) -> None:
    script = tmp_path / "main.py"
    script.write_text("import machine\nprint(machine.temperature())\n")
    scenario = tmp_path / "s.toml"
    scenario.write_text('[boards.a]\nscript = "main.py"\ntemperature = 30.0\n')
    loaded = load_scenario(scenario)
    loaded.world.run(until="10ms")
    assert "".join(loaded.boards["a"].output).endswith("86\n")


# ---- light sleep (machine_sleep) ----
def test_sleep_with_a_time_continues_the_script_after_it() -> None:
    b = make_board()

    def main():
        t0 = b.now
        b.machine.sleep(200)
        return b.now - t0, b.machine.reset_cause()

    elapsed, cause = in_script(b, main)
    assert 200 * MS <= elapsed < 201 * MS and cause == b.machine.PWRON_RESET
    assert len(b.world.recorder.events.of_kind("boot")) == 1


def test_sleep_wakes_early_on_a_wake_pin() -> None:
    b = make_board()
    b.levels("P10", [("0ms", 1), ("50ms", 0)])

    def main():
        P = b.machine.Pin
        b.machine.pin_sleep_wakeup([P("P10", P.IN)], b.machine.WAKEUP_ALL_LOW)
        t0 = b.now
        b.machine.sleep(1000)
        return b.now - t0

    assert 49 * MS < in_script(b, main) < 51 * MS


def test_sleep_without_a_time_waits_for_a_wake_pin() -> None:
    b = make_board()
    b.levels("P10", [("0ms", 0), ("300ms", 1)])

    def main():
        P = b.machine.Pin
        b.machine.pin_sleep_wakeup([P("P10", P.IN)], b.machine.WAKEUP_ANY_HIGH)
        b.machine.sleep()
        return b.now

    assert 299 * MS < in_script(b, main) < 301 * MS


def test_sleep_forever_does_not_keep_a_run_without_until_going() -> None:
    b = make_board()
    b.run(lambda: b.machine.sleep())
    assert b.kernel.now < 1 * MS


def test_sleep_pauses_alarms_and_chrono() -> None:
    """The timer group runs on the APB clock, gated in light sleep."""
    b = make_board()
    got = []

    def main():
        T = b.machine.Timer
        c = T.Chrono()
        c.start()
        T.Alarm(lambda a: got.append(b.now), ms=100)
        b.machine.sleep(500)
        b.time.sleep_ms(200)
        return c.read_ms()

    ms = in_script(b, main)
    assert 200 < ms < 201
    assert len(got) == 1 and 600 * MS < got[0] < 601 * MS


def test_sleep_pauses_the_watchdog() -> None:
    b = make_board()

    def main():
        b.machine.WDT(timeout=300)
        b.machine.sleep(1000)
        b.time.sleep_ms(200)
        return b.machine.reset_cause()

    assert in_script(b, main, until="1300ms") == b.machine.PWRON_RESET
    assert len(b.world.recorder.events.of_kind("boot")) == 1


def test_pin_edges_during_sleep_run_no_handlers() -> None:
    b = Board("lopy4", cpu="free", seed=0, wires=["P11=P19"], expansion=False)
    got = []

    def main():
        P = b.machine.Pin
        src = P("P11", P.OUT, value=1)
        P("P19", P.IN).callback(P.IRQ_FALLING, got.append)
        b.machine.Timer.Alarm(lambda a: src(0), ms=1)  # fires after the sleep (the timer stops too)
        b.machine.sleep(100)
        b.time.sleep_ms(5)

    b.run(main, until="200ms")
    assert len(got) == 1  # the alarm's edge, after the sleep


# ---- remaining_sleep_time (machine_init0) ----
def test_remaining_sleep_time_after_a_pin_ends_a_deep_sleep_early() -> None:
    b = make_board()
    b.levels("P10", [("0ms", 1), ("3s", 0)])
    got = []

    def main() -> None:
        P = b.machine.Pin
        got.append(b.machine.remaining_sleep_time())
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            b.machine.pin_sleep_wakeup([P("P10", P.IN)], b.machine.WAKEUP_ALL_LOW)
            b.machine.deepsleep(10_000)

    b.run(main, until="4s")
    assert got[0] == 0 and 6990 < got[1] <= 7000


def test_remaining_sleep_time_is_0_after_a_timed_wake() -> None:
    b = make_board()
    got = []

    def main() -> None:
        got.append(b.machine.remaining_sleep_time())
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            b.machine.deepsleep(100)

    b.run(main, until="1s")
    assert got == [0, 0]


# ---- info, main, mem, flash_encrypt, secure_boot ----
def test_info_prints_the_firmware_block_with_the_tasks_of_the_board() -> None:
    b = make_board()
    b.run(b.machine.info, until="1ms")
    text = "".join(b.output)
    assert text.startswith(
        "---------------------------------------------\nSystem memory info (in bytes)\n"
    )
    assert "LoRaTask stack water mark:" in text and "SigfoxTask stack water mark:" in text
    wipy = Board("wipy3", cpu="free", expansion=False)
    wipy.run(wipy.machine.info, until="1ms")
    assert "LoRaTask" not in "".join(wipy.output)


def test_main_in_boot_py_chooses_the_script(tmp_path) -> None:
    (tmp_path / "boot.py").write_text("import machine\nmachine.main('other.py')\n")
    (tmp_path / "main.py").write_text("print('main')\n")
    (tmp_path / "other.py").write_text("print('other')\n")
    b = make_board()
    b.run(tmp_path / "main.py", until="10ms")
    assert "".join(b.output).endswith("other\n")


def test_main_needs_a_string() -> None:
    b = make_board()
    assert in_script(b, lambda: catch(b.machine.main, 1)) == (
        TypeError,
        "expecting a string file name",
    )


def test_mem32_reads_back_what_was_written_to_ram_little_endian() -> None:
    b = make_board()

    def main():
        b.machine.mem32[0x3FFB0000] = 0x1_12345678  # truncated to 32 bits
        return b.machine.mem32[0x3FFB0000], b.machine.mem8[0x3FFB0003], b.machine.mem16[0x3FFB0000]

    assert in_script(b, main) == (0x12345678, 0x12, 0x5678)


def test_mem_addresses_must_be_aligned() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.machine.mem16.__getitem__, 0x3FFB0001))
    assert got == (ValueError, "address 3ffb0001 is not aligned to 2 bytes")


def test_mem_on_a_peripheral_register_says_it_is_not_simulated() -> None:
    b = make_board()
    kind, message = in_script(b, lambda: catch(b.machine.mem32.__getitem__, 0x3FF44004))
    assert kind is NotImplementedError and "machine.mem32[0x3ff44004]" in message
    assert "not simulated by pycomsim" in message


def test_flash_encrypt_and_secure_boot_are_off() -> None:
    b = make_board()
    assert in_script(b, lambda: (b.machine.flash_encrypt(), b.machine.secure_boot())) == (0, 0)


def test_remaining_sleep_time_counts_to_the_reset_not_to_boot_py() -> None:
    """machine_init0 runs in main.c right after the wake, before the 1.9 s to boot.py."""
    b = Board("lopy4", seed=0, expansion=False)  # the board's own boot time
    b.levels("P10", [("0ms", 1), ("3s", 0)])
    got = []

    def main() -> None:
        P = b.machine.Pin
        got.append(b.machine.remaining_sleep_time())
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            b.machine.pin_sleep_wakeup([P("P10", P.IN)], b.machine.WAKEUP_ALL_LOW)
            b.machine.deepsleep(10_000)

    b.run(main, until="6s")
    assert got[0] == 0 and 6990 < got[1] <= 7000
