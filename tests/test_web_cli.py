"""`pycomsim run SCRIPT --ui`: flags, errors, and a real server on 127.0.0.1."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import websockets

from pycomsim.cli import main

SCRIPT = Path(__file__).parent / "web_scripts" / "blink_button.py"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--speed", "2"], "--port and --speed only apply with --ui"),
        (["--port", "8000"], "--port and --speed only apply with --ui"),
        (["--ui", "--speed", "fast"], "bad --speed 'fast'"),
        (["--ui", "--speed", "0"], "bad --speed '0'"),
        (["--ui", "--port", "70000"], "bad --port '70000'"),
        (["--ui", "--port", "http"], "bad --port 'http'"),
    ],
)
def test_bad_ui_flags_are_one_line_errors(
    argv: list[str], words: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(["run", str(SCRIPT), *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("pycomsim: error: ") and words in err and err.count("\n") == 1


def test_ui_serves_on_localhost_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pycomsim.cli", "run", str(SCRIPT), "--ui", "--speed", "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = proc.stderr.readline()
        match = re.match(
            r"pycomsim: live board at (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)$", line
        )
        assert match, line
        url, port = match.group(1), int(match.group(2))
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200 and b"pycomsim" in response.read()

        async def handshake(origin: str) -> str:
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws", origin=origin) as ws:
                return (await ws.recv())[:40]

        assert '"type":"hello"' in asyncio.run(handshake(url.rstrip("/")))
        with pytest.raises(websockets.exceptions.InvalidStatus) as info:
            asyncio.run(handshake("http://evil.example"))
        assert info.value.response.status_code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert out.startswith("ready\n")  # stdout is the board's output only
    assert "pycomsim: interrupted at" in err
