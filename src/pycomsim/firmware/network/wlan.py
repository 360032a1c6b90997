"""``network.WLAN`` (interim: not simulated yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .unsimulated import unsimulated_class

if TYPE_CHECKING:
    from ...board import Board


def make_wlan_class(board: Board, nics: dict[str, Any]) -> type:
    return unsimulated_class("WLAN")
