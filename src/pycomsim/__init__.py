"""pycomsim: run Pycom MicroPython GPIO scripts unchanged on CPython, on a simulated board."""

from .board import Board
from .core.boards import BOARDS, DEFAULT_BOARD
from .exc import FaultError, NotSimulatedError, PycomsimError, UsageError
from .sim.world import World
from .units import format_ns, parse_duration

__version__ = "0.1.0"
__all__ = [
    "BOARDS",
    "DEFAULT_BOARD",
    "Board",
    "FaultError",
    "NotSimulatedError",
    "PycomsimError",
    "UsageError",
    "World",
    "format_ns",
    "parse_duration",
]
