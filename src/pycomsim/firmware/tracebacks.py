"""Tracebacks that point at the user's files, never at pycomsim's internals."""

from __future__ import annotations

import sysconfig
import traceback
from collections.abc import Mapping
from pathlib import Path

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])  # the whole pycomsim package
_HIDDEN = (_PACKAGE_DIR, "greenlet", "<frozen importlib")
# the host's standard library (contextlib under a board error, ...) is never the user's code
_STDLIB = tuple({sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]})


def is_user_frame(filename: str) -> bool:
    return not any(part in filename for part in _HIDDEN) and not filename.startswith(_STDLIB)


def format_user_exception(error: BaseException) -> str:
    """CPython's traceback format with pycomsim's own frames left out."""
    tb = traceback.TracebackException.from_exception(error)
    _strip(tb)
    return "".join(tb.format())


def _strip(tb: traceback.TracebackException) -> None:
    tb.stack = traceback.StackSummary.from_list([f for f in tb.stack if is_user_frame(f.filename)])
    if tb.__cause__ is not None:
        _strip(tb.__cause__)
    if tb.__context__ is not None:
        _strip(tb.__context__)


def format_board_exception(
    error: BaseException, board_paths: Mapping[str, str] | None = None
) -> str:
    """The traceback as MicroPython prints it on the board's console: no source lines, the board's
    own file names (`main.py`, `/flash/lib/util.py`), pycomsim's frames left out."""
    names = board_paths or {}
    frames = [f for f in traceback.extract_tb(error.__traceback__) if is_user_frame(f.filename)]
    lines = []
    if frames:
        lines.append("Traceback (most recent call last):\n")
        lines += [
            f'  File "{names.get(f.filename, f.filename)}", line {f.lineno}, in {f.name}\n'
            for f in frames
        ]
    text = _board_message(error)
    name = type(error).__name__
    if isinstance(error, OSError) and type(error).__module__ == "builtins":
        name = "OSError"  # CPython picks FileNotFoundError & co. by errno; the board has one type
    # py/objexcept.c mp_obj_exception_print (PRINT_EXC): the name, ': ', then the arguments,
    # so an exception without arguments prints as 'KeyboardInterrupt: '
    lines.append(f"{name}: {text}\n")
    return "".join(lines)


def _board_message(error: BaseException) -> str:
    """MicroPython's wording where it differs from CPython's for the commonest errors
    (py/runtime.c, py/objint.c); anything else keeps CPython's text."""
    text = str(error)
    if isinstance(error, ZeroDivisionError):
        return "divide by zero"
    if isinstance(error, NameError) and text.endswith(" is not defined"):
        return text.replace(" is not defined", " isn't defined")
    return text
