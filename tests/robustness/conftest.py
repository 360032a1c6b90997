"""Helpers for the regression suite of bad input, faults and load."""

import textwrap

import pytest

from pycomsim.cli import main


@pytest.fixture
def write(tmp_path):
    """write('main.py', 'print(1)') -> the path of a dedented file in the test's folder."""

    def make(name, text=""):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    return make


@pytest.fixture
def cli(capsys):
    """cli('run', ...) -> (exit code, stdout, stderr) of pycomsim's main in this process."""

    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run
