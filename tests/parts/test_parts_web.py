"""Parts in the live page (web/panel.py parts_snapshot, the `part` message): each part's values are
shown, a field sets one from now on, and what the part does reaches the board's log."""

import io
import textwrap

import pytest

from pycomsim import Board
from pycomsim.web.protocol import ProtocolError, parse_message
from pycomsim.web.session import LiveSession

SCRIPT = """
import time
from machine import Pin

trig = Pin('P20', mode=Pin.OUT, value=0)
echo = Pin('P21', mode=Pin.IN)
while True:
    trig(1)
    time.sleep_us(10)
    trig(0)
    while echo() == 0:
        pass
    start = time.ticks_us()
    while echo() == 1:
        pass
    print(round(time.ticks_diff(time.ticks_us(), start) / 58.3))
    time.sleep_ms(100)
"""


class FakeClock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


def make(tmp_path):
    clock = FakeClock()
    board = Board("lopy4", stdout=io.StringIO())
    sonar = board.add_part("hcsr04", "P20", "P21", distance="50cm")
    board.add_part("dht22", "P11", humidity=40, temperature=21.5)
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(SCRIPT))
    board.load(path)
    session = LiveSession(board, speed=1.0, clock=clock, stderr=io.StringIO())
    session.pacer.rebase(0)
    clock.t = 0.15
    session.tick()
    return session, clock, sonar


def test_the_page_sees_each_part_and_its_values(tmp_path):
    session, _, _ = make(tmp_path)
    parts = session.state["boards"]["lopy4"]["parts"]
    assert [(p["index"], p["kind"], p["name"]) for p in parts] == [
        (0, "hcsr04", "hcsr04 on P20/P21"),
        (1, "dht22", "dht22 on P11"),
    ]
    assert parts[0]["values"] == [{"name": "distance", "unit": "m", "value": 0.5, "spec": "0.5m"}]
    assert [(v["name"], v["value"]) for v in parts[1]["values"]] == [
        ("humidity", 40.0),
        ("temperature", 21.5),
    ]


def test_the_part_message_sets_a_value_the_script_then_measures(tmp_path):
    session, clock, sonar = make(tmp_path)
    pins = session.panel(None).pin_names
    msg = '{"type": "part", "part": 0, "quantity": "distance", "value": 2.25}'
    session.apply(parse_message(msg, pins))
    assert sonar.distance.at(session.kernel.now) == 2.25
    clock.t = 0.5
    session.tick()
    readings = [int(x) for x in session.board.output.split()]
    assert abs(readings[0] - 50) <= 1 and abs(readings[-1] - 225) <= 1  # polling: within 1 cm
    log = "".join(e["text"] for e in session.log_since(0)[0] if e["kind"] == "info")
    assert "hcsr04 on P20/P21: echo 0.5" in log and "hcsr04 on P20/P21: echo 2.25" in log


@pytest.mark.parametrize(
    ("msg", "message"),
    [
        ('{"type": "part", "part": -1, "quantity": "distance", "value": 1}', "bad part -1"),
        ('{"type": "part", "part": 0, "quantity": "x y", "value": 1}', "bad quantity 'x y'"),
        ('{"type": "part", "part": 0, "quantity": "distance", "value": "1m"}', "bad value '1m'"),
        ('{"type": "part", "part": 0, "quantity": "distance"}', "part: missing value"),
    ],
)
def test_bad_part_messages_are_one_line_errors(tmp_path, msg, message):
    session, _, _ = make(tmp_path)
    with pytest.raises(ProtocolError, match=message):
        parse_message(msg, session.panel(None).pin_names)


@pytest.mark.parametrize(
    ("msg", "message"),
    [
        (
            '{"type": "part", "part": 5, "quantity": "distance", "value": 1}',
            "no part #5 on 'lopy4'",
        ),
        (
            '{"type": "part", "part": 1, "quantity": "distance", "value": 1}',
            "'dht22 on P11' has no value 'distance'",
        ),
        (
            '{"type": "part", "part": 1, "quantity": "humidity", "value": 120}',
            r"part: bad humidity 120.0: expected 0..100 %",
        ),
    ],
)
def test_a_part_message_the_board_cannot_take_is_refused(tmp_path, msg, message):
    session, _, _ = make(tmp_path)
    with pytest.raises(ProtocolError, match=message):
        session.apply(parse_message(msg, session.panel(None).pin_names))
