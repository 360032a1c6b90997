"""`pycomsim run`: stdout is the board's output, exit codes, usage errors, Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pycomsim.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def script(tmp_path, text, name="main.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def run_cli(capsys, *argv):
    code = main(["run", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_stdout_is_exactly_what_the_script_prints(tmp_path, capsys):
    path = script(tmp_path, 'print("hello")\nprint("a", "b", sep="-", end="!")\n')
    code, out, err = run_cli(capsys, path, "--until", "10ms")
    assert (code, out) == (0, "hello\na-b!")
    assert err.startswith("pycomsim: ")  # the summary goes to stderr


def test_until_stops_a_script_that_never_ends_at_that_virtual_time(tmp_path, capsys):
    path = script(
        tmp_path,
        """
        import time
        while True:
            time.sleep_ms(100)
    """,
    )
    code, out, err = run_cli(capsys, path, "--until", "2s", "--json")
    summary = json.loads(err.strip().splitlines()[-1])
    assert code == 0
    assert summary["virtual_ns"] == 2_000_000_000
    assert summary["status"] == "reached --until"


@pytest.mark.parametrize(
    "until,ns",
    [("500us", 500_000), ("20ms", 20_000_000), ("2s", 2_000_000_000), ("1min", 60_000_000_000)],
)
def test_until_accepts_units(tmp_path, capsys, until, ns):
    path = script(tmp_path, "import time\nwhile True:\n    time.sleep_ms(1)\n")
    code, _, err = run_cli(capsys, path, "--until", until, "--json")
    assert json.loads(err.strip().splitlines()[-1])["virtual_ns"] == ns


def test_script_that_returns_ends_the_run_with_exit_0(tmp_path, capsys):
    path = script(tmp_path, "import time\ntime.sleep_ms(5)\nprint('bye')\n")
    code, out, _ = run_cli(capsys, path)
    assert (code, out) == (0, "bye\n")


def test_script_exception_is_the_boards_traceback_on_stdout_and_its_place_on_stderr(
    tmp_path, capsys
):
    path = script(
        tmp_path,
        """
        from machine import Pin
        print("before")
        Pin('P10', mode=3)
    """,
    )
    code, out, err = run_cli(capsys, path)
    assert code == 1
    # lib/utils/pyexec.c: the board prints the uncaught exception on its console, MicroPython's way
    assert out == (
        "before\n"
        "Traceback (most recent call last):\n"
        '  File "main.py", line 4, in <module>\n'
        "ValueError: invalid argument(s) value\n"
    )
    lines = err.splitlines()
    # one line for editors: the host path and line; no CPython traceback, no internal frames
    assert lines[0] == f"{path}:4: ValueError: invalid argument(s) value"
    assert lines[1].startswith("pycomsim: script raised at ") and len(lines) == 2
    assert "Traceback" not in err and "pycomsim/" not in err


def test_the_raise_line_names_the_innermost_user_frame(tmp_path, capsys):
    (tmp_path / "lib").mkdir()
    script(tmp_path, "def read():\n    return {}['missing']\n", name="lib/sensor.py")
    path = script(tmp_path, "import sensor\nsensor.read()\n")
    code, out, err = run_cli(capsys, path)
    assert code == 1
    assert out == (
        "Traceback (most recent call last):\n"
        '  File "main.py", line 2, in <module>\n'
        '  File "/flash/lib/sensor.py", line 2, in read\n'
        "KeyError: missing\n"
    )
    assert err.splitlines()[0] == f"{tmp_path / 'lib' / 'sensor.py'}:2: KeyError: missing"


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--board", "nopy"], "unknown board 'nopy'"),
        (["--until", "10 parsecs"], "'10 parsecs'"),
        (["--until", "-1"], "'-1'"),
        (["--wire", "P9"], "bad wire 'P9'"),
        (["--wire", "P9=P77"], "'P77'"),
        (["--wire", "P9=P9"], "itself"),
        (["--seed", "x"], "'x'"),
    ],
)
def test_bad_usage_is_one_line_on_stderr_and_exit_2(tmp_path, capsys, argv, needle):
    path = script(tmp_path, "print('never')\n")
    code, out, err = run_cli(capsys, path, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_missing_script_is_exit_2(tmp_path, capsys):
    code, out, err = run_cli(capsys, tmp_path / "nope.py")
    assert code == 2 and "script not found" in err and err.count("\n") == 1


def test_wire_loops_an_output_back_to_an_input(tmp_path, capsys):
    path = script(
        tmp_path,
        """
        from machine import Pin
        out = Pin('P11', Pin.OUT, value=1)
        inp = Pin('P23', Pin.IN, Pin.PULL_DOWN)
        print(inp())
        out(0)
        print(inp())
    """,
    )
    code, out, _ = run_cli(capsys, path, "--wire", "P11=P23", "--no-expansion")
    assert (code, out) == (0, "1\n0\n")


def test_board_option_selects_the_board(tmp_path, capsys):
    path = script(tmp_path, "from machine import Pin\nprint(Pin('P99').id())\n")
    assert run_cli(capsys, path, "--board", "gpy")[:2] == (0, "P99\n")
    assert run_cli(capsys, path, "--board", "lopy4")[0] == 1


def test_ctrl_c_stops_a_never_ending_script_cleanly_with_exit_130(tmp_path):
    path = script(
        tmp_path,
        """
        import time
        print("started")
        while True:
            time.sleep_ms(1)
    """,
    )
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pycomsim.cli", "run", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout.readline() == "started\n"
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "interrupted" in err


def test_quickstart_example_runs_and_reacts_to_the_button(capsys):
    code, out, err = run_cli(
        capsys, EXAMPLES / "quickstart.py", "--press", "P10@1100ms+300ms", "--until", "3s"
    )
    assert code == 0
    assert "button pressed at 11" in out
    assert out.rstrip().endswith("done: 1 press(es), button reads 1")


def test_no_bounce_makes_pressed_buttons_clean(tmp_path, capsys):
    path = script(
        tmp_path,
        """
        from machine import Pin
        import time
        Pin('P10', Pin.IN).callback(Pin.IRQ_FALLING | Pin.IRQ_RISING, lambda p: print(time.ticks_ms(), p()))
        time.sleep_ms(500)
    """,
    )
    bouncy = run_cli(capsys, path, "--press", "P10@100ms+200ms")[1].splitlines()
    code, out, _ = run_cli(capsys, path, "--press", "P10@100ms+200ms", "--no-bounce")
    assert (code, out) == (0, "100 0\n300 1\n")  # one falling, one rising edge
    assert len(bouncy) > 2  # by default the contact bounces


def test_multi_board_traceback_lines_are_prefixed_and_kept_whole(tmp_path, capsys):
    script(tmp_path, 'raise ValueError("ping")\n', name="a.py")
    script(tmp_path, "import time\ntime.sleep_ms(5)\n", name="b.py")
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        '[boards.ping]\ntype = "lopy4"\nscript = "a.py"\n\n[boards.pong]\ntype = "lopy4"\nscript = "b.py"\n'
    )
    code = main(["run", "--scenario", str(scenario), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines() == [  # each board line of the board's traceback gets the prefix
        "ping| Traceback (most recent call last):",
        'ping|   File "a.py", line 1, in <module>',
        "ping| ValueError: ping",  # the message's end is not eaten by the prefix
    ]
    assert err.splitlines() == [f"ping| {tmp_path / 'a.py'}:1: ValueError: ping"]


def test_the_summary_says_when_the_script_raised_not_when_the_run_ended(tmp_path, capsys):
    path = script(tmp_path, "import time\ntime.sleep_ms(20)\nraise OSError(2)\n")
    code, out, err = run_cli(capsys, path, "--until", "1s")
    assert code == 1 and out.endswith("OSError: [Errno 2] ENOENT\n")
    summary_line = err.splitlines()[-1]
    assert summary_line.startswith("pycomsim: script raised at 20.")
    assert ", ended at 1s virtual;" in summary_line
    code, _, err = run_cli(capsys, path, "--until", "1s", "--json")
    data = json.loads(err.splitlines()[-1])
    assert 20_000_000 <= data["raised_ns"] < 21_000_000 and data["virtual_ns"] == 1_000_000_000


def test_a_boot_py_error_exits_1_after_main_py_ran(tmp_path, capsys):
    script(tmp_path, "x = 1 + 'a'\n", name="boot.py")
    path = script(tmp_path, "print('main ran')\n")
    code, out, err = run_cli(capsys, path)
    assert code == 1
    assert out == (
        "Traceback (most recent call last):\n"
        '  File "boot.py", line 1, in <module>\n'
        "TypeError: unsupported types for __add__: 'int', 'str'\n"
        "main ran\n"
    )
    assert err.splitlines()[0] == (
        f"{tmp_path / 'boot.py'}:1: TypeError: unsupported types for __add__: 'int', 'str'"
    )


def test_version_and_bare_pycomsim_help(capsys):
    from pycomsim import __version__

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out == f"pycomsim {__version__}\n"
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: pycomsim") and "run a script on a simulated board" in out


def test_a_short_run_shows_a_real_time_factor_with_digits(tmp_path, capsys):
    path = script(tmp_path, "print('quick')\n")
    code, _, err = run_cli(capsys, path)
    line = err.splitlines()[-1]
    factor = line.split("x real time")[0].rsplit(" ", 1)[-1]
    assert code == 0 and float(factor) > 0  # never '0.0x' for a run of microseconds
    code, _, err = run_cli(capsys, path, "--json")
    assert json.loads(err.splitlines()[-1])["real_time_factor"] > 0


def test_the_summary_says_when_it_leaves_pins_out(tmp_path, capsys):
    path = script(
        tmp_path,
        """
        from machine import Pin
        import time
        pins = [Pin(n, Pin.OUT) for n in ('P3', 'P4', 'P8', 'P9', 'P11', 'P19', 'P20')]
        for i in range(3):
            for p in pins:
                p.toggle()
            time.sleep_ms(1)
        """,
    )
    code, _, err = run_cli(capsys, path)
    line = err.splitlines()[-1]
    edges = line.split(" edges (")[1].split(")")[0]
    assert edges.count(",") == 4 and edges.endswith(", … 5 more")  # 4 shown of 9 with edges


def test_json_written_holds_the_paths(tmp_path, capsys):
    path = script(tmp_path, "from machine import Pin\nPin('P9', Pin.OUT).value(1)\n")
    vcd, png = tmp_path / "a.vcd", tmp_path / "a.png"
    code, _, err = run_cli(capsys, path, "--vcd", vcd, "--plot", png, "--json")
    assert code == 0
    assert json.loads(err.splitlines()[-1])["written"] == [str(vcd), str(png)]
