"""Fixtures shared by the SPEC conformance tests.

Every Pin rule runs twice: over the hot path specialised for the simulated pads (chip/fast_pin.py)
and over the portable methods that speak only the pad contract (firmware/pin.py). A rule that holds
on one and not the other fails here.
"""

from pathlib import Path

import pytest

from pycomsim import Board

CONFORMANCE_FILES = ("test_spec_", "test_pin_stateful", "test_bench_fast_path", "test_electrical_")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if Path(str(metafunc.definition.fspath)).name.startswith(CONFORMANCE_FILES):
        metafunc.fixturenames.append("pin_path")
        metafunc.parametrize("pin_path", ["fast", "portable"], indirect=True)


@pytest.fixture
def pin_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which Pin methods the test's boards get: 'fast' or 'portable'."""
    monkeypatch.setattr(Board, "default_fast_path", request.param == "fast")
    return request.param


@pytest.fixture
def Pin(board):  # noqa: N802 - named as scripts name it
    """`machine.Pin` of the test's board (the plugin's `board` fixture, configured by its marker)."""
    return board.machine.Pin
