"""``gc`` (py/modgc.c) and ``micropython`` (py/modmicropython.c) of MicroPython 1.11 on Pycom.

gc: collect, enable, disable, isenabled, mem_free, mem_alloc, threshold. ``collect()`` returns
None (MICROPY_PY_GC_COLLECT_RETVAL is 0); ``threshold()`` is -1 until set.

micropython: const, opt_level, mem_info, qstr_info, stack_use, alloc_emergency_exception_buf,
heap_lock, heap_unlock, kbd_intr (MICROPY_ENABLE_COMPILER, MICROPY_PY_MICROPYTHON_MEM_INFO,
MICROPY_STACK_CHECK, MICROPY_ENABLE_EMERGENCY_EXCEPTION_BUF with size 0, MICROPY_ENABLE_GC,
MICROPY_KBD_EXCEPTION are all on in esp32/mpconfigport.h). **No** ``schedule``: it needs
MICROPY_ENABLE_SCHEDULER, 0 by default in v1.11 and not set by the port; ``make_micropython``
adds one only if the caller passes it.

Deviations: the heap is a model, not the host's memory. Its size is the board's
(``firmware_modules.gc_heap_bytes``); ``mem_alloc()`` is a fixed boot-time figure plus whatever
``note_alloc`` adds, so ``mem_free()`` does not move as the script allocates. ``heap_lock`` does
not make allocations fail; ``stack_use`` and the mem_info block counts are fixed figures.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .firmware_modules import gc_heap_bytes, stack_limit_bytes

BOOT_ALLOC_BYTES = 6400  # heap in use when main.py starts (a typical figure, not measured)
STACK_USE_BYTES = 736  # what a shallow script reports


@dataclass
class HeapModel:
    total: int
    alloc: int = BOOT_ALLOC_BYTES
    enabled: bool = True
    threshold: int = -1
    locked: int = 0

    def note_alloc(self, nbytes: int) -> None:
        self.alloc = min(self.total, max(0, self.alloc + nbytes))


def make_heap(board_type: str) -> HeapModel:
    return HeapModel(total=gc_heap_bytes(board_type))


def make_gc(heap: HeapModel) -> types.ModuleType:
    mod = types.ModuleType("gc")

    def collect() -> None:
        return None

    def enable() -> None:
        heap.enabled = True

    def disable() -> None:
        heap.enabled = False

    def isenabled() -> bool:
        return heap.enabled

    def mem_free() -> int:
        return heap.total - heap.alloc

    def mem_alloc() -> int:
        return heap.alloc

    def threshold(*args: Any) -> Any:
        if not args:
            return heap.threshold
        amount = _as_int(args[0])
        heap.threshold = -1 if amount < 0 else amount
        return None

    for f in (collect, enable, disable, isenabled, mem_free, mem_alloc, threshold):
        setattr(mod, f.__name__, f)
    return mod


def _as_int(x: Any) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        raise TypeError(f"can't convert {type(x).__name__} to int")
    return x


def make_micropython(
    board_type: str,
    heap: HeapModel,
    *,
    write: Callable[[str], Any] | None = None,
    schedule: Callable[[Any, Any], None] | None = None,
) -> types.ModuleType:
    """``write`` prints to the board's serial output (defaults to the current sys.stdout)."""
    mod = types.ModuleType("micropython")
    state = {"opt_level": 0, "kbd_intr": 3}

    def out(text: str) -> None:
        (write or sys.stdout.write)(text)

    def const(x: Any) -> Any:
        return x

    def opt_level(*args: Any) -> Any:
        if not args:
            return state["opt_level"]
        state["opt_level"] = _as_int(args[0])
        return None

    def mem_info(*args: Any) -> None:
        free = heap.total - heap.alloc
        out(f"stack: {STACK_USE_BYTES} out of {stack_limit_bytes(board_type)}\n")
        out(f"GC: total: {heap.total}, used: {heap.alloc}, free: {free}\n")
        out(f" No. of 1-blocks: 44, 2-blocks: 13, max blk sz: 40, max free sz: {free // 16}\n")

    def qstr_info(*args: Any) -> None:
        out("qstr pool: n_pool=1, n_qstr=32, n_str_data_bytes=291, n_total_bytes=1539\n")

    def stack_use() -> int:
        return STACK_USE_BYTES

    def alloc_emergency_exception_buf(size: int) -> None:
        _as_int(size)

    def heap_lock() -> None:
        heap.locked += 1

    def heap_unlock() -> None:
        heap.locked = max(0, heap.locked - 1)

    def kbd_intr(chr: int, *args: Any) -> None:  # noqa: A002 - the board's parameter name
        state["kbd_intr"] = _as_int(chr)

    for f in (
        const,
        opt_level,
        mem_info,
        qstr_info,
        stack_use,
        alloc_emergency_exception_buf,
        heap_lock,
        heap_unlock,
        kbd_intr,
    ):
        setattr(mod, f.__name__, f)
    if schedule is not None:
        mod.schedule = schedule
    return mod
