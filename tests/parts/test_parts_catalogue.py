"""The part catalogue (sim/part_catalogue.py) and its three ways in: board.add_part, a scenario's
[[part]] tables, --part/--shield. A toy kind stands in for the real parts here."""

import io
import textwrap

import pytest

from pycomsim import Board
from pycomsim.cli import main
from pycomsim.scenario import ScenarioError, load_scenario
from pycomsim.sim import part_catalogue
from pycomsim.sim.part_catalogue import parse_part_spec, part_kind, register_part


class Toy:
    def __init__(self, board, pins, options):
        self.board, self.pins, self.options = board, pins, options


def make_toy(board, pins, options):
    return Toy(board, pins, options)


def make_plate(board, pins, options):
    return Toy(board, pins, options)


@pytest.fixture
def toy():
    register_part(
        "toy", make_toy, pins=("trig", "echo"), options={"distance": "metres"}, datasheet="none"
    )
    register_part("plate", make_plate, pins=(), options={}, datasheet="none")
    yield
    part_catalogue._KINDS.pop("toy")
    part_catalogue._KINDS.pop("plate")


def test_add_part_passes_pins_and_options_to_the_factory(toy):
    board = Board("lopy4")
    part = board.add_part("toy", "P20", "P21", distance="1.5m")
    assert (part.board, part.pins, part.options) == (board, ["P20", "P21"], {"distance": "1.5m"})
    assert board.added_parts == [part]


@pytest.mark.parametrize(
    ("pins", "options", "message"),
    [
        (("P20",), {}, "part 'toy' needs 2 pins (trig, echo), got 1: toy@TRIG,ECHO[:distance=...]"),
        (("P20", "P99"), {}, "unknown pin 'P99' on lopy4"),
        (("P20", "P21"), {"speed": 3}, "unknown option 'speed' for part 'toy' (options: distance)"),
    ],
)
def test_add_part_refuses_in_one_line(toy, pins, options, message):
    with pytest.raises(ValueError) as caught:
        Board("lopy4").add_part("toy", *pins, **options)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_unknown_kind_lists_the_known_ones(toy):
    with pytest.raises(ValueError, match=r"^unknown part kind 'toad' \(known: .*toy"):
        Board("lopy4").add_part("toad", "P20")
    with pytest.raises(ValueError, match=r"^part 'plate' takes no pins, got P20$"):
        Board("lopy4").add_part("plate", "P20")


def test_a_kind_registered_twice_by_another_factory_is_refused(toy):
    with pytest.raises(ValueError, match="already registered"):
        register_part("toy", make_plate, pins=(), options={}, datasheet="")
    register_part("toy", make_toy, pins=("trig", "echo"), options={}, datasheet="")  # re-import
    assert part_kind("toy").options == {}


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("dht22@P11", ("dht22", ["P11"], {})),
        ("hcsr04@P20,P21:distance=1.5m", ("hcsr04", ["P20", "P21"], {"distance": "1.5m"})),
        ("pysense", ("pysense", [], {})),
        ("pysense:battery=3.7", ("pysense", [], {"battery": "3.7"})),
        (
            "dht22@P11:humidity=[[0,40],['1s',50]],temperature=21",
            ("dht22", ["P11"], {"humidity": "[[0,40],['1s',50]]", "temperature": "21"}),
        ),
    ],
)
def test_part_specs_parse(text, parsed):
    assert parse_part_spec(text) == parsed


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "expected KIND@PIN"),
        ("@P11", "expected KIND@PIN"),
        ("dht22@", "expected KIND@PIN"),
        ("dht22@P11,", "expected KIND@PIN"),
        ("dht22@P11:humidity", "option 'humidity' is not key=value"),
        ("dht22@P11:a=1,a=2", "option 'a' given twice"),
    ],
)
def test_bad_part_specs_name_the_spec(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_part_spec(text)


def script(tmp_path, text="print('ok')\n"):
    path = tmp_path / "main.py"
    path.write_text(text)
    return path


def test_cli_part_reaches_the_board(toy, tmp_path, monkeypatch):
    from pycomsim.run_options import _setup, run_parser

    args = run_parser().parse_args(
        [str(script(tmp_path)), "--part", "toy@P20,P21:distance=2m", "--shield", "plate"]
    )
    _, [board] = _setup(args)
    toy_part, plate = board.added_parts
    assert (toy_part.pins, toy_part.options) == (["P20", "P21"], {"distance": "2m"})
    assert plate.pins == []


@pytest.mark.parametrize(
    ("flag", "spec", "message"),
    [
        ("--part", "toy@P20", "bad --part 'toy@P20': part 'toy' needs 2 pins (trig, echo), got 1"),
        ("--part", "toy@P20,P99", "bad --part 'toy@P20,P99': unknown pin 'P99' on lopy4"),
        ("--part", "toy@P20,P21:speed=1", "unknown option 'speed' for part 'toy'"),
        ("--part", "lamp@P20", "bad --part 'lamp@P20': unknown part kind 'lamp'"),
        ("--shield", "pyscan", "bad --shield 'pyscan': unknown part kind 'pyscan'"),
        ("--part", "toy@a.P20,b.P21", "the pins are on different boards (a, b)"),
    ],
)
def test_cli_part_errors_are_one_line(toy, tmp_path, capsys, flag, spec, message):
    code = main(["run", str(script(tmp_path)), flag, spec])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("pycomsim: error: ") and message in err
    assert err.count("\n") == 1


def write_scenario(tmp_path, toml):
    script(tmp_path)
    path = tmp_path / "bench.toml"
    path.write_text(textwrap.dedent(toml))
    return path


def test_scenario_part_tables_build_parts_on_their_boards(toy, tmp_path):
    path = write_scenario(
        tmp_path,
        """
        [boards.a]
        script = "main.py"
        [boards.b]
        [[part]]
        kind = "toy"
        pins = ["b.P20", "b.P21"]
        options = {distance = "3m"}
        [[part]]
        kind = "plate"
        board = "a"
        """,
    )
    scenario = load_scenario(path, stdout=io.StringIO(), stderr=io.StringIO())
    toy_part, plate = scenario.parts
    assert toy_part.board is scenario.boards["b"] and toy_part.pins == ["P20", "P21"]
    assert toy_part.options == {"distance": "3m"}
    assert plate.board is scenario.boards["a"] and scenario.boards["a"].added_parts == [plate]


def test_cli_part_in_a_scenario_names_its_board(toy, tmp_path):
    from pycomsim.run_options import _setup, run_parser

    path = write_scenario(tmp_path, '[boards.a]\nscript = "main.py"\n[boards.b]\n')
    args = run_parser().parse_args(
        ["--scenario", str(path), "--part", "toy@b.P20,b.P21", "--shield", "a.plate"]
    )
    world, boards = _setup(args)
    assert [p.pins for p in world.boards["b"].added_parts] == [["P20", "P21"]]
    assert len(world.boards["a"].added_parts) == 1


BAD = [
    ("[[part]]\npins = ['P20']\n", "part[0]", "missing key 'kind'"),
    ("[[part]]\nkind = 'lamp'\n", "part[0].kind", "unknown part kind 'lamp'"),
    ("[[part]]\nkind = 'toy'\npins = ['P20']\n", "part[0]", "needs 2 pins (trig, echo), got 1"),
    ("[[part]]\nkind = 'toy'\npins = ['P20', 'P99']\n", "part[0].pins[1]", "unknown pin 'P99'"),
    ("[[part]]\nkind = 'toy'\npins = 3\n", "part[0].pins", "expected a list of pins"),
    (
        "[[part]]\nkind = 'toy'\npins = ['P20', 'P21']\noptions = {speed = 2}\n",
        "part[0].options.speed",
        "unknown option for part 'toy' (options: distance)",
    ),
    ("[[part]]\nkind = 'toy'\npins = ['P20', 'P21']\nglow = 1\n", "part[0].glow", "unknown key"),
    ("[[part]]\nkind = 'toy'\noptions = 3\n", "part[0].options", "expected a table"),
    ("[[part]]\nkind = 'plate'\nboard = 'z'\n", "part[0].board", "unknown board 'z'"),
    ("part = 3\n", "part", "expected [[part]] tables"),
]


@pytest.mark.parametrize(("toml", "key", "problem"), BAD)
def test_scenario_part_errors_name_file_key_and_value(toy, tmp_path, capsys, toml, key, problem):
    boards = '[boards.a]\nscript = "main.py"\n'
    top_level = toml.startswith("part =")  # a plain key must come before the first table
    path = write_scenario(tmp_path, toml + boards if top_level else boards + toml)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: ") and problem in message
    code = main(["run", "--scenario", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and err == f"pycomsim: error: {message}\n"


@pytest.mark.parametrize("flag", ["--part", "--press"])
def test_serve_refuses_a_bad_part_in_one_line_and_leaves_no_temporary_flash(
    flag, capsys, monkeypatch, tmp_path
):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where serve makes its empty /flash
    bad = {"--part": "lamp@P11", "--press": "P10@soon"}[flag]
    assert main(["serve", flag, bad]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and f"bad {flag} {bad!r}" in err
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_run_gets_the_part_flags(tmp_path):
    from pycomsim.sweep.conditions import PassCondition
    from pycomsim.sweep.runner import run_one

    path = tmp_path / "main.py"
    path.write_text("import time\ntime.sleep(1)\n")
    row = run_one([str(path), "--part", "dht22@P11", "--until", "2s"], PassCondition())
    assert row["passed"] and row["exit_code"] == 0
    row = run_one([str(path), "--part", "dht22@P99"], PassCondition())
    assert row["exit_code"] == 2 and "bad --part 'dht22@P99': unknown pin 'P99'" in row["reason"]


def test_part_classes_made_directly_are_the_board_s_parts_too():
    from pycomsim.sim.dht import Dht22
    from pycomsim.sim.hcsr04 import HcSr04

    board = Board("lopy4")
    dht = Dht22(board, "P11", humidity=40)
    sonar = HcSr04(board, "P20", "P21", distance="2m")
    dht11 = board.add_part("dht11", "P12")
    assert board.added_parts == [dht, sonar, dht11]  # once each
    assert dht.humidity.at(0) == 40 and sonar.distance.at(0) == 2.0
