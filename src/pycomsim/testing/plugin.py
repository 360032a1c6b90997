"""The pytest plugin (entry point `pytest11`): a `board` fixture with a fresh simulated board."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..board import Board


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "board(type='lopy4', **options): configure the `board` fixture")


@pytest.fixture
def board(request: pytest.FixtureRequest) -> Iterator[Board]:
    """A fresh simulated board; `@pytest.mark.board("lopy4", seed=1, wires=["P9=P23"])` configures it."""
    marker = request.node.get_closest_marker("board")
    args = marker.args if marker else ()
    kwargs = dict(marker.kwargs) if marker else {}
    yield Board(*args, **kwargs)
