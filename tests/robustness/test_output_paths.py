"""Outputs never destroy a source file, a folder or a good old file (issue cases 1, 7, 14, 15)."""

import os
import stat
import subprocess
import sys

import pytest

BLINK = """
from machine import Pin
import time
p = Pin('P9', mode=Pin.OUT)
for i in range(4):
    p.toggle()
    time.sleep_ms(1)
"""


def test_vcd_over_the_script_itself_is_refused_and_the_script_is_kept(write, cli):
    script = write("victim.py", BLINK)
    before = script.read_text()
    code, out, err = cli("run", script, "--vcd", script)
    assert code == 2 and "refusing --vcd" in err and "input of this run" in err
    assert len(err.strip().splitlines()) == 1 and script.read_text() == before


def test_vcd_over_an_imported_module_or_boot_py_is_refused(write, cli):
    helper = write("helper.py", "X = 1\n")
    boot = write("boot.py", "pass\n")
    script = write("main.py", "import helper\n" + BLINK)
    for target in (helper, boot):
        before = target.read_text()
        code, _, err = cli("run", script, "--vcd", target)
        assert code == 2 and "refusing --vcd" in err and target.read_text() == before


def test_plot_over_the_scenario_file_is_refused(write, cli):
    write("a.py", BLINK)
    scenario = write("bench.toml", '[boards.a]\nscript = "a.py"\n')
    before = scenario.read_text()
    code, _, err = cli("run", "--scenario", scenario, "--plot", scenario)
    assert code == 2 and "refusing --plot" in err and scenario.read_text() == before


def test_a_directory_or_an_empty_name_is_refused_before_the_run(write, cli, tmp_path):
    script = write("main.py", "print('ran')\n")
    for option, value, words in (
        ("--vcd", tmp_path, "it is a directory"),
        ("--plot", tmp_path, "it is a directory"),
        ("--vcd", "", "needs a file name"),
        ("--plot", "", "needs a file name"),
    ):
        code, out, err = cli("run", script, option, value)
        assert code == 2 and words in err and out == "", (option, value)


def test_a_plot_in_an_unwritable_folder_fails_before_the_run(write, cli):
    script = write("main.py", "print('ran')\n")
    code, out, err = cli("run", script, "--plot", "/proc/x.png")
    assert code == 2 and out == "" and "cannot write --plot '/proc/x.png'" in err


def test_a_crash_in_the_run_never_leaves_half_a_file_where_a_good_one_was(write, cli, tmp_path):
    from pycomsim.output.safefile import AtomicFile

    script = write("main.py", BLINK)
    good = tmp_path / "out.vcd"
    good.write_text("the good old file\n")
    mode = stat.S_IMODE(os.stat(tmp_path).st_mode)
    target = AtomicFile(good, "--vcd")  # written under another name in the same folder
    assert target.temp.parent == tmp_path and target.temp != good
    target.temp.write_text("half")
    assert good.read_text() == "the good old file\n"
    target.commit()
    assert good.read_text() == "half" and not target.temp.exists()
    code, _, err = cli("run", script, "--vcd", good)
    assert code == 0 and good.read_text().startswith("$") and "VCD written" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert stat.S_IMODE(os.stat(tmp_path).st_mode) == mode


def test_a_full_disk_is_one_line_and_its_own_exit_code(write, cli):
    script = write("main.py", BLINK)
    code, out, err = cli("run", script, "--vcd", "/dev/full")
    assert code == 74
    assert "cannot write --vcd '/dev/full': No space left on device" in err
    assert "Traceback" not in err


def test_ui_mode_checks_the_plot_extension_before_serving(write):
    script = write("main.py", BLINK)
    try:  # a subprocess with a timeout: a server that starts anyway must not hang the suite
        done = subprocess.run(
            [sys.executable, "-m", "pycomsim.cli", "run", script, "--ui", "--vcd", "x.vcd"]
            + ["--plot", "x.bmp"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the UI started with a bad --plot")
    assert done.returncode == 2 and "unknown format '.bmp'" in done.stderr


@pytest.mark.parametrize("suffix", [".py", ".toml"])
def test_an_existing_source_file_is_never_an_output(write, cli, suffix):
    script = write("main.py", BLINK)
    other = write(f"notes{suffix}", "keep me\n")
    code, _, err = cli("run", script, "--vcd", other)
    assert code == 2 and other.read_text() == "keep me\n"
