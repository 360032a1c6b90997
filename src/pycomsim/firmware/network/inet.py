"""IP sockets (interim: not simulated yet)."""

from __future__ import annotations

from typing import Any

from .unsimulated import not_simulated


class InetSocket:
    def __init__(self, *args: Any) -> None:
        raise not_simulated("WLAN")


def getaddrinfo(board: Any, nics: Any, *args: Any) -> Any:
    raise not_simulated("WLAN")
