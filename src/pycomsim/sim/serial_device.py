"""A serial device on a board's pins, played from the host: it sends bytes at given times, replies to
patterns, and records what the board sends it. Tests use it to talk to a script's UART protocol.

`SerialDevice(board, drive="P4", listen="P3", baudrate=9600)`: `drive` is the board pin the device's TX
line is connected to (the board's RX), `listen` the board pin it receives on (the board's TX). Either may
be None. The device's line is push-pull and idles high; frames use the same framing as the ESP32's UART
(`sim/uart_frames.py`), so a mismatched baud rate or parity shows up on the board as framing or parity
errors, as with a real device.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..units import parse_duration
from .net import OFF, STRONG_HI, STRONG_LO, Driver
from .parts import when
from .uart_frames import (
    PARITY_EVEN,
    PARITY_NONE,
    PARITY_ODD,
    STOP_1,
    STOP_1_5,
    STOP_2,
    FrameDecoder,
    Received,
    UartFormat,
    encode,
)

if TYPE_CHECKING:
    from ..board import Board

PARITY_WORDS = {None: PARITY_NONE, "none": PARITY_NONE, "even": PARITY_EVEN, "odd": PARITY_ODD}
STOP_WORDS = {1: STOP_1, 1.5: STOP_1_5, 2: STOP_2}
Reply = bytes | str | Callable[[bytes], Any]


def _as_bytes(data: Any, what: str) -> bytes:
    if isinstance(data, str):
        return data.encode()
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, list) and all(isinstance(b, int) and 0 <= b < 256 for b in data):
        return bytes(data)
    raise ValueError(f"bad {what} {data!r}: expected bytes, a str or a list of byte values")


class SerialDevice:
    """See the module docstring. `received` is every byte the device got, `frames` the same with their
    times and error flags; `send(data, at=None)` queues bytes; `reply(pattern, response, delay=0)`
    answers when what it received since the last answer matches `pattern` (bytes: ends with it; a
    compiled regex: search)."""

    def __init__(
        self,
        board: Board,
        *,
        drive: str | None = None,
        listen: str | None = None,
        baudrate: int = 9600,
        bits: int = 8,
        parity: str | None = None,
        stop: float = 1,
        name: str | None = None,
    ) -> None:
        if drive is None and listen is None:
            raise ValueError("a serial device needs a pin to drive or a pin to listen to")
        if isinstance(baudrate, bool) or not isinstance(baudrate, int) or baudrate <= 0:
            raise ValueError(f"bad serial baudrate {baudrate!r}: expected an int > 0")
        if bits not in (5, 6, 7, 8) or isinstance(bits, bool):
            raise ValueError(f"bad serial bits {bits!r}: expected 5, 6, 7 or 8")
        key = parity.lower() if isinstance(parity, str) else parity
        if key not in PARITY_WORDS:
            raise ValueError(f"bad serial parity {parity!r}: expected None, 'even' or 'odd'")
        if stop not in STOP_WORDS or isinstance(stop, bool):
            raise ValueError(f"bad serial stop {stop!r}: expected 1, 1.5 or 2")
        self.board = board
        self.fmt = UartFormat(baudrate, bits, PARITY_WORDS[key], STOP_WORDS[stop])
        self.name = name or "serial device"
        self.frames: list[Received] = []
        self._replies: list[tuple[Any, Reply, int]] = []
        self._pending = bytearray()  # received since the last reply matched
        self._line_free = 0
        self.driver: Driver | None = None
        if drive is not None:
            pad = board.pad(drive)
            self.driver = Driver(f"{board.name}.{pad.name} {self.name}")
            board.world.attach(pad, self.driver, STRONG_HI)
        self._decoder: FrameDecoder | None = None
        if listen is not None:
            pad = board.pad(listen)
            self._decoder = FrameDecoder(self.fmt, 1 if pad.read() == 1 else 0)
            pad.watch(self._edge)

    # ---- what it got ----
    @property
    def received(self) -> bytes:
        return bytes(f.value for f in self.frames)

    def _edge(self, old: int, new: int, t: int) -> None:
        decoder = self._decoder
        if decoder is not None and decoder.edge(t, new):
            self.board.kernel.schedule(decoder.due, self._complete)  # type: ignore[arg-type]

    def _complete(self, _: object) -> None:
        frame = self._decoder.complete(self.board.kernel.now)  # type: ignore[union-attr]
        if frame is None:
            return
        self.frames.append(frame)
        self._pending.append(frame.value)
        for pattern, response, delay in self._replies:
            if self._matches(pattern):
                data = response(bytes(self._pending)) if callable(response) else response
                self._pending.clear()
                if data:
                    self.send(data, at=frame.t + delay)
                break

    def _matches(self, pattern: Any) -> bool:
        if isinstance(pattern, bytes):
            return self._pending.endswith(pattern)
        return pattern.search(bytes(self._pending)) is not None

    # ---- what it sends ----
    def send(self, data: Any, at: int | str | None = None) -> None:
        """Send `data` starting at `at` (absolute virtual time; None: now), after anything queued."""
        if self.driver is None:
            raise ValueError(f"{self.name} has no pin to drive: give drive='P..'")
        payload = _as_bytes(data, "serial data")
        t = max(when(self.board, at, "send time"), self._line_free)
        kernel = self.board.kernel
        for edge_t, level in encode(payload, self.fmt, t):
            kernel.schedule(edge_t, self._level, level)
        self._line_free = t + len(payload) * self.fmt.frame_ns

    def _level(self, level: int) -> None:
        assert self.driver is not None
        self.driver.set(STRONG_HI if level else STRONG_LO, self.board.kernel.now)

    def reply(
        self, pattern: bytes | str | re.Pattern, response: Reply, delay: int | str = 0
    ) -> None:
        """When the bytes received since the last reply match `pattern`, send `response` (bytes, a
        str, or a function of the matched bytes returning what to send) `delay` after the last byte."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        elif not isinstance(pattern, (bytes, re.Pattern)):
            raise ValueError(f"bad reply pattern {pattern!r}: expected bytes, a str or a regex")
        if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
            pattern = re.compile(pattern.pattern.encode(), pattern.flags & ~re.UNICODE)
        if not callable(response):
            response = _as_bytes(response, "reply")
        self._replies.append((pattern, response, parse_duration(delay, "reply delay")))

    def release(self) -> None:
        """Let go of the line (high impedance)."""
        if self.driver is not None:
            self.driver.set(OFF, self.board.kernel.now)

    def __repr__(self) -> str:
        return f"<SerialDevice {self.name} {self.fmt.baudrate} baud, {len(self.frames)} bytes received>"
