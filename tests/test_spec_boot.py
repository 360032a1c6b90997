"""SPEC.md section 7: boot state (esp32/mods/machpin.c pin_init0; esp32_prefix.c PIN(); util/antenna.c)."""

import pytest

from pycomsim import Board
from pycomsim.core.boards import BOARDS


def state(board, name):
    p = board.pin(name)
    return (p.mode(), p.pull(), p._latch, p.hold(), p._trigger)


IN, OUT, PULL_DOWN = 1, 2, 2
BOOT = (IN, PULL_DOWN, 0, False, 0)
STATIC = (IN, None, 0, False, 0)


@pytest.mark.parametrize("board_type", sorted(BOARDS))
def test_every_ordinary_pin_boots_in_with_pull_down_latch_0_no_hold_no_callback(board_type):
    board = Board(board_type, expansion=False)
    skipped = board.spec.boot_skipped
    for pin in board.pins:
        if pin._name not in skipped:
            assert state(board, pin._name) == BOOT, pin._name


@pytest.mark.parametrize("board_type", ["wipy3", "lopy", "lopy4", "sipy", "fipy"])
def test_boot_loop_skips_p23_the_last_pin_of_the_table(board_type):
    assert state(Board(board_type, expansion=False), "P23") == STATIC


def test_gpy_boot_loop_skips_p99_not_p23():
    board = Board("gpy", expansion=False)
    assert state(board, "P99") == STATIC
    assert state(board, "P23") == BOOT
    assert state(board, "P98") == BOOT


@pytest.mark.parametrize("board_type", sorted(BOARDS))
def test_uart_tx_p1_and_rgb_led_p2_keep_static_state(board_type):
    board = Board(board_type, expansion=False)
    assert state(board, "P1") == STATIC
    assert state(board, "P2") == STATIC


def test_uart_tx_idles_high_until_the_script_takes_the_pin():
    board = Board("lopy4", expansion=False)
    Pin = board.machine.Pin
    assert board.pad("P1").read() == 1  # UART TX idles high
    assert Pin("P1", Pin.IN, Pin.PULL_DOWN)() == 0  # configuring P1 disconnects the UART


@pytest.mark.parametrize(
    "board_type,second_gen",
    [
        ("wipy3", True),
        ("lopy4", True),
        ("fipy", True),
        ("gpy", True),
        ("lopy", False),
        ("sipy", False),
    ],
)
def test_p12_is_the_antenna_switch_only_on_second_generation(board_type, second_gen):
    board = Board(board_type, expansion=False)
    assert board.spec.second_generation is second_gen
    if second_gen:
        assert state(board, "P12") == STATIC
        assert board.pin("P12")() == 0  # the antenna switch's module pull-down
    else:
        assert state(board, "P12") == BOOT


def test_fipy_lte_pins_p17_to_p20_are_skipped():
    board = Board("fipy", expansion=False)
    for name in ("P17", "P18", "P19", "P20"):
        assert state(board, name) == STATIC
    assert state(Board("lopy4", expansion=False), "P19") == BOOT


def test_gpy_lte_pins_p5_to_p7_are_skipped():
    board = Board("gpy", expansion=False)
    for name in ("P5", "P6", "P7"):
        assert state(board, name) == STATIC
    assert state(board, "P8") == BOOT


def test_reset_returns_pins_to_boot_state():
    board = Board("lopy4", cpu="free", expansion=False)
    machine = board.machine
    seen = []

    def main():
        if machine.reset_cause() == machine.PWRON_RESET:
            p = machine.Pin("P11", machine.Pin.OUT, machine.Pin.PULL_UP, value=1)
            p.callback(machine.Pin.IRQ_RISING, print)
            machine.reset()
        seen.append(state(board, "P11"))

    board.run(main, until="5ms")
    assert seen == [BOOT]
