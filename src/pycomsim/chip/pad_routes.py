"""The former home of the peripherals' pad calls, now the GPIO matrix's (chip/matrix.py): this name
stays so that code written against it still imports. New code imports `chip.matrix`."""

from .matrix import (  # noqa: F401 - re-exported
    IN,
    OPEN_DRAIN,
    OUT,
    PULL_UP,
    OutputSignal,
    pin_config,
    pin_deassign,
    watch_input,
)
