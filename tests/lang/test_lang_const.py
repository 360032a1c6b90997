"""Issue 9 item 4: `X = const(n)` anywhere in a module is usable as a bare name module-wide."""

from pycomsim.firmware.lang.const import find_consts


def test_module_level_const_without_import():
    assert find_consts("LED = const(9)\nprint(LED)\n") == {"LED": 9}


def test_const_in_a_class_body_is_found():
    source = "class Sensor:\n    ADDR = const(0x48)\n    def read(self):\n        return ADDR\n"
    assert find_consts(source) == {"ADDR": 0x48}


def test_const_inside_a_function_is_found():
    assert find_consts("def f():\n    _N = const(3)\n    return _N\n") == {"_N": 3}


def test_later_consts_fold_earlier_ones():
    source = "A = const(1)\nB = const(A << 4 | 2)\nC = const(-B)\n"
    assert find_consts(source) == {"A": 1, "B": 18, "C": -18}


def test_non_integer_or_non_const_assignments_are_ignored():
    source = (
        "A = const(1.5)\n"  # not an int: a board SyntaxError, reported by the mpy-cross check
        "B = const('x')\n"
        "C = 3\n"
        "D = micropython.const(4)\n"  # the parser folds only a bare `const(...)`
        "E, F = const(1), 2\n"
        "G = const(2**40)\n"  # not a small int on a 32-bit board
        "H = const(UNKNOWN)\n"
    )
    assert find_consts(source) == {}


def test_imported_const_is_found_too():
    assert find_consts("from micropython import const\nX = const(5)\n") == {"X": 5}


def test_source_that_cpython_cannot_parse_gives_no_consts():
    assert find_consts(b"X = const(1)\ny = f'{X\n") == {}
