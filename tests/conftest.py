"""Fixtures shared by the SPEC conformance tests."""

import pytest


@pytest.fixture
def Pin(board):  # noqa: N802 - named as scripts name it
    """`machine.Pin` of the test's board (the plugin's `board` fixture, configured by its marker)."""
    return board.machine.Pin
