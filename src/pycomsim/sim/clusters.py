"""Which boards of a world can affect each other: boards joined by wires (directly or through other
boards) form a cluster, and so do all boards that use the network; boards in different clusters share nothing but the virtual clock.

The kernel uses this to let a board's task run ahead past another cluster's task switches (see
`Scheduler.sync`): a board of another cluster cannot change anything this board can see, so only this
cluster's own events (and every event that is not a plain task resume) bound how far it may run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .net import Net
from .scheduler import Scheduler

if TYPE_CHECKING:
    from ..board import Board
    from .world import World


def clusters(world: World) -> dict[Board, frozenset[Board]]:
    """Each board -> the boards of the *other* clusters (the ones it cannot affect)."""
    boards = list(world.boards.values())
    parent = {b: b for b in boards}

    def root(b: Board) -> Board:
        while parent[b] is not b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    for board in boards:
        for pad in board.pads.values():
            for driver in pad.net.drivers:
                other = world.boards.get(getattr(driver.owner, "board_name", None))  # type: ignore[arg-type]
                if other is not None and other is not board:
                    parent[root(other)] = root(board)
    # boards on a network (LoRa, WLAN, sockets) can reach each other at any time: one cluster
    networked = [b for b in boards if b.name in world.networked]
    for board in networked[1:]:
        parent[root(board)] = root(networked[0])
    groups: dict[Board, set[Board]] = {}
    for b in boards:
        groups.setdefault(root(b), set()).add(b)
    everyone = frozenset(boards)
    return {b: everyone - groups[root(b)] for b in boards}


_RESUME_TASK = Scheduler.resume_when_free  # what a task switch looks like in the heap


def run_ahead_limit(board: Board) -> int:
    """How far `board`'s running task may go before it must let the kernel run: the next event, or
    past other clusters' task switches (they cannot affect it). Cached on the wiring generation
    (`Net.merges`), the board count and the boards on the network."""
    world = board.world
    kernel = board.kernel
    if len(world.boards) < 2:
        return kernel.next_time
    key = (len(world.boards), Net.merges, len(world.networked))  # all that clusters depend on
    cache: tuple[Any, dict[Board, frozenset[Scheduler]]] | None = world.cluster_cache
    if cache is None or cache[0] != key:
        foreign = {
            b: frozenset(o.scheduler for o in others) for b, others in clusters(world).items()
        }
        cache = world.cluster_cache = (key, foreign)
    foreign = cache[1].get(board)
    if not foreign:
        return kernel.next_time
    return kernel.run_ahead_limit(foreign, _RESUME_TASK)
