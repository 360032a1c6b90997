"""The DS18B20's 1-Wire timing held against drivers that break the datasheet, and the ways in:
--part ds18b20@P10 (several on one pin share the bus), a scenario's [[part]] tables, wires, and one
line for every bad option."""

import io
import itertools
import shutil
import textwrap
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.cli import main
from pycomsim.scenario import ScenarioError, load_scenario

DRIVER = Path(__file__).parent / "onewire_scripts" / "ds18b20_driver.py"
PRELUDE = """
import time, machine
from machine import Pin
from ds18b20_driver import OneWire, DS18B20, crc8
bus = OneWire(Pin('P10'))
sensor = DS18B20(bus)
pin = bus.pin
"""


@pytest.fixture
def board():
    return Board("lopy4", expansion=False, stdout=io.StringIO())


def write_script(tmp_path, body):
    shutil.copy(DRIVER, tmp_path / "ds18b20_driver.py")
    path = tmp_path / "main.py"
    path.write_text(PRELUDE + textwrap.dedent(body))
    return path


def run(board, tmp_path, body, until="3s"):
    board.run(write_script(tmp_path, body), until=until)
    assert board.error is None, board.output
    return "".join(board.output).splitlines()


def test_a_reset_pulse_shorter_than_480_us_gets_no_presence(board, tmp_path):
    board.add_part("ds18b20", "P10")
    out = run(
        board,
        tmp_path,
        """
        def reset(low_us):
            pin(0)
            time.sleep_us(low_us)
            pin(1)
            time.sleep_us(70)
            present = pin() == 0
            time.sleep_us(500)
            return present
        print(reset(300), reset(480), bus.reset())
        """,
    )
    assert out == ["False True True"]


def test_the_presence_pulse_follows_the_release_by_30_us_for_120_us(board, tmp_path):
    board.add_part("ds18b20", "P10")
    run(board, tmp_path, "bus.reset()")
    edges = board.trace("P10").edges()
    pairs = itertools.pairwise(edges)
    release = next(b.t for a, b in pairs if b.level == 1 and b.t - a.t >= 480_000)
    fall, rise = [e.t for e in edges if e.t > release][:2]
    assert (fall - release, rise - fall) == (30_000, 120_000)


def test_a_read_sampled_after_the_15_us_the_datasheet_guarantees_reads_1(board, tmp_path):
    # the sensor holds a 0 for 15 us after the falling edge: a late sample sees the pull-up
    part = board.add_part("ds18b20", "P10", temperature=21.5)
    out = run(
        board,
        tmp_path,
        """
        def late_read_bit():
            irq = machine.disable_irq()
            pin(0)
            pin(1)
            time.sleep_us(15)
            bit = pin()
            machine.enable_irq(irq)
            time.sleep_us(60)
            return bit
        bus.read_bit = late_read_bit
        data = sensor.scratchpad()
        print(data.hex(), crc8(data[:8]) == data[8])
        """,
    )
    assert out == ["ffffffffffffffffff False"]
    assert part.slave.violations == []  # the master's slots are fine: it is only too late to read


def test_slots_outside_the_datasheet_windows_are_listed_as_violations(board, tmp_path):
    part = board.add_part("ds18b20", "P10")
    run(
        board,
        tmp_path,
        """
        def slow_write_bit(bit):
            irq = machine.disable_irq()
            pin(0)
            time.sleep_us(20)   # a write 1 low for ~20 us: the sensor still samples a 1 at 30 us
            pin(bit)
            time.sleep_us(60)
            pin(1)
            machine.enable_irq(irq)
            time.sleep_us(2)
        bus.write_bit = slow_write_bit
        bus.select(None)
        bus.write_byte(0xB4)
        print(bus.read_bit())
        """,
    )
    texts = [text for _, text in part.slave.violations]
    assert texts and all(text.startswith("write slot low for 2") for text in texts)
    assert "1-15 us for a 1, 60-120 us for a 0" in texts[0]
    assert "".join(board.output) == "1\n"  # READ POWER SUPPLY still got through
    ones = bin(0xCC).count("1") + bin(0xB4).count("1")  # every write-1 slot of SKIP ROM, B4h
    assert len(texts) == ones
    [warning] = board.world.warnings  # one per bus, the rest in the event log
    assert warning.kind == "1-wire timing" and texts[0] in warning.message
    logged = [e.detail for e in board.world.recorder.events if e.kind == "ds18b20"]
    assert [text for name, what, text in logged if what == "timing"] == texts
    assert all(name == part.name for name, _, _ in logged)


def test_a_sensor_across_a_wire_answers_on_the_other_pin(tmp_path):
    board = Board("lopy4", expansion=False, wires=["P10=P11"], stdout=io.StringIO())
    part = board.add_part("ds18b20", "P11", temperature=-1.5)
    out = run(board, tmp_path, "print(sensor.read_temperature())")
    assert out == ["-1.5"] and part.conversions == 1


def test_with_the_expansion_board_the_p10_pull_up_is_the_bus_pull_up(tmp_path):
    board = Board("lopy4", stdout=io.StringIO())
    part = board.add_part("ds18b20", "P10", temperature=30.5)
    assert part.pullup is None  # the expansion board's resistor on P10 already pulls the line up
    assert run(board, tmp_path, "print(sensor.read_temperature())") == ["30.5"]


def test_without_any_pull_up_the_line_never_rises_and_nobody_is_present(board, tmp_path):
    board.add_part("ds18b20", "P10", pullup="false")
    out = run(
        board,
        tmp_path,
        """
        pin.init(Pin.OPEN_DRAIN, pull=None, value=1)
        print(bus.reset())
        """,
    )
    assert out == ["False"]


# ---- the ways in ----
def test_several_cli_parts_on_one_pin_share_the_bus(tmp_path, capsys):
    path = write_script(
        tmp_path,
        """
        roms = bus.search()
        print(len(roms))
        sensor.convert(); sensor.wait()
        print(sorted(sensor.temperature(rom) for rom in roms))
        """,
    )
    code = main(
        [
            "run",
            str(path),
            "--until",
            "3s",
            "--part",
            "ds18b20@P10:temperature=30,resolution=9",
            "--part",
            "ds18b20@P10:temperature=[[0,12.5]],resolution=9",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == "2\n[12.5, 30.0]\n"


def test_a_scenario_part_table_builds_the_sensor(tmp_path):
    write_script(tmp_path, "print(sensor.read_temperature())\n")
    path = tmp_path / "bench.toml"
    path.write_text(
        textwrap.dedent(
            """
            until = "2s"
            [boards.a]
            script = "main.py"
            [[part]]
            kind = "ds18b20"
            pin = "a.P10"
            options = {temperature = 19.75, resolution = 10, rom = "28:01:02:03:04:05:06:9e"}
            """
        )
    )
    out = io.StringIO()
    scenario = load_scenario(path, stdout=out, stderr=io.StringIO())
    [part] = scenario.parts
    assert part.rom.hex() == "280102030405069e" and part.resolution == 10
    scenario.world.run(until="2s")
    assert out.getvalue() == "19.75\n"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("rom=28ff", "bad ds18b20 rom '28ff': expected 16 hex digits"),
        ("rom=10ff0102030405aa", "the family code (first byte) is 28, not 10"),
        ("rom=28ff010203040500", "its CRC byte is 00, the first 7 bytes give"),
        ("resolution=8", "bad ds18b20 resolution '8': expected 9, 10, 11 or 12"),
        ("parasite=maybe", "bad ds18b20 parasite 'maybe': expected true or false"),
        ("temperature=200", "bad temperature '200': expected -55..125"),
        ("colour=red", "unknown option 'colour' for part 'ds18b20'"),
    ],
)
def test_bad_options_are_one_line(tmp_path, capsys, option, message):
    code = main(["run", str(write_script(tmp_path, "")), "--part", f"ds18b20@P10:{option}"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("pycomsim: error: ") and message in err and err.count("\n") == 1


def test_a_bad_scenario_option_names_its_key(tmp_path):
    write_script(tmp_path, "")
    path = tmp_path / "bench.toml"
    path.write_text('[boards.a]\nscript = "main.py"\n[[part]]\nkind = "ds18b20"\npin = "a.P10"\n'
                    'options = {resolution = 13}\n')  # fmt: skip
    with pytest.raises(
        ScenarioError, match=r"part\[0\]\.options\.resolution: bad ds18b20 resolution 13"
    ):
        load_scenario(path, stdout=io.StringIO(), stderr=io.StringIO())
