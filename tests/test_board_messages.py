"""An uncaught exception's last line as the board prints it: MicroPython 1.11's type names and wording
(MICROPY_ERROR_REPORTING_NORMAL, esp32/mpconfigport.h), one script per entry of the table in
firmware/board_messages.py; the comment on each case names the C function that words it."""

import pytest

from pycomsim import Board

CASES = [
    # py/runtime.c mp_load_global
    ("x = y + 1", "NameError: name 'y' isn't defined"),
    # py/vm.c local_name_error: MicroPython has no UnboundLocalError
    (
        "def f():\n    v += 1\n    v = 0\nf()",
        "NameError: local variable referenced before assignment",
    ),
    # py/runtime.c mp_load_method: a module is a 'module' object
    (
        "import pycom\npycom.nvs_getx('k')",
        "AttributeError: 'module' object has no attribute 'nvs_getx'",
    ),
    # py/runtime.c mp_load_method: the same words as CPython for objects and types
    (
        "from machine import Pin\nPin('P9').irq()",
        "AttributeError: 'Pin' object has no attribute 'irq'",
    ),
    # py/runtime.c mp_binary_op zero_division, py/objfloat.c
    ("1 // 0", "ZeroDivisionError: divide by zero"),
    ("1.5 / 0", "ZeroDivisionError: divide by zero"),
    ("7 % 0", "ZeroDivisionError: divide by zero"),
    # py/runtime.c mp_call_function_n_kw
    ("n = 5\nn()", "TypeError: 'int' object isn't callable"),
    # py/runtime.c mp_getiter, also for unpacking and `in`
    ("for i in 5:\n    pass", "TypeError: 'int' object isn't iterable"),
    ("a, b = 5", "TypeError: 'int' object isn't iterable"),
    ("1 in 5", "TypeError: 'int' object isn't iterable"),
    # py/runtime.c mp_iternext_allow_raise
    ("next([1])", "TypeError: 'list' object isn't an iterator"),
    # py/runtime.c mp_binary_op unsupported_op, py/objtype.c mp_binary_op_method_name
    ("1 + 'a'", "TypeError: unsupported types for __add__: 'int', 'str'"),
    ("1 < 'a'", "TypeError: unsupported types for __lt__: 'int', 'str'"),
    ("2 ** 'a'", "TypeError: unsupported types for __pow__: 'int', 'str'"),
    ("[] + 1", "TypeError: unsupported types for __add__: 'list', 'int'"),
    ("n = 1\nn -= None", "TypeError: unsupported types for __isub__: 'int', 'NoneType'"),
    # MICROPY_PY_ALL_INPLACE_SPECIAL_METHODS is off: no name for *=
    ("n = 1\nn *= None", "TypeError: unsupported types for : 'int', 'NoneType'"),
    # py/objstr.c bad_implicit_conversion: a str on the left
    ("'a' + 1", "TypeError: can't convert 'int' object to str implicitly"),
    ("'a' < 1", "TypeError: can't convert 'int' object to str implicitly"),
    # py/runtime.c mp_unary_op
    ("-'a'", "TypeError: unsupported type for __neg__: 'str'"),
    ("{[1]: 2}", "TypeError: unsupported type for __hash__: 'list'"),
    ("int(None)", "TypeError: can't convert NoneType to int"),
    # py/obj.c mp_get_index, mp_obj_subscr
    ("x = [1]\nx['a']", "TypeError: list indices must be integers, not str"),
    ("n = None\nn[0]", "TypeError: 'NoneType' object isn't subscriptable"),
    ("t = (1,)\nt[0] = 2", "TypeError: 'tuple' object doesn't support item assignment"),
    # py/obj.c: the same words as CPython
    ("len(5)", "TypeError: object of type 'int' has no len()"),
    ("[1][5]", "IndexError: list index out of range"),
    # py/bc.c fun_pos_args_mismatch (NORMAL: 'function', not the function's name)
    (
        "def f(a):\n    pass\nf(1, 2)",
        "TypeError: function takes 1 positional arguments but 2 were given",
    ),
    (
        "def f(a, b=1):\n    pass\nf(1, 2, 3)",
        "TypeError: function takes 2 positional arguments but 3 were given",
    ),
    (
        "def f(a, b):\n    pass\nf(1)",
        "TypeError: function takes 2 positional arguments but 1 were given",
    ),
    (
        "class C:\n    def m(self, x):\n        pass\nC().m()",
        "TypeError: function takes 2 positional arguments but 1 were given",
    ),
    # py/bc.c mp_setup_code_state keyword checks
    ("def f(a):\n    pass\nf(1, b=2)", "TypeError: unexpected keyword argument 'b'"),
    ("def f(a):\n    pass\nf(1, a=2)", "TypeError: function got multiple values for argument 'a'"),
    (
        "def f(a, *, k):\n    pass\nf(1, z=2)",
        "TypeError: unexpected keyword argument 'z'",
    ),
    # py/argcheck.c mp_arg_check_num_sig: built-in functions
    ("len(1, 2)", "TypeError: function takes 1 positional arguments but 2 were given"),
    ("divmod(1)", "TypeError: function takes 2 positional arguments but 1 were given"),
    ("range()", "TypeError: function missing 1 required positional arguments"),
    ("sorted()", "TypeError: function missing 1 required positional arguments"),
    ("range(1, 2, 3, 4)", "TypeError: function expected at most 3 arguments, got 4"),
    ("round(1, 2, 3)", "TypeError: function expected at most 2 arguments, got 3"),
    ("len(x=1)", "TypeError: function doesn't take keyword arguments"),
    # py/runtime.c mp_unpack_sequence
    ("a, b, c = 1, 2", "ValueError: need more than 2 values to unpack"),
    ("a, b = 1, 2, 3", "ValueError: too many values to unpack (expected 2)"),
    # py/parsenum.c
    ("int('abc')", "ValueError: invalid syntax for integer with base 10"),
    ("float('x')", "ValueError: invalid syntax for number"),
    # py/sequence.c mp_seq_index_obj
    ("[].remove(1)", "ValueError: object not in sequence"),
    ("[1].index(3)", "ValueError: object not in sequence"),
    ("(1,).index(2)", "ValueError: object not in sequence"),
    # py/objexcept.c mp_obj_exception_print: one argument printed with str(), none as nothing
    ("{}['k']", "KeyError: k"),
    ("raise ValueError", "ValueError: "),
    ("assert 1 == 2", "AssertionError: "),
    ("raise ValueError(1, 'two')", "ValueError: (1, 'two')"),
    ("raise OSError(2)", "OSError: [Errno 2] ENOENT"),
    ("raise OSError(20)", "OSError: 20"),  # ENOTDIR is not in MICROPY_PY_UERRNO_LIST
    ("import os\nos.stat('nothere')", "OSError: [Errno 2] ENOENT"),  # the VFS raises it
    ("open('nothere.txt')", "OSError: [Errno 2] ENOENT"),
    # py/runtime.c mp_raise_recursion_depth: MicroPython has no RecursionError
    ("def f():\n    f()\nf()", "RuntimeError: maximum recursion depth exceeded"),
    # py/objtype.c instance_print: a class of the script's own keeps its name; __repr__, not __str__
    ("class E(Exception):\n    pass\nraise E('bad')", "E: bad"),
    ("class E(Exception):\n    def __str__(self):\n        return 'S'\nraise E('bad')", "E: bad"),
    ("class E(Exception):\n    def __repr__(self):\n        return 'R!'\nraise E('bad')", "R!"),
]


@pytest.mark.parametrize("source, last_line", CASES, ids=[c[1] for c in CASES])
def test_uncaught_exception_last_line_is_the_boards(tmp_path, source, last_line):
    (tmp_path / "main.py").write_text(source + "\n")
    board = Board("lopy4")
    board.run(tmp_path / "main.py")
    assert board.error is not None
    lines = board.output.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == last_line
