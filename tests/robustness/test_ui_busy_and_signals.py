"""`--ui` with a busy script: the page always gets an answer, and SIGINT, SIGTERM and SIGHUP end the
server within a second with complete outputs and no traceback, also while a request is pending
(issue case 3). Each test runs `pycomsim run --ui` as a real child process and signals it."""

import asyncio
import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import websockets
from vcd.reader import TokenKind, tokenize

# board code that holds the simulator: under --cpu free a statement takes no virtual time
PURE_LOOP = "print('ready')\nwhile True:\n    pass\n"
API_LOOP = """
from machine import Pin
print('ready')
p = Pin('P9', mode=Pin.OUT)
while True:
    p.toggle()
"""
EXIT_WITHIN_S = 1.0
UNITS = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000}


def is_paused(state):
    return state["paused"] is True


def assert_ended_cleanly(child, code, took, out, err, expected_code):
    assert code == expected_code, err
    # within a second on an idle machine; on a loaded one the wind-down of any process is slower, so
    # what a bare interpreter takes now to start and end is allowed on top
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    load = time.monotonic() - started
    assert took < EXIT_WITHIN_S + load, f"took {took:.2f} s to end (a bare process: {load:.2f} s)"
    assert "Traceback" not in err and "ERROR" not in err, err
    assert out.startswith("ready\n")  # the board's output, complete
    assert "VCD written" in err
    # the file is whole: pyvcd's reader gets through it, up to the instant the run stopped
    with open(child.vcd, "rb") as f:
        last = max([t.data for t in tokenize(f) if t.kind is TokenKind.CHANGE_TIME] or [0])
    stopped = re.search(r"at ([\d.]+)(ns|us|ms|s) virtual", err)
    assert stopped, err
    stopped_ns = float(stopped.group(1)) * UNITS[stopped.group(2)]
    assert abs(last - stopped_ns) <= max(1e-6 * stopped_ns, 1)  # as the summary rounds it


def test_a_zero_time_loop_gets_answers_and_ctrl_c_ends_it_at_once(ui):
    child = ui(PURE_LOOP, "--cpu", "free")
    started = time.monotonic()
    (pause,) = asyncio.run(child.exchange([({"type": "pause"}, is_paused)]))
    assert isinstance(pause, str) and "held the simulator" in pause and "--cpu free" in pause
    assert time.monotonic() - started < 5
    status, text = child.get_vcd()
    assert status == 503 and "held the simulator" in text
    code, took, out, err = child.end_with(signal.SIGINT)
    assert_ended_cleanly(child, code, took, out, err, 130)
    assert "interrupted at 0ns virtual" in err


def test_a_loop_of_api_calls_pauses_steps_and_downloads(ui):
    child = ui(API_LOOP)
    (paused,) = asyncio.run(child.exchange([({"type": "pause"}, is_paused)]))
    step = {"type": "step", "duration": "10ms"}
    (stepped,) = asyncio.run(child.exchange([(step, lambda s: s["t"] != paused["t"])]))
    assert stepped["t"] == paused["t"] + 10_000_000 and stepped["paused"] is True
    status, text = child.get_vcd()
    assert status == 200 and "$enddefinitions" in text and "\n1" in text
    code, took, out, err = child.end_with(signal.SIGTERM)
    assert_ended_cleanly(child, code, took, out, err, 143)
    assert "terminated by SIGTERM" in err


@pytest.mark.parametrize("signum, expected", [(signal.SIGINT, 130), (signal.SIGHUP, 129)])
def test_a_signal_ends_the_server_while_a_download_is_pending(ui, signum, expected):
    child = ui(API_LOOP)
    time.sleep(1.5)  # some edges to download
    asyncio.run(child.exchange([({"type": "speed", "value": 1}, lambda state: True)]))
    request = urllib.request.urlopen(f"{child.url}/run.vcd?token={child.token}", timeout=10)
    request.read(100)  # the download has begun; the rest stays unread: the request is pending
    code, took, out, err = child.end_with(signum)
    request.close()
    assert_ended_cleanly(child, code, took, out, err, expected)


def test_sigterm_ends_a_zero_time_loop_with_a_command_pending(ui):
    child = ui(PURE_LOOP, "--cpu", "free")

    async def step_then_signal():
        async with websockets.connect(f"ws://127.0.0.1:{child.port}/ws", origin=child.url) as ws:
            await ws.recv()
            await ws.send(json.dumps({"type": "step", "duration": "10ms"}))
            return child.end_with(signal.SIGTERM)

    code, took, out, err = asyncio.run(step_then_signal())
    assert_ended_cleanly(child, code, took, out, err, 143)
