"""Tracebacks that point at the user's files, never at pycomsim's internals."""

from __future__ import annotations

import traceback
from pathlib import Path

_PACKAGE_DIR = str(Path(__file__).resolve().parent)
_HIDDEN = (_PACKAGE_DIR, "greenlet", "<frozen importlib")


def is_user_frame(filename: str) -> bool:
    return not any(part in filename for part in _HIDDEN)


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
