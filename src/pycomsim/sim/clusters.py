"""Which boards of a world can affect each other: boards joined by wires (directly or through other
boards) form a cluster, and so do all boards that use the network; boards in different clusters share nothing but the virtual clock.

The kernel uses this to let a board's task run ahead past another cluster's task switches (see
`Board.sync`): a board of another cluster cannot change anything this board can see, so only this
cluster's own events (and every event that is not a plain task resume) bound how far it may run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
        for pin in board.pins:
            for driver in pin._out.net.drivers:
                owner = driver.owner
                other = getattr(owner, "_b", None)
                if other is not None and other is not board and other in parent:
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
