"""docs/buses.md's worked example runs as written: the Thermometer register map, the board script that
reads it, and the transfer lines the page says a test would assert."""

from __future__ import annotations

import re
from pathlib import Path

from pycomsim.testing import assert_i2c

DOC = Path(__file__).resolve().parents[1] / "docs" / "buses.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_buses_doc_worked_example_reads_the_sensor(tmp_path, capsys):
    blocks = python_blocks()
    (device,) = [b for b in blocks if "class Thermometer" in b]
    (script,) = [b for b in blocks if "i2c.readfrom_mem(0x48, 0x0F, 1)" in b]
    namespace: dict = {}
    exec(compile(device, str(DOC), "exec"), namespace)
    board, sensor = namespace["board"], namespace["sensor"]
    (tmp_path / "main.py").write_text(script)
    board.run(tmp_path / "main.py", until="3s")
    assert board.error is None, board.error
    assert board.output.strip() == "22.0"
    assert sensor.conversions == 1
    lines = ["0x48 W 0f", "0x48 R a5", "0x48 W 02 01", "0x48 W 00", "0x48 R 16 00"]
    assert f"assert_i2c(board, {lines!r})".replace("'", '"') in DOC.read_text()
    assert_i2c(board, lines)
