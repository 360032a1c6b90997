"""``uio`` (py/modio.c) and ``ure`` (extmod/modure.c, re1.5 engine) of MicroPython 1.11.

uio names: ``open``, ``IOBase``, ``FileIO``, ``TextIOWrapper``, ``StringIO``, ``BytesIO``
(MICROPY_PY_IO_FILEIO is 1 in esp32/mpconfigport.h; BufferedWriter and resource_stream are off
by default). There is no weak link: ``import io`` fails on the board. ``open`` is the board's
(VFS) open, passed in by the caller. Deviation: the classes are the host's (supersets).

ure names: ``compile``, ``match``, ``search``. ``sub`` (MICROPY_PY_URE_SUB), match ``groups``/
``span``/``start``/``end`` (MICROPY_PY_URE_MATCH_*) and ``DEBUG`` are off by default in v1.11 and
not enabled by the port. Compiled regexes have ``match``, ``search``, ``split``; match objects
have only ``group``. The pattern syntax is re1.5's, translated to CPython's:
``.`` matches any character (newline too), ``^``/``$`` match only at the very start/end,
``\\d \\D \\s \\S \\w \\W`` are classes, any other escaped character is that character
(so ``\\b`` is a literal ``b``), ``{`` and ``}`` are ordinary characters, a backslash inside
``[...]`` quotes the next character, and ``(?`` is ``ValueError('Error in regex')``.
Splitting with a pattern that has groups raises NotImplementedError as on the board.
Deviation: the board matches UTF-8 bytes, so ``.`` consumes one byte of a non-ASCII character.
"""

from __future__ import annotations

import io as _io
import re as _re
import types
from collections.abc import Callable
from typing import Any

_CLASS_ESCAPES = frozenset("dDsSwW")


def make_uio(open_fn: Callable[..., Any]) -> types.ModuleType:
    mod = types.ModuleType("uio")
    mod.open = open_fn
    mod.IOBase = _io.IOBase
    mod.FileIO = _io.FileIO
    mod.TextIOWrapper = _io.TextIOWrapper
    mod.StringIO = _io.StringIO
    mod.BytesIO = _io.BytesIO
    return mod


def translate(pattern: str) -> str:
    """A re1.5 (ure 1.11) pattern rewritten as the CPython pattern that matches the same."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise ValueError("Error in regex")
            nxt = pattern[i + 1]
            out.append("\\" + nxt if nxt in _CLASS_ESCAPES else _re.escape(nxt))
            i += 2
        elif c == "[":
            i, cls = _translate_class(pattern, i + 1)
            out.append(cls)
        elif c == "(" and pattern.startswith("(?", i):
            raise ValueError("Error in regex")
        elif c in "{}":
            out.append("\\" + c)
            i += 1
        elif c == "^":
            out.append(r"\A")
            i += 1
        elif c == "$":
            out.append(r"\Z")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _translate_class(pattern: str, i: int) -> tuple[int, str]:
    parts = ["["]
    if pattern[i : i + 1] == "^":
        parts.append("^")
        i += 1
    while True:
        if i >= len(pattern):
            raise ValueError("Error in regex")
        c = pattern[i]
        if c == "]":
            break
        if c == "\\":
            i += 1
            if i >= len(pattern):
                raise ValueError("Error in regex")
            c = pattern[i]
        lo = c
        if pattern[i + 1 : i + 2] == "-" and pattern[i + 2 : i + 3] not in ("]", ""):
            hi = pattern[i + 2]
            parts.append(_re.escape(lo) + "-" + _re.escape(hi))
            i += 3
        else:
            parts.append(_re.escape(lo))
            i += 1
    body = "".join(parts)
    # An empty board class ("[]" or "[^]") matches nothing / anything.
    if body == "[":
        return i + 1, "(?!)"
    if body == "[^":
        return i + 1, "(?s:.)"
    return i + 1, body + "]"


class _Match:
    __slots__ = ("_m",)

    def __init__(self, m: _re.Match) -> None:
        self._m = m

    def group(self, index: int) -> Any:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"can't convert {type(index).__name__} to int")
        if not 0 <= index <= self._m.re.groups:
            raise IndexError(index)
        return self._m.group(index)

    def __repr__(self) -> str:
        return f"<match num={self._m.re.groups + 1}>"


class _Regex:
    __slots__ = ("_re",)

    def __init__(self, pattern: str) -> None:
        try:
            self._re = _re.compile(translate(pattern), _re.DOTALL)
        except _re.error:
            raise ValueError("Error in regex") from None

    def match(self, string: Any) -> _Match | None:
        m = self._re.match(string)
        return _Match(m) if m else None

    def search(self, string: Any) -> _Match | None:
        m = self._re.search(string)
        return _Match(m) if m else None

    def split(self, string: Any, max_split: int = -1) -> list:
        if self._re.groups:
            raise NotImplementedError("Splitting with sub-captures")
        return self._re.split(string, maxsplit=0 if max_split < 0 else max_split)

    def __repr__(self) -> str:
        return f"<re {id(self):#x}>"


def _as_regex(regex: Any) -> _Regex:
    return regex if isinstance(regex, _Regex) else _Regex(regex)


def make_ure() -> types.ModuleType:
    mod = types.ModuleType("ure")

    def compile(regex: str, flags: int = 0) -> _Regex:  # noqa: A001 - the board's name
        return _Regex(regex)

    def match(regex: Any, string: Any) -> _Match | None:
        return _as_regex(regex).match(string)

    def search(regex: Any, string: Any) -> _Match | None:
        return _as_regex(regex).search(string)

    mod.compile, mod.match, mod.search = compile, match, search
    return mod
