"""Argument helpers for the network classes, on top of `firmware.args` (``mp_arg_parse_all``).

`Arg` here defaults OBJ arguments to `NULL` (``MP_OBJ_NULL``: "not given"), which the network
tables test for; buffers and fixed argument counts have the firmware's checks too.
"""

from __future__ import annotations

from typing import Any

from ... import exc
from ..args import BOOL, INT, OBJ, get_buffer, parse
from ..args import Arg as _Arg

__all__ = ["BOOL", "INT", "NULL", "OBJ", "Arg", "get_buffer", "parse", "timeout_ms", "var_between"]

NULL: Any = object()  # MP_OBJ_NULL: "not given" for OBJ arguments without a default


def Arg(  # noqa: N802 - reads like the firmware's table rows
    name: str,
    kind: str = OBJ,
    *,
    kw_only: bool = False,
    required: bool = False,
    default: Any = NULL,
) -> _Arg:
    return _Arg(name, default, kind, required, kw_only)


def var_between(args: tuple, lo: int, hi: int) -> None:
    """``MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN`` checks (counts include self)."""
    n = len(args) + 1
    if n < lo:
        raise exc.missing_args(lo - n)
    if n > hi:
        raise exc.at_most(hi, n)


def timeout_ms(value: Any) -> int:
    """socket_settimeout: None blocks (-1), else ``1000 * mp_obj_get_float(value)`` truncated."""
    if value is None:
        return -1
    if not isinstance(value, (int, float)):
        raise TypeError(f"can't convert {type(value).__name__} to float")
    return int(1000 * float(value))
