"""The board's ``uselect`` / ``select`` (Pycom's own ``esp32/mods/moduselect.c``, firmware 1.20.2).

Names as in the firmware's module table: ``poll``, ``select``, ``POLLIN`` (1), ``POLLOUT`` (4),
``POLLERR`` (8), ``POLLHUP`` (16). There is no ``ipoll`` in this port.

What can be polled: on the board, objects with a stream ``ioctl`` (sockets, UART, files, ``uio``
streams). pycomsim simulates none of the objects that are ever *ready* (no sockets, no UART), so:

* registering an object without a stream ioctl (a ``Pin``, an int, ...) raises what the board raises,
  ``TypeError('object with stream.ioctl required')`` (``poll_map_add``);
* files opened on the virtual ``/flash`` and ``uio`` streams register, and polling them raises
  ``OSError: [Errno 22] EINVAL``, as their ``ioctl`` answers ``MP_STREAM_POLL`` on the board
  (``vfs_fat_file.c file_obj_ioctl``, ``objstringio.c stringio_ioctl``);
* so ``poll.poll(timeout)`` and ``select.select(r, w, x, timeout)`` always time out: they return
  ``[]`` / ``([], [], [])`` after the timeout has passed **on the board's clock**, like a sleep: the
  firmware loops ``mp_hal_delay_ms(1)`` until ``ticks_ms() - start >= timeout``, letting interrupt
  handlers and other threads run. No timeout (``None``, a negative value, or none given) waits
  forever, as on the board: the task never resumes (a run without ``until`` then ends when nothing
  else is left to do).

Other firmware rules: ``poll.poll(timeout_ms[, flags])`` (timeout in ms), ``select.select(..., timeout_s)``
(seconds, float, truncated to ms); ``unregister`` of an unknown object does nothing; ``modify`` of one
raises ``OSError(ENOENT)``; ``register`` twice replaces the event mask.
"""

from __future__ import annotations

import io
import types
from typing import TYPE_CHECKING, Any

from ... import exc
from .mod_uerrno import ERRNO, oserror

if TYPE_CHECKING:
    from ...board import Board

POLLIN, POLLOUT, POLLERR, POLLHUP = 0x0001, 0x0004, 0x0008, 0x0010  # py/ioctl.h MP_IOCTL_POLL_*
MS = 1_000_000
ITERATION_COST = 15_000  # one poll_map_poll pass and the loop around mp_hal_delay_ms(1), in ns
NO_STREAM = "object with stream.ioctl required"


def _check_stream(obj: Any) -> None:
    """``poll_map_add``: the object's type must have a stream protocol with an ioctl."""
    if not isinstance(obj, io.IOBase) and not hasattr(obj, "_poll"):
        raise TypeError(NO_STREAM)


def _poll_ready(objects: list[Any], masks: list[int] | None = None) -> list[tuple[Any, int]]:
    """``poll_map_poll``: sockets (firmware/network) answer MP_STREAM_POLL with what is ready;
    the file streams pycomsim has refuse POLL (EINVAL)."""
    ready = []
    for i, obj in enumerate(objects):
        if hasattr(obj, "_poll"):
            flags = obj._poll(masks[i] if masks else POLLIN | POLLOUT)
            if flags:
                ready.append((obj, flags))
        elif obj is not None:
            raise oserror(ERRNO["EINVAL"])
    return ready


def _wait_sockets(board: Board, timeout_ms: int, check: Any) -> Any:
    """The firmware's poll loop with sockets in it: look, then ``mp_hal_delay_ms(1)``, until
    something is ready or the timeout has passed (board clock)."""
    start_tick = board.scheduler.now // MS
    while True:
        found = check()
        if found:
            return found
        if timeout_ms >= 0 and board.scheduler.now // MS - start_tick >= timeout_ms:
            return found
        board.scheduler.advance(ITERATION_COST)
        board.scheduler.sleep(MS)


def _get_array(obj: Any) -> list[Any]:
    """``mp_obj_get_array``: a tuple or a list."""
    if not isinstance(obj, (tuple, list)):
        raise TypeError(f"object '{type(obj).__name__}' isn't a tuple or list")
    return list(obj)


def _wait(board: Board, timeout_ms: int) -> None:
    """The firmware's poll loop, in one step: sleep (GIL released) until the loop would end."""
    if timeout_ms < 0:  # mp_uint_t -1: forever
        if board.scheduler.current is None:
            raise exc.UsageError("a poll without a timeout can only wait in a board task")
        board.scheduler.block()
        return
    start = board.scheduler.now
    start_tick = start // MS
    if timeout_ms == 0:  # the first pass already times out
        board.scheduler.advance(ITERATION_COST)
        return
    # iteration k ends at start + k * step; the loop stops once ticks_ms() - start_tick >= timeout
    step = MS + ITERATION_COST
    goal = (start_tick + timeout_ms) * MS
    k = -(-(goal - start) // step)
    board.scheduler.advance(ITERATION_COST)
    board.scheduler.sleep(max(0, start + k * step - board.scheduler.now))


class _Poll:
    """The ``poll`` object (repr ``<poll>``)."""

    def __init__(self, board: Board) -> None:
        self._board = board
        self._map: dict[int, tuple[Any, int]] = {}  # id(obj) -> (obj, eventmask): mp_obj_id keys

    def register(self, *args: Any) -> None:
        if not args:
            raise exc.missing_args(1)
        if len(args) > 2:
            raise exc.at_most(3, len(args) + 1)
        obj = args[0]
        flags = exc.get_int(args[1]) if len(args) == 2 else POLLIN | POLLOUT
        if id(obj) not in self._map:
            _check_stream(obj)
        self._map[id(obj)] = (obj, flags)

    def unregister(self, obj: Any) -> None:
        self._map.pop(id(obj), None)  # "TODO raise KeyError if obj didn't exist in map"

    def modify(self, obj: Any, eventmask: Any) -> None:
        if id(obj) not in self._map:
            raise oserror(ERRNO["ENOENT"])
        self._map[id(obj)] = (obj, exc.get_int(eventmask))

    def poll(self, *args: Any) -> list[tuple[Any, int]]:
        if len(args) > 2:
            raise exc.at_most(3, len(args) + 1)
        timeout = -1
        if args and args[0] is not None:
            timeout = exc.get_int(args[0])
            if timeout < 0:
                timeout = -1
        if len(args) == 2:
            exc.get_int(args[1])
        objects = [obj for obj, _ in self._map.values()]
        masks = [mask | POLLERR | POLLHUP for _, mask in self._map.values()]
        ready = _poll_ready(objects, masks)
        if ready:
            return ready
        if any(hasattr(obj, "_poll") for obj in objects):
            return _wait_sockets(self._board, timeout, lambda: _poll_ready(objects, masks))
        _wait(self._board, timeout)
        return []

    def __repr__(self) -> str:
        return "<poll>"


_Poll.__module__ = "builtins"  # prints as <class 'poll'> like the board's type
_Poll.__name__ = _Poll.__qualname__ = "poll"


def make_uselect(board: Board) -> types.ModuleType:
    """A fresh ``uselect`` for one boot of ``board``."""
    m = types.ModuleType("uselect")

    def poll() -> _Poll:
        return _Poll(board)

    def select(*args: Any) -> tuple[list, list, list]:
        if len(args) < 3:
            raise exc.missing_args(3 - len(args))
        if len(args) > 4:
            raise exc.at_most(4, len(args))
        lists = [_get_array(a) for a in args[:3]]
        timeout = -1
        if len(args) == 4 and args[3] is not None:
            seconds = args[3]
            if not isinstance(seconds, (int, float)):
                raise TypeError(f"can't convert {type(seconds).__name__} to float")
            if seconds >= 0:
                timeout = int(seconds * 1000)
        objects = {id(o): o for group in lists for o in group}
        for obj in objects.values():
            _check_stream(obj)

        def check() -> tuple[list, list, list] | None:
            r = [o for o in lists[0] if hasattr(o, "_poll") and o._poll(POLLIN)]
            w = [o for o in lists[1] if hasattr(o, "_poll") and o._poll(POLLOUT)]
            return (r, w, []) if r or w else None

        _poll_ready([o for o in objects.values() if not hasattr(o, "_poll")])
        if any(hasattr(o, "_poll") for o in objects.values()):
            return _wait_sockets(board, timeout, check) or ([], [], [])
        _wait(board, timeout)
        return ([], [], [])

    m.__dict__.update(
        select=select,
        poll=poll,
        POLLIN=POLLIN,
        POLLOUT=POLLOUT,
        POLLERR=POLLERR,
        POLLHUP=POLLHUP,
    )
    return m
