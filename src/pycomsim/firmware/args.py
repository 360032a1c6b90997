"""`mp_arg_parse_all` (MicroPython 1.11 `py/argcheck.c`, MICROPY_ERROR_REPORTING_NORMAL) for the
firmware's classes and functions that take named arguments.

The allowed arguments are walked in order: the first ones may come by position (unless keyword-only),
the rest by keyword; each is converted as it is found, so the first bad one is the one reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import exc

OBJ, INT, BOOL = "obj", "int", "bool"


@dataclass(frozen=True)
class Arg:
    name: str
    default: Any = None
    kind: str = OBJ  # MP_ARG_OBJ, MP_ARG_INT (mp_obj_get_int), MP_ARG_BOOL (mp_obj_is_true)
    required: bool = False  # MP_ARG_REQUIRED
    kw_only: bool = False  # MP_ARG_KW_ONLY


def parse(args: tuple, kwargs: dict[str, Any], allowed: tuple[Arg, ...]) -> list[Any]:
    out: list[Any] = []
    kws_found = 0
    for i, arg in enumerate(allowed):
        if i < len(args):
            if arg.kw_only:
                raise TypeError(exc.EXTRA_POS)
            given = args[i]
        elif arg.name in kwargs:
            kws_found += 1
            given = kwargs[arg.name]
        elif arg.required:
            raise TypeError(f"'{arg.name}' argument required")
        else:
            out.append(arg.default)
            continue
        if arg.kind == INT:
            given = exc.get_int(given)
        elif arg.kind == BOOL:
            given = bool(given)
        out.append(given)
    if len(args) > len(allowed):
        raise TypeError(exc.EXTRA_POS)
    if kws_found < len(kwargs):
        raise TypeError(exc.EXTRA_KW)
    return out


def get_buffer(obj: Any) -> bytes:
    """``mp_get_buffer_raise(obj, MP_BUFFER_READ)``: bytes, bytearray, memoryview, array, str."""
    if isinstance(obj, str):
        return obj.encode()
    try:
        return bytes(memoryview(obj))
    except TypeError:
        raise TypeError("object with buffer protocol required") from None


def get_float(obj: object) -> float:
    """`mp_obj_get_float`: ints, bools and floats pass, anything else is a TypeError."""
    if isinstance(obj, (int, float)):
        return float(obj)
    raise TypeError(f"can't convert {type(obj).__name__} to float")


def get_str(obj: object) -> str:
    """`mp_obj_str_get_str`: a str or bytes (as text), else py/objstr.c bad_implicit_conversion."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, bytes):
        return bytes(obj).decode("utf-8", "replace")
    name = type(obj).__name__
    raise TypeError(
        f"can't convert '{name}' object to {'bytes' if name == 'str' else 'str'} implicitly"
    )
