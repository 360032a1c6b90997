"""mpremote (from PyPI) against `pycomsim serve`, over a pty, socket:// and rfc2217://."""

from __future__ import annotations

from pathlib import Path

from conftest import run_client


def _flash(tmp_path: Path) -> Path:
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text("print('main ran')\ncounter = 41\n")
    return flash


def test_mpremote_over_pty_exec_eval_run_fs_and_resets(tmp_path: Path, serve) -> None:
    flash = _flash(tmp_path)
    link = tmp_path / "board"
    layer = tmp_path / "layer"  # the board's changes to /flash (the served folder stays as it is)
    served = serve(str(flash), "--link", str(link), "--flash-dir", str(layer))
    port = str(link)
    assert served.where[0].startswith("/dev/pts/")
    script = tmp_path / "job.py"
    script.write_text("import os\nprint('cwd', os.getcwd())\n")
    blob = bytes(range(256)) * 4
    (tmp_path / "blob.bin").write_bytes(blob)
    back = tmp_path / "back.bin"
    # one mpremote session (it soft-resets into the raw REPL, where main.py does not run)
    out = run_client(
        "mpremote", "connect", port,
        # a second of board time takes a second of wall time (the clock is paced)
        "exec", "import time; t = time.ticks_ms(); time.sleep(1); print(time.ticks_diff(time.ticks_ms(), t))",
        "eval", "'counter' in globals()",
        "run", str(script),
        "fs", "cp", str(tmp_path / "blob.bin"), ":blob.bin", "+",
        "fs", "ls", "+",
        "fs", "cp", ":blob.bin", str(back), "+",
        "fs", "cat", "main.py", "+",
        "fs", "rm", ":blob.bin", "+",
        "eval", "os.listdir()",
    )  # fmt: skip
    lines = out.splitlines()
    assert lines[:3] == ["1000", "False", "cwd /flash"]
    assert "        1024 blob.bin" in lines and any(line.endswith(" main.py") for line in lines)
    assert back.read_bytes() == blob and sorted(p.name for p in flash.iterdir()) == ["main.py"]
    assert "print('main ran')" in lines and lines[-1] == "['main.py']"
    assert not (layer / "blob.bin").exists()  # written to the layer, then removed from it
    # resume: no soft reset, so what the last session left is still there; soft-reset clears it
    run_client("mpremote", "connect", port, "resume", "exec", "kept = 7")
    out = run_client(
        "mpremote", "connect", port, "resume", "eval", "kept", "soft-reset", "eval", "'kept' in globals()"
    )  # fmt: skip
    assert out.splitlines() == ["7", "False"]


def test_mpremote_over_socket_and_rfc2217(tmp_path: Path, serve) -> None:
    flash = _flash(tmp_path)
    served = serve(str(flash), "--tcp", "0", "--rfc2217", "0")
    sock, rfc = served.where
    assert sock.startswith("socket://127.0.0.1:") and rfc.startswith("rfc2217://127.0.0.1:")
    out = run_client(
        "mpremote", "connect", sock, "eval", "6 * 7", "exec", "open('new.txt', 'w').write('x')",
        "eval", "open('new.txt').read()",
    )  # fmt: skip
    assert out == "42\nx\n"
    assert not (flash / "new.txt").exists()  # the board wrote to its own layer, not the folder
    assert run_client("mpremote", "connect", rfc, "eval", "'over rfc2217'") == "over rfc2217\n"
    assert "main.py" in run_client("mpremote", "connect", rfc, "fs", "ls")
