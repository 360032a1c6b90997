"""machine.WDT, one test per rule: `esp32/mods/machwdt.c` (machine_wdt_start: two stages of
`timeout` ticks of 0.5 ms, the second resets the system; mach_wdt_make_new, mach_wdt_init,
mach_wdt_feed), `esp32/mptask.c` (a reset stops it), `modmachine.c` machine_reset (via the WDT)."""

from __future__ import annotations

import json
from pathlib import Path

from pycomsim import Board
from pycomsim.cli import main
from pycomsim.report import summary, summary_line
from pycomsim.web.session import LiveSession

MS = 1_000_000
SCRIPTS = Path(__file__).parent / "web_scripts"


def make_board() -> Board:
    return Board("lopy4", cpu="free", seed=0, expansion=False)


def catch(fn, *args, **kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the test compares type and message
        return (type(e), str(e))


def boots(board: Board) -> list[tuple[int, int]]:
    return [(e.t, e.detail) for e in board.world.recorder.events.of_kind("boot")]


def starve(board: Board, timeout: int, sleep_ms: int = 10_000):
    def main() -> None:
        if board.machine.reset_cause() == board.machine.PWRON_RESET:
            board.machine.WDT(timeout=timeout)
            board.time.sleep_ms(sleep_ms)

    return main


def test_a_board_not_fed_for_timeout_ms_resets_with_wdt_reset() -> None:
    b = make_board()
    causes = []

    def main() -> None:
        causes.append(b.machine.reset_cause())
        if len(causes) == 1:
            b.machine.WDT(timeout=500)
            b.time.sleep_ms(2000)

    b.run(main, until="1s")
    assert causes == [b.machine.PWRON_RESET, b.machine.WDT_RESET]
    assert boots(b)[1][1] == b.machine.WDT_RESET
    assert 500 * MS <= boots(b)[1][0] < 501 * MS


def test_feeding_in_time_keeps_the_board_running() -> None:
    b = make_board()

    def main() -> None:
        wdt = b.machine.WDT(timeout=100)
        for _ in range(20):
            b.time.sleep_ms(80)
            wdt.feed()

    b.run(main, until="1500ms")
    assert len(boots(b)) == 1


def test_the_timeout_counts_from_the_last_feed() -> None:
    b = make_board()

    def main() -> None:
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            wdt = b.machine.WDT(timeout=100)
            b.time.sleep_ms(90)
            wdt.feed()
            b.time.sleep_ms(1000)

    b.run(main, until="500ms")
    assert 190 * MS < boots(b)[1][0] < 191 * MS


def test_a_script_that_ends_still_resets_when_the_watchdog_runs() -> None:
    """After the script the board sits at the REPL, which does not feed the watchdog."""
    b = make_board()
    b.run(lambda: b.machine.WDT(timeout=300), until="700ms")
    assert [cause for _, cause in boots(b)] == [0, 2, 2]


def test_timeout_0_is_one_tick_per_stage() -> None:
    b = make_board()
    b.run(starve(b, 0), until="10ms")
    assert 1 * MS <= boots(b)[1][0] < 1.1 * MS


def test_init_changes_the_timeout_and_feeds() -> None:
    b = make_board()

    def main() -> None:
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            wdt = b.machine.WDT(timeout=100)
            b.time.sleep_ms(50)
            wdt.init(1000)
            b.time.sleep_ms(5000)

    b.run(main, until="3s")
    assert 1050 * MS < boots(b)[1][0] < 1051 * MS


def test_wdt_is_one_object() -> None:
    b = make_board()
    got = []
    b.run(lambda: got.append(b.machine.WDT(timeout=5000) is b.machine.WDT(0, 5000)), until="1ms")
    assert got == [True]


def test_wdt_id_other_than_0_is_resource_not_available() -> None:
    b = make_board()
    got = []
    b.run(lambda: got.append(catch(b.machine.WDT, 1, 5000)), until="1ms")
    assert got == [(OSError, "resource not available")]


def test_wdt_timeout_is_required_so_a_lone_number_is_the_id() -> None:
    b = make_board()
    got = []
    b.run(lambda: got.append(catch(b.machine.WDT, 5000)), until="1ms")
    assert got == [(TypeError, "'timeout' argument required")]


def test_wdt_timeout_must_be_an_int() -> None:
    b = make_board()
    got = []
    b.run(lambda: got.append(catch(b.machine.WDT, timeout=1.5)), until="1ms")
    assert got == [(TypeError, "can't convert float to int")]


def test_deep_sleep_stops_the_watchdog() -> None:
    """The watchdog is in the digital core, powered down in deep sleep; after the wake it is off."""
    b = make_board()

    def main() -> None:
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            b.machine.WDT(timeout=100)
            b.machine.deepsleep(1000)
        else:
            b.time.sleep_ms(1000)

    b.run(main, until="3s")
    assert [cause for _, cause in boots(b)] == [0, 3]


def test_machine_reset_stops_a_running_watchdog() -> None:
    b = make_board()

    def main() -> None:
        if b.machine.reset_cause() == b.machine.PWRON_RESET:
            b.machine.WDT(timeout=100)
            b.machine.reset()
        b.time.sleep_ms(1000)

    b.run(main, until="2s")
    assert [cause for _, cause in boots(b)] == [0, 2]


def test_watchdog_timeout_is_in_the_event_log() -> None:
    b = make_board()
    b.run(starve(b, 250), until="1s")
    events = b.world.recorder.events.of_kind("wdt")
    assert [(e.t, e.detail) for e in events] == [(boots(b)[1][0], 250)]


def test_run_summary_counts_alarms_and_watchdog_resets() -> None:
    b = make_board()
    b.run(SCRIPTS / "wdt_alarm.py", until="1s")
    data = summary(b.world, wall_s=1.0, status="done")
    assert data["watchdog_resets"] == 1 and data["boards"]["lopy4"]["watchdog_resets"] == 1
    assert data["alarms"] == 3  # at 50, 100, 150 ms; the reset at 190 ms ends the alarm
    line = summary_line(data)
    assert "3 alarms" in line and "1 watchdog resets" in line


def test_json_summary_has_the_watchdog_resets(capsys) -> None:
    assert main(["run", str(SCRIPTS / "wdt_alarm.py"), "--until", "1s", "--json"]) == 0
    data = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (data["watchdog_resets"], data["alarms"]) == (1, 3)


def test_web_output_pane_shows_the_watchdog_reset_and_the_alarms() -> None:
    board = Board("lopy4")
    board.load(SCRIPTS / "wdt_alarm.py")
    t = [0.0]
    session = LiveSession(board, speed=1.0, clock=lambda: t[0])
    session.pacer.rebase(0)
    for i in range(1, 4):
        t[0] = i * 0.1
        session.tick()
    entries, _ = session.log_since(0)
    info = "".join(e["text"] for e in entries if e["kind"] == "info")
    assert "Alarm1 fired" in info
    assert "watchdog timeout (190 ms not fed): WDT reset" in info
