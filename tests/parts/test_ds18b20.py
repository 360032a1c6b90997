"""The DS18B20 part (sim/ds18b20.py, sim/onewire_slave.py) read by a 1-Wire driver written from the
Maxim DS18B20 datasheet the way a Pycom user writes one (onewire_scripts/ds18b20_driver.py: the pin in
open drain, time.sleep_us slots, interrupts off around them), on the default timing model."""

import io
import shutil
import textwrap
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.sim.ds18b20 import DS18B20, crc8, quantise
from pycomsim.sim.onewire_slave import crc8 as slave_crc8

DRIVER = Path(__file__).parent / "onewire_scripts" / "ds18b20_driver.py"
PRELUDE = """
from machine import Pin
from ds18b20_driver import OneWire, DS18B20, crc8
bus = OneWire(Pin('P10'))
sensor = DS18B20(bus)
"""


@pytest.fixture
def board():
    return Board("lopy4", expansion=False, stdout=io.StringIO())


def run(board, tmp_path, body, until="10s"):
    """Run PRELUDE + body on the board with the driver next to it; the lines it printed."""
    shutil.copy(DRIVER, tmp_path / "ds18b20_driver.py")
    (tmp_path / "main.py").write_text(PRELUDE + textwrap.dedent(body))
    board.run(tmp_path / "main.py", until=until)
    assert board.error is None, board.output
    for part in board.added_parts:  # the driver keeps to the datasheet's slot timing
        assert part.slave.violations == []
    return "".join(board.output).splitlines()


def test_the_driver_reads_the_temperature_the_test_set(board, tmp_path):
    board.add_part("ds18b20", "P10", temperature=21.5)
    out = run(board, tmp_path, "print(bus.reset(), sensor.read_temperature())")
    assert out == ["True 21.5"]


def test_negative_temperatures_read_back_as_in_the_datasheet_table(board, tmp_path):
    # the part's class straight from Python, as board.add_part builds it
    DS18B20(board, "P10", temperature=-10.125)
    assert run(board, tmp_path, "print(sensor.read_temperature())") == ["-10.125"]


@pytest.mark.parametrize(
    ("celsius", "raw"),
    [
        (125, 0x07D0),
        (85, 0x0550),
        (25.0625, 0x0191),
        (10.125, 0x00A2),
        (0.5, 0x0008),
        (0, 0x0000),
        (-0.5, 0xFFF8),
        (-10.125, 0xFF5E),
        (-25.0625, 0xFE6F),
        (-55, 0xFC90),
    ],
)
def test_the_temperature_register_is_the_datasheet_table_1(celsius, raw):
    assert quantise(celsius, 12) == raw


def test_without_a_conversion_the_scratchpad_is_the_power_on_85_degrees(board, tmp_path):
    # Figure 7's power-up state with the factory EEPROM (TH 4Bh, TL 46h, 12 bits); CRC 1Ch
    board.add_part("ds18b20", "P10", temperature=21.5)
    out = run(
        board,
        tmp_path,
        """
        data = sensor.scratchpad()
        print(' '.join('%02x' % b for b in data), crc8(data[:8]) == data[8])
        print(sensor.temperature())
        """,
    )
    assert out == ["50 05 4b 46 7f ff 0c 10 1c True", "85.0"]


def test_the_crc_is_the_dallas_maxim_crc8():
    # application note 27's worked ROM: 02 1C B8 01 00 00 00 has CRC A2h
    rom = bytes([0x02, 0x1C, 0xB8, 0x01, 0x00, 0x00, 0x00])
    assert crc8(rom) == 0xA2 and slave_crc8(rom + b"\xa2") == 0


def test_read_rom_gives_family_28_serial_and_crc(board, tmp_path):
    part = board.add_part("ds18b20", "P10")
    out = run(
        board,
        tmp_path,
        """
        bus.reset()
        bus.write_byte(0x33)
        rom = bus.read(8)
        print(rom.hex(), crc8(rom[:7]) == rom[7])
        """,
    )
    assert out == [f"{part.rom.hex()} True"] and part.rom[0] == 0x28


def test_rom_search_finds_all_three_sensors(board, tmp_path):
    parts = [board.add_part("ds18b20", "P10") for _ in range(3)]
    out = run(
        board,
        tmp_path,
        """
        for rom in bus.search():
            print(rom.hex(), crc8(rom[:7]) == rom[7])
        """,
    )
    assert sorted(out) == sorted(f"{p.rom.hex()} True" for p in parts)
    assert len({p.rom for p in parts}) == 3


def test_rom_codes_are_distinct_and_the_same_for_the_same_seed():
    def roms(seed):
        b = Board("lopy4", expansion=False, seed=seed)
        return [b.add_part("ds18b20", "P10").rom for _ in range(3)]

    assert roms(1) == roms(1)
    assert roms(1) != roms(2)
    assert len(set(roms(1))) == 3


def test_match_rom_addresses_one_of_several(board, tmp_path):
    temps = [18.25, 22.5, -3.0625]
    parts = [board.add_part("ds18b20", "P10", temperature=t) for t in temps]
    roms = ", ".join(f"bytes.fromhex('{p.rom.hex()}')" for p in parts)
    out = run(
        board,
        tmp_path,
        f"""
        roms = [{roms}]
        sensor.convert(roms[1])          # only the second converts
        sensor.wait()
        for rom in roms:
            print(sensor.temperature(rom))
        sensor.convert(None)             # SKIP ROM: all of them
        sensor.wait()
        for rom in roms:
            print(sensor.temperature(rom))
        """,
    )
    assert out == ["85.0", "22.5", "85.0", "18.25", "22.5", "-3.0625"]
    assert [p.conversions for p in parts] == [1, 2, 1]


@pytest.mark.parametrize(
    ("bits", "ms", "celsius"),
    [(9, 94, 21.5), (10, 188, 21.25), (11, 375, 21.25), (12, 750, 21.3125)],
)
def test_conversion_time_and_value_follow_the_resolution(board, tmp_path, bits, ms, celsius):
    board.add_part("ds18b20", "P10", temperature=21.3, resolution=str(bits))
    out = run(
        board,
        tmp_path,
        """
        sensor.convert()
        print(sensor.wait())
        print(sensor.temperature())
        """,
    )
    # tCONV max 93.75/187.5/375/750 ms; the driver's ticks_ms loop sees it within a millisecond
    assert abs(int(out[0]) - ms) <= 1 and float(out[1]) == celsius


def test_write_scratchpad_sets_the_resolution_and_copy_recall_keep_it(board, tmp_path):
    part = board.add_part("ds18b20", "P10", temperature=30.0)
    out = run(
        board,
        tmp_path,
        """
        import time
        sensor.configure(40, -5, 9)
        print(' '.join('%02x' % b for b in sensor.scratchpad()[2:5]))
        bus.select(None); bus.write_byte(0x48)     # COPY SCRATCHPAD to the EEPROM
        time.sleep_ms(11)
        sensor.configure(1, 2, 12)
        bus.select(None); bus.write_byte(0xB8)     # RECALL E2
        print(bus.read_bit())
        print(' '.join('%02x' % b for b in sensor.scratchpad()[2:5]))
        sensor.convert()
        print(sensor.wait(), sensor.temperature())
        """,
    )
    assert out == ["28 fb 1f", "1", "28 fb 1f", "94 30.0"]
    assert part.eeprom == [0x28, 0xFB, 0x1F] and part.resolution == 9


def test_alarm_search_finds_the_sensors_out_of_their_th_tl_window(board, tmp_path):
    parts = [board.add_part("ds18b20", "P10", temperature=t) for t in (35.0, 20.0, 5.0)]
    out = run(
        board,
        tmp_path,
        """
        sensor.configure(30, 10, 9)   # SKIP ROM: every sensor gets TH 30, TL 10
        sensor.convert()
        sensor.wait()
        for rom in bus.search(0xEC):
            print(rom.hex())
        """,
    )
    assert sorted(out) == sorted([parts[0].rom.hex(), parts[2].rom.hex()])


def test_the_temperature_is_a_quantity_set_from_python_or_a_series(board, tmp_path):
    fixed = board.add_part("ds18b20", "P10", temperature=20.0, resolution=9)
    series = board.add_part("ds18b20", "P10", temperature="[[0, 10], ['1s', 15.5]]", resolution=9)
    board.kernel.schedule(500_000_000, lambda _: fixed.temperature.set(31.5))
    roms = f"bytes.fromhex('{fixed.rom.hex()}'), bytes.fromhex('{series.rom.hex()}')"
    out = run(
        board,
        tmp_path,
        f"""
        import time
        for _ in range(2):
            sensor.convert(); sensor.wait()
            print([sensor.temperature(rom) for rom in ({roms})])
            time.sleep_ms(1000)
        """,
    )
    assert out == ["[20.0, 10.0]", "[31.5, 15.5]"]


def test_a_walk_is_seeded_and_different_for_each_sensor():
    def readings(seed):
        b = Board("lopy4", expansion=False, seed=seed)
        walk = {"walk": {"start": 21.0, "step": 0.5, "every": "1s"}}
        sensors = [b.add_part("ds18b20", "P10", temperature=walk) for _ in range(2)]
        return [[s.temperature.at(k * 1_000_000_000) for k in range(5)] for s in sensors]

    a, b = readings(7)
    assert readings(7) == [a, b] and a != b and a[0] == b[0] == 21.0


def test_read_power_supply_tells_parasite_from_vdd(board, tmp_path):
    vdd = board.add_part("ds18b20", "P10")
    parasite = board.add_part("ds18b20", "P10", parasite="true")
    out = run(
        board,
        tmp_path,
        f"""
        print(sensor.power_supply(bytes.fromhex('{vdd.rom.hex()}')))
        print(sensor.power_supply(bytes.fromhex('{parasite.rom.hex()}')))
        print(sensor.power_supply(None))    # SKIP ROM: any parasite sensor pulls the slot low
        """,
    )
    assert out == ["1", "0", "0"]


PARASITE = """
import time
def convert_with_strong_pullup(pin):
    bus.select(None)
    for i in range(7):                 # CONVERT T 44h, the last slot (a 0) ended by the strong pull-up
        bus.write_bit(0x44 >> i & 1)
    irq = machine.disable_irq()
    pin(0)
    time.sleep_us(60)
    pin.init(Pin.OUT, value=1)
    machine.enable_irq(irq)
    time.sleep_ms(HOLD_MS)
    pin.init(Pin.OPEN_DRAIN, pull=Pin.PULL_UP, value=1)
"""


NO_PULLUP = "no strong pull-up on the line (parasite power)"


@pytest.mark.parametrize(("hold_ms", "reads"), [(760, "23.75"), (700, "85.0")])
def test_parasite_power_with_a_strong_pullup_for_tconv_converts(board, tmp_path, hold_ms, reads):
    # 12 bits: tCONV 750 ms; letting go of the strong pull-up at 700 ms browns the sensor out
    part = board.add_part("ds18b20", "P10", temperature=23.75, parasite=True)
    out = run(
        board,
        tmp_path,
        f"import machine\nHOLD_MS = {hold_ms}\n"
        + PARASITE
        + """
convert_with_strong_pullup(bus.pin)
print(sensor.temperature())
""",
    )
    ok = hold_ms > 750
    assert out == [reads] and part.brownouts == (0 if ok else 1) and part.conversions == int(ok)
    # the event log says what happened (the web UI's log shows it)
    events = [e.detail[1:] for e in board.world.recorder.events if e.kind == "ds18b20"]
    assert events == ([("conversion", "23.75 °C")] if ok else [("brown-out", NO_PULLUP)])


@pytest.mark.parametrize(("parasite", "reads"), [(True, "85.0"), (False, "23.75")])
def test_only_the_resistor_during_a_conversion_browns_a_parasite_sensor_out(
    board, tmp_path, parasite, reads
):
    # the 4.7k resistor alone: a parasite sensor comes back at power-up (85 degC), a VDD one converts
    part = board.add_part("ds18b20", "P10", temperature=23.75, parasite=parasite)
    out = run(
        board,
        tmp_path,
        """
        import time
        sensor.convert()
        time.sleep_ms(760)
        print(sensor.temperature())
        """,
    )
    assert out == [reads] and part.brownouts == int(parasite) and part.conversions == 1 - parasite


def test_parasite_copy_without_a_strong_pullup_leaves_the_eeprom_as_it_was(board, tmp_path):
    part = board.add_part("ds18b20", "P10", parasite=True)
    out = run(
        board,
        tmp_path,
        """
        import time
        sensor.configure(40, -5, 9)
        bus.select(None)
        bus.write_byte(0x48)      # COPY SCRATCHPAD, the line left to the resistor for the 10 ms
        time.sleep_ms(11)
        print(' '.join('%02x' % b for b in sensor.scratchpad()[2:5]))
        """,
    )
    assert out == ["4b 46 7f"]  # the brown-out recalled the factory EEPROM
    assert part.eeprom == [0x4B, 0x46, 0x7F] and part.brownouts == 1


def test_parasite_strong_pullup_later_than_10_us_after_the_command_is_too_late(board, tmp_path):
    # "within 10 us (max) after this command is issued the master must enable a strong pullup":
    # write_byte(0x44) ends on the resistor, and Pin.OUT comes tens of microseconds later
    part = board.add_part("ds18b20", "P10", temperature=23.75, parasite=True)
    out = run(
        board,
        tmp_path,
        """
        import time
        sensor.convert()
        bus.pin.init(Pin.OUT, value=1)
        time.sleep_ms(760)
        bus.pin.init(Pin.OPEN_DRAIN, pull=Pin.PULL_UP, value=1)
        print(sensor.temperature())
        """,
    )
    assert out == ["85.0"] and part.brownouts == 1
