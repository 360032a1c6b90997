"""The ESP32's SPI masters (HSPI, and VSPI on the WiPy and GPy), hardware side: the transfers with the
devices on the SCK/MOSI/MISO nets (`sim/spi_bus.py`), their timing, and the bus levels.

The firmware (`machspi.c` pybspi_transfer) sends one word (`bits` / 8 bytes) per
`spi_master_send_recv_data` call: the word's bits at the SCK frequency, 80 MHz divided by the integer
`80000000 / baudrate` (the legacy driver's clock divider), then the CPU's register work before the next
word (`WORD_GAP_NS`, an estimate). Bytes go out in buffer order, each MSB or LSB first (`firstbit`).
SCK idles at `polarity`; with `phase` 0 data is set half a period before the leading edge (sampled
there), with `phase` 1 it changes on the leading edge and is sampled on the trailing one.

Devices answer when the call is made; the levels are played as kernel events so the VCD decodes with
sigrok's `spi` decoder (`board.bus_levels = False` keeps the transfers without the edges). Each call is
logged as an event of kind 'spi' whose detail is an `SPITransfer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sim import spi_bus
from ..sim.spi_bus import SPITransfer
from .matrix import IN, OUT, OutputSignal, pin_config
from .pads import HIGH

if TYPE_CHECKING:
    from ..board import Board
    from ..firmware.pin import PinBase

APB_HZ = 80_000_000
WORD_GAP_NS = 1_000  # spi_master_send_recv_data's register writes and polling between words
# soc/gpio_sig_map.h: HSPICLK_OUT_IDX, HSPID_OUT_IDX, HSPIQ_IN_IDX; VSPICLK, VSPID, VSPIQ
SIGNALS = ((8, 10, 9), (63, 65, 64))
CLK, MOSI, MISO = 0, 1, 2


def sck_hz(baudrate: int) -> float:
    """The SCK frequency for a requested baudrate (80 MHz / the integer divider, at least 1)."""
    return APB_HZ / max(1, APB_HZ // max(1, baudrate))


class SpiController:
    def __init__(self, board: Board, bus: int) -> None:
        self.board = board
        self.bus = bus
        clk, mosi, miso = SIGNALS[bus]
        self.clk = OutputSignal(board, clk, "HSPICLK" if bus == 0 else "VSPICLK")
        self.mosi = OutputSignal(board, mosi, "HSPID" if bus == 0 else "VSPID")
        self.miso_index = miso
        self.pins: list[PinBase | None] = [None, None, None]
        self.polarity = 0
        self.phase = 0
        self.lsb_first = False
        self.period = 1000
        self._gen = 0
        self._touched: set = set()

    def assign(self, pins: list[PinBase | None]) -> None:
        """spi_assign_pins_af: CLK and MOSI are outputs of the SPI signals, MISO an input."""
        for i, pin in enumerate(pins):
            if pin is None:
                continue
            if i == MISO:
                pin_config(pin, self.miso_index, -1, IN, None, 0)
            else:
                (self.clk if i == CLK else self.mosi).claim(pin, pull=None, mode=OUT)
            self.pins[i] = pin

    def deassign(self) -> None:
        """spi_deassign_pins_af: value 0, back to the GPIO latch (the pulls stay as they were)."""
        self._gen += 1
        self.clk.release_all()
        self.mosi.release_all()
        for pin in self.pins:
            if pin is not None:
                pin._latch = 0
                pin._af_in = pin._af_out = -1
                pin._configure()
        self.pins = [None, None, None]

    def configure(self, baudrate: int, polarity: int, phase: int, lsb_first: bool) -> None:
        """machspi_init: the clock divider and the mode; SCK goes to its idle level."""
        self.period = max(1, round(1e9 / sck_hz(baudrate)))
        self.polarity, self.phase, self.lsb_first = polarity, phase, lsb_first
        now = self.board.now
        self.clk.set(polarity, now)
        self.mosi.set(0, now)

    def reset(self) -> None:
        self._gen += 1
        for driver in self._touched:
            spi_bus.drive_line(driver, None, self.board.kernel.now)
        self._touched.clear()
        self.clk.release_all()
        self.mosi.release_all()
        self.pins = [None, None, None]

    # ---- one call ----
    def transfer(self, t: int, mosi: bytes, word: int) -> tuple[bytes, int]:
        """Shift `mosi` out from `t` in words of `word` bytes; returns (MISO bytes, end time)."""
        board = self.board
        sck_pin, mosi_pin, miso_pin = self.pins
        chosen = []
        if sck_pin is not None:
            items = spi_bus.devices_on(
                board.world,
                sck_pin._pad,
                None if mosi_pin is None else mosi_pin._pad,
                None if miso_pin is None else miso_pin._pad,
            )
            chosen = [a for a in items if a.selected]
        n = len(mosi)
        if miso_pin is None:
            idle = 0x00  # an unrouted input reads 0 (the deassigned pad is hardwired to 0)
        else:
            idle = 0xFF if miso_pin._pad.read() == HIGH else 0x00
        answers = {}
        for a in chosen:
            got = bytes(a.device.spi_transfer(mosi, t))[:n]
            answers[a.miso] = got + b"\xff" * (n - len(got))
        miso = bytearray([idle] * n) if not answers else bytearray([0xFF] * n)
        for v in answers.values():
            for i in range(n):
                miso[i] &= v[i]
        end = self._play(t, mosi, answers, word)
        board.kernel.schedule(
            t,
            self._record,
            SPITransfer(self.bus, bytes(mosi), bytes(miso), tuple(a.device.name for a in chosen)),
        )
        return bytes(miso), end

    def _record(self, transfer: SPITransfer) -> None:
        self.board.world.recorder.event(self.board.kernel.now, self.board.name, "spi", transfer)

    def _play(self, t: int, mosi: bytes, answers: dict, word: int) -> int:
        """Schedule the SCK/MOSI/MISO levels; returns the end time."""
        p = self.period
        h = p // 2
        n = len(mosi)
        nwords = (n + word - 1) // word
        end = t + nwords * (8 * word * p + WORD_GAP_NS)
        board = self.board
        if not getattr(board, "bus_levels", True) or self.pins[CLK] is None:
            return end
        cpol, cpha = self.polarity, self.phase
        order = range(8) if self.lsb_first else range(7, -1, -1)
        cursor = t
        edges: list[tuple[int, int, object, int | None]] = []
        levels: dict[object, int | None] = {"sck": cpol, "mosi": None}

        def put(when: int, target: object, level: int | None) -> None:
            if levels.get(target, -1) != level:
                levels[target] = level
                edges.append((when, len(edges), target, level))

        for w in range(nwords):
            for k in range(word):
                i = w * word + k
                out = mosi[i] if i < n else 0
                for b in order:
                    lead, trail = (cursor + h, cursor + p) if cpha == 0 else (cursor, cursor + h)
                    if cpha:
                        put(lead, "sck", 1 - cpol)  # phase 1: data changes on the leading edge
                    put(cursor, "mosi", (out >> b) & 1)
                    for d, v in answers.items():
                        put(cursor, d, (v[i] >> b) & 1 if i < n else 1)
                    if not cpha:
                        put(lead, "sck", 1 - cpol)  # phase 0: sampled on the leading edge
                    put(trail, "sck", cpol)
                    cursor += p
            cursor += WORD_GAP_NS
        for d in answers:
            put(end, d, None)  # the device lets MISO go
        # one kernel event per instant, queued now (before the caller's wake-up at `end`)
        edges.sort(key=lambda e: (e[0], e[1]))
        kernel = board.kernel
        gen = self._gen
        first = 0
        for j in range(1, len(edges) + 1):
            if j == len(edges) or edges[j][0] != edges[first][0]:
                kernel.schedule(edges[first][0], self._step, (gen, edges[first:j]))
                first = j
        return end

    def _step(self, arg: tuple) -> None:
        gen, edges = arg
        if gen != self._gen:
            return
        t = self.board.kernel.now
        for _t, _order, target, level in edges:
            if target == "sck":
                self.clk.set(level, t)
            elif target == "mosi":
                self.mosi.set(level, t)
            else:
                self._touched.add(target)
                spi_bus.drive_line(target, level, t)  # a device's MISO
