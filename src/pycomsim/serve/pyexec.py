"""The board's main task while it is served: boot.py, main.py, then the REPL, and soft reset.

This is esp32/mptask.c ``TASK_Micropython`` (from the ``soft_reset:`` label) and Pycom's
lib/utils/pyexec.c (MicroPython 1.11's, with the Pycom banner): the friendly REPL (prompt, echo,
line editing, auto-indent, tab completion, paste mode), the raw REPL that tools use, Ctrl-C as
``KeyboardInterrupt`` while code runs, and Ctrl-D as a soft reset (``PYB: soft reboot``, the
interpreter state and the tasks start again, boot.py and main.py run again, ``reset_cause()`` is
``SOFT_RESET``).

1.11 has no raw-paste mode: in the raw REPL the request ``Ctrl-E A Ctrl-A`` is two ordinary bytes
and a Ctrl-A, which answers ``raw REPL; CTRL-B to exit`` again; clients take that as "not
supported" and fall back to the plain raw REPL.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenlet import GreenletExit

from ..firmware.lang.firmware_modules import FIRMWARE_VERSION, MCU_NAME, PLATFORM, SW_VERSION_NUMBER
from ..firmware.loader import BoardImporter, exec_file
from ..firmware.reset_causes import SOFT_RESET
from ..sim.scheduler import Reboot
from .console import ConsoleStdin
from .readline import CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E, History, ReadLine
from .repl_input import autocomplete, continue_with_input

if TYPE_CHECKING:
    from ..board import Board

FRIENDLY, RAW = "friendly", "raw"
FORCED_EXIT = 0x100  # pyexec.h PYEXEC_FORCED_EXIT
STDIN = "<stdin>"
SOFT_REBOOT_DELAY_NS = 5_000_000  # mptask.c: ets_delay_us(5000) after "PYB: soft reboot"


def banner(board_type: str) -> str:
    """pyexec.c friendly_repl_reset: the names and versions ``os.uname()`` reports."""
    git_tag, _, build_date = FIRMWARE_VERSION.partition(" on ")
    return (
        f"Pycom MicroPython {SW_VERSION_NUMBER} [{git_tag}] on {build_date}; "
        f"{PLATFORM[board_type]} with {MCU_NAME}\r\n"
        'Type "help()" for more information.\r\n'
    )


class HostStop(KeyboardInterrupt):
    """pycomsim itself is stopping (Ctrl-C or SIGTERM where it runs): not the board's Ctrl-C, so the
    REPL lets it through to end the server, even out of a loop that never calls the board's API."""


class _ReplPrint(ast.NodeTransformer):
    """The compiler's REPL rule (py/compile.c compile_expr_stmt with is_repl): every expression
    statement at module level is passed to ``__repl_print__``, which prints its repr unless None."""

    def visit_Expr(self, node: ast.Expr) -> ast.Expr:  # noqa: N802 - the ast visitor's name
        call = ast.Call(ast.Name("__repl_print__", ast.Load()), [node.value], [])
        return ast.copy_location(ast.Expr(ast.copy_location(call, node.value)), node)

    def _scope(self, node: ast.AST) -> ast.AST:
        return node  # functions, classes and lambdas are their own scopes: not printed

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _scope  # noqa: N815


class Pyexec:
    """The REPL state that outlives a soft reset (``pyexec_mode_kind``), and one boot's run."""

    def __init__(
        self, board: Board, console: Any, flash_root: Path, main_name: str = "main.py"
    ) -> None:
        self.board = board
        self.flash_root = flash_root
        self.console = console
        self.main_name = main_name
        self.mode = FRIENDLY
        self.namespace: dict[str, Any] = {}
        self.importer: BoardImporter | None = None
        self.readline = ReadLine(console.write, History(), self._complete)

    # ---- mptask.c TASK_Micropython ----
    def main_task(self) -> None:
        """The board's program: boot, the REPL until it asks for a soft reset, then reboot."""
        board = self.board
        if board.reset_cause != SOFT_RESET:
            self.mode = FRIENDLY  # a hard reset clears the static pyexec_mode_kind
        self._start_interpreter()
        self.readline.history = History()  # readline_init0
        ret = self.exec_file("boot.py")
        if not ret & FORCED_EXIT and self.mode == FRIENDLY:
            ret = self.exec_file(self.main_name)
        while not ret & FORCED_EXIT:
            ret = self.raw_repl() if self.mode == RAW else self.friendly_repl()
        # soft_reset_exit
        self.console.write_text("PYB: soft reboot\n")
        board.sleep_ns(SOFT_REBOOT_DELAY_NS, busy=True)
        raise Reboot(SOFT_RESET)

    def _start_interpreter(self) -> None:
        """mp_init and _boot.py: fresh modules and a fresh __main__ namespace."""
        board = self.board
        importer = BoardImporter(board, self.flash_root, host_python=board.host_python)
        board.importer = importer
        ns = importer.main_module.__dict__
        ns["__builtins__"] = importer.builtins
        importer.builtins["__repl_print__"] = self._repl_print
        importer.builtins["input"] = self._input
        importer.builtin_module("sys", "sys").stdin = ConsoleStdin(self.console)
        # esp32/frozen/Base/_boot.py, as `run` does it (firmware/loader.py run_program)
        ns["os"] = importer("os")
        ns["UART"] = board.machine.UART
        ns["os"].dupterm(board.machine.UART(0, 115200))
        self.importer, self.namespace = importer, ns

    def exec_file(self, name: str) -> int:
        """pyexec_file: run a file of /flash if it is there (mptask.c creates both on a new board)."""
        assert self.importer is not None
        host = self.importer.ctx.flash.file(name)
        if host is None:
            return 1
        ns = self.namespace
        ns["__file__"] = name

        def run() -> None:
            exec_file(self.importer, host, ns)  # type: ignore[arg-type]

        return self._guarded(run, print_eof=False)

    # ---- parse_compile_execute ----
    def execute(self, source: bytes, *, single: bool, print_eof: bool) -> int:
        def run() -> None:
            exec(self._compile(source, single), self.namespace)

        return self._guarded(run, print_eof=print_eof)

    def _compile(self, source: bytes, single: bool) -> Any:
        assert self.importer is not None
        check = self.importer.check_source
        if check is not None:
            check(Path(STDIN), source)
        tree = ast.parse(source, STDIN, mode="single" if single else "exec")
        if single:
            tree = _ReplPrint().visit(ast.Module(body=tree.body, type_ignores=[]))
            ast.fix_missing_locations(tree)
        return compile(tree, STDIN, "exec", dont_inherit=True)

    def _guarded(self, run: Any, *, print_eof: bool) -> int:
        console = self.console
        ret = 0
        try:
            console.interrupt_char = CTRL_C  # allow Ctrl-C to interrupt us
            try:
                run()
            finally:
                console.interrupt_char = -1
            ret = 1
            if print_eof:
                console.write(b"\x04")
        except (Reboot, GreenletExit, HostStop):
            raise  # machine.reset() and deepsleep() from the REPL; the board or pycomsim stopping
        except SystemExit:
            if print_eof:
                console.write(b"\x04")
        except BaseException as error:  # noqa: BLE001 - the board prints every uncaught exception
            if print_eof:
                console.write(b"\x04")
            console.write_text(format_exception(self.board, error))
        if print_eof:
            console.write(b"\x04")
        return ret

    def _repl_print(self, value: Any) -> None:
        """modbuiltins.c mp_builtin___repl_print__: the repr and a newline; `_` keeps the value."""
        if value is not None:
            self.board.console_write(repr(value) + "\n")
            assert self.importer is not None
            self.importer.builtins["_"] = value

    def _input(self, prompt: Any = None) -> str:
        """The builtin ``input``: the prompt, then one line read with the REPL's line editor."""
        if prompt is not None:
            self.board.console_write(str(prompt))
        line = bytearray()
        rl = self.readline
        rl.init(line, b"")
        while True:
            ret = rl.process_char(self.console.read_char())
            if ret == CTRL_C:
                raise KeyboardInterrupt
            if ret == CTRL_D:
                raise EOFError
            if ret >= 0:
                return line.decode("utf-8", "replace")

    def _complete(self, typed: str) -> tuple[str, str]:
        return autocomplete(typed, self.namespace)

    # ---- pyexec_raw_repl ----
    def raw_repl(self) -> int:
        console = self.console
        console.write(b"raw REPL; CTRL-B to exit\r\n")
        while True:
            line = bytearray()
            console.write(b">")
            while True:
                c = console.read_char()
                if c == CTRL_A:
                    console.write(b"raw REPL; CTRL-B to exit\r\n")  # reset raw REPL
                    line = bytearray()
                    console.write(b">")
                elif c == CTRL_B:
                    console.write(b"\r\n")
                    self.mode = FRIENDLY
                    return 0
                elif c == CTRL_C:
                    line = bytearray()
                elif c == CTRL_D:
                    break
                else:
                    line.append(c)
            console.write(b"OK")
            if not line:
                console.write(b"\r\n")
                return FORCED_EXIT  # an empty command: a soft reset
            ret = self.execute(bytes(line), single=False, print_eof=True)
            if ret & FORCED_EXIT:
                return ret

    # ---- pyexec_friendly_repl ----
    def friendly_repl(self) -> int:
        console = self.console
        console.write(banner(self.board.type).encode())
        rl = self.readline
        while True:
            line = bytearray()
            rl.init(line, b">>> ")
            ret = self._read_line()
            single = True
            if ret == CTRL_A:
                console.write(b"\r\n")
                self.mode = RAW
                return 0
            if ret == CTRL_B:
                console.write(b"\r\n")
                return self.friendly_repl()  # reset friendly REPL: the banner again
            if ret == CTRL_C:
                console.write(b"\r\n")
                continue
            if ret == CTRL_D:
                console.write(b"\r\n")
                return FORCED_EXIT
            if ret == CTRL_E:
                pasted = self._paste_mode()
                if pasted is None:
                    continue
                line, single = pasted, False
            elif not line:
                continue
            else:
                cancelled = False
                while continue_with_input(line.decode("utf-8", "replace")):
                    line.append(0x0A)
                    rl.init(line, b"... ")
                    ret = self._read_line()
                    if ret == CTRL_C:
                        console.write(b"\r\n")
                        cancelled = True
                        break
                    if ret == CTRL_D:
                        break  # stop entering the compound statement
                if cancelled:
                    continue
            ret = self.execute(bytes(line), single=single, print_eof=False)
            if ret & FORCED_EXIT:
                return ret

    def _read_line(self) -> int:
        rl, console = self.readline, self.console
        while True:
            ret = rl.process_char(console.read_char())
            if ret >= 0:
                return ret

    def _paste_mode(self) -> bytearray | None:
        console = self.console
        console.write(b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ")
        line = bytearray()
        while True:
            c = console.read_char()
            if c == CTRL_C:
                console.write(b"\r\n")
                return None
            if c == CTRL_D:
                console.write(b"\r\n")
                return line
            line.append(c)
            console.write(b"\r\n=== " if c == 0x0D else bytes([c]))


def format_exception(board: Board, error: BaseException) -> str:
    """mp_obj_print_exception: the traceback with the board's file names; a compile error names
    the file and line without a function (the compiler gives no block name)."""
    if isinstance(error, SyntaxError) and not _raised_at_runtime(error):
        where = error.filename or STDIN
        paths = board.importer.ctx.board_paths if getattr(board, "importer", None) else {}
        where = paths.get(where, Path(where).name if where != STDIN else where)
        kind = type(error).__name__
        return (
            "Traceback (most recent call last):\n"
            f'  File "{where}", line {error.lineno or 1}\n'
            f"{kind}: {error.msg}\n"
        )
    return board.format_board_exception(error)


def _raised_at_runtime(error: SyntaxError) -> bool:
    return error.filename is None and error.lineno is None
