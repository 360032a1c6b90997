"""Run Pycom's published shield libraries, unchanged, against pycomsim's Pysense and Pytrack parts.

    python tools/check_pycom_shield_libraries.py PATH/TO/pycom-libraries [--examples]

PATH is your own checkout of https://github.com/pycom/pycom-libraries (or its `shields` folder). For
each shield (pysense, pysense2, pytrack, pytrack2) this copies the libraries it needs from
`shields/lib` into a temporary folder (deleted afterwards; nothing is written anywhere else), runs a
small script that uses them the way Pycom's examples do, and compares what they read with the values
the shield was given: temperature, humidity, lux, pressure, altitude, roll, pitch, battery, position,
and the wake reason after a sleep through the coprocessor. `--examples` also runs Pycom's own example
scripts (`shields/pysense_1.py`, `pysense_2.py`) unchanged and prints their output.

Exit status: 0 when every value matched, 1 when one did not or a library raised, 2 for a bad PATH.
"""

from __future__ import annotations

import argparse
import io
import math
import shutil
import sys
import tempfile
from pathlib import Path

from pycomsim import Board

PYSENSE_VALUES = {
    "temperature": 22.5,
    "humidity": 47.0,
    "light": 300.0,
    "pressure": 100200.0,
    "roll": 12.0,
    "pitch": -7.0,
    "battery": 3.9,
}
PYTRACK_VALUES = {
    "lat": 47.3769,
    "lon": 8.5417,
    "ttff": "5s",
    "roll": -20.0,
    "pitch": 15.0,
    "battery": 4.1,
}
SEA_LEVEL_PA = 101326.0  # the MPL3115A2's default BAR_IN
EXPECTED_PYSENSE = {
    "temperature": (22.5, 0.02),
    "humidity": (47.0, 0.02),
    "lux": (300.0, 3.0),
    "pressure": (100200.0, 0.25),
    "mpl_temperature": (22.5, 0.07),
    "altitude": (44330.77 * (1 - (100200.0 / SEA_LEVEL_PA) ** 0.1902632), 0.07),
    "roll": (12.0, 0.05),
    "pitch": (-7.0, 0.05),
    "battery": (3.9, 0.006),
}
EXPECTED_PYTRACK = {
    "lat": (47.3769, 1e-4),
    "lon": (8.5417, 1e-4),
    "roll": (-20.0, 0.05),
    "pitch": (15.0, 0.05),
    "battery": (4.1, 0.006),
}
LIBRARIES = {
    "pysense": ["pycoproc_1", "SI7006A20", "LTR329ALS01", "MPL3115A2", "LIS2HH12"],
    "pysense2": ["pycoproc_2", "SI7006A20", "LTR329ALS01", "MPL3115A2", "LIS2HH12"],
    "pytrack": ["pycoproc_1", "L76GNSS", "LIS2HH12"],
    "pytrack2": ["pycoproc_2", "L76GNSS", "LIS2HH12"],
}

# The scripts use only the libraries' own API. A first power-on reads every value and puts the shield
# to sleep for 5 s through its coprocessor; the module loses power and boots again, reading why.
OPEN = {
    1: "from pycoproc_1 import Pycoproc\npy = Pycoproc(Pycoproc.{board})\nreason = py.get_wake_reason()\n",
    2: "from pycoproc_2 import Pycoproc\npy = Pycoproc()\nreason = py.read_byte(0x064C)\n",
}
PYSENSE_SCRIPT = """\
import time, machine
{open}print('wake_reason', reason)
print('reset_cause', machine.reset_cause())
if reason == 0:
    from SI7006A20 import SI7006A20
    from LTR329ALS01 import LTR329ALS01
    from MPL3115A2 import MPL3115A2, ALTITUDE, PRESSURE
    from LIS2HH12 import LIS2HH12
    si = SI7006A20(py)
    print('temperature', si.temperature())
    print('humidity', si.humidity())
    lt = LTR329ALS01(py)
    time.sleep(0.2)  # the LTR-329's first measurement ends 110 ms after it is switched on
    print('lux', lt.lux())
    mp = MPL3115A2(py, mode=PRESSURE)
    print('pressure', mp.pressure())
    print('mpl_temperature', mp.temperature())
    print('altitude', MPL3115A2(py, mode=ALTITUDE).altitude())
    li = LIS2HH12(py)
    print('roll', li.roll())
    print('pitch', li.pitch())
    print('battery', py.read_battery_voltage())
    py.setup_sleep(5)
    py.go_to_sleep()
"""
PYTRACK_SCRIPT = """\
import time, machine
{open}print('wake_reason', reason)
print('reset_cause', machine.reset_cause())
if reason == 0:
    from L76GNSS import L76GNSS
    from LIS2HH12 import LIS2HH12
    l76 = L76GNSS(py, timeout=30)
    coord = (None, None)
    while coord[0] is None:
        coord = l76.coordinates()
        time.sleep(1)
    print('lat', coord[0])
    print('lon', coord[1])
    li = LIS2HH12(py)
    print('roll', li.roll())
    print('pitch', li.pitch())
    print('battery', py.read_battery_voltage())
    py.setup_sleep(5)
    py.go_to_sleep()
"""


def shields_folder(path: Path) -> Path:
    for candidate in (path / "shields", path):
        if (candidate / "lib" / "pycoproc_1.py").is_file():
            return candidate
    raise SystemExit(
        f"{path}: no shields/lib/pycoproc_1.py here (expected a pycom-libraries checkout)"
    )


def readings(output: str) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for line in output.splitlines():
        name, _, value = line.partition(" ")
        try:
            found.setdefault(name, []).append(float(value))
        except ValueError:
            pass
    return found


def shielded_board(kind: str, values: dict) -> Board:
    """A LoPy4 on the shield (no expansion board), its output kept for reading back."""
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    board.add_shield(kind, **values)
    return board


def check(kind: str, shields: Path, until: str = "120s") -> bool:
    generation = 2 if kind.endswith("2") else 1
    pysense = kind.startswith("pysense")
    board_name = "PYSENSE" if pysense else "PYTRACK"
    script = (PYSENSE_SCRIPT if pysense else PYTRACK_SCRIPT).format(
        open=OPEN[generation].format(board=board_name)
    )
    with tempfile.TemporaryDirectory(prefix=f"pycomsim-{kind}-") as tmp:
        folder = Path(tmp)
        (folder / "lib").mkdir()
        for name in LIBRARIES[kind]:
            shutil.copy(shields / "lib" / f"{name}.py", folder / "lib" / f"{name}.py")
        (folder / "main.py").write_text(script)
        board = shielded_board(kind, PYSENSE_VALUES if pysense else PYTRACK_VALUES)
        board.run(str(folder / "main.py"), until=until)
    got = readings(board.output)
    ok = board.error is None
    print(f"{kind}: libraries {', '.join(LIBRARIES[kind])}")
    if board.error is not None:
        print(f"  raised: {board.format_board_exception(board.error).strip()}")
    for name, (want, tolerance) in (EXPECTED_PYSENSE if pysense else EXPECTED_PYTRACK).items():
        value = got.get(name, [math.nan])[0]
        good = abs(value - want) <= tolerance
        ok &= good
        print(f"  {name:16} {value:<22.10g} set {want:<12.10g} {'ok' if good else 'MISMATCH'}")
    woke = got.get("wake_reason", []) == [0.0, 4.0] and got.get("reset_cause", []) == [0.0, 0.0]
    ok &= woke
    print(f"  sleep 5 s through the coprocessor: wake reasons {got.get('wake_reason')}, reset causes "
          f"{got.get('reset_cause')} {'ok' if woke else 'MISMATCH (expected [0, 4] and [0, 0])'}")  # fmt: skip
    return ok


def run_example(name: str, kind: str, shields: Path, until: str = "30s") -> None:
    with tempfile.TemporaryDirectory(prefix=f"pycomsim-{name}-") as tmp:
        folder = Path(tmp)
        shutil.copytree(shields / "lib", folder / "lib")
        shutil.copy(shields / f"{name}.py", folder / "main.py")
        board = shielded_board(kind, PYSENSE_VALUES)
        board.run(str(folder / "main.py"), until=until)
    print(f"--- {name}.py, unchanged, on a {kind} for {until} of virtual time:")
    print(board.output, end="" if board.output.endswith("\n") else "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="your pycom-libraries checkout")
    parser.add_argument(
        "--examples", action="store_true", help="also run pysense_1.py and pysense_2.py"
    )
    args = parser.parse_args(argv)
    try:
        shields = shields_folder(args.path)
    except SystemExit as error:
        print(error, file=sys.stderr)
        return 2
    results = [check(kind, shields) for kind in LIBRARIES]
    if args.examples:
        run_example("pysense_1", "pysense", shields)
        run_example("pysense_2", "pysense2", shields)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
