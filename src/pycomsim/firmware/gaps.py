"""A name the board has and pycomsim lacks fails clearly, naming pycomsim as the limit.

`core/firmware_names.py` lists every name of the firmware's modules and main classes. When a board
module is built, `mark_gaps` compares it with that list: what the module does not provide answers
``machine.I2C is not simulated by pycomsim yet`` (AttributeError on access; ImportError from
``from machine import I2C``, see `import_error`) instead of CPython's ``unknown location``. Nothing
is listed by hand as missing: once a module provides a name, it works, and the docs table
(docs/simulated.md) says so.

A name the firmware does not have either gets the board's own messages (py/runtime.c
``mp_load_method``, ``mp_import_from``, MICROPY_ERROR_REPORTING_NORMAL).
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from typing import Any

from ..core.firmware_names import BY_OWNER, TABLES, names_on
from .lang.firmware_modules import WEAK_LINKS

# the short name scripts use for a module (the port's weak link): umachine -> machine
_SHORT = {real: alias for alias, real in WEAK_LINKS.items()}
_MARK = "__pycomsim_gaps__"  # a module's firmware names for its board, once marked


def display_name(real: str) -> str:
    """How messages name the module `real`: `machine`, `time`, `os`, `socket`; others as is."""
    return _SHORT.get(real, real)


def not_simulated(path: str) -> str:
    return f"{path} is not simulated by pycomsim yet"


class NotSimulated:
    """A class attribute the firmware has and pycomsim does not: reading it raises AttributeError
    (so `hasattr` is False, as for any missing name), with the message that names it."""

    __slots__ = ("message",)

    def __init__(self, path: str) -> None:
        self.message = not_simulated(path)

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        raise AttributeError(self.message)

    def __repr__(self) -> str:
        return f"<{self.message}>"


def provides(obj: Any, name: str) -> bool:
    """Whether pycomsim's `obj` has `name` (a gap marked by `mark_gaps` does not count)."""
    try:
        getattr(obj, name)
    except AttributeError:
        return False
    return True


def mark_gaps(module: types.ModuleType, real: str, board_type: str) -> types.ModuleType:
    """Give the board module `module` (real name `real`) the clear errors for the firmware names
    of `board_type` it lacks, at module level and on its main classes. Idempotent."""
    if _MARK in module.__dict__:
        return module
    table = BY_OWNER.get(real)
    names = frozenset(names_on(table, board_type)) if table is not None else frozenset()
    short = display_name(real)

    def __getattr__(name: str) -> Any:  # PEP 562: only for names the module does not have
        if name in names:
            raise AttributeError(not_simulated(f"{short}.{name}"))
        raise AttributeError(f"'module' object has no attribute '{name}'")  # mp_load_method

    module.__dict__[_MARK] = names
    module.__dict__["__getattr__"] = __getattr__
    for owner in TABLES:
        if owner.module == real and owner.class_path:
            _mark_class(module, owner.class_path, names_on(owner, board_type), short)
    return module


def _mark_class(
    module: types.ModuleType, path: tuple[str, ...], names: Iterable[str], short: str
) -> None:
    obj: Any = module
    for step in path:
        if not provides(obj, step):
            return  # the class itself is a gap: its names are moot
        obj = getattr(obj, step)
    if not isinstance(obj, type):
        return  # a factory function in pycomsim (usocket.socket): nothing to hang names on
    dotted = ".".join((short, *path))
    for name in names:
        if not provides(obj, name):
            setattr(obj, name, NotSimulated(f"{dotted}.{name}"))


def import_error(module: types.ModuleType, requested: str, name: str) -> ImportError:
    """`from requested import name` where `module` has no `name`: pycomsim's limit if the
    firmware has it, else the board's ``cannot import name x`` (py/runtime.c mp_import_from)."""
    if name in module.__dict__.get(_MARK, ()):
        return ImportError(not_simulated(f"{requested}.{name}"), name=requested)
    return ImportError(f"cannot import name {name}", name=requested)
