"""Every peripheral claims its pads through the GPIO matrix (chip/matrix.py), and a pad's output
selects its source as machpin.c pin_obj_configure does: an output mode selects the Pin's `alt`
output signal or the latch, an input mode leaves the selection with the output stage off."""

import io

from pycomsim import Board, World
from pycomsim.chip.pads import HIGH, LOW, Z

U1TXD_OUT_IDX = 17  # soc/gpio_sig_map.h


def make_board():
    return Board("lopy4", expansion=False, world=World(stderr=io.StringIO()), stdout=io.StringIO())


def test_at_reset_uart0_tx_and_the_rgb_led_line_own_p1_and_p2_until_pin_init_takes_them():
    board = make_board()
    assert board.matrix.source("P1") == "UART TX" and board.pad("P1").read() == HIGH
    assert board.matrix.source("P2") == "RGB LED data" and board.pad("P2").read() == LOW
    Pin = board.machine.Pin
    Pin("P1", Pin.OUT, value=0)
    assert board.matrix.source("P1") == "GPIO" and board.pad("P1").read() == LOW


def test_uart_pwm_and_i2c_signals_are_all_the_matrix_signals():
    board = make_board()
    m = board.machine
    m.UART(1, 9600, pins=("P3", "P4"))
    m.PWM(0, 1000).channel(0, pin="P11")
    m.I2C(0, mode=m.I2C.MASTER, pins=("P9", "P10"))
    sources = {name: board.matrix.source(name) for name in ("P3", "P11", "P9", "P10")}
    assert sources == {
        "P3": "U1TXD",
        "P11": "LEDC channel 0",
        "P9": "I2CEXT0_SDA",
        "P10": "I2CEXT0_SCL",
    }
    names = {signal.name for signal in board.matrix.signals}
    assert {"U1TXD", "LEDC channel 0", "I2CEXT0_SDA", "UART TX", "RGB LED data"} <= names


def test_an_input_mode_keeps_the_selection_with_the_output_off_and_alt_selects_it_again():
    board = make_board()
    m = board.machine
    Pin = m.Pin
    m.UART(1, 9600, pins=("P3", "P4"))
    pad = board.pad("P3")
    assert pad.read() == HIGH  # the idle line
    p3 = Pin("P3", Pin.IN)  # gpio_config disables the output; gpio_matrix_out is left alone
    assert board.matrix.routed_index("P3") == U1TXD_OUT_IDX and pad.read() == Z
    p3.init(Pin.OUT, value=0)  # no alt: the latch
    assert board.matrix.source("P3") == "GPIO" and pad.read() == LOW
    p3.init(Pin.OUT, alt=U1TXD_OUT_IDX)  # the UART's TX again: it still claims the pad
    assert board.matrix.source("P3") == "U1TXD" and pad.read() == HIGH


def test_an_alt_no_peripheral_set_up_drives_nothing_and_a_released_signal_lets_go():
    board = make_board()
    m = board.machine
    Pin = m.Pin
    Pin("P8", Pin.OUT, value=0, alt=U1TXD_OUT_IDX)  # UART1 TX is not on P8
    assert board.pad("P8").read() == Z
    uart = m.UART(1, 9600, pins=("P3", "P4"))
    uart.deinit()  # uart_deassign_pins_af: back to the latch, value 1
    assert board.matrix.source("P3") == "GPIO"
    assert not any("P3" in signal.pads for signal in board.matrix.signals)
