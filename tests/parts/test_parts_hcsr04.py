"""HC-SR04 (sim/hcsr04.py) measured by drivers written from its manual, on the board's timing model:
a 10 us trigger, then the echo's width with ticks_us (polling), with Pin.callback on both edges, and
with pycom.pulses_get. (Pycom 1.20 has no machine.time_pulse_us: esp32/mods/machpin.c and
modmachine.c define none.)"""

import textwrap

import pytest

from pycomsim import Board

POLL = """
import time
from machine import Pin

trig = Pin('P20', mode=Pin.OUT, value=0)
echo = Pin('P21', mode=Pin.IN)

def measure_cm():
    trig(1)
    time.sleep_us(10)
    trig(0)
    n = 0
    while echo() == 0:
        n += 1
        if n > 1000:
            return None
    start = time.ticks_us()
    while echo() == 1:
        pass
    width = time.ticks_diff(time.ticks_us(), start)
    if width > 30000:
        return None  # the module's 38 ms: nothing in range
    return width / 58.3  # 2 x 1 cm at 343 m/s = 58.3 us

for i in range(COUNT):
    cm = measure_cm()
    print('out of range' if cm is None else round(cm))
    time.sleep_ms(60)
"""

IRQ = """
import time
from machine import Pin

trig = Pin('P20', mode=Pin.OUT, value=0)
echo = Pin('P21', mode=Pin.IN)
edges = []

def on_echo(pin):
    edges.append((pin(), time.ticks_us()))

echo.callback(Pin.IRQ_RISING | Pin.IRQ_FALLING, handler=on_echo)
for i in range(COUNT):
    del edges[:]
    trig(1)
    time.sleep_us(15)
    trig(0)
    time.sleep_ms(60)
    if len(edges) == 2 and edges[0][0] == 1:
        width = time.ticks_diff(edges[1][1], edges[0][1])
        print('out of range' if width > 30000 else round(width / 58.3))
    else:
        print('edges', edges)
"""

PULSES = """
import time
import pycom
from machine import Pin

trig = Pin('P20', mode=Pin.OUT, value=0)
for i in range(COUNT):
    trig(1)
    time.sleep_us(10)
    trig(0)
    pulses = pycom.pulses_get('P21', 100)
    highs = [us for level, us in pulses if level == 1]
    print(round(highs[0] / 58.3) if highs and highs[0] < 30000 else 'out of range')
    time.sleep_ms(60)
"""


def run(tmp_path, source, distance, count=1, until="2s", **options):
    board = Board("lopy4")
    sonar = board.add_part("hcsr04", "P20", "P21", distance=distance, **options)
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source).replace("COUNT", str(count)))
    board.run(path, until=until)
    assert board.error is None, board.output
    return board, sonar, board.output.splitlines()


@pytest.mark.parametrize("source", [POLL, IRQ, PULSES], ids=["poll", "irq", "pulses"])
@pytest.mark.parametrize(("metres", "cm"), [(0.05, 5), (0.5, 50), (1.5, 150), (3.9, 390)])
def test_the_echo_gives_the_distance_the_test_set(tmp_path, source, metres, cm):
    _, _, out = run(tmp_path, source, metres)
    assert len(out) == 1 and abs(int(out[0]) - cm) <= 1, out


@pytest.mark.parametrize("metres", [4.5, 0.01])
def test_out_of_range_is_a_38_ms_echo(tmp_path, metres):
    board, _, out = run(tmp_path, POLL, metres)
    assert out == ["out of range"]
    highs = [e for e in board.trace("P21").edges() if e.level == 1]
    lows = [e for e in board.trace("P21").edges() if e.level == 0 and e.t > highs[0].t]
    assert lows[0].t - highs[0].t == 38_000_000


def test_the_echo_follows_the_trigger_by_the_burst_and_its_width_the_distance():
    board = Board("lopy4")
    board.add_part("hcsr04", "P20", "P21", distance="171.5cm")

    def host():
        trig = board.machine.Pin("P20", mode=board.machine.Pin.OUT, value=0)
        trig(1)
        board.time.sleep_us(10)
        trig(0)
        board.time.sleep_ms(20)

    board.run(host)
    fall = [e for e in board.trace("P20").edges() if e.level == 0][-1].t
    rise, end = [e.t for e in board.trace("P21").edges()][-2:]
    assert rise - fall == 200_000  # 8 cycles of 40 kHz
    assert end - rise == 10_000_000  # 2 x 1.715 m / 343 m/s


def test_the_temperature_option_sets_the_speed_of_sound():
    board = Board("lopy4")
    sonar = board.add_part("hcsr04", "P20", "P21", distance=1.0, temperature="0")
    assert sonar.echo_at(0)[0] == round(2 / 331.3 * 1e9)
    sonar.temperature.set(30)
    assert sonar.echo_at(0)[0] == round(2 / (331.3 + 0.606 * 30) * 1e9)


def test_a_trigger_shorter_than_10_us_or_within_60_ms_is_ignored():
    board = Board("lopy4", cpu="free")
    sonar = board.add_part("hcsr04", "P20", "P21", distance=1.0)
    levels = [(0, 0), ("1ms", 1), ("1.005ms", 0), ("2ms", 1), ("2.02ms", 0)]
    levels += [("30ms", 1), ("30.02ms", 0), ("70ms", 1), ("70.02ms", 0)]
    board.levels("P20", levels)
    board.world.run(until="100ms")
    assert sonar.measurements == 2  # the 5 us pulse and the one 28 ms later did nothing
    kinds = [e.detail[1] for e in board.world.recorder.events if e.kind == "hcsr04"]
    assert kinds == ["echo", "busy", "echo"]


def test_a_series_of_distances_over_the_run(tmp_path):
    series = [["0s", "20cm"], ["50ms", "80cm"], ["150ms", "2m"]]  # reads ~62 ms apart
    _, _, out = run(tmp_path, POLL, series, count=4, until="1s")
    assert [int(v) for v in out] == [20, 80, 80, 200]


def test_set_from_python_during_a_run(tmp_path):
    board = Board("lopy4")
    sonar = board.add_part("hcsr04", "P20", "P21", distance=0.3)
    path = tmp_path / "main.py"
    path.write_text(POLL.replace("COUNT", "4").replace("time.sleep_ms(60)", "time.sleep_ms(100)"))
    board.load(path)
    board.world.run(until="150ms")
    sonar.distance.set("1.2m")
    board.world.run(until="1s")
    assert board.output.splitlines() == ["30", "30", "120", "120"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("hcsr04@P20", "part 'hcsr04' needs 2 pins (trig, echo), got 1"),
        ("hcsr04@P20,P21:distance=far", "bad distance 'far': expected a number (units: m, cm, mm)"),
        ("hcsr04@P20,P21:speed=340", "unknown option 'speed' for part 'hcsr04'"),
        ("hcsr04@P20,P20", "trig and echo must be two different nets"),
    ],
)
def test_bad_hcsr04_specs_are_one_line(tmp_path, capsys, spec, message):
    from pycomsim.cli import main

    path = tmp_path / "main.py"
    path.write_text("print(1)\n")
    assert main(["run", str(path), "--part", spec]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_the_command_line_adds_an_hcsr04(tmp_path, capsys):
    from pycomsim.cli import main

    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(POLL).replace("COUNT", "1"))
    code = main(["run", str(path), "--part", "hcsr04@P20,P21:distance=1.5m", "--quiet"])
    assert code == 0 and capsys.readouterr().out == "150\n"
