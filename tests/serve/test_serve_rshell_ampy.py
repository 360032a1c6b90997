"""rshell and adafruit-ampy (from PyPI) against `pycomsim serve` on a pty."""

from __future__ import annotations

from pathlib import Path

from conftest import run_client


def _flash(tmp_path: Path) -> Path:
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text("print('main ran')\n")
    return flash


def test_rshell_ls_cp_cat_and_repl(tmp_path: Path, serve) -> None:
    flash = _flash(tmp_path)
    link = tmp_path / "board"
    layer = tmp_path / "layer"
    serve(str(flash), "--link", str(link), "--flash-dir", str(layer))
    note = tmp_path / "note.txt"
    note.write_text("hello rshell\n")
    commands = tmp_path / "commands.rsh"
    commands.write_text(
        f"cp {note} /flash/note.txt\nls /flash\ncat /flash/note.txt\ncp /flash/main.py {tmp_path}/back.py\n"
        "repl ~ print(6 * 7) ~\n"
    )
    out = run_client("rshell", "-p", str(link), "--quiet", "-f", str(commands), timeout=40)
    # rshell sends the file through the board's sys.stdin (sys_stdio_mphal.c), hexlified
    assert (layer / "note.txt").read_text() == "hello rshell\n"  # the board's layer
    assert sorted(p.name for p in flash.iterdir()) == ["main.py"]  # the sources are untouched
    assert "note.txt" in out and "main.py" in out and "hello rshell" in out
    assert (tmp_path / "back.py").read_text() == "print('main ran')\n"
    assert ">>> print(6 * 7) \n42\n>>> " in out.replace("\r\n", "\n")


def test_ampy_ls_put_get_run(tmp_path: Path, serve) -> None:
    flash = _flash(tmp_path)
    link = str(tmp_path / "board")
    layer = tmp_path / "layer"
    serve(str(flash), "--link", link, "--flash-dir", str(layer))
    assert run_client("ampy", "-p", link, "ls").split() == ["/flash"]  # the VFS root
    local = tmp_path / "data.txt"
    local.write_text("1,2,3\n")
    run_client("ampy", "-p", link, "put", str(local), "/flash/data.txt")
    assert (layer / "data.txt").read_text() == "1,2,3\n"
    assert not (flash / "data.txt").exists()
    assert run_client("ampy", "-p", link, "ls", "/flash").split() == [
        "/flash/data.txt",
        "/flash/main.py",
    ]
    assert run_client("ampy", "-p", link, "get", "/flash/data.txt") == "1,2,3\n\n"  # ampy adds one
    job = tmp_path / "job.py"
    job.write_text("import os\nprint(sorted(os.listdir()))\n")
    assert run_client("ampy", "-p", link, "run", str(job)) == "['data.txt', 'main.py']\n"
