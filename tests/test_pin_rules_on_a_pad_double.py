"""Pin's firmware rules (esp32/mods/machpin.c) against a pad double: no kernel, no nets, no board.

`firmware/pin.py` speaks to its pad only through the pad contract (chip/pads.py), so a double that
records the calls is enough to check what the firmware tells the pad, and when. The same rules run
on the simulated board in the tests/test_spec_*.py files.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pycomsim.chip.pads import OPEN_DRAIN, OUTPUT_OFF, PULL_DOWN, PULL_NONE, PULL_UP, PUSH_PULL
from pycomsim.core.costs import COSTS_ESP32
from pycomsim.core.pinmap import COMMON_PINS
from pycomsim.firmware.pin import make_pin_class, pin_init0


class PadDouble:
    """Records what the firmware asks of the pad; reads back a level the test sets."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.frozen = False
        self.input_enabled = True
        self.level = 0

    def configure(self, output, pull, input_enable, level=0, *, latch_drives=True):
        if self.frozen:
            return
        self.input_enabled = input_enable
        self.calls.append(("configure", output, pull, input_enable, level, latch_drives))

    def write(self, level):
        self.calls.append(("write", level))

    def read(self):
        return self.level

    def hold(self, on):
        self.frozen = on
        self.calls.append(("hold", on))


class Clock:
    def __init__(self) -> None:
        self.now = 0

    def advance(self, cost: int) -> None:
        self.now += cost


def make_pins(*names: str):
    """Pin objects for `names` on a stand-in board: a clock, no-op matrix and interrupt task."""
    board = SimpleNamespace(
        scheduler=Clock(),
        costs=COSTS_ESP32,
        matrix=SimpleNamespace(
            pin_configuring=lambda pin, output: None, pin_configured=lambda pin: None
        ),
        irq=SimpleNamespace(pin_configured=lambda pin: None),
        input_notes={},
    )
    Pin = make_pin_class()
    infos = {info.name: info for info in COMMON_PINS}
    pins = {name: Pin._create(board, infos[name], PadDouble()) for name in names}
    Pin._by_name = pins
    return Pin, board, pins


def test_pin_make_new_always_inits_in_with_no_pull_and_tells_the_pad_once():
    Pin, _, pins = make_pins("P11")
    p = Pin("P11")
    assert pins["P11"]._pad.calls == [("configure", OUTPUT_OFF, PULL_NONE, True, 0, True)]
    assert (p.mode(), p.pull()) == (Pin.IN, None)


def test_pin_config_sets_the_value_before_the_pad_drives():
    Pin, _, pins = make_pins("P11")
    Pin("P11", Pin.OUT, value=1)
    assert pins["P11"]._pad.calls[-1] == ("configure", PUSH_PULL, PULL_NONE, False, 1, True)


def test_open_drain_keeps_the_input_buffer_on_and_pulls_map_to_the_pad():
    Pin, _, pins = make_pins("P11")
    Pin("P11", Pin.OPEN_DRAIN, Pin.PULL_UP)
    assert pins["P11"]._pad.calls[-1] == ("configure", OPEN_DRAIN, PULL_UP, True, 0, True)
    Pin("P11", Pin.IN, Pin.PULL_DOWN)
    assert pins["P11"]._pad.calls[-1] == ("configure", OUTPUT_OFF, PULL_DOWN, True, 0, True)


def test_an_alt_output_keeps_the_latch_off_the_pad():
    Pin, _, pins = make_pins("P11")
    Pin("P11", Pin.OUT, alt=3)
    assert pins["P11"]._pad.calls[-1][-1] is False  # latch_drives: the peripheral owns the pad


def test_gpio_config_refuses_an_output_mode_on_an_input_only_pin():
    Pin, _, pins = make_pins("P13")
    Pin("P13", Pin.IN)
    before = list(pins["P13"]._pad.calls)
    p = Pin("P13", Pin.OUT)
    assert pins["P13"]._pad.calls == before  # nothing reached the pad
    assert p.mode() == Pin.OUT  # but the firmware's field says OUT


def test_an_out_pin_reads_its_latch_and_an_input_reads_the_pad():
    Pin, _, pins = make_pins("P11", "P3")
    out = Pin("P11", Pin.OUT, value=1)
    pins["P11"]._pad.level = 0
    assert out() == 1
    inp = Pin("P3", Pin.IN)
    pins["P3"]._pad.level = 1
    assert inp() == 1 and inp.value() == 1


def test_writes_and_toggles_go_to_the_pad_as_levels():
    Pin, _, pins = make_pins("P11")
    p = Pin("P11", Pin.OUT)
    p(5)
    p.value(0)
    p.toggle()
    assert [c for c in pins["P11"]._pad.calls if c[0] == "write"] == [
        ("write", 1),
        ("write", 0),
        ("write", 1),
    ]


def test_hold_sets_the_flag_first_then_raises_off_the_rtc_domain():
    Pin, _, pins = make_pins("P11", "P9")
    p = Pin("P11", Pin.OUT)
    with pytest.raises(OSError, match="RTC domain"):
        p.hold(True)
    assert p.hold() is True and not pins["P11"]._pad.frozen
    q = Pin("P9", Pin.OUT)
    q.hold(True)
    assert pins["P9"]._pad.frozen
    q.init(Pin.IN)  # a held pad ignores configuration
    assert pins["P9"]._pad.calls[-1] == ("hold", True)
    q.hold(False)
    assert pins["P9"]._pad.calls[-1][0] == "configure"  # released: the fields reach the pad


def test_every_call_costs_its_firmware_time():
    Pin, board, _ = make_pins("P11")
    p = Pin("P11", Pin.OUT)
    t = board.scheduler.now
    p(1)
    assert board.scheduler.now - t == COSTS_ESP32.pin_write
    t = board.scheduler.now
    p()
    assert board.scheduler.now - t == COSTS_ESP32.pin_read


def test_pin_init0_gives_the_pull_down_except_to_the_pins_it_skips():
    Pin, _, pins = make_pins("P1", "P11")
    pin_init0(list(pins.values()), frozenset({"P1"}))
    assert pins["P11"]._pad.calls[-1] == ("configure", OUTPUT_OFF, PULL_DOWN, True, 0, True)
    assert pins["P1"]._pad.calls[-1] == ("configure", OUTPUT_OFF, PULL_NONE, True, 0, True)


def test_argument_errors_are_micropythons():
    Pin, _, _ = make_pins("P11")
    with pytest.raises(TypeError, match="function missing 1 required positional arguments"):
        Pin()
    with pytest.raises(ValueError, match=r"invalid argument\(s\) value"):
        Pin("P11", 5)
    with pytest.raises(TypeError, match="extra positional arguments given"):
        Pin("P11", Pin.IN, None, 1)
