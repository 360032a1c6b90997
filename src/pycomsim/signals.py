"""How a run ends from outside: SIGINT, SIGTERM and SIGHUP alike, and a closed stdout pipe.

`ending_signals()` turns SIGTERM and SIGHUP into `Terminated`, a KeyboardInterrupt, so every path
that completes the outputs and prints the summary after Ctrl-C does so after them too; the exit
code is 128 + the signal number (143, 129), as a shell reports a process the signal ended.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

ENDING = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)


class Terminated(KeyboardInterrupt):
    """The run was ended by SIGTERM or SIGHUP."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise(signum: int, frame: Any) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def ending_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise `Terminated` while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise) for s in ENDING}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def interrupted_status(stop: KeyboardInterrupt) -> tuple[str, int]:
    """(summary status, exit code) of a run a signal ended."""
    if isinstance(stop, Terminated):
        return f"terminated by {signal.Signals(stop.signum).name}", 128 + stop.signum
    return "interrupted", 130


def quiet_broken_stdout() -> None:
    """stdout's reader went away: point fd 1 at /dev/null so the final flush cannot complain."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
