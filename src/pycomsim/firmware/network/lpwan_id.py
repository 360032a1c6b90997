"""The LoRa MAC of a board (its DevEUI), as the config block holds it."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...board import Board


def lpwan_mac(board: Board) -> bytes:
    """The 8-byte LoRa MAC (DevEUI) from the config block: Pycom's 70:B3:D5:49 prefix, the rest
    fixed by board name and seed."""
    digest = hashlib.sha256(f"lpwan/{board.name}/{board.seed}".encode()).digest()
    return b"\x70\xb3\xd5\x49" + digest[:4]
