"""tools/check_pycom_shield_libraries.py: the user's way to run Pycom's libraries against the shields."""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).parents[2] / "tools" / "check_pycom_shield_libraries.py"


def load_tool():
    spec = importlib.util.spec_from_file_location("check_pycom_shield_libraries", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_folder_without_the_libraries_is_one_line_and_exit_status_2(tmp_path, capsys):
    assert load_tool().main([str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert (
        out == ""
        and err
        == f"{tmp_path}: no shields/lib/pycoproc_1.py here (expected a pycom-libraries checkout)\n"
    )


def test_it_finds_the_shields_folder_in_a_checkout_or_given_directly(tmp_path):
    lib = tmp_path / "shields" / "lib"
    lib.mkdir(parents=True)
    (lib / "pycoproc_1.py").write_text("")
    tool = load_tool()
    assert tool.shields_folder(tmp_path) == tmp_path / "shields"
    assert tool.shields_folder(tmp_path / "shields") == tmp_path / "shields"


def test_its_boards_sit_on_each_shield_with_the_values_it_checks():
    tool = load_tool()
    for kind in tool.LIBRARIES:
        values = tool.PYSENSE_VALUES if kind.startswith("pysense") else tool.PYTRACK_VALUES
        board = tool.shielded_board(kind, values)
        (shield,) = board.added_parts
        assert shield.kind == kind and shield.battery.at(0) == values["battery"]
