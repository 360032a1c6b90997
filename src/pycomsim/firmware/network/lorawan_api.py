"""The LoRaWAN methods of ``network.LoRa`` (interim)."""

from __future__ import annotations

from typing import Any

from .unsimulated import not_simulated


def add_lorawan_methods(cls: type, board: Any, modem: Any, send_cmd: Any) -> None:
    def join(self: Any, *args: Any, **kwargs: Any) -> None:
        if modem.config.stack_mode != 1:
            raise OSError("the requested operation is not possible")
        raise not_simulated("LoRa LoRaWAN join")

    def nvram_save(self: Any) -> None:
        return None

    def nvram_restore(self: Any) -> None:
        return None

    def nvram_erase(self: Any) -> None:
        return None

    for fn in (join, nvram_save, nvram_restore, nvram_erase):
        setattr(cls, fn.__name__, fn)
