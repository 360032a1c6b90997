"""Build the board modules pycomsim.firmware.lang provides, one fresh set per board.

``LangContext`` holds what several modules of one board share (its virtual flash, heap model,
random generator, serial output); ``build_module(real_name, ctx)`` returns a new
``types.ModuleType`` for every firmware module whose provider is ``'lang'`` in
``firmware_modules.BUILTIN_MODULES``. Modules provided by the core (umachine, utime, pycom,
builtins, __main__) are not built here.
"""

from __future__ import annotations

import random
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..tracebacks import format_board_exception
from .firmware_modules import BUILTIN_MODULES, WEAK_LINKS, flash_fs_bytes
from .mod_gc import HeapModel, make_gc, make_heap, make_micropython
from .mod_host import make_array, make_cmath, make_math
from .mod_sys import make_sys
from .mod_thread import make_thread
from .mod_ubinascii import make_ubinascii
from .mod_ucollections import make_ucollections
from .mod_uerrno import make_uerrno
from .mod_uio_ure import make_uio, make_ure
from .mod_ujson import make_ujson
from .mod_uos import make_uos
from .mod_uselect import make_uselect
from .mod_ustruct import make_ustruct
from .vflash import FlashLayer, VirtualFlash


@dataclass
class LangContext:
    board_type: str
    flash_root: Path
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    write: Callable[[str], Any] | None = None  # the board's serial output; None: host stdout
    modules: dict[str, types.ModuleType] = field(default_factory=dict)  # the board's sys.modules
    schedule: Callable[[Any, Any], None] | None = None  # only if the core wants to offer one
    # host file -> the board's name for it (main.py, /flash/lib/x.py), for board tracebacks
    board_paths: dict[str, str] = field(default_factory=dict)
    board: Any = None  # the Board: its clock and tasks (_thread, uselect)
    layer: FlashLayer | None = None  # where writes to /flash go (the board's, kept across resets)
    flash: VirtualFlash = field(init=False)
    heap: HeapModel = field(init=False)

    def __post_init__(self) -> None:
        self.flash = VirtualFlash(self.flash_root, self.layer, size=flash_fs_bytes(self.board_type))
        self.heap = make_heap(self.board_type)

    def open(self, *args: Any, **kwargs: Any) -> Any:
        """The board's builtin ``open`` (through the VFS)."""
        return self.flash.open(*args, **kwargs)


class ConsoleStream:
    """``sys.stdout`` of a board whose serial output is ``write``: ``sys.stdout.write('x')`` and
    ``sys.print_exception(e)`` print on the board's console like ``print`` does."""

    def __init__(self, write: Callable[[str], Any]) -> None:
        self._write = write

    def write(self, text: Any) -> int:
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        text = str(text)
        self._write(text)
        return len(text)

    def flush(self) -> None:
        return None

    def __repr__(self) -> str:
        return "<io.TextIOWrapper 1>"


FACTORIES: dict[str, Callable[[LangContext], types.ModuleType]] = {
    "micropython": lambda c: make_micropython(
        c.board_type, c.heap, write=c.write, schedule=c.schedule
    ),
    "array": lambda c: make_array(),
    "uio": lambda c: make_uio(c.open),
    "ucollections": lambda c: make_ucollections(),
    "ustruct": lambda c: make_ustruct(),
    "math": lambda c: make_math(),
    "cmath": lambda c: make_cmath(),
    "sys": lambda c: make_sys(
        c.board_type,
        modules=c.modules,
        stdout=None if c.write is None else ConsoleStream(c.write),
        format_exception=lambda error: format_board_exception(error, c.board_paths),
    ),
    "gc": lambda c: make_gc(c.heap),
    "uerrno": lambda c: make_uerrno(),
    "ujson": lambda c: make_ujson(),
    "ure": lambda c: make_ure(),
    "ubinascii": lambda c: make_ubinascii(),
    "uos": lambda c: make_uos(
        c.flash_root,
        c.board_type,
        rng=c.rng,
        flash=c.flash,
        on_dupterm=getattr(getattr(c.board, "console_router", None), "dupterm", None),
    ),
    "_thread": lambda c: make_thread(c.board),
    "uselect": lambda c: make_uselect(c.board),
}


def build_module(name: str, ctx: LangContext) -> types.ModuleType:
    """A new board module for ``name`` (real name or weak link); KeyError if not provided here."""
    real = WEAK_LINKS.get(name, name)
    info = BUILTIN_MODULES.get(real)
    if info is None or info.provider != "lang":
        raise KeyError(name)
    return FACTORIES[real](ctx)
