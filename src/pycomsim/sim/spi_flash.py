"""A Winbond W25Q32JV SPI NOR flash (4 MB) as an SPI bus device: its instruction set, status register,
page programming and erases with their times.

From the datasheet (Winbond W25Q32JV, rev. H):
- a command is the bytes of one CS-low period; program and erase run when CS goes high;
- 0x9F JEDEC ID (EF 40 16), 0x90 manufacturer/device ID (EF 15), 0xAB release power-down / device ID
  (15), 0x05 status register 1 (BUSY bit 0, WEL bit 1, sent over and over), 0x06 / 0x04 write
  enable / disable, 0x03 read and 0x0B fast read (one dummy byte) from a 24-bit address, wrapping at
  the end of the memory;
- 0x02 page program: up to 256 bytes, wrapping inside the 256-byte page, bits only go from 1 to 0;
  0x20 sector erase (4 KB), 0xD8 block erase (64 KB), 0xC7 / 0x60 chip erase. Each needs WEL (set by
  0x06, cleared when the operation starts) and sets BUSY for its typical time: tPP 0.4 ms, tSE 45 ms,
  tBE 150 ms, tCE 10 s;
- while BUSY, every instruction but 0x05 is ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .part_catalogue import register_part
from .spi_bus import SPIDevice

if TYPE_CHECKING:
    from ..board import Board

MS = 1_000_000
SIZE = 4 * 1024 * 1024
PAGE = 256
JEDEC_ID = b"\xef\x40\x16"
DEVICE_ID = 0x15
TIMES = {0x02: 400_000, 0x20: 45 * MS, 0xD8: 150 * MS, 0xC7: 10_000 * MS, 0x60: 10_000 * MS}
ERASE_SIZE = {0x20: 4096, 0xD8: 65536, 0xC7: SIZE, 0x60: SIZE}


class W25Q32(SPIDevice):
    """`memory` is the contents (erased: 0xFF); `busy_until` the end of the running operation."""

    def __init__(self, *, name: str = "W25Q32") -> None:
        super().__init__(name=name)
        self.memory = bytearray(b"\xff" * SIZE)
        self.wel = False
        self.busy_until = 0
        self._command = bytearray()  # the bytes of this CS-low period

    def status(self, t: int) -> int:
        return (1 if t < self.busy_until else 0) | (2 if self.wel else 0)

    def spi_select(self, t: int) -> None:
        self._command = bytearray()

    def spi_transfer(self, mosi: bytes, t: int) -> bytes:
        out = bytearray()
        for value in mosi:
            out.append(self._answer(len(self._command), t))
            self._command.append(value)
        return bytes(out)

    def _address(self) -> int:
        c = self._command
        return int.from_bytes(c[1:4], "big") % SIZE

    def _answer(self, i: int, t: int) -> int:
        """The byte on MISO while the command's byte `i` goes out on MOSI."""
        if i == 0:
            return 0xFF
        op = self._command[0]
        if op == 0x05:
            return self.status(t)
        if t < self.busy_until:
            return 0xFF
        if op == 0x9F:
            return JEDEC_ID[i - 1] if i <= 3 else 0xFF
        if op == 0x90 and i >= 4:
            return (0xEF, DEVICE_ID)[(i - 4) % 2]
        if op == 0xAB and i >= 4:
            return DEVICE_ID
        first = {0x03: 4, 0x0B: 5}.get(op)
        if first is not None and i >= first:
            return self.memory[(self._address() + i - first) % SIZE]
        return 0xFF

    def spi_deselect(self, t: int) -> None:
        command, self._command = bytes(self._command), bytearray()
        if not command or t < self.busy_until:
            return
        op = command[0]
        if op == 0x06:
            self.wel = True
        elif op == 0x04:
            self.wel = False
        elif op in TIMES and self.wel:
            if op == 0x02 and len(command) < 4:
                return
            self.wel = False
            self.busy_until = t + TIMES[op]
            if op == 0x02:
                self._program(int.from_bytes(command[1:4], "big") % SIZE, command[4:])
            else:
                size = ERASE_SIZE[op]
                start = 0 if size == SIZE else int.from_bytes(command[1:4], "big") % SIZE
                start -= start % size
                self.memory[start : start + size] = b"\xff" * size

    def _program(self, address: int, data: bytes) -> None:
        base, offset = address - address % PAGE, address % PAGE
        latch: dict[
            int, int
        ] = {}  # the page buffer: past its end the address wraps, and overwrites
        for value in data:
            latch[offset] = value
            offset = (offset + 1) % PAGE
        for off, value in latch.items():
            self.memory[base + off] &= value  # programming only clears bits


def _make(board: Board, pins: list[str], options: dict[str, Any]) -> W25Q32:
    cs, sck, mosi, miso = pins
    return board.attach_spi(W25Q32(), cs=cs, sck=sck, mosi=mosi, miso=miso)


register_part(
    "w25q32",
    _make,
    pins=("cs", "sck", "mosi", "miso"),
    options={},
    datasheet="Winbond W25Q32JV: JEDEC ID EF 40 16, instructions 9F 90 AB 05 06 04 03 0B 02 20 D8 "
    "C7/60, 256-byte pages, typical tPP 0.4 ms, tSE 45 ms, tBE 150 ms, tCE 10 s, BUSY/WEL status",
    summary="4 MB SPI NOR flash (SPI 0's default pins: CS, P10, P11, P14)",
)
