"""SPEC.md section 1: pin names, boards, singletons; section 2: constants."""

import pytest

from pycomsim import Board
from pycomsim.core.pinmap import COMMON_PINS

MODULE_TO_GPIO_AND_EXP = {
    "P0": (3, "G2"),
    "P1": (1, "G1"),
    "P2": (0, "G23"),
    "P3": (4, "G24"),
    "P4": (15, "G11"),
    "P5": (5, "G12"),
    "P6": (27, "G13"),
    "P7": (19, "G14"),
    "P8": (2, "G15"),
    "P9": (12, "G16"),
    "P10": (13, "G17"),
    "P11": (22, "G22"),
    "P12": (21, "G28"),
    "P13": (36, "G5"),
    "P14": (37, "G4"),
    "P15": (38, "G0"),
    "P16": (39, "G3"),
    "P17": (35, "G31"),
    "P18": (34, "G30"),
    "P19": (32, "G6"),
    "P20": (33, "G7"),
    "P21": (26, "G8"),
    "P22": (25, "G9"),
    "P23": (14, "G10"),
}


@pytest.fixture
def Pin():
    return Board("lopy4").machine.Pin


def test_pin_table_matches_spec_for_every_module_pin():
    assert {p.name: (p.gpio, p.exp_name) for p in COMMON_PINS} == MODULE_TO_GPIO_AND_EXP


@pytest.mark.parametrize("name,expected", sorted(MODULE_TO_GPIO_AND_EXP.items()))
def test_module_and_expansion_names_are_the_same_pin(Pin, name, expected):
    assert Pin(name) is Pin(expected[1])
    assert Pin(name).id() == name


def test_pins_are_singletons_across_all_ways_of_naming(Pin):
    assert Pin("P10") is Pin("G17") is Pin.module.P10 is Pin.exp_board.G17


def test_pin_object_accepted_as_id(Pin):
    assert Pin(Pin.module.P9) is Pin("P9")


@pytest.mark.parametrize("bad", ["p10", "g17", "GPIO13", "P24", "G32", "", 13, 13.0, None])
def test_bad_pin_id_is_value_error(Pin, bad):
    with pytest.raises(ValueError) as info:
        Pin(bad)
    assert str(info.value) == "invalid argument(s) value"


def test_missing_id_is_type_error(Pin):
    with pytest.raises(TypeError):
        Pin()


def test_module_class_prints_as_cpu_and_exp_board_as_board(Pin):
    assert repr(Pin.module) == "<class 'cpu'>"
    assert repr(Pin.exp_board) == "<class 'board'>"


def test_missing_named_pin_attribute_is_attribute_error(Pin):
    with pytest.raises(AttributeError):
        getattr(Pin.module, "P24")  # noqa: B009 - the attribute access is the test
    with pytest.raises(AttributeError):
        getattr(Pin.exp_board, "G99")  # noqa: B009


def test_type_of_pin_prints_as_class_pin(Pin):
    assert repr(type(Pin("P9"))) == "<class 'Pin'>"
    assert str(Pin) == "<class 'Pin'>"


@pytest.mark.parametrize("board", ["wipy3", "lopy", "lopy4", "sipy", "fipy"])
def test_non_gpy_boards_have_p0_to_p23_only(board):
    Pin = Board(board).machine.Pin
    assert Pin("P23").id() == "P23"
    with pytest.raises(ValueError):
        Pin("P98")


def test_gpy_adds_p98_and_p99_with_g_names():
    Pin = Board("gpy").machine.Pin
    assert Pin("P98") is Pin("G98") is Pin.module.P98
    assert Pin("P99") is Pin("G99") is Pin.exp_board.G99


def test_unknown_board_type_is_value_error_naming_it():
    with pytest.raises(ValueError, match="'nopy'"):
        Board("nopy")


CONSTANTS = {
    "IN": 1,
    "OUT": 2,
    "OPEN_DRAIN": 7,
    "PULL_UP": 1,
    "PULL_DOWN": 2,
    "IRQ_RISING": 1,
    "IRQ_FALLING": 2,
    "IRQ_LOW_LEVEL": 4,
    "IRQ_HIGH_LEVEL": 5,
}


@pytest.mark.parametrize("name,value", sorted(CONSTANTS.items()))
def test_constants_have_exact_values(Pin, name, value):
    assert getattr(Pin, name) == value


def test_rising_or_falling_is_both_edges(Pin):
    assert Pin.IRQ_RISING | Pin.IRQ_FALLING == 3


@pytest.mark.parametrize("name", ["ALT", "LOW_POWER", "MED_POWER", "HIGH_POWER", "ALT_OPEN_DRAIN"])
def test_constants_the_firmware_comments_out_are_missing(Pin, name):
    with pytest.raises(AttributeError):
        getattr(Pin, name)


@pytest.mark.parametrize("method", ["irq", "on", "off", "drive"])
def test_methods_pycom_does_not_have_are_missing(Pin, method):
    with pytest.raises(AttributeError):
        getattr(Pin("P9"), method)
