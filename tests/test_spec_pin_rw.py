"""SPEC.md section 4: reading and writing (esp32/mods/machpin.c pin_value, pin_call, pin_toggle, ...)."""

import pytest

from pycomsim import Board

# the plugin's `board` fixture (pycomsim.testing.plugin); `Pin` comes from tests/conftest.py
pytestmark = pytest.mark.board("lopy4", expansion=False)


def test_value_returns_int_0_or_1(Pin):
    p = Pin("P11", Pin.OUT, value=True)
    assert p.value() == 1 and type(p.value()) is int
    p.value(0)
    assert p.value() == 0 and type(p.value()) is int


def test_out_mode_value_reads_the_latch_not_the_pad():
    board = Board("lopy4", expansion=False, wires=["P11=P12"])
    Pin = board.machine.Pin
    Pin("P12", Pin.OUT, value=0)  # a second push-pull driver pulls the shared net low
    p = Pin("P11", Pin.OUT, value=1)
    assert p.value() == 1  # latch, whatever the contended pad does


def test_in_mode_value_reads_the_pad_level(Pin):
    p = Pin("P11", Pin.IN, Pin.PULL_UP)
    assert p.value() == 1
    p.pull(Pin.PULL_DOWN)
    assert p.value() == 0


def test_open_drain_value_reads_the_pad_level(Pin):
    p = Pin("P11", Pin.OPEN_DRAIN, Pin.PULL_UP, value=1)
    assert p.value() == 1  # released, the pull-up holds it high
    p.value(0)
    assert p.value() == 0


def test_value_writes_the_latch_in_any_mode_but_reaches_the_pad_only_when_output(Pin):
    p = Pin("P11", Pin.IN, Pin.PULL_DOWN)
    assert p.value(1) is None
    assert p.value() == 0  # IN reads the pad: the latch did not reach it
    p.mode(Pin.OUT)
    assert p.value() == 1  # the latch was written while in IN mode


def test_value_uses_truthiness(Pin):
    p = Pin("P11", Pin.OUT)
    p.value("x")
    assert p.value() == 1
    p.value([])
    assert p.value() == 0


def test_call_is_value(Pin):
    p = Pin("P11", Pin.OUT)
    assert p(1) is None
    assert p() == 1
    p(0)
    assert p.value() == 0


def test_call_takes_at_most_one_positional_and_no_keywords(Pin):
    p = Pin("P11", Pin.OUT)
    with pytest.raises(TypeError):
        p(1, 2)
    with pytest.raises(TypeError):
        p(value=1)


def test_value_takes_no_keywords_and_at_most_one_argument(Pin):
    p = Pin("P11", Pin.OUT)
    with pytest.raises(TypeError):
        p.value(1, 2)
    with pytest.raises(TypeError):
        p.value(x=1)


def test_toggle_inverts_the_latch(Pin):
    p = Pin("P11", Pin.OUT, value=0)
    assert p.toggle() is None
    assert p() == 1
    p.toggle()
    assert p() == 0


def test_toggle_in_input_mode_inverts_the_latch_only(Pin):
    p = Pin("P11", Pin.IN, Pin.PULL_DOWN, value=0)
    p.toggle()
    assert p() == 0  # pad
    p.mode(Pin.OUT)
    assert p() == 1  # latch


def test_mode_get_and_set(Pin):
    p = Pin("P11")
    assert p.mode() == Pin.IN
    assert p.mode(Pin.OPEN_DRAIN) is None
    assert p.mode() == Pin.OPEN_DRAIN


def test_pull_get_and_set_including_none(Pin):
    p = Pin("P11", Pin.IN, Pin.PULL_UP)
    assert p.pull() == Pin.PULL_UP
    assert p.pull(None) is None
    assert p.pull() is None


def test_mode_and_pull_validate_like_init(Pin):
    p = Pin("P11")
    with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
        p.mode(3)
    with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
        p.pull(0)
    with pytest.raises(TypeError, match="^can't convert str to int$"):
        p.mode("OUT")


def test_mode_pull_up_is_accepted_silently_because_it_equals_in(Pin):
    p = Pin("P11", Pin.OUT)
    p.mode(Pin.PULL_UP)
    assert p.mode() == Pin.IN


def test_mode_and_pull_keep_the_callback():
    board = Board("lopy4", expansion=False, wires=["P11=P12"])
    Pin = board.machine.Pin
    runs = []

    def main():
        src = Pin("P11", Pin.OUT, value=0)
        p = Pin("P12", Pin.IN)
        p.callback(Pin.IRQ_RISING, lambda pin: runs.append(pin))
        p.mode(Pin.IN)
        p.pull(Pin.PULL_DOWN)
        src(1)
        board.time.sleep_ms(1)

    board.run(main)
    assert runs == [Pin("P12")]


def test_id_returns_module_name_even_when_made_from_g_name(Pin):
    assert Pin("G17").id() == "P10"


def test_id_takes_no_argument(Pin):
    with pytest.raises(TypeError):
        Pin("P10").id("x")


@pytest.mark.parametrize(
    "args,kwargs,expected",
    [
        (("P10", 1, 1), {}, "Pin('P10', mode=Pin.IN, pull=Pin.PULL_UP, alt=-1)"),
        (("P10", 2), {}, "Pin('P10', mode=Pin.OUT, pull=None, alt=-1)"),
        (("P10", 7, 2), {}, "Pin('P10', mode=Pin.OPEN_DRAIN, pull=Pin.PULL_DOWN, alt=-1)"),
    ],
)
def test_repr_format(Pin, args, kwargs, expected):
    assert repr(Pin(*args, **kwargs)) == expected


@pytest.mark.parametrize("name", ["P13", "P14", "P15", "P16", "P17", "P18"])
def test_input_only_pin_out_mode_not_applied_to_pad_but_reported(board, Pin, name):
    p = Pin(name, Pin.OUT, value=1)  # no exception
    assert p.mode() == Pin.OUT
    assert repr(p).startswith(f"Pin('{name}', mode=Pin.OUT")
    assert p.value() == 1  # the latch
    assert board.pad(name).read() != 1  # the pad stayed an input: nothing drives it


def test_input_only_pin_skips_pull_and_trigger_changes_in_an_output_call(board, Pin):
    p = Pin("P13", Pin.IN, Pin.PULL_UP)
    p.init(Pin.OPEN_DRAIN, Pin.PULL_DOWN)
    assert p.pull() == Pin.PULL_DOWN  # stored and shown
    assert board.pin("P13")._pad_pull == Pin.PULL_UP  # the pad kept its previous configuration


def test_input_only_pins_have_no_internal_pulls(board, Pin):
    p = Pin("P13", Pin.IN, Pin.PULL_UP)
    assert p.pull() == Pin.PULL_UP
    assert board.pad("P13").read() == 2  # floating: the stored pull has no electrical effect


def test_pull_up_and_down_reach_an_ordinary_pad(Pin):
    p = Pin("P11", Pin.IN, Pin.PULL_UP)
    assert p() == 1
    p.pull(Pin.PULL_DOWN)
    assert p() == 0
