"""The live page's signals (web/panel.py signals_snapshot): PWM duty per pin, UART bytes per port, and a
slider per potentiometer that the page turns through the `analog` message."""

import io
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.web.protocol import ProtocolError, parse_message
from pycomsim.web.session import LiveSession

SCRIPT = Path(__file__).parent / "web_scripts" / "signals.py"


class FakeClock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


def make():
    clock = FakeClock()
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    pot = board.potentiometer("P16", 0.5)
    board.analog("P13", 1.0)
    board.load(SCRIPT)
    session = LiveSession(board, speed=1.0, clock=clock, stderr=io.StringIO())
    session.pacer.rebase(0)
    clock.t = 0.1
    session.tick()
    return session, clock, pot


def signals(session):
    return session.state["boards"][session.board.name]["signals"]


def test_the_page_sees_pwm_duty_uart_bytes_and_analog_sources():
    session, _, _ = make()
    sig = signals(session)
    assert sig["pwm"]["P11"]["frequency"] == pytest.approx(1000)
    assert sig["pwm"]["P11"]["duty"] == pytest.approx(4095 / 16384)
    assert sig["uart"]["1"] == {"baudrate": 115200, "tx": "68 69", "rx": ""}
    analog = {a["pin"]: a for a in sig["analog"]}
    assert analog["P16"]["settable"] and not analog["P13"]["settable"]
    assert analog["P16"]["volts"] == 0.5


def test_the_analog_message_turns_a_potentiometer_the_script_then_reads():
    session, clock, pot = make()
    pins = session.panel(None).pin_names
    session.apply(parse_message('{"type": "analog", "pin": "P16", "volts": 3.0}', pins))
    assert pot.volts == 3.0
    clock.t = 0.3
    session.tick()
    readings = [int(x) for x in session.board.output.split()]
    assert readings[-1] == 4095 and readings[0] < 4095  # 0 dB saturates at 3 V


def test_bad_analog_messages_are_one_line_errors():
    session, _, _ = make()
    pins = session.panel(None).pin_names
    with pytest.raises(ProtocolError, match="bad volts 9"):
        parse_message('{"type": "analog", "pin": "P16", "volts": 9}', pins)
    with pytest.raises(ProtocolError, match="no potentiometer on 'P13'"):
        session.apply(parse_message('{"type": "analog", "pin": "P13", "volts": 1}', pins))
