"""A 24-series I2C EEPROM (Microchip 24LC256 / 24LC32A, Atmel AT24C32): a bus device with the chip's
addressing, page writes and write cycle.

From the datasheets (Microchip DS20001203 24LC256, DS21713 24LC32A):
- the device address is 0b1010 A2 A1 A0 (0x50..0x57), the memory address two bytes, high first;
- a write of up to one page (64 bytes on the 24LC256, 32 on the 24LC32A) is stored when the STOP
  comes; bytes past the page's end wrap to its start; a STOP without data bytes stores nothing;
- then the internal write cycle (tWC, 5 ms max) runs, and the chip acknowledges nothing until it ends
  ("acknowledge polling": the master's address gets a NACK, so `machine.I2C` raises `I2C bus error`);
- reads go on from the address pointer across pages and wrap at the end of the memory;
- the erased state is 0xFF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .i2c_bus import I2CDevice
from .part_catalogue import register_part

if TYPE_CHECKING:
    from ..board import Board

MS = 1_000_000


class Eeprom24(I2CDevice):
    """`size` bytes in pages of `page` bytes; `write_ns` is tWC. `memory` is the contents."""

    def __init__(
        self,
        address: int = 0x50,
        *,
        size: int = 32768,
        page: int = 64,
        write_ns: int = 5 * MS,
        name: str | None = None,
    ) -> None:
        super().__init__(address, name=name or f"24LC EEPROM@0x{address:02x}")
        self.size = size
        self.page = page
        self.write_ns = write_ns
        self.memory = bytearray(b"\xff" * size)
        self.pointer = 0
        self.busy_until = 0  # the internal write cycle's end
        self._pending: tuple[int, bytes] | None = None  # a page write waiting for its STOP
        self.writes = 0  # completed write cycles

    def i2c_acks(self, read: bool, t: int) -> bool:
        return t >= self.busy_until

    def i2c_write(self, data: bytes, t: int) -> None:
        self._pending = None
        if len(data) < 2:
            return  # a probe, or half an address: nothing changes
        self.pointer = int.from_bytes(data[:2], "big") % self.size
        self._pending = (self.pointer, bytes(data[2:])) if len(data) > 2 else None

    def i2c_stop(self, t: int) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        start, data = pending
        base = start - start % self.page
        offset = start % self.page
        for (
            value
        ) in data:  # past the page's end the counter rolls over: earlier bytes are overwritten
            self.memory[base + offset] = value
            offset = (offset + 1) % self.page
        self.pointer = base + offset
        self.busy_until = t + self.write_ns
        self.writes += 1

    def i2c_read(self, n: int, t: int) -> bytes:
        self._pending = None  # a repeated START into a read: the address was only a pointer
        out = bytearray()
        for _ in range(n):
            out.append(self.memory[self.pointer])
            self.pointer = (self.pointer + 1) % self.size
        return bytes(out)


def _int_option(options: dict[str, Any], name: str, default: int) -> int:
    value = options.get(name, default)
    try:
        return int(value, 0) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValueError(f"option {name}={value!r}: expected an integer, e.g. 0x50") from None


def _factory(size: int, page: int) -> Any:
    def make(board: Board, pins: list[str], options: dict[str, Any]) -> Eeprom24:
        address = _int_option(options, "address", 0x50)
        if not 0x50 <= address <= 0x57:
            raise ValueError(
                f"option address={address:#x}: a 24-series EEPROM answers at 0x50..0x57"
            )
        sda, scl = pins
        return board.attach_i2c(Eeprom24(address, size=size, page=page), sda=sda, scl=scl)

    return make


_OPTIONS = {"address": "the device address, 0x50..0x57 (A2 A1 A0 pins; default 0x50)"}
register_part(
    "eeprom-24lc256",
    _factory(32768, 64),
    pins=("sda", "scl"),
    options=_OPTIONS,
    datasheet="Microchip 24LC256 (DS20001203): 32 KB, 64-byte pages, 16-bit address high byte first, "
    "tWC 5 ms with no ACK while writing (acknowledge polling), sequential reads wrap at the end",
    summary="32 KB I2C EEPROM",
)
register_part(
    "eeprom-24lc32",
    _factory(4096, 32),
    pins=("sda", "scl"),
    options=_OPTIONS,
    datasheet="Microchip 24LC32A (DS21713): 4 KB, 32-byte pages, 16-bit address high byte first, "
    "tWC 5 ms with no ACK while writing (acknowledge polling)",
    summary="4 KB I2C EEPROM (the AT24C32 of RTC modules)",
)
