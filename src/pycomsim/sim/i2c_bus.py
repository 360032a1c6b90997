"""I2C devices on a pair of nets, and the transfers between them and a bus master.

A device is a small Python class attached at a 7-bit address to an SDA net and an SCL net. The bus is
that pair of nets, nothing else: any master whose SDA and SCL pads are on those nets (directly or by a
wire) reaches the device. Each attachment puts two open-drain drivers on the nets (the device's SDA
output, which pulls low for ACK bits and read data, and its SCL output for clock stretching); a master
looks devices up by the nets those drivers sit on, so wiring done later still counts.

The master (`chip/i2c.py`) calls the device with whole transfers, at the virtual time `t` (ns) of the
transfer's START condition:

- `i2c_acks(read, t)`: does the device ACK its address byte? (default: yes)
- `i2c_write(data, t)`: the bytes after the address byte of one write transfer; raise `I2CNack(i)` to
  NACK byte `i` (the master stops there);
- `i2c_read(n, t)`: `n` bytes for one read transfer (missing bytes read as 0xFF, a released bus);
- `i2c_stop(t)`: a STOP condition ended the transfer (not called before a repeated START).

Two devices at one address both answer: their ACKs and read bits are wired-AND, as on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from .net import OFF, STRONG_LO, Driver

if TYPE_CHECKING:
    from ..chip.pads import Pad
    from .world import World


class I2CNack(Exception):
    """Raised by `I2CDevice.i2c_write` to NACK data byte `index` (0: the first byte after the address)."""

    def __init__(self, index: int = 0) -> None:
        super().__init__(f"NACK at data byte {index}")
        self.index = index


class I2CDevice:
    """Subclass it and attach it with `board.attach_i2c(device, sda="P9", scl="P10")`."""

    address: int = 0
    name: str = ""

    def __init__(self, address: int | None = None, *, name: str | None = None) -> None:
        if address is not None:
            self.address = address
        check_address(self.address)
        self.name = name or self.name or f"{type(self).__name__}@0x{self.address:02x}"

    def i2c_acks(self, read: bool, t: int) -> bool:
        """Whether the device ACKs its address (a busy EEPROM does not)."""
        return True

    def i2c_write(self, data: bytes, t: int) -> None:
        """One write transfer: `data` is every byte after the address byte."""

    def i2c_read(self, n: int, t: int) -> bytes:
        """One read transfer of `n` bytes."""
        return b"\xff" * n

    def i2c_stop(self, t: int) -> None:
        """A STOP condition on the bus after one of this device's transfers."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class RegisterMap(I2CDevice):
    """The usual sensor: a register pointer set by the first byte(s) of a write (`pointer_bytes` of
    them, big-endian), then data bytes written or read from the pointer on, auto-incrementing and
    wrapping at `size`. Override `read_register` for live values and `write_register` for side
    effects; `registers` is the plain storage behind the defaults."""

    def __init__(
        self,
        address: int | None = None,
        registers: bytes | dict[int, int] | None = None,
        *,
        size: int = 256,
        pointer_bytes: int = 1,
        name: str | None = None,
    ) -> None:
        super().__init__(address, name=name)
        if pointer_bytes not in (1, 2):
            raise ValueError(f"pointer_bytes must be 1 or 2, not {pointer_bytes!r}")
        if not 1 <= size <= 1 << (8 * pointer_bytes):
            raise ValueError(
                f"size {size!r} does not fit a {8 * pointer_bytes}-bit register pointer"
            )
        self.size = size
        self.pointer_bytes = pointer_bytes
        self.registers = bytearray(size)
        if isinstance(registers, dict):
            for reg, value in registers.items():
                self.registers[reg] = value
        elif registers is not None:
            self.registers[: len(registers)] = bytes(registers)
        self.pointer = 0

    def read_register(self, reg: int, t: int) -> int:
        return self.registers[reg]

    def write_register(self, reg: int, value: int, t: int) -> None:
        self.registers[reg] = value

    def i2c_write(self, data: bytes, t: int) -> None:
        n = self.pointer_bytes
        if len(data) < n:
            return  # a bare address probe, or half a 16-bit pointer: nothing to do
        self.pointer = int.from_bytes(data[:n], "big") % self.size
        for value in data[n:]:
            self.write_register(self.pointer, value, t)
            self.pointer = (self.pointer + 1) % self.size

    def i2c_read(self, n: int, t: int) -> bytes:
        out = bytearray()
        for _ in range(n):
            out.append(self.read_register(self.pointer, t) & 0xFF)
            self.pointer = (self.pointer + 1) % self.size
        return bytes(out)


class I2CTransfer(NamedTuple):
    """One transfer as the event log keeps it (kind 'i2c'): `data` is what was written (up to and
    including a NACKed byte) or read; `ack` False means the address was not acknowledged,
    `nack_at` the index of a NACKed data byte (None: every byte was acknowledged)."""

    bus: int
    address: int
    read: bool
    data: bytes
    ack: bool
    nack_at: int | None = None

    def __str__(self) -> str:
        rw = "read" if self.read else "write"
        if not self.ack:
            return f"I2C{self.bus} 0x{self.address:02x} {rw}: no ACK"
        nack = "" if self.nack_at is None else f" (NACK at byte {self.nack_at})"
        return f"I2C{self.bus} 0x{self.address:02x} {rw} {self.data.hex(' ')}{nack}"


@dataclass
class I2CAttachment:
    device: I2CDevice
    sda: Driver  # the device's open-drain output on SDA (ACK bits, read data)
    scl: Driver  # its output on SCL (clock stretching)
    board: str


def check_address(address: Any) -> None:
    if isinstance(address, bool) or not isinstance(address, int) or not 0 <= address <= 0x7F:
        raise ValueError(f"an I2C device address is a 7-bit int (0..0x7f), not {address!r}")


def attachments(world: World) -> list[I2CAttachment]:
    return world.__dict__.setdefault("i2c_attachments", [])


def attach(world: World, device: I2CDevice, sda: Pad, scl: Pad, board: str) -> I2CAttachment:
    """Put `device` on the nets of pads `sda` and `scl` (released: it drives nothing yet)."""
    if not isinstance(device, I2CDevice):
        raise TypeError(f"attach_i2c takes an I2CDevice, not {type(device).__name__}")
    check_address(device.address)
    if sda is scl:
        raise ValueError(f"an I2C device needs two pins: SDA and SCL are both {sda.name}")
    label = device.name or type(device).__name__
    item = I2CAttachment(
        device,
        Driver(f"{board}.{sda.name} {label} SDA"),
        Driver(f"{board}.{scl.name} {label} SCL"),
        board,
    )
    world.attach(sda, item.sda, OFF)
    world.attach(scl, item.scl, OFF)
    attachments(world).append(item)
    return item


def devices_on(world: World, sda: Pad, scl: Pad) -> list[I2CAttachment]:
    """Every attachment on the nets of these two pads (wires merge nets: the drivers follow)."""
    sda_net, scl_net = sda.net, scl.net
    return [a for a in attachments(world) if a.sda.net is sda_net and a.scl.net is scl_net]


def drive_line(driver: Driver, level: int, t: int) -> None:
    """A device's open-drain output on a bus line: 0 pulls low, 1 lets go."""
    driver.set(OFF if level else STRONG_LO, t)


def at_address(items: list[I2CAttachment], address: int) -> list[I2CAttachment]:
    return [a for a in items if a.device.address == address]


def transfers(world: World, board: str | None = None, address: int | None = None) -> list[Any]:
    """(t, I2CTransfer) for every logged transfer (kind 'i2c'), of one board's masters and one
    address if given."""
    return [
        (e.t, e.detail)
        for e in world.recorder.events.of_kind("i2c", board)
        if address is None or e.detail.address == address
    ]
