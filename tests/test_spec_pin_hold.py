"""SPEC.md section 5: hold (esp32/mods/machpin.c pin_hold; gpio_pad_hold)."""

import pytest

from pycomsim import Board

RTC_PINS = ["P2", "P3", "P4", "P6", "P8", "P9", "P10", "P19", "P20", "P21", "P22", "P23"]
NOT_RTC = ["P0", "P1", "P5", "P7", "P11", "P12", "P13", "P14", "P15", "P16", "P17", "P18"]


# the plugin's `board` fixture (pycomsim.testing.plugin); `Pin` comes from tests/conftest.py
pytestmark = pytest.mark.board("lopy4", expansion=False)


def test_hold_reads_a_bool_flag(Pin):
    p = Pin("P9", Pin.OUT)
    assert p.hold() is False
    assert p.hold(True) is None
    assert p.hold() is True
    p.hold(0)
    assert p.hold() is False


@pytest.mark.parametrize("name", RTC_PINS)
def test_rtc_domain_pins_can_hold(Pin, name):
    p = Pin(name)
    p.hold(True)
    assert p.hold() is True


@pytest.mark.parametrize("name", NOT_RTC)
def test_other_pins_set_the_flag_then_raise(Pin, name):
    p = Pin(name)
    with pytest.raises(OSError) as info:
        p.hold(True)
    assert (
        str(info.value)
        == "the hold functionality is only available for GPIO pins in the RTC domain"
    )
    assert p.hold() is True  # the flag stays set


def test_held_pad_stays_frozen_while_latch_updates(board, Pin):
    p = Pin("P9", Pin.OUT, value=1)
    p.hold(True)
    p.value(0)  # no exception
    p.toggle()
    p.value(0)
    assert p.value() == 0  # the latch moved
    assert board.pad("P9").read() == 1  # the pad did not
    p.hold(False)
    assert board.pad("P9").read() == 0  # released: the pad takes the latch


def test_hold_keeps_pad_through_reset_but_flag_reads_false_after_reboot():
    board = Board("lopy4", cpu="free", expansion=False)
    machine = board.machine
    seen = []

    def main():
        p = machine.Pin("P9")
        if machine.reset_cause() == machine.PWRON_RESET:
            p.init(machine.Pin.OUT, value=1)
            p.hold(True)
            machine.reset()
        seen.append((machine.reset_cause(), p.hold(), board.pad("P9").read()))

    board.run(main, until="10ms")
    assert seen == [(machine.WDT_RESET, False, 1)]


def test_hold_keeps_pad_through_deepsleep_and_flag_reads_false_after_wake():
    board = Board("lopy4", cpu="free", expansion=False)
    machine = board.machine
    seen = []

    def main():
        p = machine.Pin("P9")
        if machine.reset_cause() != machine.DEEPSLEEP_RESET:
            p.init(machine.Pin.OUT, value=1)
            p.hold(True)
            machine.deepsleep(100)
        seen.append(
            (
                machine.reset_cause(),
                machine.wake_reason()[0],
                p.hold(),
                board.pad("P9").read(),
                board.now,
            )
        )

    board.run(main, until="1s")
    cause, reason, hold, level, t = seen[0]
    assert (cause, reason, hold, level) == (machine.DEEPSLEEP_RESET, machine.RTC_WAKE, False, 1)
    assert t >= 100_000_000
    trace = board.world.recorder.traces["lopy4.P9"].changes()
    # boot pull-down, Pin('P9') re-inits to IN without pull (floating), OUT high; then held high
    # through the whole sleep and the reboot: no further change
    assert [lv for _, lv in trace] == [0, 2, 1]
