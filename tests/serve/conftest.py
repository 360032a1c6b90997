"""Helpers for the served REPL: an in-process board at its REPL, and a `pycomsim serve` process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.serve.console import CookedStream, SerialConsole
from pycomsim.serve.pyexec import Pyexec

BIN = Path(sys.executable).parent


class ReplHarness:
    """A board at its REPL in this process: `send` bytes, the clock runs, `take` the output."""

    def __init__(self, flash: Path, board_type: str = "lopy4") -> None:
        self.flash = flash
        self.board = Board(board_type)
        self.out = bytearray()
        self.console = SerialConsole(self.board, self.out.extend)
        self.board.console.stdout = CookedStream(self.console)
        self.pyexec = Pyexec(self.board, self.console, flash)
        self.board.load(self.pyexec.main_task)
        self.board.world.run(until="10ms")

    def send(self, data: bytes, run: str = "10ms") -> bytes:
        self.console.feed(data)
        self.board.world.run(until=run)
        return self.take()

    def take(self) -> bytes:
        data = bytes(self.out)
        self.out.clear()
        return data


@pytest.fixture
def repl(tmp_path: Path) -> ReplHarness:
    return ReplHarness(tmp_path)


class Served:
    """A `pycomsim serve` child process; `where` is what it printed after 'serving on'."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [str(BIN / "pycomsim"), "serve", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.where: list[str] = []
        self.stderr_lines: list[str] = []
        deadline = time.monotonic() + 15
        assert self.proc.stderr is not None
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline().decode()
            if not line:
                break
            self.stderr_lines.append(line)
            found = re.match(r"pycomsim: serving on (\S+)", line)
            if found:
                self.where.append(found.group(1))
            if "Ctrl-C to stop" in line:
                return
        self.stop()
        raise AssertionError("pycomsim serve did not start: " + "".join(self.stderr_lines))

    def stop(self) -> tuple[bytes, bytes]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, err = self.proc.communicate()
        return out, err


@pytest.fixture
def serve(tmp_path: Path):
    """`serve(args)` starts a server for this test; every one is stopped at the end."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        served = Served(list(args), tmp_path)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()
        assert served.proc.returncode is not None


def run_client(*argv: str, timeout: float = 20, cwd: Path | None = None) -> str:
    """A client command line (mpremote, rshell, ampy from the venv); its stdout; fails on error."""
    tool = BIN / argv[0]
    proc = subprocess.run(
        [str(tool), *argv[1:]], capture_output=True, timeout=timeout, cwd=cwd, text=True
    )
    assert proc.returncode == 0, f"{argv} failed: {proc.stdout}\n{proc.stderr}"
    return proc.stdout
