"""Every bad input is one clear line and a documented exit code, never a traceback
(issue cases 5, 6, 8, 9, 10, 11, 15, 16, 17, 18)."""

import io
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from pycomsim import Board

LOOP = """
import time
from machine import Pin
p = Pin('P9', mode=Pin.OUT)
while True:
    p.toggle()
    time.sleep_ms(1)
"""


def one_error_line(err):
    lines = err.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("pycomsim: error: ") and "Traceback" not in err


@pytest.mark.parametrize(
    "until, words",
    [
        ("99999999999999999999h", "longer than 10 years"),
        ("87661h", "longer than 10 years"),
        ("10", "a number in a string needs a unit"),
        ("9" * 5000 + "s", "longer than 10 years"),
    ],
)
def test_bad_until_is_one_line_naming_the_option(write, cli, until, words):
    code, out, err = cli("run", write("main.py", "print(1)\n"), "--until", until)
    assert code == 2 and out == "" and one_error_line(err) and "--until" in err and words in err
    assert len(err) < 300


def test_a_toml_until_past_the_maximum_is_refused(write, cli):
    write("a.py", "print(1)\n")
    for until in ("1e32", '"99999999999h"'):
        scenario = write("s.toml", f'until = {until}\n[boards.a]\nscript = "a.py"\n')
        code, _, err = cli("run", "--scenario", scenario)
        assert code == 2 and one_error_line(err) and "until" in err


def test_the_longest_run_is_ten_years():
    from pycomsim.units import MAX_DURATION_NS, parse_duration

    assert parse_duration("87660h") == MAX_DURATION_NS == 315_576_000_000_000_000
    with pytest.raises(ValueError, match="longer than 10 years"):
        parse_duration(MAX_DURATION_NS + 1)


def test_an_unreadable_script_is_one_line(write, cli, monkeypatch):
    script = write("main.py", "print(1)\n")

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(
        "pycomsim.run_options.open", refuse, raising=False
    )  # root can read anything
    code, out, err = cli("run", script)
    assert code == 2 and out == "" and one_error_line(err) and "Permission denied" in err


def test_toml_nested_a_thousand_deep_is_one_line(write, cli):
    scenario = write("deep.toml", "x = " + "[" * 1000 + "]" * 1000 + "\n")
    code, _, err = cli("run", "--scenario", scenario)
    assert code == 2 and one_error_line(err) and "nested too deeply" in err


def test_a_generator_of_1e_300_hz_is_one_line(write, cli):
    write("a.py", "print(1)\n")
    scenario = write(
        "g.toml", '[boards.a]\nscript = "a.py"\n[[generators]]\npin = "a.P13"\nfreq = 1e-300\n'
    )
    code, _, err = cli("run", "--scenario", scenario)
    assert code == 2 and one_error_line(err) and "freq" in err and "10 years" in err


@pytest.mark.parametrize(
    "table, key, words",
    [
        ('[[leds]]\npin = "a.P9"\nactive_low = "no"\n', "leds[0].active_low", "true or false"),
        (
            '[[generators]]\npin = "a.P13"\nfreq = 10\nopen_drain = "maybe"\n',
            "generators[0].open_drain",
            "true or false",
        ),
        ('[[leds]]\npin = "a.P9"\nname = 5\n', "leds[0].name", "a string"),
        ('[[pulls]]\npin = "a.P9"\nup = 1\n', "pulls[0].up", "true or false"),
    ],
)
def test_scenario_types_are_strict_and_name_file_key_and_value(write, cli, table, key, words):
    write("a.py", "print(1)\n")
    scenario = write("s.toml", '[boards.a]\nscript = "a.py"\n' + table)
    code, _, err = cli("run", "--scenario", scenario)
    assert code == 2 and one_error_line(err)
    assert str(scenario) in err and key in err and words in err


def test_a_null_byte_in_a_scenario_script_names_file_and_key(write, cli):
    scenario = write("s.toml", '[boards.a]\nscript = "a\\u0000b"\n')
    code, _, err = cli("run", "--scenario", scenario)
    assert code == 2 and one_error_line(err)
    assert str(scenario) in err and "boards.a.script" in err and "null byte" in err


def test_press_with_an_empty_hold_is_refused(write, cli):
    code, _, err = cli("run", write("main.py", "print(1)\n"), "--press", "P10@1s+")
    assert code == 2 and one_error_line(err) and "no hold time" in err


def test_python_api_type_errors_at_the_call(write):
    with pytest.raises(TypeError, match="seed"):
        Board("lopy4", seed="x")
    with pytest.raises(TypeError, match="wires"):
        Board("lopy4", wires="P9=P23")
    board = Board("lopy4", stdout=io.StringIO())
    with pytest.raises(TypeError, match="script path or a function"):
        board.run(12345)
    assert board.error is None


def test_board_run_from_its_own_script_is_a_runtime_error(write):
    board = Board("lopy4", stdout=io.StringIO())
    seen = []

    def program():
        try:
            board.run(lambda: None, until="1ms")
        except RuntimeError as error:
            seen.append(str(error))

    board.run(program, until="10ms")
    assert seen and "already running" in seen[0]


def test_one_board_run_from_two_threads_is_a_runtime_error(write):
    board = Board("lopy4", stdout=io.StringIO())
    errors = []
    running = threading.Event()

    def program():  # tells the other thread once the run is under way, then keeps it going
        running.set()
        while True:
            board.time.sleep_ms(1)

    def second():
        running.wait(30)
        try:
            board.run(until="1ms")
        except RuntimeError as error:
            errors.append(error)
        finally:
            done.set()

    done = threading.Event()
    thread = threading.Thread(target=second)
    thread.start()
    board.load(program)
    board.run_until(lambda: done.is_set(), timeout="1000s", poll="1ms")
    thread.join()
    assert len(errors) == 1 and "second thread" in str(errors[0])


def _cli(*args, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "pycomsim.cli", "run", *map(str, args)],
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_complete_the_vcd_and_print_the_summary(write, tmp_path, signum, code):
    script = write("main.py", "print('ready')\n" + LOOP)
    vcd = tmp_path / "run.vcd"
    proc = _cli(script, "--until", "1000h", "--vcd", vcd, stdout=subprocess.PIPE)
    assert proc.stdout.readline() == "ready\n"  # the run is going
    time.sleep(0.3)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code
    assert f"terminated by {signal.Signals(signum).name}" in err and "VCD written" in err
    assert "Traceback" not in err
    text = vcd.read_text()
    assert text.startswith("$") and text.rstrip().splitlines()[-1].startswith("#")


def test_a_closed_pipe_on_stdout_ends_the_run_quietly(write):
    script = write("main.py", "import time\nfor i in range(100000):\n    print(i)\n")
    reader, writer = os.pipe()
    proc = _cli(script, stdout=writer)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        assert pipe.readline() == "0\n"
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141 and "Traceback" not in err and "BrokenPipe" not in err


def test_a_closed_stdout_is_one_line(write):
    script = write("main.py", "print(1)\n")
    done = subprocess.run(
        f"{sys.executable} -m pycomsim.cli run {script} >&-",
        shell=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (
        done.returncode == 2 and one_error_line(done.stderr) and "stdout is closed" in done.stderr
    )
