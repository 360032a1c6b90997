"""The ESP32's three UARTs, hardware side: the transmitter puts frames on the TX pad's net at the
configured baud rate, the receiver decodes frames from the RX pad's level into a receive buffer.

Framing and timing are `sim/uart_frames.py`. The transmit FIFO holds 128 bytes (UART_FIFO_LEN; the firmware
installs the driver without a transmit ring buffer), a byte leaves it when its frame starts. The receive
buffer holds `rx_buffer_size` bytes (the driver's ring buffer); bytes that arrive when it is full are lost
and reported as an overflow. What crosses the line is recorded as board events: `uart tx` and `uart rx`
with `(uart id, byte)`, and `uart error` with `(uart id, 'framing' | 'parity' | 'overflow')`.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from ..sim.uart_frames import FrameDecoder, Received, UartFormat, frame_edges
from .matrix import OutputSignal, watch_input

if TYPE_CHECKING:
    from ..board import Board
    from ..firmware.pin import PinBase

TX_FIFO_LEN = 128  # UART_FIFO_LEN
# soc/gpio_sig_map.h: U0TXD_OUT_IDX / U0RXD_IN_IDX, U0RTS_OUT_IDX / U0CTS_IN_IDX, ... for UART0, 1, 2
SIGNALS = ((14, 14, 15, 15), (17, 17, 18, 18), (198, 198, 199, 199))


class UartHardware:
    """One UART of one board. `configure(fmt)`, `attach_tx(pin)`, `attach_rx(pin)`, `send(data, t)`."""

    def __init__(self, board: Board, uart_id: int) -> None:
        self.board = board
        self.id = uart_id
        tx, _, rts, _ = SIGNALS[uart_id]
        self.tx = OutputSignal(board, tx, f"U{uart_id}TXD")
        self.rts = OutputSignal(board, rts, f"U{uart_id}RTS")
        self.fmt: UartFormat | None = None
        self.rx: deque[int] = deque()
        self.rx_capacity = 4096
        self.rx_pin: PinBase | None = None
        self.errors: list[Received] = []  # frames that had a framing or parity error
        self.line_free = 0  # when the transmitter has sent everything queued
        self._starts: deque[int] = deque()  # start times of queued frames not yet started
        self._gen = 0  # configuration generation: events of an older configuration do nothing
        self._unwatch = None
        self._decoder: FrameDecoder | None = None
        # the last bytes each way, for the web UI (the recorder keeps them all as events)
        self.recent_tx: deque[int] = deque(maxlen=64)
        self.recent_rx: deque[int] = deque(maxlen=64)

    # ---- configuration ----
    def configure(self, fmt: UartFormat | None, rx_capacity: int = 4096) -> None:
        """A new configuration (None: the driver is deleted): pending frames and received bytes go."""
        self._gen += 1
        self.fmt = fmt
        self.rx_capacity = rx_capacity
        self.rx.clear()
        self._starts.clear()
        self.line_free = self.board.now
        self.tx.set(1, self.board.now)  # an idle line
        if self.rx_pin is not None and fmt is not None:
            self._decoder = FrameDecoder(fmt, 1 if self.rx_pin._pad.read() == 1 else 0)

    def attach_tx(self, pin: PinBase) -> None:
        self.tx.claim(pin)

    def attach_rx(self, pin: PinBase) -> None:
        self.detach_rx()
        self.rx_pin = pin
        if self.fmt is not None:
            self._decoder = FrameDecoder(self.fmt, 1 if pin._pad.read() == 1 else 0)
        self._unwatch = watch_input(pin, self._rx_edge)

    def detach_rx(self) -> None:
        if self._unwatch is not None:
            self._unwatch()
        self._unwatch = None
        self.rx_pin = None
        self._decoder = None

    def release(self) -> None:
        """Reset or deinit: no pads, nothing queued."""
        self._gen += 1
        self.tx.release_all()
        self.rts.release_all()
        self.detach_rx()
        self.fmt = None
        self.rx.clear()
        self._starts.clear()

    # ---- transmit ----
    def fifo_used(self, t: int) -> int:
        starts = self._starts
        while starts and starts[0] <= t:
            starts.popleft()
        return len(starts)

    def fifo_free_at(self) -> int:
        """When the oldest queued frame starts (the FIFO then has room for one more)."""
        return self._starts[0] if self._starts else self.board.now

    def send(self, value: int, t: int) -> None:
        """Queue one byte at `t`: its frame starts when the line is free."""
        fmt = self.fmt
        assert fmt is not None
        start = max(t, self.line_free)
        self.line_free = start + fmt.frame_ns
        self._starts.append(start)
        self.board.kernel.schedule(start, self._frame, (self._gen, value))

    def _frame(self, arg: tuple[int, int]) -> None:
        gen, value = arg
        if gen != self._gen or self.fmt is None:
            return
        kernel = self.board.kernel
        self.board.world.recorder.event(kernel.now, self.board.name, "uart tx", (self.id, value))
        self.recent_tx.append(value)
        for t, level in frame_edges(value, self.fmt, kernel.now):
            kernel.schedule(t, self._tx_level, (gen, level))

    def _tx_level(self, arg: tuple[int, int]) -> None:
        gen, level = arg
        if gen == self._gen:
            self.tx.set(level, self.board.kernel.now)

    def send_break(self, t: int, duration_ns: int) -> None:
        """UART_TXD_INV for `duration_ns`: the idle line is held low."""
        kernel = self.board.kernel
        kernel.schedule(t, self._tx_level, (self._gen, 0))
        kernel.schedule(t + duration_ns, self._tx_level, (self._gen, 1))

    # ---- receive ----
    def _rx_edge(self, old: int, new: int, t: int) -> None:
        decoder = self._decoder
        if decoder is not None and decoder.edge(t, new):
            self.board.kernel.schedule(decoder.due, self._rx_complete, self._gen)  # type: ignore[arg-type]

    def _rx_complete(self, gen: int) -> None:
        decoder = self._decoder
        if gen != self._gen or decoder is None:
            return
        frame = decoder.complete(self.board.kernel.now)
        if frame is not None:
            self.deliver(frame)

    def deliver(self, frame: Received) -> None:
        recorder = self.board.world.recorder
        name = self.board.name
        if frame.framing_error or frame.parity_error:
            self.errors.append(frame)
            kind = "framing" if frame.framing_error else "parity"
            recorder.event(frame.t, name, "uart error", (self.id, kind))
        if len(self.rx) >= self.rx_capacity:
            recorder.event(frame.t, name, "uart error", (self.id, "overflow"))
            return
        self.rx.append(frame.value)
        self.recent_rx.append(frame.value)
        recorder.event(frame.t, name, "uart rx", (self.id, frame.value))
