"""DHT11 and DHT22 (sim/dht.py) read by drivers written here from the datasheets, as a user writes them:
the start signal, then the 40 bits by polling (into a buffer, or edge times with ticks_us), by
interrupts (Pin.callback on the falling edges, storing ticks_us) and by pycom.pulses_get. The board's
own timing model (cpu='board') runs them: a bit-banged driver only works if statements cost their time.
"""

import textwrap

import pytest

from pycomsim import Board

# The start signal and the decoding every driver below shares. DHT22: low >= 0.8 ms (AM2302 T_be);
# DHT11: low >= 18 ms. The line is open drain: p(1) lets it go and the pull-up takes it high.
COMMON = """
import time
from machine import Pin

def start(p, low_ms):
    p(0)
    time.sleep_ms(low_ms)
    p(1)

def to_bytes(bits):
    out = bytearray(5)
    for i in range(40):
        out[i // 8] = (out[i // 8] << 1) | bits[i]
    return out

def report(kind, data):
    if data is None:
        print('no answer')
    elif (sum(data[:4]) & 0xFF) != data[4]:
        print('checksum error', list(data))
    elif kind == 'dht11':
        print('humidity', data[0], 'temperature', data[2])
    else:
        t = ((data[2] & 0x7F) << 8 | data[3]) / 10
        print('humidity', (data[0] << 8 | data[1]) / 10, 'temperature', -t if data[2] & 0x80 else t)
"""

# Polling 1: sample the line into a buffer as fast as the loop goes, then decode by run lengths.
BUFFER = """
def read(name, kind):
    p = Pin(name, mode=Pin.OPEN_DRAIN, value=1)
    buf = bytearray(600)
    val = p.value
    start(p, 20 if kind == 'dht11' else 2)
    for i in range(600):
        buf[i] = val()
    runs = []  # lengths of the high runs, in samples
    n = 0
    last = 0
    for v in buf:
        if v:
            n += 1
        elif last:
            runs.append(n)
            n = 0
        last = v
    if len(runs) < 42:
        return None
    # runs[0]: the host's release, runs[1]: the 80 us high of the response, then the 40 bits
    return to_bytes([1 if r > 3 else 0 for r in runs[2:42]])
"""

# Polling 2: wait for each edge in a tight loop and take its time with ticks_us.
TICKS = """
def read(name, kind):
    p = Pin(name, mode=Pin.OPEN_DRAIN, value=1)
    val = p.value
    ticks = time.ticks_us
    stamps = []
    start(p, 20 if kind == 'dht11' else 2)
    level = 1
    for k in range(84):
        n = 0
        while val() == level:
            n += 1
            if n > 100:
                return None
        stamps.append(ticks())
        level = 1 - level
    # stamps: response low, response high, then (bit low, bit high) x 40, end low
    highs = [time.ticks_diff(stamps[i + 1], stamps[i]) for i in range(3, 83, 2)]
    return to_bytes([1 if h > 48 else 0 for h in highs])
"""

# Interrupts: a handler on the falling edges stores ticks_us; a bit is the time from its falling edge
# to the next one, 50 + 26 us for a 0, 50 + 70 us for a 1.
IRQ = """
stamps = []

def fell(pin):
    stamps.append(time.ticks_us())

def read(name, kind):
    p = Pin(name, mode=Pin.OPEN_DRAIN, value=1)
    del stamps[:]
    p(0)
    time.sleep_ms(20 if kind == 'dht11' else 2)
    p.callback(Pin.IRQ_FALLING, handler=fell)  # armed while the line is low: the sensor's edges only
    p(1)
    time.sleep_ms(10)
    p.callback(Pin.IRQ_FALLING, handler=None)
    if len(stamps) < 42:
        return None
    # stamps[0]: the response's low; stamps[1]..[40] begin the bits; stamps[41]: the end low
    periods = [time.ticks_diff(stamps[i + 1], stamps[i]) for i in range(1, 41)]
    return to_bytes([1 if t > 98 else 0 for t in periods])
"""

# pycom.pulses_get (the RMT): (level, us) of every pulse after the first edge.
PULSES = """
import pycom

def read(name, kind):
    p = Pin(name, mode=Pin.OPEN_DRAIN, value=1)
    p(0)
    time.sleep_ms(20 if kind == 'dht11' else 2)
    pulses = pycom.pulses_get(p, 100)
    highs = [us for level, us in pulses if level == 1 and us]
    if len(highs) < 41:
        return None
    return to_bytes([1 if us > 48 else 0 for us in highs[1:41]])
"""

DRIVERS = {"buffer": BUFFER, "ticks": TICKS, "irq": IRQ, "pulses": PULSES}


def run(tmp_path, kind, driver, body, until="12s", **options):
    board = Board("lopy4", seed=1)
    sensor = board.add_part(kind, "P11", **options)
    path = tmp_path / "main.py"
    path.write_text(COMMON + DRIVERS[driver] + textwrap.dedent(body))
    board.run(path, until=until)
    assert board.error is None, board.output
    return board, sensor, board.output.splitlines()


READ_ONCE = """
time.sleep(2)  # the sensor settles for 1 s (DHT11) / 2 s (DHT22) after power-on
report('{kind}', read('P11', '{kind}'))
"""


@pytest.mark.parametrize("driver", ["buffer", "ticks", "irq", "pulses"])
def test_dht22_reads_what_the_test_set(tmp_path, driver):
    _, _, out = run(
        tmp_path, "dht22", driver, READ_ONCE.format(kind="dht22"), humidity=40.5, temperature=23.7
    )
    assert out == ["humidity 40.5 temperature 23.7"]


@pytest.mark.parametrize("driver", ["buffer", "irq"])
def test_dht22_sends_a_negative_temperature_with_its_sign_bit(tmp_path, driver):
    _, _, out = run(
        tmp_path, "dht22", driver, READ_ONCE.format(kind="dht22"), humidity=99.9, temperature=-10.1
    )
    assert out == ["humidity 99.9 temperature -10.1"]


@pytest.mark.parametrize("driver", ["buffer", "ticks", "irq"])
def test_dht11_reads_whole_units(tmp_path, driver):
    _, _, out = run(
        tmp_path, "dht11", driver, READ_ONCE.format(kind="dht11"), humidity=61.4, temperature=24.6
    )
    assert out == ["humidity 61 temperature 25"]


def test_dht11_ignores_a_start_signal_shorter_than_18_ms(tmp_path):
    body = """
    time.sleep(2)
    p = Pin('P11', mode=Pin.OPEN_DRAIN, value=1)
    pulses = []
    p(0)
    time.sleep_ms(2)  # enough for a DHT22, not for a DHT11
    print(pycom.pulses_get(p, 50))
    """
    board, sensor, out = run(tmp_path, "dht11", "pulses", body)
    assert out == ["[]"] and sensor.reads == 0


def test_the_frame_and_its_checksum_follow_the_datasheets():
    board = Board("lopy4")
    dht22 = board.add_part("dht22", "P11", humidity="65.8%", temperature=26.9)
    # the AM2302 datasheet's example: 0x0292 = 65.8 %RH, 0x010D = 26.9 degC, checksum 0xA2
    assert dht22.frame(0) == bytes([0x02, 0x92, 0x01, 0x0D, 0xA2])
    dht22.temperature.set(-10.1)  # the datasheet's example: 0x8065
    assert dht22.frame(0)[2:4] == bytes([0x80, 0x65])
    dht11 = board.add_part("dht11", "P12", humidity=200 / 3, temperature=30)
    frame = dht11.frame(0)
    assert frame == bytes([67, 0, 30, 0, 97])


def test_values_outside_the_range_saturate():
    board = Board("lopy4")
    dht11 = board.add_part("dht11", "P11", humidity=5, temperature=-20)
    assert dht11.frame(0)[:4] == bytes([20, 0, 0, 0])  # DHT11: 20-90 %RH, 0-50 degC


def test_a_read_sooner_than_2_s_gets_no_answer_and_the_next_one_does(tmp_path):
    body = """
    time.sleep(2)
    report('dht22', read('P11', 'dht22'))
    time.sleep_ms(500)
    report('dht22', read('P11', 'dht22'))  # 0.5 s after the last: the sensor is still measuring
    time.sleep(2)
    report('dht22', read('P11', 'dht22'))
    """
    board, sensor, out = run(tmp_path, "dht22", "ticks", body, humidity=50, temperature=20)
    assert out == ["humidity 50.0 temperature 20.0", "no answer", "humidity 50.0 temperature 20.0"]
    events = [e.detail[1] for e in board.world.recorder.events if e.kind == "dht22"]
    assert events == ["read", "busy", "read"]
    assert sensor.reads == 2


def test_a_read_during_power_on_settling_gets_no_answer(tmp_path):
    body = """
    time.sleep_ms(500)
    report('dht22', read('P11', 'dht22'))
    """
    _, sensor, out = run(tmp_path, "dht22", "ticks", body)
    assert out == ["no answer"] and sensor.reads == 0


def test_a_read_sends_the_previous_measurement(tmp_path):
    # both datasheets: the host reads the previous measurement; read twice for the current value
    body = """
    time.sleep(2)
    report('dht22', read('P11', 'dht22'))
    time.sleep(3)  # the humidity became 70 at 4 s
    report('dht22', read('P11', 'dht22'))
    time.sleep(3)
    report('dht22', read('P11', 'dht22'))
    """
    series = [["0s", 30.0], ["4s", 70.0]]
    _, _, out = run(tmp_path, "dht22", "irq", body, humidity=series, temperature=20)
    assert [line.split()[1] for line in out] == ["30.0", "30.0", "70.0"]


def test_set_from_python_while_the_script_runs(tmp_path):
    board = Board("lopy4")
    sensor = board.add_part("dht22", "P11", humidity=40)
    path = tmp_path / "main.py"
    body = "time.sleep(2)\nfor i in range(3):\n    report('dht22', read('P11', 'dht22'))\n    time.sleep(3)\n"
    path.write_text(COMMON + DRIVERS["buffer"] + body)
    board.load(path)
    board.world.run(until="3s")
    sensor.humidity.set(55.5)  # from 3 s on; the read at ~5 s still sends the 3 s-old measurement
    board.world.run(until="9s")
    assert board.output.splitlines() == [
        "humidity 40.0 temperature 21.0",
        "humidity 40.0 temperature 21.0",
        "humidity 55.5 temperature 21.0",
    ]


def test_without_the_module_pull_up_the_board_s_pull_up_does_it(tmp_path):
    body = """
    time.sleep(2)
    Pin('P11', mode=Pin.OPEN_DRAIN, pull=Pin.PULL_UP, value=1)
    report('dht22', read('P11', 'dht22'))
    """
    source = BUFFER.replace(
        "Pin(name, mode=Pin.OPEN_DRAIN, value=1)",
        "Pin(name, mode=Pin.OPEN_DRAIN, pull=Pin.PULL_UP, value=1)",
    )
    board = Board("lopy4")
    board.add_part("dht22", "P11", pullup=False, humidity=12.3)
    path = tmp_path / "main.py"
    path.write_text(COMMON + source + textwrap.dedent(body))
    board.run(path, until="3s")
    assert board.output.splitlines() == ["humidity 12.3 temperature 21.0"]


def test_the_answer_has_the_datasheet_timing():
    board = Board("lopy4")
    board.add_part("dht22", "P11", humidity=0, temperature=0.1)  # bits: 31 zeros, then 1, ...

    def host():
        p = board.machine.Pin("P11", mode=board.machine.Pin.OPEN_DRAIN, value=1)
        board.time.sleep(2)
        p(0)
        board.time.sleep_ms(1)
        p(1)
        board.time.sleep_ms(10)

    board.run(host)
    edges = board.trace("P11").edges()
    release = [e for e in edges if e.level == 1][0].t
    widths = [(b.t - a.t) // 1000 for a, b in zip(edges, edges[1:], strict=False) if a.t >= release]
    # T_go 30, response 80 low + 80 high, then bit 0: 50 low + 26 high, ...
    assert widths[:6] == [30, 80, 80, 50, 26, 50]
    data_highs = widths[4:84:2]
    assert data_highs[31] == 70 and set(data_highs[:31]) == {26}  # 0x0001: the 32nd bit is 1
    assert widths[83] == 50  # T_en: the end low
    assert edges[-1].level == 1  # released: the pull-up holds the line high


def test_the_command_line_and_a_scenario_add_a_dht22(tmp_path, capsys):
    from pycomsim.cli import main

    path = tmp_path / "main.py"
    path.write_text(COMMON + BUFFER + READ_ONCE.format(kind="dht22"))
    spec = "dht22@P11:humidity=[['0s', 40], ['1s', 45.5]],temperature=-5.5"
    assert main(["run", str(path), "--part", spec, "--until", "3s", "--quiet"]) == 0
    assert capsys.readouterr().out == "humidity 45.5 temperature -5.5\n"
    scenario = tmp_path / "bench.toml"
    scenario.write_text(
        '[boards.a]\nscript = "main.py"\n[[part]]\nkind = "dht22"\npins = ["a.P11"]\n'
        "options = {humidity = 33.3, temperature = 12}\n"
    )
    assert main(["run", "--scenario", str(scenario), "--until", "3s", "--quiet"]) == 0
    assert capsys.readouterr().out == "humidity 33.3 temperature 12.0\n"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("dht22@P11:humidity=wet", "bad --part 'dht22@P11:humidity=wet': bad humidity 'wet'"),
        ("dht22@P11:pullup=maybe", "bad pullup 'maybe': expected true or false"),
        ("dht22@P11:humidity=120", "bad humidity '120': expected 0..100 %"),
        ("dht11@P11,P12", "part 'dht11' needs 1 pin (data), got 2"),
    ],
)
def test_bad_dht_options_on_the_command_line_are_one_line(tmp_path, capsys, spec, message):
    from pycomsim.cli import main

    path = tmp_path / "main.py"
    path.write_text("print(1)\n")
    assert main(["run", str(path), "--part", spec]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_bad_option_in_a_scenario_names_file_key_and_value(tmp_path):
    import io

    from pycomsim.scenario import ScenarioError, load_scenario

    scenario = tmp_path / "bench.toml"
    scenario.write_text(
        '[boards.a]\n[[part]]\nkind = "dht22"\npin = "P11"\noptions = {temperature = "hot"}\n'
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(caught.value) == (
        f"{scenario}: part[0].options.temperature: bad temperature 'hot': expected a number "
        "(units: °C, C, degC)"
    )
