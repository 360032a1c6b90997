"""The rest of pycom's table, one test per rule: `esp32/mods/modpycom.c` (mod_pycom_nvs_*,
get_free_heap, the *_on_boot functions, pulses_get, bootmgr, ota_*, wifi_*, sigfox_info,
create_128bit_le_uuid_from_string), `esp32/pycom_config.c`, `esp32/mptask.c` (wdt_on_boot),
`esp32/bootloader/bootloader.c` (a software safe boot lasts one boot)."""

from __future__ import annotations

import pytest

from pycomsim import Board

MS = 1_000_000


def make_board(board_type: str = "lopy4", **kwargs) -> Board:
    kwargs.setdefault("expansion", False)
    kwargs.setdefault("cpu", "free")  # boots take no time: the rules, not the boot delay
    return Board(board_type, seed=0, **kwargs)


def catch(fn, *args, **kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the test compares type and message
        return (type(e), str(e))


def in_script(board: Board, fn, until: str = "1s"):
    out = []
    board.run(lambda: out.append(fn()), until=until)
    return out[0]


# ---- NVS ----
def test_nvs_keeps_ints_and_strings() -> None:
    b = make_board()
    p = b.pycom

    def main():
        p.nvs_set("n", 42)
        p.nvs_set("s", "text")
        p.nvs_set("b", b"raw")
        p.nvs_set("neg", -1)
        return p.nvs_get("n"), p.nvs_get("s"), p.nvs_get("b"), p.nvs_get("neg")

    assert in_script(b, main) == (42, "text", "raw", 0xFFFFFFFF)  # u32; bytes come back as str


def test_nvs_get_of_a_missing_key_raises_or_gives_the_default() -> None:
    b = make_board()
    p = b.pycom
    got = in_script(b, lambda: (catch(p.nvs_get, "nope"), p.nvs_get("nope", None)))
    assert got == ((ValueError, "No matching object for the provided key"), None)


def test_nvs_set_refuses_other_values() -> None:
    b = make_board()
    p = b.pycom
    got = in_script(b, lambda: [catch(p.nvs_set, "k", v)[1] for v in (1.5, True, None)])
    assert got == ["Value must be string, bytes or integer"] * 3


def test_nvs_key_longer_than_15_is_too_long() -> None:
    b = make_board()
    assert in_script(b, lambda: catch(b.pycom.nvs_set, "k" * 16, 1)) == (
        ValueError,
        "Key is too long",
    )


def test_nvs_value_of_1984_bytes_is_too_long() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.pycom.nvs_set, "k", "x" * 1984))
    assert got == (ValueError, "value too long (max: 1984)")


def test_nvs_key_must_be_a_string() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.pycom.nvs_set, 1, 1))
    assert got == (TypeError, "can't convert 'int' object to str implicitly")


def test_nvs_erase_of_a_missing_key_is_a_key_error() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.pycom.nvs_erase, "nope"))
    assert got[0] is KeyError


def test_nvs_erase_and_erase_all() -> None:
    b = make_board()
    p = b.pycom

    def main():
        p.nvs_set("a", 1)
        p.nvs_set("b", 2)
        p.nvs_erase("a")
        first = (p.nvs_get("a", None), p.nvs_get("b"))
        p.nvs_erase_all()
        return first, p.nvs_get("b", None)

    assert in_script(b, main) == ((None, 2), None)


def test_nvs_survives_reset_and_deep_sleep() -> None:
    b = make_board()
    seen = []

    def main() -> None:
        count = b.pycom.nvs_get("boots", 0)
        seen.append(count)
        b.pycom.nvs_set("boots", count + 1)
        if count == 0:
            b.machine.reset()
        elif count == 1:
            b.machine.deepsleep(10)

    b.run(main, until="1s")
    assert seen == [0, 1, 2]


def test_nvs_file_keeps_nvs_across_runs(tmp_path) -> None:
    path = tmp_path / "lopy4.nvs.json"
    for _ in range(3):
        b = make_board(nvs_file=path)
        b.run(lambda b=b: b.pycom.nvs_set("runs", b.pycom.nvs_get("runs", 0) + 1), until="1ms")
    b = make_board(nvs_file=path)
    assert in_script(b, lambda: b.pycom.nvs_get("runs")) == 3


def test_a_bad_nvs_file_is_one_clear_error(tmp_path) -> None:
    path = tmp_path / "x.json"
    path.write_text("not json")
    with pytest.raises(ValueError, match=r"NVS file .*x.json: not one pycomsim wrote"):
        make_board(nvs_file=path)


def test_no_nvs_file_is_written_unless_asked(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    b = make_board()
    b.run(lambda: b.pycom.nvs_set("a", 1), until="1ms")
    assert list(tmp_path.iterdir()) == []


# ---- get_free_heap ----
def test_get_free_heap_of_a_psram_board() -> None:
    b = make_board("lopy4")
    internal, psram = in_script(b, b.pycom.get_free_heap)
    assert 50_000 < internal < 300_000 and 1_000_000 < psram < 4 * 1024 * 1024


def test_get_free_heap_without_psram_says_no_ext_ram() -> None:
    b = make_board("lopy")
    internal, psram = in_script(b, b.pycom.get_free_heap)
    assert 20_000 < internal < 150_000 and psram == "NO_EXT_RAM"


# ---- the on-boot configuration ----
def test_wdt_on_boot_starts_the_watchdog_at_every_boot() -> None:
    b = make_board()
    causes = []

    def main() -> None:
        causes.append(b.machine.reset_cause())
        if len(causes) == 1:
            b.pycom.wdt_on_boot_timeout(5000)
            b.pycom.wdt_on_boot(True)
            b.machine.reset()
        b.time.sleep_ms(60_000)

    b.run(main, until="11s")
    assert causes == [0, 2, 2, 2]  # reset() then a watchdog reset every 5 s


def test_wdt_on_boot_timeout_is_at_least_5000_ms() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.pycom.wdt_on_boot_timeout, 4999))
    assert got == (ValueError, "WDT on boot timeout must be >= 5000 ms")


def test_wdt_on_boot_without_a_timeout_turns_itself_off() -> None:
    """mptask.c: a timeout of 0xFFFFFFFF (never set) clears the flag instead of starting the WDT."""
    b = make_board()
    seen = []

    def main() -> None:
        seen.append(b.pycom.wdt_on_boot())
        if len(seen) == 1:
            b.pycom.wdt_on_boot(True)
            b.machine.reset()

    b.run(main, until="1s")
    assert seen == [False, False]


def test_on_boot_settings_survive_reset() -> None:
    b = make_board()
    seen = []

    def main() -> None:
        p = b.pycom
        seen.append((p.lte_modem_en_on_boot(), p.wifi_on_boot(), p.wifi_mode_on_boot()))
        if len(seen) == 1:
            p.lte_modem_en_on_boot(True)
            p.wifi_on_boot(False)
            p.wifi_mode_on_boot(1)
            b.machine.reset()

    b.run(main, until="1s")
    assert seen == [(False, True, 2), (True, False, 1)]


def test_wifi_mode_on_boot_ignores_values_above_3() -> None:
    b = make_board()

    def main():
        b.pycom.wifi_mode_on_boot(7)
        return b.pycom.wifi_mode_on_boot()

    assert in_script(b, main) == 2


def test_wifi_ssid_and_password_settings() -> None:
    b = make_board()
    p = b.pycom

    def main():
        before = p.wifi_ssid_sta()
        p.wifi_ssid_sta("home")
        p.wifi_pwd_sta("secret")
        p.wifi_ssid_ap(123)  # not a str: ignored
        return before, p.wifi_ssid_sta(), p.wifi_pwd_sta(), p.wifi_ssid_ap()

    assert in_script(b, main) == (None, "home", "secret", None)


# ---- pulses_get (RMT) ----
def test_pulses_get_reports_level_and_duration_pairs_ending_with_the_idle_level() -> None:
    b = make_board()
    b.levels("P10", [("0ms", 1), ("10ms", 0), ("10.08ms", 1), ("10.13ms", 0), ("10.2ms", 1)])
    got = in_script(b, lambda: b.pycom.pulses_get("P10", 200))
    assert got == [(0, 80), (1, 50), (0, 70), (1, 0)]


def test_pulses_get_waits_65_ms_of_idle_so_a_short_timeout_gets_nothing() -> None:
    b = make_board()
    b.levels("P10", [("0ms", 1), ("10ms", 0), ("10.1ms", 1)])
    got = in_script(b, lambda: b.pycom.pulses_get("P10", 50))
    assert got == []


def test_pulses_get_with_no_edge_times_out_empty() -> None:
    b = make_board()

    def main():
        t0 = b.now
        got = b.pycom.pulses_get("P10", 30)
        return got, b.now - t0

    got, elapsed = in_script(b, main)
    assert got == [] and 30 * MS <= elapsed < 31 * MS


def test_pulses_get_makes_the_pin_an_input() -> None:
    """rmt_set_pin sets the pad to input: a pin the script drove stops driving."""
    b = make_board()
    b.pull("P10", up=True)

    def main():
        P = b.machine.Pin
        P("P10", P.OUT, value=0)
        b.pycom.pulses_get("P10", 1)
        return P("P10").value()

    assert in_script(b, main) == 1


# ---- bootmgr, OTA ----
def test_bootmgr_query() -> None:
    b = make_board()
    assert in_script(b, b.pycom.bootmgr) == ("Factory", "FAT", "SafeBoot: False", "Status: Ready")


def test_bootmgr_refuses_the_active_partition() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.pycom.bootmgr, boot_partition=0))
    assert got == (ValueError, "Error invalid boot partition! or partition already active!")


def test_bootmgr_refuses_a_bad_fs_type() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.pycom.bootmgr, fs_type=2))
    assert got == (ValueError, "Error invalid filesystem type!")


def test_bootmgr_options_are_keyword_only() -> None:
    b = make_board()
    got = in_script(b, lambda: catch(b.pycom.bootmgr, 1))
    assert got == (TypeError, "extra positional arguments given")


def test_bootmgr_safeboot_skips_boot_and_main_for_one_boot(tmp_path) -> None:
    """The next boot is safe (no boot.py, no main.py); the bootloader then clears the flag, so the
    boot after it (here a watchdog reset from wdt_on_boot) runs main.py again."""
    (tmp_path / "boot.py").write_text("print('boot')\n")
    (tmp_path / "main.py").write_text(
        "import pycom, machine\n"
        "print('main', machine.reset_cause())\n"
        "if machine.reset_cause() == machine.PWRON_RESET:\n"
        "    pycom.wdt_on_boot_timeout(5000)\n"
        "    pycom.wdt_on_boot(True)\n"
        "    pycom.bootmgr(safeboot=True, reset=True)\n"
        "else:\n"
        "    pycom.wdt_on_boot(False)\n"
    )
    b = make_board()
    b.run(tmp_path / "main.py", until="6s")
    assert "".join(b.output).splitlines() == ["boot", "main 0", "boot", "main 2"]
    assert [e.detail for e in b.world.recorder.events.of_kind("boot")] == [0, 2, 2]


def test_ota_writing_is_not_simulated_and_says_so() -> None:
    b = make_board()
    kind, message = in_script(b, lambda: catch(b.pycom.ota_start))
    assert kind is NotImplementedError and message.startswith("pycom.ota_start is not simulated")


def test_ota_slot_is_the_update_partition_address() -> None:
    assert in_script(make_board("lopy4"), make_board("lopy4").pycom.ota_slot) == 2112 * 1024


# ---- helpers ----
def test_uuid_from_string_is_16_bytes_little_endian_zero_padded() -> None:
    b = make_board()
    got = in_script(b, lambda: b.pycom.create_128bit_le_uuid_from_string("0102"))
    assert got == bytearray(b"\x00" * 14 + b"\x02\x01")


def test_uuid_from_string_refuses_non_hex_and_long_input() -> None:
    b = make_board()
    f = b.pycom.create_128bit_le_uuid_from_string
    got = in_script(b, lambda: (catch(f, "zz"), catch(f, "0" * 33)))
    assert got == (
        (ValueError, "UUID must only contain hexadecimal digits!"),
        (ValueError, "Input string must not be longer than 32 characters!"),
    )


def test_sigfox_info_exists_only_on_sigfox_boards() -> None:
    assert hasattr(make_board("lopy4").pycom, "sigfox_info")
    assert not hasattr(make_board("wipy3").pycom, "sigfox_info")


def test_sigfox_info_writes_once_unless_forced() -> None:
    b = make_board()
    f = b.pycom.sigfox_info

    def main():
        empty = f()
        f(id="0011AABB")
        again = catch(f, id="00112233")
        forced = f(id="00112233", force=True)
        bad = catch(f, pac="12")
        return empty, again, forced, bad

    assert in_script(b, main) == (
        False,
        (ValueError, "Use force option to overwrite existing id!"),
        True,
        (ValueError, "PAC must have length of 16!"),
    )


def test_pycom_constants() -> None:
    p = make_board().pycom
    assert (p.FACTORY, p.OTA_0, p.FAT, p.LittleFS) == (0, 1, 0, 1)
