"""`pycomsim serve` on the command line: its options, their errors, --until, --ui, the pty link."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import BIN

from pycomsim.cli import main


def _serve(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "pycomsim"), "serve", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tcp", "http"], "bad --tcp 'http': expected a port number from 0 to 65535"),
        (["--rfc2217", "70000"], "bad --rfc2217 '70000': expected a port number from 0 to 65535"),
        (["--tcp", "0", "--link", "x"], "--link only applies with --pty"),
        (["--port", "8000"], "--port only applies with --ui"),
        (["--telnet", "0", "--user", ""], "bad --user '': 1 to 32 printable characters"),
        (["--speed", "0"], "bad --speed '0': must be between"),
        (["nowhere.py"], "script not found: nowhere.py"),
        (["--board", "esp8266"], "unknown board 'esp8266'"),
    ],
)
def test_serve_bad_options_are_one_line_exit_2(args: list[str], message: str, capsys) -> None:
    assert main(["serve", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pycomsim: error: ") and message in lines[0]


def test_serve_until_ends_the_run_and_removes_the_link(tmp_path: Path) -> None:
    link = tmp_path / "board"
    proc = _serve("--until", "300ms", "--link", str(link), "--quiet")
    assert proc.returncode == 0 and proc.stdout == ""
    assert "pycomsim: serving on /dev/pts/" in proc.stderr
    assert not link.exists() and not link.is_symlink()  # the symlink goes with the pty


def test_serve_refuses_to_replace_a_file_with_the_link(tmp_path: Path, capsys) -> None:
    keep = tmp_path / "notes.txt"
    keep.write_text("mine")
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert main(["serve", "--link", str(keep)]) == 2
    assert "not a symlink" in capsys.readouterr().err
    # the caller's signal handlers are back (an ignored SIGINT would be inherited by children)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert keep.read_text() == "mine"


def test_serve_ui_page_and_repl_over_tcp(tmp_path: Path, serve) -> None:
    served = serve("--ui", "--tcp", "0")
    port = int(served.where[0].rsplit(":", 1)[1])
    url = next(line.split()[-1] for line in served.stderr_lines if "live board at" in line)
    assert urllib.request.urlopen(url, timeout=10).read().startswith(b"<!doctype html>")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"\x02")  # the friendly REPL's banner, then a prompt
        data = b""
        deadline = time.monotonic() + 10
        while not data.endswith(b">>> ") and time.monotonic() < deadline:
            data += sock.recv(4096)
        sock.sendall(b"6*7\r")
        while b"42\r\n>>> " not in data and time.monotonic() < deadline:
            data += sock.recv(4096)
    assert data.endswith(b"6*7\r\n42\r\n>>> ")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_on_a_signal_even_in_a_loop_without_api_calls(
    tmp_path: Path, serve, signum
) -> None:
    (tmp_path / "main.py").write_text("n = 0\nwhile True:\n    n += 1\n")  # never yields
    served = serve(str(tmp_path / "main.py"))
    time.sleep(0.3)
    served.proc.send_signal(signum)  # not the board's Ctrl-C: the REPL does not catch it
    out, err = served.proc.communicate(timeout=10)
    assert served.proc.returncode == 0 and out == b""
    assert b"pycomsim: stopped at " in err and b"Traceback" not in err


def test_serve_a_scenario_with_vcd(tmp_path: Path, serve) -> None:
    (tmp_path / "a.py").write_text("print('a up')\n")
    (tmp_path / "b.py").write_text("from machine import Pin\nPin('P9', mode=Pin.OUT).value(0)\n")
    (tmp_path / "bench.toml").write_text(
        '[boards.a]\ntype = "wipy3"\nscript = "a.py"\n\n[boards.b]\ntype = "lopy"\nscript = "b.py"\n'
    )
    vcd = tmp_path / "run.vcd"
    served = serve("--scenario", str(tmp_path / "bench.toml"), "--tcp", "0", "--vcd", str(vcd))
    port = int(served.where[0].rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"import os; os.uname().sysname\r")
        data = b""
        deadline = time.monotonic() + 10
        while b"'WiPy'\r\n>>> " not in data and time.monotonic() < deadline:
            data += sock.recv(4096)
    # the scenario's first board is on the serial line, without the multi-board 'a| ' prefix
    assert data.endswith(b"import os; os.uname().sysname\r\n'WiPy'\r\n>>> ") and b"a| " not in data
    served.stop()
    text = vcd.read_text()
    assert "$timescale" in text and "P9" in text
