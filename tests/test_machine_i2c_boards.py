"""machine.I2C beyond one board and one call: ESP-IDF's one-byte read for an empty readfrom, a device
on another board reached through wires, a reset right after a transfer, the expansion board's parts on
P9/P10, and the transfers in `pycomsim run`'s summary."""

from __future__ import annotations

import json
import textwrap

from pycomsim import Board, World
from pycomsim.cli import main
from pycomsim.sim.i2c_bus import RegisterMap


def test_i2c_empty_readfrom_clocks_one_byte_on_hardware_buses_none_on_bus_2():
    board = Board("lopy4", expansion=False)
    reads = []

    class Counting(RegisterMap):
        def i2c_read(self, n, t):
            reads.append(n)
            return super().i2c_read(n, t)

    board.attach_i2c(Counting(0x40))
    assert board.machine.I2C(0).readfrom(0x40, 0) == b""
    assert board.machine.I2C(2).readfrom(0x40, 0) == b""
    assert reads == [1]  # i2c_master_read_byte(data + len - 1, NACK) on bus 0; nothing on bus 2


def test_i2c_a_device_on_another_board_answers_through_wires():
    world = World()
    a = Board("lopy4", name="a", world=world, expansion=False)
    b = Board("lopy4", name="b", world=world, expansion=False)
    b.attach_i2c(RegisterMap(0x29, {0: 0x77}), sda="P21", scl="P22")
    world.wire_spec("a.P9=b.P21")
    world.wire_spec("a.P10=b.P22")
    i2c = a.machine.I2C(0)
    assert i2c.scan() == [0x29]
    assert i2c.readfrom_mem(0x29, 0, 1) == b"\x77"
    assert b.machine.I2C(0).scan() == []  # b's own P9/P10 are not that bus


def test_i2c_pins_none_on_a_hardware_bus_leaves_it_without_pins():
    board = Board("lopy4", expansion=False)
    board.attach_i2c(RegisterMap(0x40))
    i2c = board.machine.I2C(0, pins=None)
    assert i2c.scan() == []
    i2c.init(pins=("P9", "P10"))
    assert i2c.scan() == [0x40]


def test_i2c_works_next_to_the_expansion_boards_led_and_button():
    board = Board("lopy4")  # LED on P9, button on P10
    board.attach_i2c(RegisterMap(0x40, {0: 0x5A}))
    assert board.machine.I2C(0).readfrom_mem(0x40, 0, 1) == b"\x5a"


def scl_edges_of(tmp_path, reset: bool) -> tuple[int, list]:
    board = Board("lopy4", expansion=False)
    board.attach_i2c(RegisterMap(0x40))
    (tmp_path / "main.py").write_text(
        textwrap.dedent(
            f"""
            import machine
            from machine import I2C
            if machine.reset_cause() != machine.WDT_RESET:
                I2C(0, baudrate=10000).readfrom_mem(0x40, 0, 32)  # 35 ms on the bus
                if {reset}:
                    machine.reset()
            """
        )
    )
    board.run(tmp_path / "main.py", until="3s")
    assert board.error is None, board.error
    return board.boot_count, board.trace("P10", start=0, end="40ms").edges()


def test_i2c_a_reset_right_after_a_transfer_keeps_its_whole_waveform(tmp_path):
    boots, with_reset = scl_edges_of(tmp_path, reset=True)
    assert boots == 2
    _, without = scl_edges_of(tmp_path, reset=False)
    assert with_reset[: len(without)] == without  # then the reset lets the pads go
    assert len(without) >= 634  # START, 2 + 1 + 32 bytes of 9 clocks, repeated START, STOP


def test_pycomsim_run_summary_counts_i2c_transfers_and_nacks(tmp_path, capsys):
    (tmp_path / "main.py").write_text("from machine import I2C\nprint(I2C(0).scan())\n")
    code = main(["run", str(tmp_path / "main.py"), "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == "[]\n"
    data = json.loads(err.strip().splitlines()[-1])
    assert data["buses"] == {"i2c": {"transfers": 113, "nacks": 113}}
    code = main(["run", str(tmp_path / "main.py")])
    assert "113 I2C transfers (113 NACK)" in capsys.readouterr().err
