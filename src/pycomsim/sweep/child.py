"""The worker's side of a run: a long-lived child process (sweep/runner.py) per busy worker thread.

A Dask task runs in a worker thread, and a thread cannot be stopped: a script that never ends (host
code spinning, a board waiting forever with no --until) would hold the worker for good. So each worker
thread keeps one child process with pycomsim already imported, sends it one run at a time, and waits
for the answer at most the run's wall-time limit; past it the child is killed (SIGKILL), the run is
recorded as a hang, and the next run starts a fresh child. A run costs one pickle each way, not a
process start (~0.3 s): that is what keeps the per-run overhead in milliseconds.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import subprocess
import sys
import tempfile
import threading
import time as host_time
from collections.abc import Iterator
from typing import Any

from .runner import _LENGTH, write_frame

START_TIMEOUT_S = 120.0  # importing pycomsim on a loaded machine


class RunnerGone(Exception):
    """The child process died or answered garbage (its stderr is the message)."""


class Hang(Exception):
    """The run did not finish within its wall-time limit; the child was killed."""


class ChildRunner:
    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None

    def start(self) -> None:
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pycomsim.sweep.runner"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        if self._read(START_TIMEOUT_S) != "ready":
            raise RunnerGone(self._died("did not start"))

    def _died(self, what: str) -> str:
        assert self.proc is not None
        self.kill()
        self._stderr.seek(0)
        tail = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        return f"the run's process {what}" + (f": {' | '.join(tail)}" if tail else "")

    def _read_exactly(self, n: int, deadline: float) -> bytes:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks, have = [], 0
        while have < n:
            left = deadline - host_time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise Hang()
            chunk = os.read(fd, n - have)
            if not chunk:
                raise RunnerGone(self._died(f"exited (code {self.proc.wait()})"))
            chunks.append(chunk)
            have += len(chunk)
        return b"".join(chunks)

    def _read(self, timeout_s: float) -> Any:
        deadline = host_time.monotonic() + timeout_s
        (size,) = _LENGTH.unpack(self._read_exactly(_LENGTH.size, deadline))
        return pickle.loads(self._read_exactly(size, deadline))

    def run(self, request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """The run's row; Hang past `timeout_s` of wall time, RunnerGone if the child died."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            write_frame(self.proc.stdin, request)
        except (BrokenPipeError, OSError):
            raise RunnerGone(self._died("was gone")) from None
        try:
            return self._read(timeout_s)
        except Hang:
            self.kill()
            raise

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


_idle: list[ChildRunner] = []
_lock = threading.Lock()


@contextlib.contextmanager
def borrowed_runner() -> Iterator[ChildRunner]:
    """A child of this worker process, free for the caller's runs (one per busy worker thread),
    given back afterwards for the next task."""
    with _lock:
        runner = _idle.pop() if _idle else ChildRunner()
    try:
        yield runner
    finally:
        with _lock:
            _idle.append(runner)


def warm() -> bool:
    """Start a child ahead of the first run (its start is not a run's wall time)."""
    with borrowed_runner() as runner:
        if runner.proc is None or runner.proc.poll() is not None:
            runner.start()
    return True


@atexit.register
def _stop_all() -> None:
    for runner in _idle:
        runner.kill()
