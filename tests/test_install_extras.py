"""A light install: running scripts needs only the core dependencies; plots and the live UI are extras,
and asking for one without it says, in one line, which extra to install."""

import subprocess
import sys
from pathlib import Path

import pytest

from pycomsim.cli import main

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
HEAVY = ("matplotlib", "starlette", "uvicorn", "websockets", "playwright", "pytest", "ruff")


def _name(requirement: str) -> str:
    for stop in "<>=!~;[ ":
        requirement = requirement.split(stop)[0]
    return requirement.lower()


def test_core_dependencies_leave_the_ui_plots_and_tests_out():
    core = {_name(r) for r in PROJECT["dependencies"]}
    assert core.isdisjoint(HEAVY), core & set(HEAVY)
    extras = PROJECT["optional-dependencies"]
    assert {_name(r) for r in extras["plot"]} == {"matplotlib"}
    assert {_name(r) for r in extras["ui"]} == {"starlette", "uvicorn", "websockets"}
    assert extras["all"] == ["pycomsim[plot,ui]"]
    assert "pycomsim[all,docs]" in extras["test"]  # the suite exercises plots, UI and the docs site


def test_license_is_an_spdx_string_with_a_setuptools_that_reads_it():
    assert PROJECT["license"] == "MIT"
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert "setuptools>=77" in build  # PEP 639 license strings need setuptools 77


def test_make_run_installs_the_core_only_and_make_test_the_extras(tmp_path):
    for name in ("Makefile", "pyproject.toml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    run = subprocess.run(
        ["make", "-n", "run"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "pip install -q -e .\n" in run and "[test" not in run
    test = subprocess.run(
        ["make", "-n", "test"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "pip install -q -e '.[test,bench]'" in test


BLOCK = """
import sys
for name in {blocked!r}:
    sys.modules[name] = None  # import raises ImportError: the package is not installed
from pycomsim.cli import main
sys.exit(main({argv!r}))
"""


def _run_without(blocked, argv, cwd):
    code = BLOCK.format(blocked=blocked, argv=argv)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_a_core_only_install_runs_a_script_and_writes_a_vcd(tmp_path):
    (tmp_path / "main.py").write_text("from machine import Pin\nPin('P9', Pin.OUT).value(1)\n")
    blocked = ["matplotlib", "numpy", "starlette", "uvicorn", "websockets"]
    argv = ["run", "main.py", "--vcd", "out.vcd", "--until", "10ms"]
    result = _run_without(blocked, argv, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "$enddefinitions" in (tmp_path / "out.vcd").read_text()


@pytest.mark.parametrize(
    "flags, blocked, extra",
    [
        (["--plot", "out.png"], ["matplotlib"], "plot"),
        (["--ui"], ["uvicorn"], "ui"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it_and_exit_2(tmp_path, flags, blocked, extra):
    (tmp_path / "main.py").write_text("print('never runs')\n")
    result = _run_without(blocked, ["run", "main.py", "--until", "10ms", *flags], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""  # the script did not run
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert f"needs {blocked[0]}, which is not installed" in lines[0]
    assert f"pip install 'pycomsim[{extra}]'" in lines[0]
    assert not (tmp_path / "out.png").exists()


def test_the_extra_check_passes_when_the_extra_is_installed(tmp_path, capsys):
    (tmp_path / "main.py").write_text(
        "from machine import Pin\nPin('P9', Pin.OUT).value(1)\nprint('ran')\n"
    )
    code = main(
        ["run", str(tmp_path / "main.py"), "--until", "1ms", "--plot", str(tmp_path / "p.png")]
    )
    assert code == 0 and capsys.readouterr().out == "ran\n"
    assert (tmp_path / "p.png").stat().st_size > 0
