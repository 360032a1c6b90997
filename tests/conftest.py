"""Fixtures shared by the tests: the SPEC conformance over both Pin paths, and no child process
outliving the test that started it.

Every Pin rule runs twice: over the hot path specialised for the simulated pads (chip/fast_pin.py)
and over the portable methods that speak only the pad contract (firmware/pin.py). A rule that holds
on one and not the other fails here.
"""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from child_processes import TrackedPopen, kill_leftovers

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


@pytest.fixture(autouse=True)
def no_orphan_processes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test that fails while its `pycomsim` child still runs (a timeout, a failed assert before
    `communicate`) would leave that child spinning on the shared cores for the rest of the suite.
    Whatever a test (or its function-scoped fixtures) started and left running is killed, with its
    process group when it has one of its own."""
    monkeypatch.setattr(subprocess, "Popen", TrackedPopen)
    TrackedPopen.started = []
    yield
    kill_leftovers(TrackedPopen.started)
