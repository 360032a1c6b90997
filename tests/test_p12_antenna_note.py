"""P12 on second-generation modules is the antenna switch with a module pull-down (esp32/util/antenna.c
antenna_init0, esp32/main.c app_main: chip revision > 0): it reads 0 as an input, which surprises people,
so pycomsim notes it once per run when a script sets P12 up as an input."""

import pytest

from pycomsim import Board

SCRIPT = (
    "from machine import Pin\np = Pin('P12', Pin.IN)\nprint(p())\nPin('P12', Pin.IN)\nprint(p())\n"
)


def _notes(board: Board) -> list[str]:
    return [w.message for w in board.world.warnings if w.kind == "note"]


@pytest.mark.parametrize("kind", ["wipy3", "lopy4", "fipy", "gpy"])
def test_reading_p12_on_a_second_generation_module_is_noted_once(tmp_path, capsys, kind):
    (tmp_path / "main.py").write_text(SCRIPT)
    board = Board(kind)
    board.run(tmp_path / "main.py")
    assert board.output == "0\n0\n"  # the pull-down holds it low
    (note,) = _notes(board)  # twice configured, noted once
    assert note.startswith(f"P12 is the antenna switch on the {kind} (util/antenna.c)")
    assert capsys.readouterr().err.count("P12 is the antenna switch") == 1  # said on stderr


@pytest.mark.parametrize("kind", ["lopy", "sipy"])
def test_first_generation_p12_is_an_ordinary_pin_without_a_note(tmp_path, kind):
    (tmp_path / "main.py").write_text("from machine import Pin\nPin('P12', Pin.IN, Pin.PULL_UP)\n")
    board = Board(kind)
    board.run(tmp_path / "main.py")
    assert _notes(board) == [] and board.pin("P12").value() == 1


def test_p12_as_an_output_is_not_noted(tmp_path):
    (tmp_path / "main.py").write_text("from machine import Pin\nPin('P12', Pin.OUT, value=1)\n")
    board = Board("lopy4")
    board.run(tmp_path / "main.py")
    assert _notes(board) == []
