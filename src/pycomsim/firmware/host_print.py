"""`print` in host code that a board runs (`board.run(some_function)`) goes to that board's console.

A board script gets the board's own `print` through its builtins (firmware/loader.py). A host function
keeps the host's builtins, so `print` there would reach the host's stdout and miss `board.output`. Once a
board runs a host function, the host's `builtins.print` is wrapped: a call without `file=` made from one
of that board's tasks (its main task, its interrupt task, its `_thread` tasks) is written to the board's
console, as the script's own prints are; every other call is the host's `print`, unchanged.
"""

from __future__ import annotations

import builtins
import weakref
from typing import TYPE_CHECKING, Any

from greenlet import getcurrent

if TYPE_CHECKING:
    from ..board import Board

_host_print = builtins.print
_boards: weakref.WeakSet[Board] = weakref.WeakSet()  # boards that run a host function


def _running_board() -> Board | None:
    task = getcurrent()
    for board in _boards:
        cpu = board.scheduler
        if task is cpu.main or task is cpu.interrupt_task or task in cpu.threads:
            return board
    return None


def _print(
    *args: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None, flush: bool = False
) -> None:
    board = _running_board() if file is None and _boards else None
    if board is None:
        _host_print(*args, sep=sep, end=end, file=file, flush=flush)
        return
    sep = " " if sep is None else sep
    end = "\n" if end is None else end
    board.console_write(sep.join(str(a) for a in args) + end)


def print_to_board(board: Board) -> None:
    """From now on, `print` in host code run by `board`'s tasks goes to its console."""
    _boards.add(board)
    if builtins.print is not _print:
        builtins.print = _print
