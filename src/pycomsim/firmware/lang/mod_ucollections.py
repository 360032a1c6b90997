"""``ucollections`` as py/modcollections.c of MicroPython 1.11 with the Pycom options.

Names: ``namedtuple`` and ``deque`` (MICROPY_PY_COLLECTIONS_DEQUE is 1 in esp32/mpconfigport.h).
No ``OrderedDict`` (MICROPY_PY_COLLECTIONS_ORDEREDDICT defaults to 0), no ``defaultdict``,
``Counter``... There is no weak link: ``import collections`` fails on the board.

``deque(iterable, maxlen[, flags])`` is the board's minimal ring buffer (py/objdeque.c):
``iterable`` must be the empty tuple ``()`` (anything else is ValueError), ``maxlen`` is
required; only ``append``, ``popleft``, ``len()`` and truth exist (no iteration, indexing,
``appendleft``, ``pop``). Appending to a full deque drops the oldest item, or raises
``IndexError('full')`` when ``flags & 1``. ``popleft`` on empty raises ``IndexError('empty')``.

Deviation: ``namedtuple`` is the host's (a superset: ``_make``, ``_asdict``, defaults...), and
its field names may be given as a list or a space/comma separated string.
"""

from __future__ import annotations

import collections as _collections
import types
from typing import Any


class deque:  # noqa: N801 - the board's class name
    __slots__ = ("_items", "_maxlen", "_flags")

    def __init__(self, iterable: Any, maxlen: int, flags: int = 0) -> None:
        if type(iterable) is not tuple or iterable:
            raise ValueError()
        if isinstance(maxlen, bool) or not isinstance(maxlen, int):
            raise TypeError(f"can't convert {type(maxlen).__name__} to int")
        if maxlen < 0:
            raise ValueError()
        self._items: _collections.deque = _collections.deque()
        self._maxlen = maxlen
        self._flags = int(flags)

    def append(self, item: Any) -> None:
        if len(self._items) >= self._maxlen:
            if self._flags & 1:
                raise IndexError("full")
            if self._items:
                self._items.popleft()
            else:
                return  # maxlen 0: nothing is kept
        self._items.append(item)

    def popleft(self) -> Any:
        if not self._items:
            raise IndexError("empty")
        return self._items.popleft()

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


def namedtuple(name: str, fields: Any) -> type:
    if isinstance(fields, str):
        fields = fields.replace(",", " ").split()
    return _collections.namedtuple(name, list(fields))


def make_ucollections() -> types.ModuleType:
    mod = types.ModuleType("ucollections")
    mod.namedtuple, mod.deque = namedtuple, deque
    return mod
