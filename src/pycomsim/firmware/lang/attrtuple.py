"""MicroPython's attrtuple: a tuple with named fields that prints like ``(name='x', version=...)``.

``os.uname()``, ``sys.implementation`` and ``micropython.get_kbd_intr()`` return one on the board
(py/objattrtuple.c). A namedtuple would print its class name first, which scripts that print
``os.uname()`` would notice.
"""

from __future__ import annotations

from typing import Any


class AttrTuple(tuple):
    _fields: tuple[str, ...] = ()

    def __new__(cls, fields: dict[str, Any]) -> AttrTuple:
        self = super().__new__(cls, tuple(fields.values()))
        self._fields = tuple(fields)
        return self

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._fields.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return "(" + ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self, strict=True)) + ")"

    __str__ = __repr__
