"""A shield on the live page: its values are fields, the `part` message sets one, the script reads it."""

from __future__ import annotations

import io

from shield_drivers import DRIVERS

from pycomsim import Board
from pycomsim.web.protocol import parse_message
from pycomsim.web.session import LiveSession

SCRIPT = """\
from shieldtest import *
i2c = bus()
pic = Coproc(i2c)
pic.word(0x12)
while True:
    print('t', temperature(i2c))
    time.sleep_ms(100)
"""


class FakeClock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


def test_the_page_lists_the_shields_values_and_sets_one_the_script_reads(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "shieldtest.py").write_text(DRIVERS)
    (tmp_path / "main.py").write_text(SCRIPT)
    clock = FakeClock()
    board = Board("lopy4", stdout=io.StringIO(), expansion=False, cpu="free")
    board.add_shield("pysense", temperature=20.0)
    board.load(tmp_path / "main.py")
    session = LiveSession(board, speed=1.0, clock=clock, stderr=io.StringIO())
    session.pacer.rebase(0)
    clock.t = 0.15
    session.tick()
    (part,) = session.state["boards"]["lopy4"]["parts"]
    assert (part["kind"], part["name"]) == ("pysense", "pysense on lopy4")
    assert [v["name"] for v in part["values"]][:3] == ["temperature", "humidity", "light"]
    msg = '{"type": "part", "part": 0, "quantity": "temperature", "value": 33.5}'
    session.apply(parse_message(msg, session.panel(None).pin_names))
    clock.t = 0.5
    session.tick()
    readings = [round(float(line.split()[1]), 2) for line in board.output.splitlines()]
    assert len(readings) > 2
    assert readings[0] == 20.0 and readings[-1] == 33.5
    log = "".join(e["text"] for e in session.log_since(0)[0] if e["kind"] == "info")
    assert "pysense on lopy4: command 0x12" in log  # the coprocessor's commands reach the log
