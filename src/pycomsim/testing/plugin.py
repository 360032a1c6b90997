"""The pytest plugin (entry point `pytest11`, active after `pip install pycomsim`).

Fixtures: `board` (a fresh simulated board, configured with `@pytest.mark.board("lopy4", seed=1,
wires=["P9=P23"])`), `world` (the World it lives in) and `make_board` (more boards in that same world).
When a test using them fails, the VCD of its boards is saved next to the test report (the folder of
`--junitxml`, else `--pycomsim-vcd-dir`, else `pycomsim-vcd/` in the rootdir) and its path is printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..board import Board
from ..sim.world import World

_WORLDS = pytest.StashKey[list[World]]()
_SAVED = pytest.StashKey[list[tuple[str, Path]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pycomsim")
    group.addoption(
        "--pycomsim-vcd-dir",
        default=None,
        metavar="DIR",
        help="where to save the VCD of a failing test's boards (default: next to --junitxml, "
        "else pycomsim-vcd/ in the rootdir)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "board(type='lopy4', **options): configure the `board` fixture "
        "(seed=, wires=[...], name=, expansion=, strict=; seeds=range(200): one test per seed)",
    )
    config.stash[_SAVED] = []


def _marker_options(request: pytest.FixtureRequest) -> tuple[tuple, dict[str, Any]]:
    marker = request.node.get_closest_marker("board")
    if marker is None:
        return (), {}
    if len(marker.args) > 1:
        raise pytest.UsageError(
            f"@pytest.mark.board takes one positional argument (the board type), got {marker.args!r}"
        )
    return tuple(marker.args), dict(marker.kwargs)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`@pytest.mark.board(seeds=range(200))`: the test runs once per seed (ids `seed=N`), each a
    separate item, so pytest-xdist spreads them over its workers; `board_seed` is the seed."""
    marker = metafunc.definition.get_closest_marker("board")
    if marker is None or "seeds" not in marker.kwargs:
        return
    if "seed" in marker.kwargs:
        raise pytest.UsageError("@pytest.mark.board: give seed= or seeds=, not both")
    seeds = marker.kwargs["seeds"]
    try:
        seeds = list(seeds)
    except TypeError:
        raise pytest.UsageError(
            f"@pytest.mark.board: seeds= takes a range or a list of ints, got {seeds!r}"
        ) from None
    if not seeds or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds):
        raise pytest.UsageError(
            f"@pytest.mark.board: seeds= takes a non-empty range or list of ints, got {seeds!r}"
        )
    if "board_seed" not in metafunc.fixturenames:
        metafunc.fixturenames.append("board_seed")
    metafunc.parametrize("board_seed", seeds, ids=[f"seed={s}" for s in seeds])


@pytest.fixture
def board_seed() -> int:
    """The seed of this test item under `@pytest.mark.board(seeds=...)` (the board's seed)."""
    raise pytest.UsageError("board_seed is the seed of @pytest.mark.board(seeds=...): add seeds=")


@pytest.fixture
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    """The World of this test's boards (one virtual clock); `strict` comes from the board marker."""
    _, options = _marker_options(request)
    w = World(strict=bool(options.get("strict", False)))
    request.node.stash.setdefault(_WORLDS, []).append(w)
    yield w
    w.recorder.close()


@pytest.fixture
def board(request: pytest.FixtureRequest, world: World) -> Board:
    """A fresh simulated board; `@pytest.mark.board("lopy4", seed=1, wires=["P9=P23"])` configures it.
    Run it with `board.run(script_or_function, until="20ms")` or `board.run_until(condition)`."""
    args, options = _marker_options(request)
    options.pop("strict", None)  # a property of the world
    if "seeds" in options:
        del options["seeds"]
        options["seed"] = request.getfixturevalue("board_seed")  # this item's seed
    try:
        board = Board(*args, world=world, **options)
    except TypeError as error:
        raise pytest.UsageError(f"@pytest.mark.board: {error}") from None
    board.script_dir = request.path.parent  # board.run("main.py") is next to the test file
    return board


@pytest.fixture
def make_board(request: pytest.FixtureRequest, world: World) -> Callable[..., Board]:
    """A factory for boards in the test's world: `a = make_board("lopy4", name="a")`. Without a name
    the first board of a type is named by its type, the next ones `type_2`, `type_3`, ..."""

    def make(board: str = "lopy4", **options: Any) -> Board:
        if options.get("name") is None:
            name, n = board, 1
            while name in world.boards:
                n += 1
                name = f"{board}_{n}"
            options["name"] = name
        made = Board(board, world=world, **options)
        made.script_dir = request.path.parent  # relative scripts are next to the test file
        return made

    return make


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    worlds = item.stash.get(_WORLDS, None)
    if not worlds or not report.failed or report.when == "teardown":
        return
    lines = []
    for i, w in enumerate(worlds):
        if not w.boards:
            continue
        path = _vcd_path(item, i if len(worlds) > 1 else None)
        try:
            from ..output.vcd import write_vcd

            path.parent.mkdir(parents=True, exist_ok=True)
            write_vcd(w, path)
        except Exception as error:  # never hide the test's own failure behind ours
            lines.append(f"could not save the VCD to {path}: {error}")
            continue
        names = ", ".join(w.boards)
        lines.append(f"VCD of board {names} saved to {path}")
        item.config.stash[_SAVED].append((item.nodeid, path))
    if lines:
        report.sections.append(("pycomsim", "\n".join(lines)))


def _vcd_path(item: pytest.Item, index: int | None) -> Path:
    config = item.config
    folder = config.getoption("--pycomsim-vcd-dir")
    if folder is None:
        xml = config.getoption("--junitxml", None) or config.getoption("xmlpath", None)
        folder = Path(xml).parent if xml else config.rootpath / "pycomsim-vcd"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")[:150]
    if index is not None:
        stem += f"-{index + 1}"
    return (config.invocation_params.dir / folder).resolve() / f"{stem}.vcd"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    saved = config.stash.get(_SAVED, [])
    if saved:
        terminalreporter.section("pycomsim")
        for nodeid, path in saved:
            terminalreporter.write_line(f"VCD of failing {nodeid}: {path}")
