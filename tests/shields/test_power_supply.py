"""The module's supply cut and restored from outside (what a shield's coprocessor does): the board stops
where it is and comes back with a power-on reset (firmware/power_supply.py)."""

from __future__ import annotations

from pycomsim import Board

MS = 1_000_000

SCRIPT = """\
import machine, time
from machine import Pin
print('boot', machine.reset_cause(), machine.wake_reason()[0], time.ticks_ms())
p = Pin('P10', mode=Pin.OUT, value=1)
p.hold(True)
{body}
"""


def board_with(tmp_path, body: str) -> Board:
    script = tmp_path / "main.py"
    script.write_text(SCRIPT.format(body=body))
    board = Board("lopy4", expansion=False, cpu="free")
    board.load(script)
    return board


def at(board: Board, t: int, fn) -> None:
    board.kernel.schedule(t, lambda _: fn())


def test_a_cut_stops_the_script_and_the_supply_coming_back_boots_with_a_power_on_reset(tmp_path):
    board = board_with(tmp_path, "time.sleep(10)\nprint('never')")
    power = board.lifecycle.power
    at(board, 50 * MS, power.cut)
    at(board, 2000 * MS, power.restore)
    board.run(until="1s")
    assert board.pad("P10").read() == 2  # held pads let go too: nothing holds without power
    board.run(until="2s")
    assert board.output == "boot 0 0 0\nboot 0 0 0\n"  # PWRON_RESET, PWRON_WAKE, ticks from 0
    assert board.boot_count == 2 and "never" not in board.output
    assert board.pad("P10").read() == 1  # the script runs again


def test_a_cut_during_deep_sleep_forgets_the_sleep_timer(tmp_path):
    board = board_with(tmp_path, "machine.deepsleep(5000)")
    power = board.lifecycle.power
    at(board, 1000 * MS, power.cut)
    at(board, 2000 * MS, power.restore)
    board.run(until="8s")
    # one boot at power-on, one when the supply came back; the 5 s deep-sleep wake never happened
    assert board.output.splitlines()[:2] == ["boot 0 0 0", "boot 0 0 0"]
    assert board.boot_count == 3  # the second boot's own deep sleep wakes it 5 s later
    assert board.output.splitlines()[2].startswith("boot 3 2")  # DEEPSLEEP_RESET, RTC_WAKE


def test_a_run_without_until_ends_when_nothing_will_restore_the_supply(tmp_path):
    board = board_with(tmp_path, "time.sleep(1)")
    at(board, 10 * MS, lambda: board.lifecycle.power.cut(will_come_back=False))
    board.run()
    assert board.now < 1000 * MS and board.boot_count == 1
