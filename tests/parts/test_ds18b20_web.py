"""The DS18B20 in the live page: its temperature is a field, the `part` message sets it, and the next
conversion reads it; conversions reach the board's log."""

import io
import shutil
from pathlib import Path

from pycomsim import Board
from pycomsim.web.protocol import parse_message
from pycomsim.web.session import LiveSession

DRIVER = Path(__file__).parent / "onewire_scripts" / "ds18b20_driver.py"
SCRIPT = """
import time
from machine import Pin
from ds18b20_driver import OneWire, DS18B20
sensor = DS18B20(OneWire(Pin('P10')))
while True:
    print(sensor.read_temperature())
    time.sleep_ms(100)
"""


class FakeClock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


def test_the_page_sets_the_temperature_the_next_conversion_reads(tmp_path):
    shutil.copy(DRIVER, tmp_path / "ds18b20_driver.py")
    (tmp_path / "main.py").write_text(SCRIPT)
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    sensor = board.add_part("ds18b20", "P10", temperature=21.5, resolution=9)
    board.load(tmp_path / "main.py")
    clock = FakeClock()
    session = LiveSession(board, speed=1.0, clock=clock, stderr=io.StringIO())
    session.pacer.rebase(0)
    clock.t = 0.15
    session.tick()
    [part] = session.state["boards"]["lopy4"]["parts"]
    assert (part["kind"], part["name"]) == ("ds18b20", sensor.name)
    assert [(v["name"], v["unit"], v["value"]) for v in part["values"]] == [
        ("temperature", "°C", 21.5)
    ]
    msg = '{"type": "part", "part": 0, "quantity": "temperature", "value": -7.5}'
    session.apply(parse_message(msg, session.panel(None).pin_names))
    clock.t = 0.6
    session.tick()
    readings = session.board.output.split()
    assert readings[0] == "21.5" and readings[-1] == "-7.5"
    log = "".join(e["text"] for e in session.log_since(0)[0] if e["kind"] == "info")
    assert (
        f"{sensor.name}: conversion 21.5 °C" in log and f"{sensor.name}: conversion -7.5 °C" in log
    )
