"""The board's REPL serial line (UART0 with ``os.dupterm``, esp32/hal/esp32_mphal.c).

Bytes from the host arrive with ``feed`` (on the simulator's thread, between two slices of the
run); the board's main task reads them one at a time with ``read_char``, which parks the task
until a byte is there (``mp_hal_stdin_rx_chr``; handlers, threads and stimuli go on meanwhile).
While code runs, the interrupt character (Ctrl-C, ``mp_hal_set_interrupt_char``) raises
``KeyboardInterrupt`` in the main task instead of being queued (machuart.c ``UARTRxCallback``).

Output has two paths, as on the board: ``write`` sends bytes as they are (the REPL's prompts and
echo, ``mp_hal_stdout_tx_strn``), ``write_text`` turns each ``\\n`` into ``\\r\\n`` (``print``,
tracebacks; ``mp_hal_stdout_tx_strn_cooked``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenlet import getcurrent, greenlet

if TYPE_CHECKING:
    from ..board import Board

CTRL_C = 3


class SerialConsole:
    def __init__(self, board: Board, sink: Callable[[bytes], None]) -> None:
        self.board = board
        self.sink = sink
        self.rx = bytearray()
        self.interrupt_char = -1  # set while user code runs (pyexec.c parse_compile_execute)
        self._reader: greenlet | None = None

    # ---- the host side (simulator thread) ----
    def feed(self, data: bytes) -> None:
        """Bytes received on the serial line."""
        for byte in data:
            if byte == self.interrupt_char:
                self.interrupt_char = (
                    -1
                )  # one KeyboardInterrupt per press, as mp_keyboard_interrupt
                kernel = self.board.kernel
                kernel.schedule(kernel.now, self._interrupt_main)
            else:
                self.rx.append(byte)
        reader = self._reader
        if reader is not None and self.rx:
            self._reader = None
            self.board.scheduler.wake(reader)

    def _interrupt_main(self, _: object = None) -> None:
        """Raise KeyboardInterrupt in the board's main task where it waits (a kernel event); a _thread
        lock wait is not interruptible (xSemaphoreTake, portMAX_DELAY)."""
        cpu = self.board.scheduler
        cpu.throw_into(cpu.main, KeyboardInterrupt())

    # ---- the board side (its main task) ----
    def read_char(self) -> int:
        """The next byte from the host; the task waits (the board's clock goes on) until one comes."""
        while not self.rx:
            self._reader = getcurrent()
            try:
                self.board.scheduler.block()
            finally:
                self._reader = None
        byte = self.rx[0]
        del self.rx[0]
        return byte

    def pending(self) -> int:
        return len(self.rx)

    def write(self, data: bytes) -> None:
        if data:
            self.sink(data)

    def write_text(self, text: str) -> None:
        if text:
            self.sink(text.replace("\n", "\r\n").encode("utf-8", "replace"))


class CookedStream:
    """What the board's ``print`` writes to (``Board(stdout=...)``): the console, cooked."""

    def __init__(self, console: SerialConsole) -> None:
        self._console = console

    def write(self, text: Any) -> int:
        self._console.write_text(str(text))
        return len(text)

    def flush(self) -> None:
        return None


class ConsoleStdin:
    """The board's ``sys.stdin`` while served (lib/utils/sys_stdio_mphal.c ``stdio_read``): each
    byte comes from the serial line, a CR reads as LF. Tools (rshell) send files through it."""

    def __init__(self, console: SerialConsole) -> None:
        self._console = console

    def _bytes(self, n: int) -> bytes:
        read = self._console.read_char
        return bytes(0x0A if c == 0x0D else c for c in (read() for _ in range(n)))

    def read(self, size: int = 1) -> str:
        return self._bytes(max(0, size)).decode("latin-1")

    def readinto(self, buf: Any, size: int | None = None) -> int:
        n = len(buf) if size is None else min(size, len(buf))
        buf[:n] = self._bytes(n)
        return n

    def readline(self) -> str:
        out = bytearray()
        while not out.endswith(b"\n"):
            out += self._bytes(1)
        return out.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return "<io.FileIO 0>"
