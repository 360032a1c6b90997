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

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenlet import getcurrent, greenlet

from ..firmware.lang.mod_thread import block_task

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
            board = self.board
            board.blocked.discard(reader)
            board.kernel.schedule(board.kernel.now, board._resume_task, reader)

    def _interrupt_main(self, _: object = None) -> None:
        """Raise KeyboardInterrupt in the board's main task where it waits (a kernel event)."""
        board = self.board
        task = board.main_glet
        if task is None or task.dead or task is getcurrent() or task in board.blocked:
            return  # a _thread lock wait is not interruptible (xSemaphoreTake, portMAX_DELAY)
        kernel = board.kernel
        kernel.flush_front()
        heap = kernel._heap
        # drop the task's pending wakeup (its sleep's end): it must not wake it a second time
        kept = [e for e in heap if not (e[3] is task and e[2] == board._resume_task)]
        if len(kept) != len(heap):
            heap[:] = kept
            heapq.heapify(heap)
            kernel.next_time = heap[0][0] if heap else kernel.next_time
        if task in board._gil_waiters:
            board._gil_waiters.remove(task)
        if board.now < kernel.now:
            board.now = kernel.now
        board.current = task
        if task.parent is not kernel.loop_glet:
            task.parent = kernel.loop_glet
        task.throw(KeyboardInterrupt())

    # ---- the board side (its main task) ----
    def read_char(self) -> int:
        """The next byte from the host; the task waits (the board's clock goes on) until one comes."""
        while not self.rx:
            self._reader = getcurrent()
            try:
                block_task(self.board)
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
