"""SPEC.md section 3: constructor and init (esp32/mods/machpin.c pin_make_new, pin_obj_init_helper)."""

import pytest

from pycomsim import Board

# the plugin's `board` fixture (pycomsim.testing.plugin); `Pin` comes from tests/conftest.py
pytestmark = pytest.mark.board("lopy4", expansion=False)


def test_default_mode_is_in_not_out_as_the_docs_say(Pin):
    p = Pin("P11", pull=Pin.PULL_UP)
    assert p.mode() == Pin.IN


def test_init_returns_none(Pin):
    assert Pin("P11").init(Pin.OUT) is None


def test_constructor_with_id_only_reinits_to_in_no_pull_keeping_latch(Pin):
    p = Pin("P11", Pin.OUT, Pin.PULL_UP, value=1)
    Pin("P11")
    assert p.mode() == Pin.IN
    assert p.pull() is None
    p.mode(Pin.OUT)
    assert p.value() == 1  # the latch survived


def test_value_keyword_is_written_before_the_pad_is_configured(board, Pin):
    Pin("P11", Pin.OUT, value=1)
    trace = board.world.recorder.traces["lopy4.P11"].changes()
    assert [level for _, level in trace] == [
        0,
        1,
    ]  # boot pull-down, then straight to 1: no glitch low


def test_value_keyword_uses_truthiness(Pin):
    assert Pin("P11", Pin.OUT, value=[1]).value() == 1
    assert Pin("P11", Pin.OUT, value="").value() == 0


def test_init_disables_callback_but_keeps_handler_registered():
    board = Board("lopy4", expansion=False, wires=["P11=P12"])
    Pin = board.machine.Pin
    runs = []

    def main():
        src = Pin("P11", Pin.OUT, value=0)
        p = Pin("P12", Pin.IN)
        p.callback(Pin.IRQ_RISING, lambda pin: runs.append("first"))
        p.init(Pin.IN)  # clears the trigger; the handler stays registered
        src.value(1)
        src.value(0)
        board.time.sleep_ms(1)
        assert runs == []
        p.mode(Pin.IN)  # mode() keeps the (cleared) trigger: still nothing
        src.value(1)
        src.value(0)
        board.time.sleep_ms(1)
        assert runs == []
        p.callback(Pin.IRQ_RISING, lambda pin: runs.append("second"))
        src.value(1)
        board.time.sleep_ms(1)

    board.run(main)
    assert board.error is None
    assert runs == ["second"]


def test_alt_0_to_255_accepted_and_shown_in_repr(Pin):
    p = Pin("P11", Pin.IN, alt=255)
    assert repr(p) == "Pin('P11', mode=Pin.IN, pull=None, alt=255)"
    p = Pin("P11", Pin.OUT, alt=0)
    assert repr(p) == "Pin('P11', mode=Pin.OUT, pull=None, alt=0)"


def test_alt_above_255_is_value_error(Pin):
    with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
        Pin("P11", Pin.OUT, alt=256)


def test_negative_alt_means_none(Pin):
    assert repr(Pin("P11", Pin.IN, alt=-1)).endswith("alt=-1)")


def test_alt_routes_an_output_pad_to_the_peripheral_not_the_latch(board, Pin):
    p = Pin("P11", Pin.OUT, alt=5, value=1)
    assert p.value() == 1  # the latch
    net_level = board.pad("P11").read()
    assert net_level != 1  # the latch does not reach the pad


def test_repr_shows_input_function_when_set_else_output_function(Pin):
    assert repr(Pin("P11", Pin.OPEN_DRAIN, alt=7)).endswith("alt=7)")


def test_alt_and_value_are_keyword_only(Pin):
    with pytest.raises(TypeError, match="^extra positional arguments given$"):
        Pin("P11", Pin.OUT, None, 1)


def test_mode_and_pull_may_be_positional(Pin):
    p = Pin("P11", Pin.IN, Pin.PULL_DOWN)
    assert (p.mode(), p.pull()) == (Pin.IN, Pin.PULL_DOWN)


@pytest.mark.parametrize("mode", [0, 3, 4, 5, 6, 8, -1])
def test_bad_mode_is_value_error(Pin, mode):
    with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
        Pin("P11", mode)


@pytest.mark.parametrize("pull", [0, 3, -1])
def test_bad_pull_is_value_error_and_pull_0_is_rejected(Pin, pull):
    with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
        Pin("P11", Pin.IN, pull)


@pytest.mark.parametrize("bad,type_name", [("1", "str"), (1.5, "float"), ([1], "list")])
def test_non_int_mode_is_type_error_naming_the_type(Pin, bad, type_name):
    with pytest.raises(TypeError, match=f"^can't convert {type_name} to int$"):
        Pin("P11", mode=bad)


def test_non_int_pull_and_alt_are_type_errors(Pin):
    with pytest.raises(TypeError, match="^can't convert str to int$"):
        Pin("P11", Pin.IN, "up")
    with pytest.raises(TypeError, match="^can't convert str to int$"):
        Pin("P11", Pin.IN, alt="x")


def test_unknown_keyword_is_type_error(Pin):
    with pytest.raises(TypeError, match="^extra keyword arguments given$"):
        Pin("P11", Pin.OUT, drive=1)
    with pytest.raises(TypeError, match="^extra keyword arguments given$"):
        Pin("P11").init(Pin.OUT, foo=1)


def test_too_many_positional_arguments_is_type_error(Pin):
    with pytest.raises(TypeError, match="^extra positional arguments given$"):
        Pin("P11").init(Pin.OUT, None, 1)


def test_bool_is_an_int_for_mode_and_pull(Pin):
    p = Pin("P11", True, True)  # True == 1 == IN == PULL_UP
    assert (p.mode(), p.pull()) == (Pin.IN, Pin.PULL_UP)
