"""A board's pads at boot (docs/pin.md section 7): what else owns a pad, and the state pin_init0 leaves.

Sources: `esp32/mods/machpin.c` pin_init0 (IN with pull-down, latch 0, except the pins it skips),
`esp32_prefix.c` PIN() (the static state skipped pins keep), `util/antenna.c` (P12 pull-down).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..firmware.pin import PULL_DOWN
from ..sim.net import EXT_LO, STRONG_HI, STRONG_LO, Driver
from ..sim.recorder import record_level

if TYPE_CHECKING:
    from ..board import Board

# Peripherals that drive a pad until the script configures it, with their idle level.
PERIPHERALS = {"P1": ("UART TX", STRONG_HI), "P2": ("RGB LED data", STRONG_LO)}


def add_module_drivers(board: Board) -> None:
    """The module's own drivers: UART TX and RGB LED data, and on second-generation modules the
    antenna switch's pull-down on P12."""
    for pin_name, (what, code) in PERIPHERALS.items():
        board.peripherals[pin_name] = _fixed_driver(
            board, pin_name, f"{board.name}.{pin_name} {what}", code
        )
    if board.spec.second_generation:
        _fixed_driver(board, "P12", f"{board.name}.P12 antenna pull-down", EXT_LO)
        board.input_notes["P12"] = lambda: board.world.warn(
            board,
            "note",
            f"P12 is the antenna switch on the {board.type} (util/antenna.c): the module's pull-down "
            "holds it low, so as an input it reads 0 unless something drives it high",
        )


def _fixed_driver(board: Board, pin_name: str, label: str, code: int) -> Driver:
    driver = Driver(label)
    driver.code = code
    net = board.pin_by_name[pin_name]._out.net
    net.attach(driver)
    net.settle(board.now)
    return driver


def apply_boot_state(board: Board) -> None:
    """Boot in one step: nets settle to the boot levels without recording the steps in between;
    held pads keep their state."""
    for reset in board.__dict__.get("peripheral_resets", ()):
        reset()  # uart_deinit_all and friends: peripherals let go of their pads first
    nets = {id(pin._out.net): pin._out.net for pin in board.pins}.values()
    saved = [(net, net.level, net.watchers, net._record) for net in nets]
    for net, _, _, _ in saved:
        net.watchers, net._record = [], None
    try:
        _configure_boot_pins(board)
    finally:
        t = board.now
        for net, before, watchers, record in saved:
            net.watchers, net._record = watchers, record
            if net.trace is not None:
                record_level(net.trace, t, net.level)
            if net.level != before:
                for watch in watchers:
                    watch(before, net.level, t)
    board.pycom.reset()
    board.modules_reset()


def _configure_boot_pins(board: Board) -> None:
    skipped = board.spec.boot_skipped
    for pin in board.pins:
        frozen = pin._pad_frozen
        pin._static_state()
        if pin._name not in skipped:
            pin._pull = PULL_DOWN  # pin_init0: pin_config(IN, PULL_DOWN, value 0)
        pin._pad_frozen = frozen
        pin._configure()
    for name, driver in board.peripherals.items():
        if not board.pin_by_name[name]._pad_frozen:
            driver.set(PERIPHERALS[name][1], board.now)
