"""The board's ``network`` module (esp32/mods/modnetwork.c, Pycom firmware 1.20.2) and ``usocket``.

``network`` has ``WLAN`` and ``Server`` on every board, ``LoRa`` on the LoRa boards (LoPy, LoPy4,
FiPy), ``Sigfox`` on SiPy/LoPy4/FiPy, ``LTE`` on FiPy/GPy, and ``Bluetooth`` and ``MDNS``/``Coap``
everywhere. LoRa, WLAN and Server are simulated; the others raise `NotSimulatedError` when created.

A network card registers itself for sockets when it is created (``mod_network_register_nic``);
`boot_nics` is that list, one per boot, shared by ``network`` and ``usocket``.
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

from .unsimulated import NotSimulatedError, unsimulated_class

if TYPE_CHECKING:
    from ...board import Board

__all__ = ["NotSimulatedError", "boot_nics", "make_network", "make_usocket_module"]

LORA_BOARDS = frozenset({"lopy", "lopy4", "fipy"})
SIGFOX_BOARDS = frozenset({"sipy", "lopy4", "fipy"})
LTE_BOARDS = frozenset({"fipy", "gpy"})


def boot_nics(board: Board) -> dict[str, Any]:
    """The network cards of the board's current boot ('lora' -> the LoRa object, 'wlan' -> ...)."""
    state = board.__dict__.get("_network_boot")
    if state is None or state[0] != board.boot_count:
        state = board.__dict__["_network_boot"] = (board.boot_count, {})
    return state[1]


def make_network(board: Board) -> types.ModuleType:
    """A fresh ``network`` module for one boot of `board`."""
    from .server import make_server_class
    from .wlan import make_wlan_class

    m = types.ModuleType("network")
    nics = boot_nics(board)
    m.WLAN = make_wlan_class(board, nics)
    if board.type in LORA_BOARDS:
        from .lora import make_lora_class

        lora_class = make_lora_class(board)

        def register(obj: Any) -> Any:
            nics["lora"] = obj
            return obj

        lora_class._register = staticmethod(register)  # type: ignore[attr-defined]
        m.LoRa = lora_class
    if board.type in SIGFOX_BOARDS:
        m.Sigfox = unsimulated_class("Sigfox")
    if board.type in LTE_BOARDS:
        m.LTE = unsimulated_class("LTE")
    m.Bluetooth = unsimulated_class("Bluetooth")
    m.Server = make_server_class(board)
    m.Coap = unsimulated_class("Coap")
    m.MDNS = unsimulated_class("MDNS")
    return m


def make_usocket_module(board: Board) -> types.ModuleType:
    from .usocket import make_usocket

    return make_usocket(board, boot_nics(board))
