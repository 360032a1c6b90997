"""The board's own modules that the core provides, built once per board: machine, time, pycom.

Every other firmware module a script imports (uos, ujson, sys, micropython, ...) is built per boot
by pycomsim.firmware.lang (see loader.BoardImporter.builtin_module and lang/firmware_modules.py).
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

from .gaps import mark_gaps
from .machine import make_machine
from .pycom import PycomModule
from .time import make_time

if TYPE_CHECKING:
    from ..board import Board


def const(value: Any) -> Any:
    """`micropython.const` as a builtin: the compiler folds it; at run time it is the identity."""
    return value


def build_modules(board: Board) -> dict[str, types.ModuleType]:
    """Real names and the port's weak links (`machine` -> `umachine`, `time` -> `utime`), for host
    code (`board.machine`, `board.time`, `board.pycom`) and the loader."""
    machine = make_machine(board)
    utime = make_time(board)
    pycom = PycomModule(board)
    for real, module in (("umachine", machine), ("utime", utime), ("pycom", pycom)):
        mark_gaps(module, real, board.type)  # firmware names it lacks fail clearly (gaps.py)
    return {
        "umachine": machine,
        "machine": machine,
        "utime": utime,
        "time": utime,
        "pycom": pycom,
    }
