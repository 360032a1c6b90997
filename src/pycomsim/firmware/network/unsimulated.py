"""The network classes pycomsim does not simulate: Bluetooth, Sigfox, LTE, MDNS, Coap.

They exist in ``network`` on the boards that have them (esp32/mods/modnetwork.c
``mp_module_network_globals_table``), so ``from network import Bluetooth`` works as on the board;
creating one raises `NotSimulatedError`, one line that says what is missing.
"""

from __future__ import annotations

from typing import Any

from ...exc import NotSimulatedError

__all__ = ["STUB_MARK", "NotSimulatedError", "not_simulated", "unsimulated_class"]

STUB_MARK = "__pycomsim_not_simulated__"


def not_simulated(name: str) -> NotSimulatedError:
    return NotSimulatedError(f"network.{name} is not simulated by pycomsim")


def unsimulated_class(name: str) -> type:
    """A class named `name` whose constructor (and every class-level call) says it is not simulated."""

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        raise not_simulated(name)

    attrs = {"__new__": __new__, "__module__": "builtins", "__slots__": ()}
    attrs[STUB_MARK] = True  # the docs table says "present, not simulated" (output/simulated.py)
    cls = type(name, (), attrs)
    return cls
