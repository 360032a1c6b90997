"""What the board prints for an exception: MicroPython 1.11's type name and wording, where CPython's differ.

A script runs on CPython, so its errors carry CPython's words; the board would print MicroPython's. This is
the table between the two, read from MicroPython v1.11's `py/` at the error-reporting level the Pycom port
uses: esp32/mpconfigport.h sets `MICROPY_ERROR_REPORTING_NORMAL` (messages with names and types, but
`function takes ...` instead of `f() takes ...`). `MICROPY_PY_ALL_SPECIAL_METHODS` is on (so `*`, `/`,
`%`, ... have their `__mul__`-style names) and `MICROPY_PY_ALL_INPLACE_SPECIAL_METHODS` is off (only `+=`
and `-=` have a name: `py/objtype.c` mp_binary_op_method_name leaves the others empty).

Each entry names the C function that raises the message; tests/test_board_messages.py runs a script per
entry. A message not in the table keeps CPython's text (most simulator and firmware messages are already
the board's own).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable

# CPython exception types MicroPython 1.11 does not have, and the type the board raises instead
TYPE_NAMES = {
    "UnboundLocalError": "NameError",  # py/vm.c: NameError('local variable referenced before assignment')
    "RecursionError": "RuntimeError",  # py/runtime.c mp_raise_recursion_depth
    "ModuleNotFoundError": "ImportError",  # py/builtinimport.c
}

# mp_obj_get_type_str() where CPython's type name differs
_TYPE_STR = {
    "builtin_function_or_method": "function",
    "method": "bound_method",
    "dict_keys": "dict_view",
    "dict_values": "dict_view",
    "dict_items": "dict_view",
}

# py/objtype.c mp_binary_op_method_name, keyed by CPython's operator symbol
_BINARY = {
    "+": "__add__",
    "-": "__sub__",
    "*": "__mul__",
    "/": "__truediv__",
    "//": "__floordiv__",
    "%": "__mod__",
    "** or pow()": "__pow__",
    "divmod()": "__divmod__",
    "|": "__or__",
    "^": "__xor__",
    "&": "__and__",
    "<<": "__lshift__",
    ">>": "__rshift__",
    "+=": "__iadd__",
    "-=": "__isub__",
    "<": "__lt__",
    ">": "__gt__",
    "<=": "__le__",
    ">=": "__ge__",
}
_UNARY = {"-": "__neg__", "+": "__pos__", "~": "__invert__", "abs()": "__abs__"}


def _type(name: str) -> str:
    return _TYPE_STR.get(name, name)


def _binary(op: str, lhs: str, rhs: str) -> str:
    """py/runtime.c mp_binary_op `unsupported_op`; a str on the left fails first in py/objstr.c
    mp_obj_str_binary_op (bad_implicit_conversion) unless the operator is `*` or `%`."""
    if lhs == "str" and rhs != "str" and op not in ("*", "%"):
        return f"can't convert '{_type(rhs)}' object to str implicitly"
    name = _BINARY.get(op, "")  # in-place operators other than += and -= have no name on the board
    return f"unsupported types for {name}: '{_type(lhs)}', '{_type(rhs)}'"


def _missing_positional(match: re.Match[str], error: BaseException) -> str | None:
    """py/bc.c mp_setup_code_state: a call without keywords that gives too few positional arguments
    raises fun_pos_args_mismatch with the number of required ones. CPython names the missing ones
    instead, so the counts come from the function itself, found by its name where the call failed."""
    function = _find_function(match.group(1), error)
    if function is None:
        return None
    code = function.__code__
    required = code.co_argcount - len(function.__defaults__ or ())
    given = required - int(match.group(2))
    return f"function takes {required} positional arguments but {given} were given"


def _find_function(qualname: str, error: BaseException) -> types.FunctionType | None:
    tb = error.__traceback__
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    frame = tb.tb_frame
    head, *rest = qualname.split(".")
    obj = frame.f_locals.get(head, frame.f_globals.get(head))
    for part in rest:
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, types.FunctionType) else None


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], BaseException], str | None]]

# (CPython's message, the board's) per exception type; the source of each board message in the comment
RULES: dict[str, list[Rule]] = {
    "NameError": [
        # py/runtime.c mp_load_global / mp_load_name
        (re.compile(r"name '(.+)' is not defined"), lambda m, e: f"name '{m[1]}' isn't defined"),
    ],
    "UnboundLocalError": [
        # py/vm.c MP_BC_LOAD_FAST_N (local_name_error)
        (
            re.compile(r"(cannot access local variable|local variable) .*"),
            lambda m, e: "local variable referenced before assignment",
        ),
    ],
    "RecursionError": [
        # py/runtime.c mp_raise_recursion_depth
        (
            re.compile(r"maximum recursion depth exceeded.*"),
            lambda m, e: "maximum recursion depth exceeded",
        ),
    ],
    "AttributeError": [
        # py/runtime.c mp_load_method: modules are objects of type 'module'
        (
            re.compile(r"(?:partially initialized )?module '[^']+' has no attribute '([^']+)'.*"),
            lambda m, e: f"'module' object has no attribute '{m[1]}'",
        ),
    ],
    "ZeroDivisionError": [
        # py/runtime.c mp_binary_op (zero_division), py/objfloat.c, py/objint_mpz.c
        (re.compile(r".*"), lambda m, e: "divide by zero"),
    ],
    "TypeError": [
        # py/runtime.c mp_call_function_n_kw
        (
            re.compile(r"'(.+)' object is not callable"),
            lambda m, e: f"'{_type(m[1])}' object isn't callable",
        ),
        # py/runtime.c mp_getiter (also for unpacking and `in`)
        (
            re.compile(r"'(.+)' object is not iterable"),
            lambda m, e: f"'{_type(m[1])}' object isn't iterable",
        ),
        (
            re.compile(r"cannot unpack non-iterable (.+) object"),
            lambda m, e: f"'{_type(m[1])}' object isn't iterable",
        ),
        (
            re.compile(r"argument of type '(.+)' is not iterable"),
            lambda m, e: f"'{_type(m[1])}' object isn't iterable",
        ),
        # py/runtime.c mp_iternext_allow_raise
        (
            re.compile(r"'(.+)' object is not an iterator"),
            lambda m, e: f"'{_type(m[1])}' object isn't an iterator",
        ),
        # py/runtime.c mp_binary_op / py/objstr.c bad_implicit_conversion
        (
            re.compile(r"unsupported operand type\(s\) for (.+): '(.+)' and '(.+)'"),
            lambda m, e: _binary(m[1], m[2], m[3]),
        ),
        (
            re.compile(r"'(.+)' not supported between instances of '(.+)' and '(.+)'"),
            lambda m, e: _binary(m[1], m[2], m[3]),
        ),
        (
            re.compile(r'can only concatenate (\w+) \(not "(.+)"\) to \w+'),
            lambda m, e: _binary("+", m[1], m[2]),
        ),
        (re.compile(r"can't concat (.+) to (\w+)"), lambda m, e: _binary("+", m[2], m[1])),
        # py/runtime.c mp_unary_op
        (
            re.compile(r"bad operand type for unary (.+): '(.+)'"),
            lambda m, e: f"unsupported type for {_UNARY.get(m[1], '')}: '{_type(m[2])}'",
        ),
        (
            re.compile(r"bad operand type for (abs\(\)): '(.+)'"),
            lambda m, e: f"unsupported type for __abs__: '{_type(m[2])}'",
        ),
        (
            re.compile(r"unhashable type: '(.+)'"),
            lambda m, e: f"unsupported type for __hash__: '{_type(m[1])}'",
        ),
        # py/runtime.c mp_unary_op (MP_UNARY_OP_INT)
        (
            re.compile(r"int\(\) argument must be .*, not '(.+)'"),
            lambda m, e: f"can't convert {_type(m[1])} to int",
        ),
        # py/obj.c mp_get_index
        (
            re.compile(r"(\w+) indices must be integers(?: or slices)?, not (.+)"),
            lambda m, e: f"{m[1]} indices must be integers, not {_type(m[2])}",
        ),
        # py/obj.c mp_obj_subscr
        (
            re.compile(r"'(.+)' object is not subscriptable"),
            lambda m, e: f"'{_type(m[1])}' object isn't subscriptable",
        ),
        (
            re.compile(r"'(.+)' object does not support item assignment"),
            lambda m, e: f"'{_type(m[1])}' object doesn't support item assignment",
        ),
        (
            re.compile(r"'(.+)' object doesn't support item deletion"),
            lambda m, e: f"'{_type(m[1])}' object doesn't support item deletion",
        ),
        # py/bc.c fun_pos_args_mismatch, mp_setup_code_state
        (
            re.compile(
                r"\S+\(\) takes (?:from \d+ to )?(\d+) positional arguments? but (\d+) (?:were|was) given"
            ),
            lambda m, e: f"function takes {m[1]} positional arguments but {m[2]} were given",
        ),
        (
            re.compile(r"\S+\(\) takes no arguments \((\d+) given\)"),
            lambda m, e: f"function takes 0 positional arguments but {m[1]} were given",
        ),
        (
            re.compile(r"(\S+)\(\) missing (\d+) required positional arguments?: .*"),
            _missing_positional,
        ),
        (
            re.compile(r"\S+\(\) got an unexpected keyword argument '(.+)'"),
            lambda m, e: f"unexpected keyword argument '{m[1]}'",
        ),
        (
            re.compile(r"\S+\(\) got multiple values for argument '(.+)'"),
            lambda m, e: f"function got multiple values for argument '{m[1]}'",
        ),
        # py/argcheck.c mp_arg_check_num_sig: built-in functions (len is FUN_OBJ_1, divmod FUN_OBJ_2,
        # round VAR_BETWEEN 1..2, range 1..3; sorted and min take keywords: 1 or more positional)
        (
            re.compile(r"\w+\(\) takes exactly one argument \((\d+) given\)"),
            lambda m, e: f"function takes 1 positional arguments but {m[1]} were given",
        ),
        (
            re.compile(r"sorted expected 1 argument, got (\d+)"),
            lambda m, e: f"function missing {1 - int(m[1])} required positional arguments",
        ),
        (
            re.compile(r"\w+ expected (\d+) arguments?, got (\d+)"),
            lambda m, e: f"function takes {m[1]} positional arguments but {m[2]} were given",
        ),
        (
            re.compile(r"\w+ expected at least (\d+) arguments?, got (\d+)"),
            lambda m, e: f"function missing {int(m[1]) - int(m[2])} required positional arguments",
        ),
        (
            re.compile(r"\w+ expected at most (\d+) arguments?, got (\d+)"),
            lambda m, e: f"function expected at most {m[1]} arguments, got {m[2]}",
        ),
        (
            re.compile(r"\w+\(\) takes at most (\d+) arguments? \((\d+) given\)"),
            lambda m, e: f"function expected at most {m[1]} arguments, got {m[2]}",
        ),
        (
            re.compile(r"\w+\(\) takes no keyword arguments"),
            lambda m, e: "function doesn't take keyword arguments",
        ),
        (
            re.compile(r"\S+\(\) missing \d+ required keyword-only arguments?: '([^']+)'.*"),
            lambda m, e: f"function missing required keyword argument '{m[1]}'",
        ),
    ],
    "ValueError": [
        # py/runtime.c mp_unpack_sequence
        (
            re.compile(r"not enough values to unpack \(expected \d+, got (\d+)\)"),
            lambda m, e: f"need more than {m[1]} values to unpack",
        ),
        # py/parsenum.c mp_parse_num_integer, mp_parse_num_decimal
        (
            re.compile(r"invalid literal for int\(\) with base (\d+): .*"),
            lambda m, e: f"invalid syntax for integer with base {m[1]}",
        ),
        (
            re.compile(r"could not convert string to float: .*"),
            lambda m, e: "invalid syntax for number",
        ),
        # py/sequence.c mp_seq_index_obj (list.index, list.remove, tuple.index)
        (
            re.compile(
                r"(list\.remove\(x\): x not in list|tuple\.index\(x\): x not in tuple|.+ is not in list)"
            ),
            lambda m, e: "object not in sequence",
        ),
    ],
}


def board_type_name(error: BaseException) -> str:
    """The exception's type name as the board prints it (a user class keeps its own name)."""
    cls = type(error)
    if cls.__module__ != "builtins":
        return cls.__name__
    if isinstance(error, OSError):
        return "OSError"  # CPython picks FileNotFoundError & co. by errno; the board has one type
    return TYPE_NAMES.get(cls.__name__, cls.__name__)


def board_message(error: BaseException) -> str:
    """What follows `Name: ` on the board (py/objexcept.c mp_obj_exception_print): nothing for no
    arguments, the one argument printed with str() (so `KeyError: k`, without quotes), else the tuple;
    an OSError with one known errno as `[Errno 2] ENOENT`; CPython's wording mapped to the board's."""
    from .lang.mod_uerrno import ERRORCODE  # lang imports this module's user (tracebacks)

    args = error.args
    code = args[0] if len(args) == 1 else getattr(error, "errno", None)  # OSError(2) or (2, text)
    if isinstance(error, OSError) and type(code) is int:
        name = ERRORCODE.get(code)
        return f"[Errno {code}] {name}" if name else str(code)
    if not args:
        return ""
    text = str(args[0]) if len(args) == 1 else str(args)
    if type(error).__module__ != "builtins":
        return text
    for cls in type(error).__mro__:
        for pattern, board in RULES.get(cls.__name__, ()):
            match = pattern.fullmatch(text)
            if match is not None:
                mapped = board(match, error)
                if mapped is not None:
                    return mapped
    return text
