"""The board's serial console (UART0 as the REPL's stdout): what the script and the firmware print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .tracebacks import format_board_exception

if TYPE_CHECKING:
    from ..board import Board


class Console:
    def __init__(self, board: Board, stdout: Any = None) -> None:
        self.board = board
        self.stdout = stdout  # None: the host's sys.stdout at the time of writing
        self.chunks: list[str] = []  # what the board printed, in chunks: `output` joins them
        self.prefix = ""  # 'name| ' before each line when a run has several boards
        self.line_open = False  # the last write ended mid-line (no prefix before the next piece)

    def write(self, text: str) -> None:
        """The board's serial output: the script's prints and the firmware's messages, kept in time
        order with other boards' output."""
        board = self.board
        board.scheduler.catch_up()
        router = board.console_router
        if router is not None and not router.write(text):
            return  # os.dupterm sent it elsewhere (firmware/machine_uart.py ConsoleRouter)
        self.chunks.append(text)
        board.world.console(board, text)

    @property
    def output(self) -> str:
        """Everything the board printed on its console so far, as one string."""
        chunks = self.chunks
        if len(chunks) > 1:
            chunks[:] = ["".join(chunks)]  # joined once per read, not once per print
        return chunks[0] if chunks else ""

    def format_exception(self, error: BaseException) -> str:
        """`error` as MicroPython prints it on this board's console (file names as the board has them)."""
        importer = getattr(self.board, "importer", None)
        return format_board_exception(
            error, importer.ctx.board_paths if importer is not None else None
        )
