"""The event kernel: one virtual clock (int ns), an event heap, and cooperative tasks (greenlets).

A task (a board's main script or its interrupt task) runs on its board's CPU clock, which may run ahead of
the kernel clock as long as it stays below the next pending event (`next_time`). Nothing else can happen
before that event, so running ahead is safe and deterministic; it is what keeps the hot path free of task
switches. When a task reaches `next_time` it parks itself as an event at its own time and switches to the
loop, which processes everything earlier first (conservative discrete-event scheduling).

A periodic event (`schedule_periodic`, a signal generator's edges) returns the time of its next run,
and the loop schedules it again as `schedule(t, fn, t)` would at the callback's end, without a call;
what other callbacks return is ignored. Sequence numbers are even for plain events and odd for
periodic ones, so the loop tells them apart from the heap entry alone.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heapify, heappop, heappush
from typing import Any

from greenlet import getcurrent, greenlet

NEVER = 1 << 62  # "no event pending": later than any run can reach


class Kernel:
    __slots__ = (
        "now",
        "next_time",
        "_heap",
        "_seq",
        "loop_glet",
        "stopping",
        "on_advance",
        "t_end",
        "_front",
    )

    def __init__(self) -> None:
        self.now = 0
        self.next_time = NEVER
        self._heap: list[tuple[int, int, Callable[[Any], Any], Any]] = []
        self._seq = 0  # ties run in the order they were scheduled: deterministic (steps of 2)
        self.loop_glet: greenlet | None = None
        self.stopping = False
        self.on_advance: Callable[[int], None] | None = None  # progress hook, called between events
        self.t_end = NEVER  # the end of the current run_until
        # An event that is certainly the next one (see schedule_next): run straight after the current
        # callback without a trip through the heap. Only ever set while the loop greenlet runs a
        # callback; pushed to the heap before any task runs (flush_front), so tasks see one heap.
        self._front: tuple[int, int, Callable[[Any], None], Any] | None = None

    def schedule(self, t: int, fn: Callable[[Any], None], arg: Any = None) -> None:
        if t < self.now:
            t = self.now
        self._seq += 2
        heappush(self._heap, (t, self._seq, fn, arg))
        if t < self.next_time:
            self.next_time = t

    def schedule_periodic(self, t: int, fn: Callable[[int], int | None], arg: int) -> None:
        """`schedule(t, fn, arg)` for a callback that returns the time of its next run (it is then
        called again at that time with it as its argument; clamped to now), or None to stop."""
        if t < self.now:
            t = self.now
        self._seq += 2
        heappush(self._heap, (t, self._seq + 1, fn, arg))
        if t < self.next_time:
            self.next_time = t

    def schedule_next(self, fn: Callable[[Any], None], arg: Any = None) -> None:
        """`schedule(now, fn, arg)`, faster when called from an event's callback (not a task) with
        nothing else due by `now`: then this event is the next one whatever the rest of the callback
        schedules (at `now` they come after it by sequence number, earlier is clamped to `now`), so it
        runs right after the callback returns (the interrupt task's wakeup after an edge)."""
        t = self.now
        self._seq += 2
        item = (t, self._seq, fn, arg)
        heap = self._heap
        # (outside a run loop_glet is None, which getcurrent() never is)
        if self._front is None and (not heap or heap[0][0] > t) and getcurrent() is self.loop_glet:
            self._front = item
        else:
            heappush(heap, item)
        if t < self.next_time:
            self.next_time = t

    def flush_front(self) -> None:
        """Put the kept-aside next event into the heap: a task is about to run and may look there."""
        if self._front is not None:
            heappush(self._heap, self._front)
            self._front = None

    def earliest(self) -> int:
        """The time of the earliest event in the heap (NEVER when there is none)."""
        heap = self._heap
        return heap[0][0] if heap else NEVER

    def cancel(self, fn: Callable[[Any], None], arg: Any) -> int:
        """Drop every pending event `fn(arg)` (compared with ==, as bound methods are); returns how
        many were dropped."""
        self.flush_front()
        heap = self._heap
        kept = [e for e in heap if not (e[3] is arg and e[2] == fn)]
        dropped = len(heap) - len(kept)
        if dropped:
            heap[:] = kept
            heapify(heap)
            if heap and heap[0][0] < self.next_time:
                self.next_time = heap[0][0]
        return dropped

    def pending(self) -> int:
        return len(self._heap) + (self._front is not None)

    def run_ahead_limit(self, foreign: frozenset[Any], resume: Callable[..., None]) -> int:
        """How far the running task may go: the earliest pending event that is not `resume` bound to
        an owner in `foreign` (a task switch of a board that cannot affect the running one), and never
        past the end of the run."""
        best = NEVER
        for t, _, fn, _ in self._heap:
            if t < best and not (
                getattr(fn, "__func__", None) is resume and fn.__self__ in foreign  # type: ignore[attr-defined]
            ):
                best = t
        return min(best, self.t_end + 1)

    def run_until(self, t_end: int, keep_going: Callable[[], bool] | None = None) -> int:
        """Process events up to and including `t_end`; return the time reached.

        `keep_going`, if given, is asked after each event; the run stops early when it returns False.
        """
        heap = self._heap
        outer = self.loop_glet
        outer_end = self.t_end
        self.loop_glet = getcurrent()
        self.t_end = t_end
        self.stopping = False
        hook = self.on_advance
        after_end = t_end + 1
        self.flush_front()
        try:
            if keep_going is None and hook is None:
                # the plain loop (every benchmark and most runs): the same steps, fewer checks
                while heap and heap[0][0] <= t_end and not self.stopping:
                    t, seq, fn, arg = heappop(heap)
                    self.now = t
                    if heap:
                        nxt = heap[0][0]
                        self.next_time = nxt if nxt <= t_end else after_end
                    else:
                        self.next_time = after_end
                    then = fn(arg)
                    if then is not None and seq & 1:  # a periodic event's next run, inlined
                        # (next_time needs no update: it is set again before anything runs)
                        seq = self._seq = self._seq + 2
                        heappush(heap, (then if then > t else t, seq + 1, fn, then))
                    front = self._front
                    while front is not None:  # schedule_next's event: it is due now and next
                        if self.stopping:
                            break  # it stays scheduled (the finally below) for the next run
                        self._front = None
                        if heap:
                            nxt = heap[0][0]
                            self.next_time = nxt if nxt <= t_end else after_end
                        else:
                            self.next_time = after_end
                        front[2](front[3])
                        front = self._front
            while heap and heap[0][0] <= t_end and not self.stopping:
                t, seq, fn, arg = heappop(heap)
                self.now = t
                # a task may run ahead to the next event, but not past the end of the run
                self.next_time = heap[0][0] if heap and heap[0][0] <= t_end else after_end
                then = fn(arg)
                if then is not None and seq & 1:
                    self.schedule_periodic(then, fn, then)
                self.flush_front()  # here it goes through the heap: keep_going and the hook see it
                if keep_going is not None and not keep_going():
                    return self.now
                if hook is not None:
                    hook(self.now)
            if not self.stopping and t_end < NEVER:
                self.now = max(self.now, t_end)
            return self.now
        finally:
            self.flush_front()
            self.loop_glet = outer
            self.t_end = outer_end
            self.next_time = heap[0][0] if heap else NEVER

    def stop(self) -> None:
        """Ask the loop to stop after the current event."""
        self.stopping = True

    def in_loop(self) -> bool:
        return self.loop_glet is not None
