"""The bus parts from the command line, as docs/buses.md shows them: `--part eeprom-24lc256@P9,P10
--part w25q32@P12,P10,P11,P14`, and a script that talks to both."""

from __future__ import annotations

import textwrap

from pycomsim.cli import main

SCRIPT = """
from machine import I2C, SPI, Pin
import time
i2c = I2C(0)
i2c.writeto_mem(0x50, 0x0040, b'hi', addrsize=16)
time.sleep_ms(5)
print(i2c.readfrom_mem(0x50, 0x0040, 2, addrsize=16))
cs = Pin('P12', Pin.OUT, value=1)
spi = SPI(0)
cs(0)
spi.write(b'\\x9f')
print(spi.read(3))
cs(1)
"""


def test_cli_parts_eeprom_and_flash_answer_a_script(tmp_path, capsys):
    (tmp_path / "main.py").write_text(textwrap.dedent(SCRIPT))
    argv = ["run", str(tmp_path / "main.py"), "--no-expansion", "--quiet"]
    argv += ["--part", "eeprom-24lc256@P9,P10", "--part", "w25q32@P12,P10,P11,P14"]
    assert main(argv) == 0
    out, _err = capsys.readouterr()
    assert out == "b'hi'\nb'\\xef@\\x16'\n"


def test_cli_no_bus_levels_keeps_the_transfers_without_edges(tmp_path, capsys):
    import json

    (tmp_path / "scan.py").write_text("from machine import I2C\nprint(I2C(0).scan())\n")
    edges = {}
    for flag in ([], ["--no-bus-levels"]):
        argv = ["run", str(tmp_path / "scan.py"), "--no-expansion", "--json", *flag]
        argv += ["--part", "eeprom-24lc256@P9,P10"]
        assert main(argv) == 0
        out, err = capsys.readouterr()
        assert out == "[80]\n"
        data = json.loads(err.strip().splitlines()[-1])
        assert data["buses"]["i2c"]["transfers"] == 113
        edges[bool(flag)] = data["edges"].get("P10", 0)
    assert edges[False] > 113 * 18  # every probe's 10 clocks
    assert edges[True] <= 2  # only the pads' configuration
