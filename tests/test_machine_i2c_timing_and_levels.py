"""machine.I2C's time and levels: each call takes the bus time at its baudrate (hardware buses: one
SCL period a bit, 9 a byte, START and STOP one each, a repeated START one and a half; bus 2: the
bit-banged master's `500000 / baudrate` us delays, step by step as machine_i2c.c), and the real
SDA/SCL waveform goes on the nets: sigrok's i2c decoder reads the same bytes from the VCD."""

from __future__ import annotations

import subprocess

import pytest

from pycomsim import Board
from pycomsim.output.vcd import write_vcd
from pycomsim.sim.i2c_bus import RegisterMap

US = 1_000
CALL = Board("lopy4", expansion=False).costs.machine_call  # the CPU model's cost of a machine call
CMD = 20 * US  # machine_i2c.CMD_BEGIN_NS


@pytest.fixture
def board() -> Board:
    b = Board("lopy4", expansion=False)
    b.attach_i2c(RegisterMap(0x40, {0: 0x12, 1: 0x34}))
    return b


def duration(board, fn) -> int:
    t0 = board.now
    fn()
    return board.now - t0


@pytest.mark.parametrize("baudrate", [100_000, 400_000])
def test_i2c_hardware_bus_readfrom_mem_takes_its_scl_periods(board, baudrate):
    i2c = board.machine.I2C(0, baudrate=baudrate)
    period = round(1e9 / baudrate)
    # START, address, memory address, repeated START, address, 2 bytes, STOP
    bus = period + 9 * period + 9 * period + period * 3 // 2 + 9 * period + 18 * period + period
    assert duration(board, lambda: i2c.readfrom_mem(0x40, 0, 2)) == CALL + CMD + bus


def test_i2c_hardware_bus_write_without_stop_saves_the_stop_period(board):
    i2c = board.machine.I2C(0)
    assert duration(board, lambda: i2c.writeto(0x40, b"\x00", stop=False)) == CALL + CMD + 190 * US
    assert duration(board, lambda: i2c.writeto(0x40, b"\x00")) == CALL + CMD + 200 * US


def test_i2c_software_bus_timing_follows_the_bit_banged_delays(board):
    i2c = board.machine.I2C(2, baudrate=100_000)  # us_delay = 5
    d = 5 * US
    # mp_hal_i2c_start 3, each byte 20 (address, memory address, address, 2 data), stop 4
    expected = 3 * d + 20 * d + 20 * d + 3 * d + 20 * d + 2 * 20 * d + 4 * d
    assert duration(board, lambda: i2c.readfrom_mem(0x40, 0, 2)) == CALL + expected


def test_i2c_software_bus_delay_is_at_least_one_microsecond(board):
    i2c = board.machine.I2C(2, baudrate=1_000_000)  # 500000 / 1000000 = 0 -> 1 us
    assert duration(board, lambda: i2c.writeto(0x40, b"\x00")) == CALL + (3 + 40 + 4) * US


def test_i2c_scan_time_hardware_bus_is_one_probe_per_address(board):
    i2c = board.machine.I2C(0)
    probes = 0x79 - 0x08
    assert duration(board, i2c.scan) == CALL + probes * (CMD + 11 * 10 * US)


def test_i2c_scan_after_deinit_fails_each_probe_at_once(board):
    i2c = board.machine.I2C(0)
    i2c.deinit()
    assert duration(board, i2c.scan) == CALL  # i2c_master_cmd_begin: no driver, ESP_FAIL


def test_i2c_nack_ends_the_transfer_early(board):
    i2c = board.machine.I2C(0)

    def empty():
        with pytest.raises(OSError):
            i2c.readfrom_mem(0x41, 0, 8)

    assert duration(board, empty) == CALL + CMD + (1 + 9 + 1) * 10 * US  # START, address, STOP


def test_i2c_device_callbacks_get_the_start_time_of_their_transfer(board):
    seen = []

    class Stamp(RegisterMap):
        def read_register(self, reg, t):
            seen.append(t)
            return 0

    board.attach_i2c(Stamp(0x50))
    i2c = board.machine.I2C(0)
    t0 = board.now
    i2c.readfrom_mem(0x50, 0, 1)
    # the read transfer starts with the repeated START after START + 2 bytes
    assert seen == [t0 + CALL + CMD + 19 * 10 * US]


def test_i2c_bus_is_open_drain_idle_high_with_the_pull_ups(board):
    i2c = board.machine.I2C(0)
    i2c.readfrom_mem(0x40, 0, 2)
    board.world.run(until="1ms")
    assert board.pad("P9").read() == 1 and board.pad("P10").read() == 1
    assert len(board.trace("P10").edges()) > 40


def test_i2c_bus_levels_false_keeps_transfers_and_time_without_edges(board):
    board.bus_levels = False
    i2c = board.machine.I2C(0)
    t = duration(board, lambda: i2c.readfrom_mem(0x40, 0, 2))
    board.world.run(until="1ms")
    assert t == CALL + CMD + 485 * US
    assert len(board.i2c_transfers(0x40)) == 2
    assert len(board.trace("P10", start="100us").edges()) == 0


def sigrok_i2c(vcd) -> list[str]:
    result = subprocess.run(
        [
            "sigrok-cli",
            "-I",
            "vcd",
            "-i",
            str(vcd),
            "-P",
            "i2c:scl=P10:sda=P9",
            "-A",
            "i2c=start:repeat-start:stop:ack:nack:address-read:address-write:data-read:data-write",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    rows = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if ": " in line]
    return [row for row in rows if row not in ("Read", "Write")]  # the R/W bit's own annotation


@pytest.mark.parametrize("bus", [0, 2])
def test_sigrok_i2c_decoder_reads_the_same_bytes_from_the_vcd(board, tmp_path, bus):
    i2c = board.machine.I2C(bus, baudrate=400_000)
    i2c.writeto_mem(0x40, 0x05, b"\xa5\x5a")
    assert i2c.readfrom_mem(0x40, 0x05, 2) == b"\xa5\x5a"
    with pytest.raises(OSError):
        i2c.writeto(0x23, b"\x01")
    board.world.run(until="1ms")
    write_vcd(board.world, tmp_path / "i2c.vcd", pins=["P9", "P10"])
    assert sigrok_i2c(tmp_path / "i2c.vcd") == [
        "Start",
        "Address write: 40",
        "ACK",
        "Data write: 05",
        "ACK",
        "Data write: A5",
        "ACK",
        "Data write: 5A",
        "ACK",
        "Stop",
        "Start",
        "Address write: 40",
        "ACK",
        "Data write: 05",
        "ACK",
        "Start repeat",
        "Address read: 40",
        "ACK",
        "Data read: A5",
        "ACK",
        "Data read: 5A",
        "NACK",
        "Stop",
        "Start",
        "Address write: 23",
        "NACK",
        "Stop",
    ]
