"""UART framing as the ESP32's UART peripheral does it, without the simulator: bytes to timed levels and
timed levels back to bytes.

A frame is a start bit (low), `bits` data bits least significant first, an optional parity bit and 1, 1.5
or 2 stop bits (high); the line idles high. The bit time comes from the ESP32's baud-rate divider: the UART
clock (APB, 80 MHz) divided by `clk_div / 16` (`uart_set_baudrate` in ESP-IDF's `uart.c`: `clk_div =
(UART_CLK_FREQ << 4) / baud`, a 16.4 fixed-point divider), so 115200 baud runs at 115201.15 baud, as on the
chip. Times are ints of ns; edge instants are computed from the frame start, never accumulated.

The receiver (`FrameDecoder`) works as the ESP32's does: a falling edge on an idle line starts a frame, each
bit is sampled in its middle, a start bit that is high again at its middle is a glitch (no frame), a low
stop bit is a framing error and a wrong parity bit a parity error. Bytes with errors still reach the
receive FIFO (the UART's `err_wr_mask` is 0 after reset), so a break (the line held low) reads as 0x00
with a framing error.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

UART_CLK_HZ = 80_000_000  # APB clock, UART_CLK_FREQ
# esp-idf uart.h: uart_parity_t and uart_stop_bits_t values, which the firmware's constants expose
PARITY_NONE, PARITY_EVEN, PARITY_ODD = 0, 2, 3
STOP_1, STOP_1_5, STOP_2 = 1, 2, 3
STOP_HALF_BITS = {STOP_1: 2, STOP_1_5: 3, STOP_2: 4}  # stop length in half bits


@dataclass(frozen=True)
class UartFormat:
    """Baud rate, data bits (5-8), parity (PARITY_*) and stop bits (STOP_*)."""

    baudrate: int
    bits: int = 8
    parity: int = PARITY_NONE
    stop: int = STOP_1

    @property
    def clk_div(self) -> int:
        """The divider in 1/16 steps of the 80 MHz clock (esp-idf uart_set_baudrate)."""
        return max(16, (UART_CLK_HZ << 4) // self.baudrate)

    def at(self, half_bits: int) -> int:
        """ns from the frame start to `half_bits` half-bit times: one bit is clk_div/16 clock ticks
        of 12.5 ns, so a half bit is clk_div * 25 / 64 ns."""
        return (half_bits * self.clk_div * 25 + 32) // 64

    @property
    def bit_ns(self) -> float:
        return self.clk_div * 25 / 32

    @property
    def frame_half_bits(self) -> int:
        return 2 * (1 + self.bits + (self.parity != PARITY_NONE)) + STOP_HALF_BITS[self.stop]

    @property
    def frame_ns(self) -> int:
        return self.at(self.frame_half_bits)

    @property
    def actual_baudrate(self) -> float:
        return UART_CLK_HZ * 16 / self.clk_div


def parity_bit(value: int, bits: int, parity: int) -> int:
    ones = bin(value & ((1 << bits) - 1)).count("1")
    return ones & 1 if parity == PARITY_EVEN else 1 - (ones & 1)


def frame_levels(value: int, fmt: UartFormat) -> list[int]:
    """The level of each bit slot of one frame: start, data LSB first, parity; stop bits excluded."""
    levels = [0]
    levels += [(value >> i) & 1 for i in range(fmt.bits)]
    if fmt.parity != PARITY_NONE:
        levels.append(parity_bit(value, fmt.bits, fmt.parity))
    return levels


def frame_edges(value: int, fmt: UartFormat, t0: int) -> list[tuple[int, int]]:
    """(t, level) changes of one frame starting at `t0` on an idle-high line: the last one is the rise to
    the stop bit (if the frame ends low). The frame occupies the line until `t0 + fmt.frame_ns`."""
    edges: list[tuple[int, int]] = []
    level = 1
    for i, bit in enumerate([*frame_levels(value, fmt), 1]):
        if bit != level:
            edges.append((t0 + fmt.at(2 * i), bit))
            level = bit
    return edges


def encode(data: bytes, fmt: UartFormat, t0: int, gap_ns: int = 0) -> list[tuple[int, int]]:
    """(t, level) changes of `data` sent back to back from `t0` (`gap_ns` idle time between frames)."""
    edges: list[tuple[int, int]] = []
    t = t0
    for value in data:
        edges += frame_edges(value, fmt, t)
        t += fmt.frame_ns + gap_ns
    return edges


@dataclass(frozen=True)
class Received:
    """One frame as the receiver got it: the byte and its error flags, at the time it was complete
    (the middle of its first stop bit)."""

    t: int
    value: int
    framing_error: bool = False
    parity_error: bool = False


class FrameDecoder:
    """A UART receiver fed with the line's level changes. `edge(t, level)` for every change in time
    order; when a frame has started, `due` is the time its stop bit is sampled, and `complete(t)` (call
    it at `due`, after any change at that instant) returns the `Received` frame."""

    def __init__(self, fmt: UartFormat, level: int = 1) -> None:
        self.fmt = fmt
        self.level = level
        self.start: int | None = None  # start-bit edge of the frame being received
        self._times: list[int] = []  # changes since the start edge
        self._levels: list[int] = []

    @property
    def due(self) -> int | None:
        if self.start is None:
            return None
        data_slots = 1 + self.fmt.bits + (self.fmt.parity != PARITY_NONE)
        return self.start + self.fmt.at(2 * data_slots + 1)

    def edge(self, t: int, level: int) -> bool:
        """A level change; True when it starts a frame (the caller then waits until `due`)."""
        level = 1 if level == 1 else 0  # a floating or contended line reads low here
        if level == self.level:
            return False
        self.level = level
        if self.start is None:
            if level == 0:
                self.start = t
                self._times, self._levels = [t], [0]
                return True
            return False
        self._times.append(t)
        self._levels.append(level)
        return False

    def _sample(self, t: int) -> int:
        i = bisect_right(self._times, t) - 1
        return self._levels[i] if i >= 0 else 1

    def complete(self, t: int) -> Received | None:
        """Sample the frame; None when the start bit was a glitch (high again at its middle)."""
        start = self.start
        if start is None:
            return None
        fmt = self.fmt
        self.start = None
        if self._sample(start + fmt.at(1)) != 0:
            return None
        slots = [self._sample(start + fmt.at(2 * i + 1)) for i in range(1, 1 + fmt.bits)]
        value = sum(bit << i for i, bit in enumerate(slots))
        parity_error = False
        stop_slot = 1 + fmt.bits
        if fmt.parity != PARITY_NONE:
            got = self._sample(start + fmt.at(2 * stop_slot + 1))
            parity_error = got != parity_bit(value, fmt.bits, fmt.parity)
            stop_slot += 1
        framing_error = self._sample(start + fmt.at(2 * stop_slot + 1)) == 0
        return Received(t, value, framing_error, parity_error)
