"""``ujson`` (weak link ``json``) as extmod/modujson.c of MicroPython 1.11 behaves.

The board serialises by printing objects in "JSON mode" (py/obj.c PRINT_JSON), not with an
encoder, which CPython's ``json`` does not reproduce:

* separators are ``", "`` and ``": "`` (as CPython's default);
* str is written raw (UTF-8, no ``\\uXXXX`` for non-ASCII), escaping only ``"``, ``\\``, ``\\n``,
  ``\\r``, ``\\t`` and other control characters as ``\\u00XX`` (py/objstr.c mp_str_print_json);
* dict keys are printed as they are: ``{1: 2}`` gives ``{1: 2}``, not ``{"1": 2}``;
* tuples print as lists; anything else prints its repr (``b'ab'``, ``<object>``): no TypeError;
* floats are the board's single-precision ``%g``-style with 7 digits, ``inf``/``nan`` literally.

``loads`` accepts str or bytes, returns ints for integral numbers, rejects ``NaN``/``Infinity``
and raises ``ValueError('syntax error in JSON')`` for any malformed input.

Deviations: dict iteration order is the host's insertion order; on the board it is the hash-table
order, so ``dumps`` of a dict with several keys may order them differently. Float values are
parsed/held as host doubles (the board keeps float32).
"""

from __future__ import annotations

import json as _json
import math
import struct
import types
from typing import Any

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def format_float(x: float) -> str:
    """A float as the board prints it: float32, 7 significant digits, ``.0`` if integral."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    try:
        x = struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return "inf" if x > 0 else "-inf"
    s = f"{x:.7g}"
    if "." not in s and "e" not in s and "n" not in s:
        s += ".0"
    return s


def _str_json(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 32:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dumps(obj: Any) -> str:
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, str):
        return _str_json(obj)
    if isinstance(obj, int):
        return int.__repr__(obj)
    if isinstance(obj, float):
        return format_float(obj)
    if isinstance(obj, (list, tuple)):
        return "[" + ", ".join(dumps(v) for v in obj) + "]"
    if isinstance(obj, dict):
        return "{" + ", ".join(f"{dumps(k)}: {dumps(v)}" for k, v in obj.items()) + "}"
    return repr(obj)


def dump(obj: Any, stream: Any) -> None:
    stream.write(dumps(obj))


def _reject_constant(name: str) -> Any:
    raise ValueError("syntax error in JSON")


def loads(s: str | bytes | bytearray) -> Any:
    if isinstance(s, (bytes, bytearray, memoryview)):
        s = bytes(s).decode("utf-8")
    if not isinstance(s, str):
        raise TypeError(f"object with buffer protocol required, got {type(s).__name__}")
    try:
        return _json.loads(s, parse_constant=_reject_constant)
    except ValueError:
        raise ValueError("syntax error in JSON") from None


def load(stream: Any) -> Any:
    return loads(stream.read())


def make_ujson() -> types.ModuleType:
    """A fresh ``ujson`` module with exactly the board's names: dump, dumps, load, loads."""
    mod = types.ModuleType("ujson")
    mod.dump, mod.dumps, mod.load, mod.loads = dump, dumps, load, loads
    return mod
