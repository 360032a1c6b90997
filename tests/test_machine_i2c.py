"""machine.I2C as esp32/mods/machine_i2c.c (1.20.2) has it, against devices of the device API
(sim/i2c_bus.py): constructor and init rules, default pins, scan ranges, every transfer method, the
"I2C bus error" NACKs, memory address sizes, deinit, and the transfers in the event log."""

from __future__ import annotations

import pytest

from pycomsim import Board
from pycomsim.sim.i2c_bus import I2CDevice, I2CNack, I2CTransfer, RegisterMap


@pytest.fixture
def board() -> Board:
    return Board("lopy4", expansion=False)


@pytest.fixture
def I2C(board):  # noqa: N802
    return board.machine.I2C


@pytest.fixture
def sensor(board) -> RegisterMap:
    return board.attach_i2c(RegisterMap(0x40, {0: 0x12, 1: 0x34, 0xFF: 0x99}), sda="P9", scl="P10")


# ---- machine_i2c_make_new / machine_i2c_init_helper ----
def test_i2c_ids_are_0_to_2_else_oserror_resource_not_available(I2C):
    for bad in (3, -1):
        with pytest.raises(OSError, match="^resource not available$"):
            I2C(bad)


def test_i2c_objects_are_static_per_bus(I2C):
    assert I2C(0) is I2C(0)
    assert I2C(1) is not I2C(0)


def test_i2c_repr_shows_bus_and_baudrate_then_only_the_bus_after_deinit(I2C):
    i2c = I2C(1, I2C.MASTER, baudrate=400000)
    assert repr(i2c) == "I2C(1, I2C.MASTER, baudrate=400000)"
    assert repr(I2C(2)) == "I2C(2, I2C.MASTER, baudrate=100000)"  # default baudrate
    i2c.deinit()
    assert repr(i2c) == "I2C(1)"


def test_i2c_mode_other_than_master_or_bad_baudrate_is_invalid_arguments(I2C):
    assert I2C.MASTER == 0
    for kwargs in ({"mode": 1}, {"baudrate": 0}, {"baudrate": -5}):
        with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
            I2C(0, **kwargs)


def test_i2c_pins_must_be_a_pair_of_pins(I2C):
    with pytest.raises(TypeError, match="^object 'int' isn't a tuple or list$"):
        I2C(0, pins=5)
    with pytest.raises(ValueError, match="^requested length 2 but object has length 3$"):
        I2C(0, pins=("P9", "P10", "P11"))
    with pytest.raises(ValueError, match=r"^invalid argument\(s\) value$"):
        I2C(0, pins=("P9", "P99"))


def test_i2c_baudrate_and_pins_are_keyword_only(I2C):
    with pytest.raises(TypeError, match="^extra positional arguments given$"):
        I2C(0, I2C.MASTER, 100000)


@pytest.mark.parametrize("bus", [0, 1, 2])
def test_i2c_default_pins_are_sda_p9_scl_p10_on_every_bus(board, I2C, bus):
    board.attach_i2c(RegisterMap(0x40), sda="P9", scl="P10")
    assert I2C(bus).scan() == [0x40]


def test_i2c_pins_given_as_sda_scl_reach_a_device_there(board, I2C):
    board.attach_i2c(RegisterMap(0x1D), sda="P21", scl="P22")
    assert I2C(0).scan() == []
    assert I2C(0, pins=("P21", "P22")).scan() == [0x1D]
    assert I2C(0, pins=("P22", "P21")).scan() == []  # swapped: not that bus


def test_i2c_wires_count_a_device_on_a_wired_net_answers(board, I2C):
    board.attach_i2c(RegisterMap(0x50), sda="P21", scl="P22")
    board.world.wire_spec("P9=P21", board)
    board.world.wire_spec("P10=P22", board)
    assert I2C(0).scan() == [0x50]


# ---- scan ----
def test_i2c_scan_on_hardware_buses_probes_0x08_to_0x78_with_a_write(board, I2C):
    for addr in (0x07, 0x08, 0x78, 0x79):
        board.attach_i2c(RegisterMap(addr))
    assert I2C(0).scan() == [0x08, 0x78]
    probes = [tr for _t, tr in board.i2c_transfers()]
    assert [tr.address for tr in probes] == list(range(0x08, 0x79))
    assert not any(tr.read for tr in probes)


def test_i2c_scan_on_the_software_bus_probes_0x08_to_0x77_with_a_read(board, I2C):
    for addr in (0x08, 0x77, 0x78):
        board.attach_i2c(RegisterMap(addr))
    assert I2C(2).scan() == [0x08, 0x77]
    probes = [tr for _t, tr in board.i2c_transfers()]
    assert [tr.address for tr in probes] == list(range(0x08, 0x78))
    assert all(tr.read for tr in probes)


def test_i2c_scan_lists_every_attached_address_in_order(board, I2C):
    for addr in (0x77, 0x1E, 0x60, 0x29):
        board.attach_i2c(RegisterMap(addr))
    assert I2C(0).scan() == [0x1E, 0x29, 0x60, 0x77]


# ---- NACK: "I2C bus error" where the firmware raises it ----
@pytest.mark.parametrize("bus", [0, 2])
def test_i2c_nack_on_an_empty_address_is_oserror_i2c_bus_error(I2C, bus):
    i2c = I2C(bus)
    calls = [
        lambda: i2c.readfrom(0x42, 2),
        lambda: i2c.readfrom_into(0x42, bytearray(2)),
        lambda: i2c.writeto(0x42, b"\x01"),
        lambda: i2c.readfrom_mem(0x42, 0, 1),
        lambda: i2c.readfrom_mem_into(0x42, 0, bytearray(1)),
        lambda: i2c.writeto_mem(0x42, 0, b"\x01"),
    ]
    for call in calls:
        with pytest.raises(OSError) as info:
            call()
        assert info.value.args == ("I2C bus error",)


class Picky(I2CDevice):
    """ACKs two data bytes, NACKs the third."""

    address = 0x33

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.stops = 0

    def i2c_write(self, data: bytes, t: int) -> None:
        self.writes.append(data)
        if len(data) > 2:
            raise I2CNack(2)

    def i2c_stop(self, t: int) -> None:
        self.stops += 1


@pytest.mark.parametrize("bus", [0, 2])
def test_i2c_nack_of_a_data_byte_is_a_bus_error_after_a_stop(board, I2C, bus):
    dev = board.attach_i2c(Picky())
    i2c = I2C(bus)
    assert i2c.writeto(0x33, b"\x01\x02") == 2
    with pytest.raises(OSError, match="^I2C bus error$"):
        i2c.writeto(0x33, b"\x01\x02\x03\x04")
    assert dev.stops == 2
    _t, last = board.i2c_transfers(0x33)[-1]
    assert last == I2CTransfer(bus, 0x33, False, b"\x01\x02\x03", True, 2)


# ---- transfers ----
def test_i2c_readfrom_returns_bytes_and_readfrom_into_the_count(board, I2C, sensor):
    i2c = I2C(0)
    sensor.pointer = 0
    assert i2c.readfrom(0x40, 2) == b"\x12\x34"
    buf = bytearray(3)
    assert i2c.readfrom_into(0x40, buf) == 3
    assert buf == bytes(sensor.registers[2:5])


def test_i2c_readfrom_into_needs_a_writable_buffer(I2C, sensor):
    with pytest.raises(TypeError, match="^object with buffer protocol required$"):
        I2C(0).readfrom_into(0x40, b"ro")


def test_i2c_writeto_returns_the_count_and_takes_an_int_as_one_byte(board, I2C, sensor):
    i2c = I2C(0)
    assert i2c.writeto(0x40, b"\x10\xab\xcd") == 3
    assert sensor.registers[0x10:0x12] == b"\xab\xcd"
    assert i2c.writeto(0x40, 0xFF) == 1  # pyb_buf_get_for_send: an int is one byte
    assert sensor.pointer == 0xFF
    assert i2c.readfrom(0x40, 1) == b"\x99"
    with pytest.raises(TypeError, match="^object with buffer protocol required$"):
        i2c.writeto(0x40, 1.5)


def test_i2c_writeto_stop_false_leaves_the_bus_for_a_repeated_start(board, I2C, sensor):
    stops = []
    sensor.i2c_stop = lambda t: stops.append(t)
    i2c = I2C(0)
    i2c.writeto(0x40, b"\x01", stop=False)
    assert stops == []
    assert i2c.readfrom(0x40, 1) == b"\x34"
    assert len(stops) == 1


def test_i2c_readfrom_mem_and_writeto_mem_with_8_bit_addresses(I2C, sensor):
    i2c = I2C(0)
    assert i2c.readfrom_mem(0x40, 0, 2) == b"\x12\x34"
    assert i2c.writeto_mem(0x40, 0x20, b"\x01\x02\x03") == 3
    assert sensor.registers[0x20:0x23] == b"\x01\x02\x03"
    buf = bytearray(2)
    assert i2c.readfrom_mem_into(0x40, 0x21, buf) == 2
    assert buf == b"\x02\x03"
    assert i2c.readfrom_mem(0x40, 0, 0) == b""  # nbytes 0: no transfer at all


def test_i2c_16_bit_memory_addresses_send_the_high_byte_first(board, I2C):
    eeprom = board.attach_i2c(RegisterMap(0x50, size=32768, pointer_bytes=2))
    i2c = I2C(0)
    assert i2c.writeto_mem(0x50, 0x1234, b"hello", addrsize=16) == 5
    assert eeprom.registers[0x1234:0x1239] == b"hello"
    assert i2c.readfrom_mem(0x50, 0x1234, 5, addrsize=16) == b"hello"
    writes = [tr.data for _t, tr in board.i2c_transfers(0x50) if not tr.read]
    assert writes == [b"\x12\x34hello", b"\x12\x34"]


def test_i2c_invalid_memory_address_size_is_a_value_error(I2C, sensor):
    i2c = I2C(0)
    for bad, shown in ((7, 7), (32, 32), (-1, 255)):
        with pytest.raises(ValueError, match=f"^invalid memory address size {shown}$"):
            i2c.readfrom_mem(0x40, 0, 1, addrsize=bad)
    assert i2c.readfrom_mem(0x40, 0, 1, addrsize=8 + 256) == b"\x12"  # uint8_t addr_size


def test_i2c_an_address_wider_than_7_bits_is_truncated_as_the_address_byte(I2C, sensor):
    assert I2C(0).readfrom_mem(0x40 + 0x80, 0, 1) == b"\x12"


# ---- deinit ----
def test_i2c_deinit_stops_hardware_buses_their_transfers_then_fail(I2C, sensor):
    i2c = I2C(0)
    i2c.deinit()
    assert i2c.scan() == []
    with pytest.raises(OSError, match="^I2C bus error$"):
        i2c.readfrom_mem(0x40, 0, 1)
    i2c.init(baudrate=100000)
    assert i2c.scan() == [0x40]


def test_i2c_deinit_leaves_the_software_bus_working(I2C, sensor):
    i2c = I2C(2)
    i2c.deinit()
    assert repr(i2c) == "I2C(2)"
    assert i2c.readfrom_mem(0x40, 0, 1) == b"\x12"


# ---- the device API ----
def test_register_map_auto_increments_and_wraps_its_pointer(board, I2C):
    board.attach_i2c(RegisterMap(0x41, bytes(range(256))))
    assert I2C(0).readfrom_mem(0x41, 0xFE, 4) == b"\xfe\xff\x00\x01"


def test_register_map_live_values_come_from_read_register_at_the_transfer_time(board, I2C):
    class Clock(RegisterMap):
        def read_register(self, reg, t):
            return (t // 1_000_000) & 0xFF  # milliseconds since the start

    board.attach_i2c(Clock(0x42))
    i2c = I2C(0)
    first = i2c.readfrom_mem(0x42, 0, 1)[0]
    board.sleep_ns(5_000_000)
    assert i2c.readfrom_mem(0x42, 0, 1)[0] == first + 5


def test_a_device_may_refuse_its_address(board, I2C):
    class Busy(I2CDevice):
        address = 0x50
        busy = True

        def i2c_acks(self, read, t):
            return not self.busy

    dev = board.attach_i2c(Busy())
    i2c = I2C(0)
    assert i2c.scan() == []
    dev.busy = False
    assert i2c.scan() == [0x50]


def test_device_addresses_are_checked(board):
    with pytest.raises(ValueError, match="7-bit"):
        RegisterMap(0x80)
    with pytest.raises(TypeError, match="I2CDevice"):
        board.attach_i2c(object())
