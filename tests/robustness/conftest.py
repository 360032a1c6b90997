"""Helpers for the regression suite of bad input, faults and load."""

import asyncio
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request

import pytest
import websockets

from pycomsim.cli import main


@pytest.fixture
def write(tmp_path):
    """write('main.py', 'print(1)') -> the path of a dedented file in the test's folder."""

    def make(name, text=""):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    return make


@pytest.fixture
def cli(capsys):
    """cli('run', ...) -> (exit code, stdout, stderr) of pycomsim's main in this process."""

    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


class UiChild:
    """`pycomsim run SCRIPT --ui ...` in a child process, with its URL and the page's token."""

    def __init__(self, script, vcd, *extra):
        self.vcd = vcd
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pycomsim.cli", "run", str(script), "--ui", "--vcd", str(vcd)]
            + list(extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        line = self.proc.stderr.readline()
        match = re.search(r"live board at (http://127\.0\.0\.1:(\d+))/", line)
        assert match, line
        self.url, self.port = match.group(1), int(match.group(2))
        self.token = None

    async def exchange(self, commands, limit_s=5.0):
        """Send each (command, wanted) pair; return what answered each: an error's message or the
        first state `wanted(state)` accepts."""
        answers = []
        async with websockets.connect(f"ws://127.0.0.1:{self.port}/ws", origin=self.url) as ws:
            self.token = json.loads(await ws.recv())["token"]
            for command, wanted in commands:
                await ws.send(json.dumps(command))
                sent = time.monotonic()
                while True:
                    left = limit_s - (time.monotonic() - sent)
                    msg = json.loads(await asyncio.wait_for(ws.recv(), max(left, 0.01)))
                    if msg["type"] == "error":
                        answers.append(msg["message"])
                        break
                    state = msg.get("state")
                    if state is not None and wanted(state):
                        answers.append(state)
                        break
        return answers

    def get_vcd(self, timeout=10):
        request = f"{self.url}/run.vcd?token={self.token}"
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def end_with(self, signum):
        """Signal the server; (exit code, seconds until it exited, stdout, stderr)."""
        sent = time.monotonic()
        self.proc.send_signal(signum)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        took = time.monotonic() - sent
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, took, out, err

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def ui(tmp_path):
    children = []

    def start(source, *extra):
        script = tmp_path / "main.py"
        script.write_text(source)
        child = UiChild(script, tmp_path / "run.vcd", *extra)
        children.append(child)
        return child

    yield start
    for child in children:
        child.kill()
