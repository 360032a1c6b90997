"""`@pytest.mark.board(seeds=...)`: one test item per seed, each board with its seed, spread over
pytest-xdist workers; the failing seeds of examples/debounce.py fail and nothing else."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from pycomsim.cli import main

pytest_plugins = ["pytester"]

DEBOUNCE = Path(__file__).resolve().parent.parent / "examples" / "debounce.py"


def test_seeds_parametrise_the_board_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
import pytest

@pytest.mark.board("lopy4", seeds=range(12))
def test_debounce(board, board_seed):
    assert board.seed == board_seed
    board.button("P10").press(at="5ms")
    board.run({str(DEBOUNCE)!r})
    assert board.output == "presses: 1\\n"
"""
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:playwright", "-n", "2", "-rf"
    )
    expected = []
    for seed in range(12):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main(
                ["run", str(DEBOUNCE), "--seed", str(seed), "--press", "P10@5ms", "--quiet"]
            )
        if code != 0:
            expected.append(seed)
    assert 0 < len(expected) < 12
    result.assert_outcomes(passed=12 - len(expected), failed=len(expected))
    failed = sorted(
        int(line.split("[seed=")[1].split("]")[0])
        for line in result.outlines
        if line.startswith("FAILED ")
    )
    assert failed == expected
    assert any("2 workers [12 items]" in line for line in result.outlines)


def test_seeds_and_seed_together_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.board(seed=1, seeds=[1, 2])
def test_x(board):
    pass

@pytest.mark.board(seeds="abc")
def test_y(board):
    pass
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:playwright", "-q")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*give seed= or seeds=, not both*"])
