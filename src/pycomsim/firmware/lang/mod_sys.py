"""The board's ``sys`` (py/modsys.c v1.11 with the Pycom options), separate from the host's.

Names: argv, byteorder, exc_info, exit, implementation, maxsize, modules, path, platform,
print_exception, stderr, stdin, stdout, version, version_info. Values come from
``firmware_modules``: ``implementation`` prints ``(name='micropython', version=(1, 11, 0))``,
``platform`` is the board name (``'LoPy4'``), ``path`` is ``['', '/flash', '/flash/lib']``,
``version`` is ``'3.4.0'``. ``exc_info()`` returns ``(type, value, None)``: the board keeps no
traceback object. ``print_exception(exc, file=sys.stdout)`` prints the board's format (frames as
``File "x", line n, in f`` without source lines).

``path`` is a live list: the loader should read it when it resolves an import, because scripts
edit it (``sys.path.append('/flash/mylib')``).
"""

from __future__ import annotations

import sys as _host_sys
import types
from collections.abc import Callable
from typing import Any

from ..tracebacks import format_board_exception
from . import firmware_modules as fw
from .attrtuple import AttrTuple


def make_sys(
    board_type: str,
    *,
    modules: dict[str, types.ModuleType] | None = None,
    stdin: Any = None,
    stdout: Any = None,
    stderr: Any = None,
    format_exception: Callable[[BaseException], str] | None = None,
) -> types.ModuleType:
    """A board ``sys``. ``modules`` should be the loader's dict of the board's loaded modules.

    ``stdin``/``stdout``/``stderr`` default to the host's streams *at call time* of a print,
    so pytest's capture and the CLI's redirection keep working.
    """
    mod = types.ModuleType("sys")
    fmt = format_exception or format_board_exception

    def exit(*args: Any) -> None:  # noqa: A001 - the board's name
        raise SystemExit(*args)

    def exc_info() -> tuple:
        t, v, _ = _host_sys.exc_info()
        return (t, v, None)

    def print_exception(exc: BaseException, file: Any = None) -> None:
        target = file if file is not None else mod.stdout
        target.write(fmt(exc))

    mod.argv = []
    mod.byteorder = fw.BYTEORDER
    mod.exc_info = exc_info
    mod.exit = exit
    mod.implementation = AttrTuple(
        {"name": fw.IMPLEMENTATION_NAME, "version": fw.IMPLEMENTATION_VERSION}
    )
    mod.maxsize = fw.MAXSIZE
    mod.modules = modules if modules is not None else {}
    mod.path = list(fw.SYS_PATH)
    mod.platform = fw.PLATFORM[board_type]
    mod.print_exception = print_exception
    mod.stdin = stdin if stdin is not None else _HostStream("stdin")
    mod.stdout = stdout if stdout is not None else _HostStream("stdout")
    mod.stderr = stderr if stderr is not None else _HostStream("stderr")
    mod.version = fw.SYS_VERSION
    mod.version_info = fw.SYS_VERSION_INFO
    return mod


class _HostStream:
    """Forwards to the host's current sys.<name>, looked up on every call."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(_host_sys, self._name), attr)

    def __repr__(self) -> str:
        return f"<io.TextIOWrapper {self._name}>"
