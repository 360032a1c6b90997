"""The served board's run: the world advanced in step with the wall clock, input fed in as it comes.

The simulator is single-threaded (its tasks are greenlets of one thread). Transports run on threads
of their own and only hand bytes in (``put``) or functions to run between two slices (``submit``);
output leaves through ``broadcast`` on the simulator's thread, to every connected client.

Each slice ends with a fence event just after it, so a task that never sleeps parks there and input
is seen within a slice. A script that runs pure Python without calling the board's API never
reaches a fence; a Ctrl-C that the board has not taken within ``KBD_GRACE_S`` is then raised in the
simulator's thread directly (``PyThreadState_SetAsyncExc``), where that script is running.
"""

from __future__ import annotations

import ctypes
import queue
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from ..web.pacing import Pacer

if TYPE_CHECKING:
    from ..sim.world import World
    from .console import SerialConsole

FRAME_S = 0.02  # the longest the loop waits for input before it advances the clock again
SLICE_NS = 20_000_000  # virtual time per slice at most (adapted to how costly the script is)
MIN_SLICE_NS, MAX_SLICE_NS = 100_000, 60 * 1_000_000_000
KBD_GRACE_S = 0.5
OUTPUT_KEPT = 1000  # prints kept in board.output while serving (a long session prints a lot)
CTRL_C = 3


def _noop(_: object) -> None:
    """The slice fence: an event that only makes running tasks park."""


class Sink:
    """Something that receives the board's serial output: a pty, a socket client."""

    def write(self, data: bytes) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ServeLoop:
    def __init__(
        self,
        world: World,
        console: SerialConsole,
        *,
        speed: float = 1.0,
        until_ns: int | None = None,
        stderr: Any = None,
    ) -> None:
        self.world = world
        self.kernel = world.kernel
        self.console = console
        self.pacer = Pacer(speed)
        self.until = None if until_ns is None else self.kernel.now + until_ns
        self.sinks: list[Sink] = []
        self._sinks_lock = threading.Lock()
        self._inbox: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._calls: queue.SimpleQueue[tuple[Callable[[], Any], Future]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._slice_ns = SLICE_NS
        self._thread_id = threading.get_ident()
        self._kbd_at: float | None = None
        self.status = "running"
        self._stderr = stderr

    # ---- any thread ----
    def put(self, data: bytes) -> None:
        """Bytes a client sent to the board's serial line."""
        if not data:
            return
        self._inbox.put(bytes(data))
        if CTRL_C in data and self.console.interrupt_char == CTRL_C and self._kbd_at is None:
            self._kbd_at = time.monotonic()
        self._wake.set()

    def submit(self, fn: Callable[[], Any]) -> Future:
        """Run `fn` on the simulator's thread between two slices (the FTP server's file work)."""
        future: Future = Future()
        self._calls.put((fn, future))
        self._wake.set()
        return future

    def add_sink(self, sink: Sink) -> None:
        with self._sinks_lock:
            self.sinks.append(sink)

    def remove_sink(self, sink: Sink) -> None:
        with self._sinks_lock:
            if sink in self.sinks:
                self.sinks.remove(sink)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def watch_interrupts(self) -> None:
        """A Ctrl-C the board did not take in time (a loop without API calls): raise it anyway."""
        while not self._stop.wait(0.1):
            at = self._kbd_at
            if at is not None and time.monotonic() - at > KBD_GRACE_S:
                self._kbd_at = None
                if self.console.interrupt_char == CTRL_C:
                    self.console.interrupt_char = -1
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(self._thread_id), ctypes.py_object(KeyboardInterrupt)
                    )

    # ---- the simulator's thread ----
    def broadcast(self, data: bytes) -> None:
        with self._sinks_lock:
            sinks = list(self.sinks)
        for sink in sinks:
            sink.write(data)

    def run(self) -> None:
        """Serve until `stop()`, --until or Ctrl-C (KeyboardInterrupt out of here)."""
        self._thread_id = threading.get_ident()
        watchdog = threading.Thread(target=self.watch_interrupts, daemon=True, name="kbd-watch")
        watchdog.start()
        self.pacer.rebase(self.kernel.now)
        try:
            while not self._stop.is_set():
                self._take_input()
                target = self.pacer.target(self.kernel.now)
                if self.until is not None:
                    target = min(target, self.until)
                self._advance_towards(target)
                if self.until is not None and self.kernel.now >= self.until:
                    self.status = "reached --until"
                    return
                self._wake.wait(FRAME_S)
                self._wake.clear()
        finally:
            self._stop.set()
            watchdog.join(timeout=1)

    def _take_input(self) -> None:
        while True:
            try:
                fn, future = self._calls.get_nowait()
            except queue.Empty:
                break
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except BaseException as error:  # handed to the caller, which answers its client
                    future.set_exception(error)
        chunks = []
        while True:
            try:
                chunks.append(self._inbox.get_nowait())
            except queue.Empty:
                break
        if chunks:
            self._kbd_at = None
            self.console.feed(b"".join(chunks))
            self._run_to(self.kernel.now)  # the REPL answers at once

    def _advance_towards(self, target: int) -> None:
        kernel = self.kernel
        started = time.monotonic()
        if target <= kernel.now:
            self._run_to(kernel.now)
        while kernel.now < target and not self._stop.is_set():
            before, t0 = kernel.now, time.monotonic()
            self._run_to(min(target, before + self._slice_ns))
            spent = time.monotonic() - t0
            if spent > FRAME_S:
                self._slice_ns = max(MIN_SLICE_NS, self._slice_ns // 2)
            elif spent < FRAME_S / 4 and kernel.now - before >= self._slice_ns:
                self._slice_ns = min(MAX_SLICE_NS, self._slice_ns * 2)
            if time.monotonic() - started >= FRAME_S or not self._inbox.empty():
                break  # input waiting: take it before going on
        self.pacer.note(kernel.now)
        for board in self.world.boards.values():
            chunks = board.console.chunks  # `board.output`: nothing reads it without --ui
            if len(chunks) > OUTPUT_KEPT:
                del chunks[:-OUTPUT_KEPT]

    def _run_to(self, t: int) -> None:
        kernel = self.kernel
        if t < kernel.now:
            return
        kernel.schedule(t + 1, _noop)
        self.world.run(until=t - kernel.now)


def print_stderr(text: str, stderr: Any = None) -> None:
    print(text, file=stderr or sys.stderr, flush=True)


class SessionLoop(ServeLoop):
    """`serve --ui`: the web page's live session drives the clock on its own thread; input is
    handed to that thread between two of its slices."""

    def __init__(self, session: Any, console: SerialConsole, *, stderr: Any = None) -> None:
        super().__init__(session.world, console, speed=session.pacer.speed, stderr=stderr)
        self.session = session

    def put(self, data: bytes) -> None:
        if not data:
            return
        if CTRL_C in data and self.console.interrupt_char == CTRL_C and self._kbd_at is None:
            self._kbd_at = time.monotonic()
        thread = self.session._thread
        if thread is not None:
            self._thread_id = thread.ident or self._thread_id

        def feed() -> None:
            self._kbd_at = None
            self.console.feed(data)
            self.session._settle()  # the REPL answers at once, even while the page is paused

        self.session.submit(feed)

    def submit(self, fn: Callable[[], Any]) -> Future:
        return self.session.submit(fn)

    def start_watchdog(self) -> threading.Thread:
        watchdog = threading.Thread(target=self.watch_interrupts, daemon=True, name="kbd-watch")
        watchdog.start()
        return watchdog
