"""A child process a test leaves running is killed when the test ends (tests/conftest.py)."""

import subprocess
import sys
import time

from child_processes import TrackedPopen, kill_leftovers

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_popen_in_a_test_is_tracked():
    proc = subprocess.Popen(SLEEPER)
    try:
        assert proc in TrackedPopen.started
    finally:
        kill_leftovers([proc])


def test_a_child_left_running_is_killed_and_reaped():
    proc = subprocess.Popen(SLEEPER)
    kill_leftovers([proc])
    assert proc.returncode is not None


def test_a_child_with_its_own_session_is_killed_with_its_group():
    spawn = "import subprocess, sys, time; print(subprocess.Popen(sys.argv[1:]).pid, flush=True); time.sleep(60)"
    proc = subprocess.Popen(
        [sys.executable, "-c", spawn, *SLEEPER],
        start_new_session=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    grandchild = int(proc.stdout.readline())
    kill_leftovers([proc])
    proc.stdout.close()
    assert proc.returncode is not None
    deadline = time.monotonic() + 5  # SIGKILL reaches the rest of the group asynchronously
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
