"""``mp_arg_parse_all`` (py/argcheck.c, MicroPython 1.11): the firmware's argument tables and errors.

An argument table is a tuple of `Arg`: name, kind (``INT``, ``BOOL``, ``OBJ``), keyword-only, required,
default. Values are converted in table order, so the first bad one raises, as on the board.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import exc

INT, BOOL, OBJ = "int", "bool", "obj"
NULL: Any = object()  # MP_OBJ_NULL: "not given" for OBJ arguments without a default


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str = OBJ
    kw_only: bool = False
    required: bool = False
    default: Any = NULL


def parse(args: tuple, kwargs: dict[str, Any], table: tuple[Arg, ...]) -> list[Any]:
    """The converted values of `table`, in its order."""
    out: list[Any] = []
    pos_found = kws_found = 0
    for i, arg in enumerate(table):
        if i < len(args):
            if arg.kw_only:
                raise TypeError(exc.EXTRA_POS)
            pos_found += 1
            given = args[i]
        elif arg.name in kwargs:
            kws_found += 1
            given = kwargs[arg.name]
        else:
            if arg.required:
                raise TypeError(f"'{arg.name}' argument required")
            out.append(arg.default)
            continue
        if arg.kind == BOOL:
            out.append(bool(given))
        elif arg.kind == INT:
            out.append(exc.get_int(given))
        else:
            out.append(given)
    if pos_found < len(args):
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


def var_between(args: tuple, lo: int, hi: int) -> None:
    """``MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN`` checks (counts include self)."""
    n = len(args) + 1
    if n < lo:
        raise exc.missing_args(lo - n)
    if n > hi:
        raise exc.at_most(hi, n)
