"""Pysense and Pytrack on a board, through machine.I2C: drivers written here from the chips' datasheets
(shield_drivers.py) read back the values the test set, from Python, a scenario and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from shield_drivers import DRIVERS

from pycomsim import Board
from pycomsim.cli import main
from pycomsim.scenario import load_scenario
from pycomsim.sim.net import EXT_HI

S = 1_000_000_000


def script(tmp_path, body: str) -> str:
    (tmp_path / "lib").mkdir(exist_ok=True)
    (tmp_path / "lib" / "shieldtest.py").write_text(DRIVERS)
    path = tmp_path / "main.py"
    path.write_text("from shieldtest import *\n" + body)
    return str(path)


def values(output: str) -> dict[str, list[float]]:
    """`name v1 v2 ...` lines the scripts print."""
    out = {}
    for line in output.splitlines():
        name, *numbers = line.split()
        out[name] = [float(n) for n in numbers]
    return out


@pytest.mark.parametrize(
    ("kind", "addresses"),
    [
        ("pysense", [0x08, 0x1E, 0x29, 0x40, 0x60]),
        ("pysense2", [0x08, 0x1E, 0x29, 0x40, 0x60]),
        ("pytrack", [0x08, 0x10, 0x1E]),
        ("pytrack2", [0x08, 0x10, 0x1E]),
    ],
)
def test_an_i2c_scan_lists_the_shields_chips(tmp_path, kind, addresses):
    board = Board("lopy4", cpu="free", expansion=False)
    board.add_part(kind)
    board.run(script(tmp_path, "print('scan', *bus().scan())\n"), until="100ms")
    assert values(board.output)["scan"] == addresses


READ_PYSENSE = """\
i2c = bus()
pic = Coproc(i2c)
print('ids', pic.word(0x11), pic.word(0x12))
print('temperature', temperature(i2c))
print('humidity', humidity(i2c))
print('light', light(i2c))
print('pressure', *barometer(i2c))
print('altitude', barometer(i2c, altitude=True)[0])
print('acceleration', *acceleration(i2c))
print('battery', pic.battery())
"""


def test_a_user_driver_reads_every_pysense_value_the_test_set(tmp_path):
    board = Board("lopy4", cpu="free", expansion=False)
    board.add_part(
        "pysense",
        temperature=24.5,
        humidity=38.0,
        light=420.0,
        ir_ratio=0.3,
        pressure=97500.0,
        accel_x=0.25,
        accel_y=-0.5,
        accel_z=0.8,
        battery=3.85,
    )
    board.run(script(tmp_path, READ_PYSENSE), until="5s")
    got = values(board.output)
    assert got["ids"] == [8, 0xF012]  # firmware 8 (pycoproc_1 wants >= 6), USB id of a Pysense
    assert got["temperature"] == [pytest.approx(24.5, abs=0.01)]
    assert got["humidity"] == [pytest.approx(38.0, abs=0.01)]
    assert got["light"] == [pytest.approx(420.0, rel=0.01)]
    assert got["pressure"] == [pytest.approx(97500.0, abs=0.25), pytest.approx(24.5, abs=1 / 16)]
    # the MPL3115A2's own formula at its default sea-level pressure (101326 Pa)
    assert got["altitude"] == [
        pytest.approx(44330.77 * (1 - (97500 / 101326) ** 0.1902632), abs=0.07)
    ]
    assert got["acceleration"] == pytest.approx([0.25, -0.5, 0.8], abs=1e-4)
    assert got["battery"] == [pytest.approx(3.85, abs=0.006)]  # one ADC step is 5 mV


def test_values_follow_a_time_series_and_set_from_python(tmp_path):
    board = Board("lopy4", cpu="free", expansion=False)
    shield = board.add_shield("pysense2", temperature=[["0s", 10.0], ["2s", 30.0]])
    body = (
        "i2c = bus()\nfor _ in range(3):\n    print('t', temperature(i2c))\n    time.sleep(1.5)\n"
    )
    board.load(script(tmp_path, body))
    board.run(until="3.2s")
    assert shield.temperature is shield.quantities["temperature"]  # what the web page lists
    shield.temperature.set(-5.0)
    board.run(until="2s")
    readings = [round(float(line.split()[1]), 1) for line in board.output.splitlines()]
    assert readings == [10.0, 10.0, 30.0]  # at 0 s, 1.5 s and 3 s
    board.run(script(tmp_path, "print('t', temperature(bus()))\n"), until="1s")
    assert float(board.output.splitlines()[-1].split()[1]) == pytest.approx(-5.0, abs=0.01)


def test_the_coprocessor_switches_the_module_off_and_on_and_tells_why(tmp_path):
    body = """\
import machine
pic = Coproc(bus())
print('boot', machine.reset_cause(), *pic.wake_reason())
if pic.wake_reason()[0] == 0:
    pic.sleep(20)
    time.sleep(1)
    print('still here')
"""
    board = Board("lopy4", cpu="free", expansion=False)
    shield = board.add_part("pysense")
    board.load(script(tmp_path, body))
    board.run(until="10s")
    assert board.output == "boot 0 0 0\n"  # the module lost power straight after GO_SLEEP
    assert not board.lifecycle.power.powered
    board.run(until="15s")
    # back after 20 s: a power-on reset, and the PIC says its timer woke it (reason 4, 0 s left)
    assert board.output == "boot 0 0 0\nboot 0 4 0\n"
    log = [(e.t // S, e.detail[1:]) for e in board.world.recorder.events.of_kind("pysense")]
    assert [(t, what) for t, what in log if what[0] != "command"] == [
        (0, ("sleep", 20)),
        (20, ("wake", 4)),
    ]
    assert [e.detail for e in board.world.recorder.events.of_kind("power")] == ["off", "on"]
    # a second sleep, ended early by the shield's button: reason 2 and the seconds left
    board.run(script(tmp_path, "pic = Coproc(bus())\npic.sleep(100)\n"), until="1s")
    shield.press_button(at=board.now + 30 * S)
    board.run(script(tmp_path, body.replace("== 0", "== -1")), until="35s")
    assert board.output.splitlines()[-1] == "boot 0 2 69"


def test_accelerometer_inactivity_drives_p13_open_drain_and_motion_wakes_the_coprocessor(tmp_path):
    body = """\
import machine
from machine import Pin
i2c = bus()
pic = Coproc(i2c)
print('boot', *pic.wake_reason())
if pic.wake_reason()[0] == 0:
    i2c.writeto_mem(0x1E, 0x20, bytes([0x27]))   # 50 Hz
    i2c.writeto_mem(0x1E, 0x24, bytes([0x03]))   # INT1 active low, open drain
    i2c.writeto_mem(0x1E, 0x1E, bytes([64]))     # 64 * 2 g / 128 = 1 g
    i2c.writeto_mem(0x1E, 0x1F, bytes([1]))      # 8 / 50 Hz = 160 ms
    i2c.writeto_mem(0x1E, 0x22, bytes([0x20]))   # INT1_INACT
    time.sleep(0.5)
    print('P13', Pin('P13', mode=Pin.IN)())
    pic.poke(0x391, 1 << 5)                       # IOCAP: wake on RA5 rising (activity)
    pic.sleep(600)
"""
    board = Board("lopy4", cpu="free", expansion=False)
    board.add_part("pysense", accel_z=[["0s", 0.5], ["30s", 1.5]])
    board.run(script(tmp_path, body), until="60s")
    lines = board.output.splitlines()
    assert lines[:2] == ["boot 0 0", "P13 0"]  # at rest below 1 g: inactive, INT1 pulls P13 low
    assert lines[2] == "boot 1 570"  # at 30 s the shield moved: activity woke the PIC (reason 1)


def test_pytrack_sends_no_fix_before_the_time_to_first_fix_then_the_scenario_position(tmp_path):
    body = """\
i2c = bus()
gga = nmea(i2c, 'GNGGA')
print('first', time.ticks_ms() // 1000, gga[6])
while gga[6] == '0':
    gga = nmea(i2c, 'GNGGA')
lat = int(gga[2][:2]) + float(gga[2][2:]) / 60
lon = int(gga[4][:3]) + float(gga[4][3:]) / 60
print('fix', time.ticks_ms() // 1000, lat if gga[3] == 'N' else -lat, lon if gga[5] == 'E' else -lon, gga[9])
print('time', gga[1])
"""
    board = Board("lopy4", cpu="free", expansion=False)
    board.add_part(
        "pytrack2", lat=-33.8688, lon=151.2093, alt=58, ttff="3s", utc="2024-06-01T10:00:00Z"
    )
    board.run(script(tmp_path, body), until="6s")
    got = values(board.output.replace("time ", "time 0"))
    assert got["first"] == [1, 0]  # a GGA with fix quality 0
    assert 3 <= got["fix"][0] <= 6
    assert got["fix"][1:] == pytest.approx([-33.8688, 151.2093, 58.0], abs=1e-4)
    seconds = int(board.output.split("time ")[1][:6]) % 100 + 60 * (
        int(board.output.split("time ")[1][2:4])
    )
    assert seconds == pytest.approx(got["fix"][0], abs=2)  # UTC 10:00:00 plus the virtual time


def test_a_scenario_part_table_sets_the_shield_values(tmp_path):
    main = script(
        tmp_path, "i2c = bus()\nprint('h', humidity(i2c))\nprint('b', Coproc(i2c).battery())\n"
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        f'[boards.a]\ntype = "lopy4"\nscript = "{main}"\nexpansion = false\n\n'
        '[[part]]\nkind = "pysense2"\noptions = { humidity = 72.5, battery = "4.05" }\n'
    )
    loaded = load_scenario(scenario)
    loaded.world.run(until="2s")
    got = values(loaded.boards["a"].output)
    assert got["h"] == [pytest.approx(72.5, abs=0.01)] and got["b"] == [
        pytest.approx(4.05, abs=0.006)
    ]


def test_the_command_line_shield_option(tmp_path, capsys):
    path = script(tmp_path, "print('t', temperature(bus()))\n")
    code = main(["run", "--until", "1s", "--shield", "pysense:temperature=31.5", path])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert values(out)["t"] == [pytest.approx(31.5, abs=0.01)]


def test_bad_shield_options_are_one_line_naming_them():
    board = Board("lopy4", cpu="free", expansion=False)
    with pytest.raises(ValueError, match=r"^unknown option 'lat' for part 'pysense'"):
        board.add_part("pysense", lat=1)
    with pytest.raises(ValueError, match=r"^bad humidity 120"):
        board.add_part("pysense", humidity=120)
    with pytest.raises(ValueError, match=r"^pytrack: give roll/pitch or accel_x/y/z, not both"):
        board.add_part("pytrack", roll=10, accel_x=0.1)
    with pytest.raises(ValueError, match=r"^unknown shield 'ds18b20' \(shields: pysense, "):
        board.add_shield("ds18b20")
    with pytest.raises(ValueError, match=r"^bad utc 'noon'"):
        board.add_part("pytrack", utc="noon")
    assert board.pad("P21").net.counts[EXT_HI] == 0  # a refused shield left nothing on the nets
    board.add_part("pytrack")
    assert board.pad("P21").net.counts[EXT_HI] == 1
    with pytest.raises(
        ValueError, match=r"^board 'lopy4' already sits on a pytrack: one shield per board"
    ):
        board.add_part("pysense2")


def test_a_shield_takes_the_expansion_boards_place(tmp_path, capsys):
    with pytest.raises(
        ValueError, match=r"^a pysense2 takes the expansion board's place: make board 'lopy4'"
    ):
        Board("lopy4").add_part("pysense2")
    # --shield leaves the expansion board off (else the shield would be refused, as above)
    path = script(tmp_path, "print('scan', *bus().scan())\n")
    assert main(["run", "--until", "200ms", "--shield", "pytrack", path]) == 0
    assert capsys.readouterr().out == "scan 8 16 30\n"


def test_a_napping_2_0_coprocessor_keeps_the_module_on_motion_wakes_it_on_p13_and_p9_wakes_the_pic(
    tmp_path,
):
    body = """\
import machine
from machine import Pin
i2c = bus()
pic = Coproc(i2c)
if machine.reset_cause() != machine.DEEPSLEEP_RESET:
    i2c.writeto_mem(0x1E, 0x20, bytes([0x27]))  # 50 Hz
    i2c.writeto_mem(0x1E, 0x24, bytes([0x03]))  # INT1 active low, open drain: activity releases it
    i2c.writeto_mem(0x1E, 0x1E, bytes([64]))    # 1 g
    i2c.writeto_mem(0x1E, 0x22, bytes([0x20]))  # INT1_INACT
    time.sleep(0.5)
    pic.poke(0x0B, 0x10)                         # INTCON: INTE, the PIC's RC1 (P9) wakes it
    pic.cmd([0x20, 60, 0, 0])
    i2c.writeto(8, bytes([0x23, 0x01 | 0x02]))  # GO_NAP: SD card and sensors off, module on
    machine.pin_sleep_wakeup(['P13'], machine.WAKEUP_ANY_HIGH)
    machine.deepsleep(60000)
print('woke', machine.wake_reason()[0])
try:
    pic.word(0x11)
except OSError:
    print('napping')
p9 = Pin('P9', mode=Pin.OUT)
p9(1)
time.sleep(0.1)
p9(0)
print('fw', pic.word(0x11), pic.wake_reason()[0])
print('sensors', bus().scan())
"""
    board = Board("fipy", cpu="free", expansion=False)
    board.add_part("pysense2", accel_z=[["0s", 0.5], ["5s", 1.5]])
    board.run(script(tmp_path, body), until="8s")
    # motion at 5 s woke the module through P13 (PIN_WAKE); the PIC still napped (no ACK) until the
    # module raised its INT pin on P9 (reason 8); then the sensors were powered again
    assert board.output.splitlines() == [
        "woke 1",
        "napping",
        "fw 16 8",
        "sensors [8, 30, 41, 64, 96]",
    ]


def test_pycomsim_serve_takes_a_shield_too():
    serve = Path(sys.executable).parent / "pycomsim"
    proc = subprocess.run(
        [str(serve), "serve", "--until", "300ms", "--quiet", "--shield", "pysense"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr  # the expansion board left off, as with run
    assert "serving on" in proc.stderr


@pytest.mark.parametrize(("backup", "fast"), [(True, True), (False, False)])
def test_a_sleep_that_keeps_the_gps_back_up_supply_makes_the_next_fix_a_hot_start(
    tmp_path, backup, fast
):
    body = f"""\
i2c = bus()
pic = Coproc(i2c)
reason = pic.wake_reason()[0]
start = time.ticks_ms()
gga = nmea(i2c, 'GNGGA')
while gga[6] == '0':
    gga = nmea(i2c, 'GNGGA')
print('fix', reason, (time.ticks_ms() - start) / 1000)
if reason == 0:
    if {backup}:
        pic.cmd([2, 0x0E, 0x00, 0xFF, 0x80, 0])  # PORTC bit 7: the GNSS back-up supply stays on
    pic.sleep(10)
"""
    board = Board("lopy4", cpu="free", expansion=False)
    board.add_part("pytrack", ttff="5s", ttff_hot="1s")
    board.run(script(tmp_path, body), until="30s")
    (_, cold, first), (_, woke, second) = [line.split() for line in board.output.splitlines()]
    assert (cold, woke) == ("0", "4") and 4 <= float(first) <= 6
    assert (float(second) <= 2) is fast  # hot start: about ttff_hot; else a cold start again
