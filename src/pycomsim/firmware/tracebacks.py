"""Tracebacks that point at the user's files, never at pycomsim's internals."""

from __future__ import annotations

import sysconfig
import traceback
from collections.abc import Mapping
from pathlib import Path

from .board_messages import board_message, board_type_name

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])  # the whole pycomsim package
_HIDDEN = (_PACKAGE_DIR, "greenlet", "<frozen importlib")
# the host's standard library (contextlib under a board error, ...) is never the user's code
_STDLIB = tuple({sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]})


def is_user_frame(filename: str) -> bool:
    return not any(part in filename for part in _HIDDEN) and not filename.startswith(_STDLIB)


def user_frames(error: BaseException) -> list[traceback.FrameSummary]:
    return [f for f in traceback.extract_tb(error.__traceback__) if is_user_frame(f.filename)]


def error_location(error: BaseException) -> tuple[str, int] | None:
    """(host path, line) of the user code that raised `error`: the innermost user frame, or the
    file and line of a SyntaxError (the board's compiler names them). None for no user code."""
    if isinstance(error, SyntaxError) and error.filename and error.lineno:
        return error.filename, error.lineno
    frames = user_frames(error)
    if not frames or frames[-1].lineno is None:
        return None
    return frames[-1].filename, frames[-1].lineno


def format_location_line(error: BaseException) -> str:
    """One line for stderr, in the `path:line: message` form editors and terminals jump to."""
    where = error_location(error)
    place = f"{where[0]}:{where[1]}: " if where is not None else ""
    return f"{place}{board_exception_line(error)}\n"


def format_board_exception(
    error: BaseException, board_paths: Mapping[str, str] | None = None
) -> str:
    """The traceback as MicroPython prints it on the board's console (py/obj.c mp_obj_print_exception):
    no source lines, the board's own file names (`main.py`, `/flash/lib/util.py`), pycomsim's frames
    left out, MicroPython 1.11's type names and wording (firmware/board_messages.py). A SyntaxError
    ends with its file and line and no block name, as the compiler's entry has none."""
    names = board_paths or {}
    entries = [
        f'  File "{names.get(f.filename, f.filename)}", line {f.lineno}, in {f.name}\n'
        for f in user_frames(error)
    ]
    if isinstance(error, SyntaxError) and error.filename and error.lineno:
        entries.append(
            f'  File "{names.get(error.filename, error.filename)}", line {error.lineno}\n'
        )
    head = ["Traceback (most recent call last):\n"] if entries else []
    return "".join(head + entries) + board_exception_line(error) + "\n"


def board_exception_line(error: BaseException) -> str:
    """The last line of the board's traceback, without its newline: `Name: message` (the colon stays
    when there is no message, py/objexcept.c mp_obj_exception_print). An exception class of the
    script's own that defines `__repr__` prints just that (py/objtype.c instance_print looks up
    `__repr__`, not `__str__`, for this)."""
    cls = type(error)
    for klass in cls.__mro__:
        if klass.__module__ == "builtins":
            break
        if "__repr__" in vars(klass):
            return repr(error)
    if isinstance(error, SyntaxError) and error.msg is not None:
        return f"{board_type_name(error)}: {error.msg}"
    return f"{board_type_name(error)}: {board_message(error)}"
