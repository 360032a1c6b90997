"""`pycomsim run --vcd`: a complete, valid file whatever happens to the run (raise, Ctrl-C)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_vcd_roundtrip import parse_vcd

from pycomsim import Board
from pycomsim.cli import main
from pycomsim.output.vcd import write_vcd

BLINK = """
from machine import Pin
import time
led = Pin('P9', Pin.OUT)
for i in range(8):
    led.toggle()
    time.sleep_ms(3)
"""


def _script(tmp_path: Path, text: str, name: str = "main.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_cli_vcd_matches_api_vcd_byte_for_byte(tmp_path, capsys):
    """The CLI streams at checkpoints; the API writes at the end: same run, same bytes."""
    script = _script(tmp_path, BLINK)
    assert main(["run", str(script), "--vcd", str(tmp_path / "cli.vcd"), "--quiet"]) == 0
    board = Board("lopy4")
    board.run(script)
    write_vcd(board.world, tmp_path / "api.vcd")
    assert (tmp_path / "cli.vcd").read_bytes() == (tmp_path / "api.vcd").read_bytes()
    _, changes, last_t = parse_vcd((tmp_path / "cli.vcd").read_text())
    assert len(changes["lopy4.P9"]) == 9 and last_t >= 24_000_000
    assert capsys.readouterr().out == ""  # stdout is the board's only


def test_cli_vcd_complete_when_the_script_raises(tmp_path, capsys):
    script = _script(tmp_path, BLINK + "\nraise ValueError('boom')\n")
    path = tmp_path / "r.vcd"
    assert main(["run", str(script), "--vcd", str(path), "--pins", "P9"]) == 1
    text = path.read_text()
    _, changes, last_t = parse_vcd(text)
    assert [v for _, v in changes["lopy4.P9"]] == ["0", "1"] * 4 + ["0"]
    assert text.rstrip().splitlines()[-1] == f"#{last_t}"
    err = capsys.readouterr().err
    assert "ValueError: boom" in err and f"VCD written to {path}" in err


def test_cli_summary_json_has_the_run_facts(tmp_path, capsys):
    script = _script(tmp_path, BLINK)
    assert main(["run", str(script), "--json", "--until", "40ms"]) == 0
    data = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert data["virtual_ns"] == 40_000_000 and data["virtual"] == "40ms"
    assert data["edges"]["P9"] == 8
    for key in ("wall_s", "real_time_factor", "callbacks_run", "events_dropped", "faults"):
        assert key in data


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--vcd", "/no/such/dir/x.vcd"], "cannot write --vcd '/no/such/dir/x.vcd': no directory"),
        (["--vcd", "{tmp}/x.vcd", "--pins", "P9,P77"], "unknown pin 'P77'"),
        (["--plot", "{tmp}/x.png", "--window", "9ms:2ms"], "bad window '9ms:2ms'"),
        (["--plot", "{tmp}/x.png", "--window", "soon"], "bad window 'soon'"),
        (["--plot", "{tmp}/x.bmpx"], "unknown format '.bmpx'"),
        (["--window", "0ms:5ms"], "--window applies to --plot"),
    ],
)
def test_cli_bad_output_flags_exit_2_with_one_line(tmp_path, capsys, flags, message):
    script = _script(tmp_path, BLINK)
    flags = [f.replace("{tmp}", str(tmp_path)) for f in flags]
    assert main(["run", str(script), *flags]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pycomsim: error: ") and message in lines[0]
    assert captured.out == ""
    assert not (tmp_path / "x.vcd").exists()


LONG_RUN = """
from machine import Pin
import time
led = Pin('P9', Pin.OUT)
print('started')
while True:
    led.toggle()
    time.sleep_us(1500)
"""


def test_cli_vcd_valid_after_ctrl_c(tmp_path):
    script = _script(tmp_path, LONG_RUN)
    path = tmp_path / "int.vcd"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pycomsim.cli",
            "run",
            str(script),
            "--vcd",
            str(path),
            "--until",
            "1h",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout.readline().strip() == "started"
        time.sleep(1.0)  # let it write a few checkpoints
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted" in err
    text = path.read_text()
    _, changes, last_t = parse_vcd(text)
    assert len(changes["lopy4.P9"]) > 20 and last_t > 0
    assert text.rstrip().splitlines()[-1] == f"#{last_t}"  # closed with the end time
    if shutil.which("vcd2fst"):
        result = subprocess.run(
            ["vcd2fst", str(path), str(tmp_path / "int.fst")], capture_output=True, timeout=60
        )
        assert result.returncode == 0


def _run_with_tty_stderr(args: list[str]) -> tuple[int, str, str]:
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pycomsim.cli", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out = proc.stdout.read().decode()
    proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, out, b"".join(chunks).decode(errors="replace")


def test_progress_bar_on_a_terminal_only(tmp_path):
    script = _script(tmp_path, LONG_RUN.replace("print('started')\n", ""))
    code, out, tty = _run_with_tty_stderr(["run", str(script), "--until", "20s"])
    assert code == 0 and out == ""
    assert "virtual" in tty and "x real time" in tty and "%" in tty  # drawn by rich, then cleared
    quiet_code, _, quiet_tty = _run_with_tty_stderr(
        ["run", str(script), "--until", "20s", "--quiet"]
    )
    assert quiet_code == 0 and "real time" not in quiet_tty and quiet_tty.strip() == ""
    piped = subprocess.run(
        [sys.executable, "-m", "pycomsim.cli", "run", str(script), "--until", "20s"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "\x1b[" not in piped.stderr and "%" not in piped.stderr  # no bar when not a TTY
