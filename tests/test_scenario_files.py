"""Issue 4, scenario files: several boards in one run, from TOML; errors name file, key, problem."""

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pycomsim.cli import main
from pycomsim.scenario import ScenarioError, load_scenario

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

BLINK = """
from machine import Pin
import time
p = Pin('P11', Pin.OUT, value=0)
for i in range(3):
    p.toggle()
    time.sleep_ms(10)
print('done')
"""


def write(tmp_path, toml, scripts=None):
    for name, text in (scripts or {"blink.py": BLINK}).items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    path = tmp_path / "bench.toml"
    path.write_text(textwrap.dedent(toml))
    return path


def run_cli(capsys, *argv):
    code = main(["run", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


# ---- the example bench: two boards blinking to each other through wires ----
def test_bench_example_runs_end_to_end_with_board_prefixes(capsys):
    code, out, err = run_cli(capsys, "--scenario", EXAMPLES / "bench.toml")
    assert code == 0, err
    lines = out.splitlines()
    assert all(line.startswith(("ping| ", "pong| ")) for line in lines)
    assert [ln for ln in lines if ln.startswith("pong| ")] == [
        f"pong| pong: pulse {i} at {t} ms"
        # with the timing model the scripts' own statements take time (docs/timing.md)
        for i, t in zip(range(1, 6), (1, 201, 401, 600, 800), strict=True)
    ]
    assert "ping| ping 5 sent, echoes 5" in lines
    assert lines[-1] == "ping| done: 5 echoes, 1 press(es)"  # one press despite the bounce
    assert "reached --until at 1.1s virtual" in err


def test_bench_example_as_a_subprocess_is_deterministic():
    cmd = [sys.executable, "-m", "pycomsim.cli", "run", "--scenario", str(EXAMPLES / "bench.toml")]
    cmd += ["--json"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stderr.strip().splitlines()[-1])
    assert set(data["boards"]) == {"ping", "pong"}
    assert data["faults"] == []
    assert data["edges"]["ping.P11"] == 10  # five pulses seen on the shared wire


def test_load_scenario_builds_boards_wires_parts_and_stimuli(tmp_path):
    path = write(
        tmp_path,
        """
        until = "100ms"
        [boards.a]
        script = "blink.py"
        seed = 3
        [boards.b]
        type = "wipy3"
        expansion = false
        [wires]
        "a.P11" = ["b.P13", "b.P14"]
        [[buttons]]
        pin = "b.P10"
        bounce = false
        presses = [{ at = "5ms", hold = "1ms" }, { at = "20ms" }]
        [[leds]]
        pin = "b.P13"
        [[pulls]]
        pin = "b.P10"
        up = true
        [[generators]]
        pin = "b.P15"
        freq = 1000.0
        duty = 0.5
        stop = "10ms"
        [[levels]]
        pin = "b.P16"
        levels = [["0ms", 1], ["50ms", "z"]]
        """,
    )
    scenario = load_scenario(path, stdout=io.StringIO(), stderr=io.StringIO())
    assert list(scenario.boards) == ["a", "b"]
    assert scenario.boards["a"].seed == 3 and scenario.boards["b"].type == "wipy3"
    assert scenario.until == 100_000_000
    assert len(scenario.parts) == 5
    scenario.run()
    a = scenario.boards["a"]
    assert "".join(a.output) == "done\n"
    led = scenario.parts[1]
    assert led.blinks == 2  # b's LED follows a's P11 through the wire
    trace = scenario.world.recorder.traces["b.P10"].changes()
    assert trace[1:] == [(5_000_000, 0), (6_000_000, 1), (20_000_000, 0)]
    assert scenario.world.kernel.now == 100_000_000


def test_one_board_scenarios_may_name_pins_without_the_board(tmp_path):
    path = write(tmp_path, '[boards.solo]\nscript = "blink.py"\n[wires]\nP11 = "P3"\n')
    scenario = load_scenario(path, stdout=io.StringIO())
    scenario.run()
    assert scenario.world.recorder.traces["solo.P3"] is scenario.world.recorder.traces["solo.P11"]


def test_strict_scenario_raises_in_the_script(tmp_path, capsys):
    path = write(
        tmp_path,
        """
        strict = true
        [boards.a]
        script = "blink.py"
        [[levels]]
        pin = "a.P11"
        levels = [["5ms", 0]]
        """,
    )
    code, out, err = run_cli(capsys, "--scenario", path)
    assert code == 1
    # the stimulus fights P11 at 5 ms while the script sleeps: raised when the sleep ends
    assert (
        "FaultError: contention at 5ms: a.P11 drives high and a.P11 level source drives low" in err
    )
    assert "1 faults" in err


def test_cli_strict_and_press_apply_on_top_of_a_scenario(tmp_path, capsys):
    script = """
    from machine import Pin
    import time
    p = Pin('P10', Pin.IN)
    time.sleep_ms(50)
    print(p())
    time.sleep_ms(100)
    print(p())
    """
    path = write(tmp_path, '[boards.a]\nscript = "b.py"\n', {"b.py": script})
    code, out, err = run_cli(capsys, "--scenario", path, "--press", "a.P10@40ms+60ms")
    assert (code, out) == (0, "0\n1\n")  # the expansion button, pressed from the command line


# ---- bad scenario files: exit 2, one line naming the file, the key and the problem ----
BAD = [
    (
        '[boards.a]\nscript = "blink.py"\n[wires]\n"x.P9" = "a.P10"\n',
        'wires."x.P9"',
        "unknown board 'x'",
    ),
    (
        '[boards.a]\nscript = "blink.py"\n[wires]\n"a.P99" = "a.P10"\n',
        'wires."a.P99"',
        "unknown pin 'P99'",
    ),
    (
        '[boards.a]\nscript = "blink.py"\n[wires]\n"a.P9" = "a.G16"\n',
        'wires."a.P9"',
        "wired to itself",
    ),
    ('until = "soon"\n[boards.a]\nscript = "blink.py"\n', "until", "bad until 'soon'"),
    ('[boards.a]\nscript = "blink.py"\ncolour = "red"\n', "boards.a.colour", "unknown key"),
    ('speed = 3\n[boards.a]\nscript = "blink.py"\n', "speed", "unknown key"),
    ('[boards.a]\nscript = "nope.py"\n', "boards.a.script", "script not found"),
    ('[boards.a]\ntype = "esp8266"\n', "boards.a.type", "unknown board 'esp8266'"),
    ('[boards.a]\nseed = "x"\n', "boards.a.seed", "expected an integer"),
    ("[boards]\n", "boards", "at least one"),
    ('[boards."a.b"]\n', "boards.a.b", "no dots"),
    (
        "[boards.a]\n[[buttons]]\npin = 'a.P10'\npresses = [{at = '1 fortnight'}]\n",
        "buttons[0].presses[0].at",
        "bad at",
    ),
    ("[boards.a]\n[[buttons]]\npin = 'a.P10'\nbounce = 'lots'\n", "buttons[0]", "bad bounce"),
    ("[boards.a]\n[[leds]]\npin = 'a.P3'\nglow = 1\n", "leds[0].glow", "unknown key"),
    ("[boards.a]\n[[generators]]\npin = 'a.P13'\n", "generators[0]", "missing key 'freq'"),
    (
        "[boards.a]\n[[generators]]\npin = 'a.P13'\nfreq = -1\n",
        "generators[0]",
        "bad generator freq",
    ),
    ("[boards.a]\n[[levels]]\npin = 'a.P13'\nlevels = [['1ms', 7]]\n", "levels[0]", "bad level 7"),
    ("[boards.a]\n[boards.b]\n[[pulls]]\npin = 'P3'\n", "pulls[0].pin", "needs a board name"),
    ("[boards.a\n", "invalid TOML", "line 1"),
]


@pytest.mark.parametrize("toml, key, problem", BAD)
def test_scenario_errors_name_the_file_the_key_and_the_problem(
    tmp_path, capsys, toml, key, problem
):
    path = write(tmp_path, toml)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert key in message and problem in message
    code, out, err = run_cli(capsys, "--scenario", path)
    assert code == 2 and out == ""
    assert err == f"pycomsim: error: {message}\n"  # one line, no traceback


def test_missing_scenario_file_is_a_usage_error(tmp_path, capsys):
    code, out, err = run_cli(capsys, "--scenario", tmp_path / "none.toml")
    assert code == 2 and "none.toml: cannot read the scenario file" in err


def test_script_and_scenario_together_is_a_usage_error(tmp_path, capsys):
    path = write(tmp_path, '[boards.a]\nscript = "blink.py"\n')
    code, out, err = run_cli(capsys, tmp_path / "blink.py", "--scenario", path)
    assert code == 2 and "not both" in err


def test_open_drain_bus_example_is_a_wired_and(capsys):
    code, out, err = run_cli(capsys, "--scenario", EXAMPLES / "bus.toml", "--quiet")
    assert code == 0, err
    lines = out.splitlines()
    # with the timing model the fast board's polling loop notices the release within 1 ms
    assert lines == [
        "slow| round 1 all ready at 70 ms, waited 0 ms",
        "fast| round 1 all ready at 71 ms, waited 41 ms",
        "slow| round 2 all ready at 145 ms, waited 0 ms",
        "fast| round 2 all ready at 146 ms, waited 40 ms",
        "slow| round 3 all ready at 220 ms, waited 0 ms",
        "fast| round 3 all ready at 220 ms, waited 39 ms",
    ]


@pytest.mark.parametrize("flag", [["--seed", "3"], ["--board", "wipy3"], ["--no-expansion"]])
def test_single_script_flags_are_refused_with_a_scenario(capsys, flag):
    code, out, err = run_cli(capsys, "--scenario", EXAMPLES / "bench.toml", *flag)
    assert code == 2 and out == ""
    assert err.startswith(f"pycomsim: error: {flag[0]} is for single-script runs")
