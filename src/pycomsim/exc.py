"""Error messages in one place: the firmware's exact words (`py/argcheck.c`, `mpexception.c`) and ours."""

from __future__ import annotations

# esp32/mpexception.c
INVALID_ARGS = "invalid argument(s) value"
NOT_POSSIBLE = "the requested operation is not possible"
HOLD_NOT_RTC = "the hold functionality is only available for GPIO pins in the RTC domain"
WAKE_BAD_PIN = "deepsleep wake up is not supported on the selected pin(s)"
WAKE_BAD_MODE = "invalid wakeup mode %d"
IRQ_UNHANDLED = "Unhandled exception in callback handler"

# py/argcheck.c (MICROPY_ERROR_REPORTING_NORMAL)
EXTRA_KW = "extra keyword arguments given"
EXTRA_POS = "extra positional arguments given"
NO_KW = "function doesn't take keyword arguments"


def NO_KW_ERROR() -> TypeError:  # noqa: N802
    return TypeError(NO_KW)


def missing_args(n: int) -> TypeError:
    return TypeError(f"function missing {n} required positional arguments")


def at_most(n: int, got: int) -> TypeError:
    return TypeError(f"function expected at most {n} arguments, got {got}")


def takes(n: int, got: int) -> TypeError:
    return TypeError(f"function takes {n} positional arguments but {got} were given")


def get_int(obj: object) -> int:
    """`mp_obj_get_int`: ints and bools pass, anything else is a TypeError naming its type."""
    if isinstance(obj, int):
        return int(obj)
    raise TypeError(f"can't convert {type(obj).__name__} to int")


class PycomsimError(Exception):
    """Base of pycomsim's own errors (bad usage of the simulator, not of the board API)."""


class UsageError(PycomsimError, ValueError):
    """Bad input to pycomsim: CLI flags, scenario files, durations, pin names in queries."""


class FaultError(PycomsimError, OSError):
    """An electrical fault (contention, ...) raised in the script because the run is strict."""


class NotSimulatedError(PycomsimError, NotImplementedError):
    """A firmware feature the board has but pycomsim does not simulate (network.Bluetooth, ...)."""


class _Missing:
    """The default of an optional argument that was not given (None is a value for some)."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: object = _Missing()
