"""A live run: one simulated world advanced in paced slices on a thread of its own.

The simulator is single-threaded (its tasks are greenlets, bound to the thread that made them), so
everything that touches it happens on the session's thread: the web server only queues commands
(`submit`) and reads what the thread publishes, the latest `state` snapshot (swapped whole) and the
append-only `log`. Traces are read directly: appends to an `array` are atomic and readers copy slices.

Each slice ends with a fence event one nanosecond after it, because a task that never sleeps runs
ahead of the kernel clock up to the next pending event: without the fence, a `while True: p.toggle()`
script would run to the next heartbeat seconds ahead before the page saw anything.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from ..sim.part_catalogue import part_kinds
from ..units import format_ns
from .pacing import Pacer
from .panel import BoardPanel, part_event_text
from .protocol import Command, ProtocolError

if TYPE_CHECKING:
    from ..board import Board

FRAME_S = 1 / 50  # how often the page gets a new picture
MAX_LOG = 2000  # log entries kept for pages that connect late
MAX_TEXT = 32_768  # printed text kept per frame: a print loop must not flood the page
# virtual length of one slice, adapted to how costly the script is to simulate
FIRST_SLICE_NS, MIN_SLICE_NS, MAX_SLICE_NS = 100_000_000, 100_000, 600 * 1_000_000_000
STEP_BUDGET_S = 0.25  # a step answers within this; a longer one goes on over the next frames
STOP_WAIT_S = 0.6  # how long stop() waits for the current slice to end
HELD_S = 1.0  # a slice running this long is board code holding the thread: nothing to wait for


# session threads board code still held when their session stopped (see `cli.main`)
HELD_THREADS: list[threading.Thread] = []


def _noop(_: object) -> None:
    """The slice fence: an event that only makes running tasks park."""


# recorder events shown in a board's log pane (sim/radio.py, sim/ipnet.py, firmware/network/wlan.py)
NETWORK_EVENTS = frozenset(
    {"radio-tx", "radio-rx", "radio-collision", "wlan-connected", "wlan-disconnected"}
    | {"ip-connect", "ip-send", "ip-recv", "ip-sendto", "ip-tls"}
)


class LiveSession:
    def __init__(
        self,
        boards: Board | Sequence[Board],
        *,
        speed: float = 1.0,
        until_ns: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        stderr: Any = None,
        written_up_to: Callable[[int], Any] | None = None,
    ) -> None:
        """`written_up_to(t)`, if given, is called after each slice, on the simulator's thread: the
        run's outputs (the --vcd file) take in what happened before `t`, so little is left to
        write when the run ends."""
        listed = [boards] if not isinstance(boards, Sequence) else list(boards)
        if not listed:
            raise ValueError("a live session needs at least one board")
        self.board = listed[0]  # the one the page opens on
        self.world = self.board.world
        self.kernel = self.board.kernel
        self.panels = {b.name: BoardPanel(b) for b in listed}
        # board name -> its P and G names, for validating the page's messages
        self.pin_names = {name: panel.pin_names for name, panel in self.panels.items()}
        self.pacer = Pacer(speed, clock=clock)
        self.until = None if until_ns is None else self.kernel.now + until_ns
        self.status = "running"
        self.crashed = False
        self._clock = clock
        self._stderr = stderr
        self._commands: queue.Queue[tuple[Callable[[], Any], Future]] = queue.Queue()
        self._stop = threading.Event()
        # wall time the current slice began (None: between slices)
        self._running_since: float | None = None
        self._written_up_to = written_up_to
        self._outputs_lock = threading.Lock()  # stop() takes the outputs back from the thread
        self._thread: threading.Thread | None = None
        self._slice_ns = FIRST_SLICE_NS
        self._step_to: int | None = None
        self._log: list[dict[str, Any]] = []
        self._log_base = 0  # index of _log[0] in the whole log
        self._log_lock = threading.Lock()
        self._seen = {"failed": 0, "faults": 0, "warnings": 0, "events": 0}
        self.state: dict[str, Any] = {}
        self.seq = 0
        self._snapshot()

    # ---- any thread ----
    def start(self) -> None:
        if self._thread is None:
            self.pacer.rebase(self.kernel.now)
            self._thread = threading.Thread(target=self._loop, name="pycomsim-sim", daemon=True)
            self._thread.start()

    def request_stop(self) -> None:
        """Ask the thread to stop after its current slice (any thread, a signal handler too)."""
        self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return
        # wait for the current slice, unless board code holds the thread without taking virtual
        # time (a zero-time loop): then it never ends, and leaving is all there is. Such code
        # touches no trace, so the outputs can still be written; the thread is a daemon.
        # a deadline on the clock, not a count of joins: a thread spinning in board code keeps the
        # GIL for whole switch intervals, so each 20 ms join can take much longer than 20 ms
        deadline = time.monotonic() + STOP_WAIT_S
        while thread.is_alive() and time.monotonic() < deadline and self.held_for() < HELD_S:
            thread.join(timeout=0.02)
        with self._outputs_lock:
            self._written_up_to = None  # from here on the caller finishes the outputs
        if thread.is_alive():
            HELD_THREADS.append(thread)

    def held_for(self) -> float:
        """How long the current slice has run (wall seconds; 0 between slices): long only when
        board code holds the thread without taking virtual time."""
        since = self._running_since
        return 0.0 if since is None else max(0.0, time.monotonic() - since)

    def submit(self, fn: Callable[[], Any]) -> Future:
        """Run `fn` on the simulator's thread between two slices; its result comes in the Future."""
        future: Future = Future()
        if self._thread is None:  # not started (tests drive the session by hand): run here
            self._call(fn, future)
        else:
            self._commands.put((fn, future))
        return future

    def handle(self, cmd: Command) -> Future:
        """Carry out a validated client command on the simulator's thread."""
        return self.submit(lambda: self.apply(cmd))

    def log_since(self, index: int) -> tuple[list[dict[str, Any]], int]:
        """Log entries from `index` on (older ones may have been dropped) and the next index."""
        with self._log_lock:
            start = max(index - self._log_base, 0)
            entries = self._log[start:]
            return entries, self._log_base + len(self._log)

    def hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "boards": [panel.hello() for panel in self.panels.values()],
            "until": self.until,
        }

    def panel(self, name: str | None) -> BoardPanel:
        return self.panels[name] if name is not None else self.panels[self.board.name]

    # ---- the simulator's thread ----
    def apply(self, cmd: Command) -> None:
        kind = cmd.type
        if kind == "pause":
            self._step_to = None  # also stops a long step
            self.pacer.pause()
        elif kind == "resume":
            if self.status != "running":
                raise ProtocolError(f"cannot resume: the run has {self.status}")
            self._step_to = None
            self.pacer.resume(self.kernel.now)
        elif kind == "step":
            self.pacer.pause()
            self.step(cmd.ns or 0)
        elif kind == "speed":
            self.pacer.set_speed(cmd.speed or 1.0, self.kernel.now)
        elif kind == "button":
            self.panel(cmd.board).press_button(cmd.action == "press")
            self._settle()
        elif kind == "drive":
            self.panel(cmd.board).drive(cmd.pin or "", cmd.level or "release")
            self._settle()
        elif kind == "analog":
            self.panel(cmd.board).set_analog(cmd.pin or "", cmd.volts or 0.0)
            self._settle()
        elif kind == "part":
            self.panel(cmd.board).set_part(cmd.part or 0, cmd.quantity or "", cmd.value or 0.0)
            self._settle()
        self._snapshot()

    def step(self, ns: int) -> None:
        """Advance a paused run by `ns`; a long step goes on over the next frames."""
        if self.status != "running":
            raise ProtocolError(f"cannot step: the run has {self.status}")
        target = self.kernel.now + ns
        if self.until is not None:
            target = min(target, self.until)
        self._step_to = target
        self._advance_towards(target, STEP_BUDGET_S)
        self._after_slice()

    def tick(self) -> None:
        """One frame: advance as far as the wall clock allows, then publish."""
        target = None
        if self.status == "running" and not self.pacer.paused:
            target = self.pacer.target(self.kernel.now)
            if self.until is not None:
                target = min(target, self.until)
        elif self._step_to is not None and self.status == "running":
            target = self._step_to
        if target is not None:
            self._advance_towards(target, FRAME_S)
        self._after_slice()

    def _advance_towards(self, target: int, budget_s: float) -> None:
        """Run slices of at most `_slice_ns` towards `target` until it is reached or `budget_s` of wall
        time is spent, so the page keeps getting frames even when the script is slow to simulate."""
        kernel, clock = self.kernel, self._clock
        started = clock()
        if target <= kernel.now:
            self._run_to(kernel.now)  # what is due at this instant (the boot, a press)
        while kernel.now < target and not self.crashed and not self._stop.is_set():
            before, t0 = kernel.now, clock()
            self._run_to(min(target, before + self._slice_ns))
            spent = clock() - t0
            # aim each slice at a fraction of a frame of wall time
            if spent > FRAME_S:
                self._slice_ns = max(MIN_SLICE_NS, self._slice_ns // 2)
            elif spent < FRAME_S / 4 and kernel.now - before >= self._slice_ns:
                self._slice_ns = min(MAX_SLICE_NS, self._slice_ns * 2)
            if clock() - started >= budget_s:
                break
        if self._step_to is not None and kernel.now >= self._step_to:
            self._step_to = None

    def _after_slice(self) -> None:
        if self.until is not None and self.kernel.now >= self.until and self.status == "running":
            self.status = "reached --until"
            self.pacer.pause()
        self.pacer.note(self.kernel.now)
        self._collect()
        self._snapshot()
        with self._outputs_lock:
            if self._written_up_to is not None:
                self._written_up_to(self.kernel.now)

    def _run_to(self, t: int) -> None:
        kernel = self.kernel
        if t < kernel.now:
            return
        kernel.schedule(t + 1, _noop)
        self._guarded(lambda: self._timed(lambda: self.world.run(until=t - kernel.now)))

    def _settle(self) -> None:
        """Let what was just scheduled at the current instant happen (even while paused)."""
        self.kernel.schedule(self.kernel.now + 1, _noop)
        self._guarded(lambda: self._timed(lambda: self.world.run(until=0)))
        self._collect()

    def _timed(self, run: Callable[[], Any]) -> None:
        """Board code runs in here: `held_for` counts from its start."""
        self._running_since = time.monotonic()  # real wall time, whatever clock paces the run
        try:
            run()
        finally:
            self._running_since = None

    def _guarded(self, fn: Callable[[], Any]) -> None:
        try:
            fn()
        except Exception as error:  # a simulator bug must not take the page down with it
            self.crashed = True
            self.status = "crashed"
            self.pacer.pause()
            self._append("error", f"pycomsim: internal error: {type(error).__name__}: {error}\n")
            print(f"pycomsim: internal error: {error!r}", file=self._stderr or sys.stderr)
            with contextlib.suppress(Exception):
                self._snapshot()  # the page learns the run has stopped

    def _loop(self) -> None:
        next_frame = self._clock()
        while not self._stop.is_set():
            while True:  # commands first, even when simulating takes every frame's whole budget
                try:
                    fn, future = self._commands.get_nowait()
                except queue.Empty:
                    break
                self._call(fn, future)
            if not self.crashed:
                self._guarded(self.tick)  # after a crash, keep answering the page, run no more
            next_frame += FRAME_S
            now = self._clock()
            if next_frame < now:
                next_frame = now  # do not pile up frames the host could not afford
            deadline = next_frame
            while not self._stop.is_set():
                wait = deadline - self._clock()
                if wait <= 0:
                    break
                try:
                    fn, future = self._commands.get(timeout=min(wait, 0.1))
                except queue.Empty:
                    continue
                self._call(fn, future)

    @staticmethod
    def _call(fn: Callable[[], Any], future: Future) -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn())
        except BaseException as error:  # handed to the caller, which decides what to say
            future.set_exception(error)

    # ---- what the page sees ----
    def _append(self, kind: str, text: str, board: str | None = None) -> None:
        with self._log_lock:
            self._log.append({"kind": kind, "text": text, "board": board})
            extra = len(self._log) - MAX_LOG
            if extra > 0:
                del self._log[:extra]
                self._log_base += extra

    def _collect(self) -> None:
        world, seen = self.world, self._seen
        printed = False
        for name, panel in self.panels.items():
            text = panel.new_output()
            if text:
                if len(text) > MAX_TEXT:
                    text = "...\n" + text[-MAX_TEXT:]
                self._append("out", text, name)
                printed = True
        if printed:
            sys.stdout.flush()  # a person watching the page may also be tailing stdout
        alarms: dict[
            tuple[str, str], list[int]
        ] = {}  # one line per alarm per update, not per firing
        for event in world.recorder.events[seen["events"] :]:
            if event.board not in self.panels:
                continue
            if event.kind == "boot" and event.detail != 0:
                self._append(
                    "info",
                    f"[{format_ns(event.t)}] board rebooted (reset cause {event.detail})\n",
                    event.board,
                )
            elif event.kind == "wdt":
                self._append(
                    "info",
                    f"[{format_ns(event.t)}] watchdog timeout ({event.detail} ms not fed): WDT reset\n",
                    event.board,
                )
            elif event.kind == "alarm":
                alarms.setdefault((event.board, event.detail), []).append(event.t)
            elif event.kind in part_kinds():  # what a part did: a DHT's read, an echo
                self._append(
                    "info", f"[{format_ns(event.t)}] {part_event_text(event)}\n", event.board
                )
            elif event.kind in NETWORK_EVENTS:  # the board's packet list: radio and sockets
                self._append(
                    "info", f"[{format_ns(event.t)}] {event.kind} {event.detail}\n", event.board
                )
        for (board_name, alarm), times in alarms.items():
            count = f" x{len(times)}" if len(times) > 1 else ""
            self._append("info", f"[{format_ns(times[-1])}] {alarm} fired{count}\n", board_name)
        seen["events"] = len(world.recorder.events)
        for b, error in world.failed[seen["failed"] :]:
            text = b.format_exception(error)
            self._append("error", text, b.name)
            print(text, end="", file=self._stderr or sys.stderr)
        seen["failed"] = len(world.failed)
        for kind in ("faults", "warnings"):
            reports = getattr(world, kind)
            for report in reports[seen[kind] :]:
                self._append(kind[:-1], str(report) + "\n")
            seen[kind] = len(reports)

    def _snapshot(self) -> None:
        kernel = self.kernel
        boards = {name: panel.snapshot() for name, panel in self.panels.items()}
        shown = self.status
        if shown == "running" and all(b["finished"] for b in boards.values()):
            shown = "script ended"
        rtf = self.pacer.real_time_factor
        self.seq += 1
        self.state = {
            "type": "state",
            "seq": self.seq,
            "t": kernel.now,
            "time": format_ns(kernel.now),
            "rtf": None if rtf is None else round(rtf, 3),
            "speed": self.pacer.speed,
            "paused": self.pacer.paused,
            "status": shown,
            "boards": boards,
            "faults": len(self.world.faults),
            "warnings": len(self.world.warnings),
        }
