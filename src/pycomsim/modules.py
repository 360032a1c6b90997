"""The board's own modules, built once per board: what a script gets from `import machine` and friends."""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

from .machine import make_machine
from .pycom import PycomModule
from .time import make_time

if TYPE_CHECKING:
    from .board import Board


def const(value: Any) -> Any:
    """`micropython.const`: the compiler folds it; at run time it is the identity."""
    return value


def make_micropython() -> types.ModuleType:
    m = types.ModuleType("micropython")
    m.const = const
    return m


def build_modules(board: Board) -> dict[str, types.ModuleType]:
    """Real names and the port's weak links (`machine` -> `umachine`, `time` -> `utime`)."""
    machine = make_machine(board)
    utime = make_time(board)
    return {
        "umachine": machine,
        "machine": machine,
        "utime": utime,
        "time": utime,
        "pycom": PycomModule(board),
        "micropython": make_micropython(),
    }
