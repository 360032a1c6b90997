"""Child processes started by a test, so that none outlives it (tests/conftest.py kills them)."""

import os
import signal
import subprocess


class TrackedPopen(subprocess.Popen):
    """subprocess.Popen that remembers what it started, for `no_orphan_processes`."""

    started: list[subprocess.Popen] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        TrackedPopen.started.append(self)


def kill_leftovers(started: list[subprocess.Popen]) -> None:
    """Kill (and reap) each process in `started` that still runs."""
    for proc in started:
        if proc.poll() is None:
            try:
                if os.getpgid(proc.pid) == proc.pid:
                    os.killpg(proc.pid, signal.SIGKILL)
                else:
                    proc.kill()
            except ProcessLookupError:
                pass
            proc.wait()
