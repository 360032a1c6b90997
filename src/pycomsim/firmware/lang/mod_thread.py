"""The board's ``_thread`` (py/modthread.c of MicroPython 1.11, esp32/mpthreadport.c of Pycom 1.20.2).

On the board each thread is a FreeRTOS task that runs Python under the interpreter lock (GIL). Here
each thread is a task (greenlet) of its board, scheduled by the kernel like the main script: it runs on
the board's CPU clock and a thread switch happens where the board would let go of the GIL in our model,
at an API call that reaches the next pending event and at every sleep, never in the middle of a
statement. Deterministic: a new thread starts at its creator's next switch point, and tasks due at the
same time run in the order they became due.

Firmware rules reproduced (file, function):

* ``start_new_thread(function, args[, kwargs])`` (modthread.c ``mod_thread_start_new_thread``): args
  must be a tuple or list, kwargs a dict (``expecting a dict for keyword args``); returns None. A thread
  ends when its function returns; ``SystemExit`` (``_thread.exit()``, ``sys.exit()``) ends it silently;
  any other uncaught exception prints ``Unhandled exception in thread started by <function f at 0x..>``
  and the traceback (``thread_entry``) and ends only that thread.
* ``allocate_lock()`` gives a ``lock`` (``_thread.LockType``): ``acquire(waitflag=1, timeout=-1)``
  takes positional arguments only; the timeout is **ignored** (``thread_lock_acquire``: "TODO support
  timeout arg"): a blocking acquire waits until the lock is released. ``acquire(0)`` returns False at
  once when the lock is held. The mutex is not recursive: a thread that acquires a lock it holds
  waits forever. ``release()`` of an unlocked lock does nothing (no RuntimeError, "TODO check if
  already unlocked"). ``with lock:`` acquires and releases. A blocked task lets the others run.
* A release by a task that does not hold the lock: the FreeRTOS mutex of 1.20.2 checks its owner
  (``CONFIG_FREERTOS_CHECK_MUTEX_GIVEN_BY_OWNER``, turned off only in pycom-esp-idf PR 33, 2021), so
  the board may abort there; pycomsim releases the lock and warns on stderr.
* ``get_ident()`` is the address of the thread's state (``mp_thread_get_state``): an int, different
  per thread, the same within one. pycomsim's values are plausible addresses, not the board's.
* ``stack_size([size])`` returns the previous setting; with no argument it resets it to 0 (the
  default, 5 KiB in ``mp_thread_create_ex``). The size has no effect on the simulation.
* ``exit()`` raises ``SystemExit``.
* ``machine.reset()`` and ``machine.deepsleep()`` end every thread (the chip reboots); a run with no
  ``until`` ends when the main script and every thread have ended and no interrupt work is pending.

Known deviations: no thread limit or ``MemoryError: can't create thread`` (the board runs out of RAM
after some tens of threads); FreeRTOS time slicing between threads that never call the API is not
modelled (such a thread keeps the CPU until its next API call, as with the interrupt task).
"""

from __future__ import annotations

import types
from collections import deque
from typing import TYPE_CHECKING, Any

from greenlet import getcurrent, greenlet

from ... import exc

if TYPE_CHECKING:
    from ...board import Board

THREAD_UNHANDLED = "Unhandled exception in thread started by "  # modthread.c thread_entry
US = 1_000
START_COST = 300 * US  # mp_thread_create_ex: heap_caps_malloc of TCB and stack, xTaskCreate
LOCK_COST = 8 * US  # a lock method: GIL exit, xSemaphoreTake/Give, GIL enter

# Plausible ESP32 addresses (DRAM) for idents and function reprs: deterministic, not the board's.
_MAIN_IDENT = 0x3FFC4B5C  # &mp_state_ctx.thread (mp_thread_preinit)
_TASK_IDENT_BASE = 0x3FFD2F80  # a thread's state lives on its own stack
_TASK_IDENT_STEP = 0x1A40
_FUNCTION_ADDR_BASE = 0x3FFE5A10
_FUNCTION_ADDR_STEP = 0x20


class _Threads:
    """One boot's thread bookkeeping: idents, function addresses, warnings given."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.idents: dict[greenlet, int] = {}
        self.fun_addrs: dict[int, tuple[Any, int]] = {}
        self.stack_size = 0

    def ident(self, task: greenlet) -> int:
        board = self.board
        if task is board.scheduler.main or task is None:
            return _MAIN_IDENT
        ident = self.idents.get(task)
        if ident is None:
            ident = self.idents[task] = _TASK_IDENT_BASE + len(self.idents) * _TASK_IDENT_STEP
        return ident

    def fun_repr(self, fun: Any) -> str:
        """``mp_obj_print_helper(fun, PRINT_REPR)`` with an address that does not change per run."""
        if isinstance(fun, types.FunctionType):
            entry = self.fun_addrs.get(id(fun))
            if entry is None or entry[0] is not fun:
                addr = _FUNCTION_ADDR_BASE + len(self.fun_addrs) * _FUNCTION_ADDR_STEP
                entry = self.fun_addrs[id(fun)] = (fun, addr)
            name = fun.__name__
            return f"<function {name} at 0x{entry[1]:x}>"
        if isinstance(fun, types.MethodType):
            return "<bound_method>"  # no print slot without MICROPY_ERROR_REPORTING_DETAILED
        if isinstance(fun, (bool, int, float, str)):
            return repr(fun)
        return f"<{type(fun).__name__}>"


class _Lock:
    """``_thread.LockType`` (repr ``<lock>``; the type name is ``lock``)."""

    __slots__ = ("_board", "_owner", "_waiters", "_warned")

    def __init__(self, board: Board) -> None:
        self._board = board
        self._owner: greenlet | None = None  # the task holding the mutex; None: free
        self._waiters: deque[greenlet] = deque()
        self._warned = False

    def acquire(self, *args: Any, **kw: Any) -> bool:
        board = self._board
        if kw:
            raise exc.NO_KW_ERROR()  # MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN: positional only
        if len(args) > 2:
            raise exc.at_most(3, len(args) + 1)
        wait = exc.get_int(args[0]) if args else 1  # the timeout (args[1]) is ignored
        me = getcurrent()
        if self._owner is None:
            # thread_lock_acquire: GIL exit, xSemaphoreTake, GIL enter: a free mutex is taken
            # before another task can get in (the cost, and a switch, come after)
            self._owner = me
            board.scheduler.advance(LOCK_COST)
            return True
        board.scheduler.advance(LOCK_COST)
        if self._owner is None:  # released while this task was away
            self._owner = me
            return True
        if not wait:
            return False
        if not board.scheduler.in_task():
            raise exc.UsageError(
                "a held _thread lock can only be waited for by a board task, not by host code"
            )
        self._waiters.append(me)
        board.scheduler.block()
        return True  # release() handed the lock to this task before waking it

    def release(self) -> None:
        board = self._board
        board.scheduler.advance(LOCK_COST)
        owner = self._owner
        if owner is None:
            return  # thread_lock_release: no check, giving a free mutex does nothing
        me = getcurrent()
        if owner is not me and not self._warned and board.scheduler.in_task():
            self._warned = True
            board.world.warn(
                board,
                "lock released by another task",
                "a _thread lock was released by a task that does not hold it: Pycom firmware "
                "1.20.2 may abort here (FreeRTOS mutex owner check)",
            )
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.dead:
                self._owner = waiter  # handed over: it runs when the kernel reaches it
                board.scheduler.wake(waiter)  # it can go on: the run is not over
                return
        self._owner = None

    def locked(self) -> bool:
        return self._owner is not None

    def __enter__(self, *args: Any) -> bool:
        return self.acquire(*args)

    def __exit__(self, *args: Any) -> None:
        self.release()

    def __repr__(self) -> str:
        return "<lock>"


_Lock.__module__ = "builtins"  # prints as <class 'lock'> like the board's type
_Lock.__name__ = _Lock.__qualname__ = "lock"


def _report_unhandled(board: Board, state: _Threads, fun: Any) -> Any:
    """modthread.c thread_entry: an uncaught exception prints its message and ends that thread."""

    def report(error: BaseException) -> None:
        board.console_write(
            THREAD_UNHANDLED + state.fun_repr(fun) + "\n" + board.format_board_exception(error)
        )

    return report


def _call(fun: Any, args: tuple, kwargs: dict) -> None:
    if not callable(fun):
        raise TypeError(f"'{type(fun).__name__}' object isn't callable")
    fun(*args, **kwargs)


def make_thread(board: Board) -> types.ModuleType:
    """A fresh ``_thread`` for one boot of ``board``."""
    m = types.ModuleType("_thread")
    state = _Threads(board)

    def start_new_thread(*args: Any, **kw: Any) -> None:
        if kw:
            raise exc.NO_KW_ERROR()
        if len(args) < 2:
            raise exc.missing_args(2 - len(args))
        if len(args) > 3:
            raise exc.at_most(3, len(args))
        fun, pos = args[0], args[1]
        if not isinstance(pos, (tuple, list)):
            raise TypeError(f"object '{type(pos).__name__}' isn't a tuple or list")
        kwargs: dict = {}
        if len(args) == 3:
            if type(args[2]) is not dict:
                raise TypeError("expecting a dict for keyword args")
            kwargs = dict(args[2])
        board.scheduler.advance(START_COST)
        task = board.scheduler.start_thread(
            lambda: _call(fun, tuple(pos), kwargs), _report_unhandled(board, state, fun)
        )
        state.ident(task)  # idents in creation order, whoever asks first

    def allocate_lock() -> _Lock:
        return _Lock(board)

    def get_ident() -> int:
        return state.ident(getcurrent())

    def stack_size(*args: Any) -> int:
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        old = state.stack_size
        state.stack_size = exc.get_int(args[0]) if args else 0
        return old

    def exit() -> None:  # noqa: A001 - the firmware's name
        raise SystemExit

    m.__dict__.update(
        LockType=_Lock,
        get_ident=get_ident,
        stack_size=stack_size,
        start_new_thread=start_new_thread,
        exit=exit,
        allocate_lock=allocate_lock,
    )
    return m
