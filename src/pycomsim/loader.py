"""Running user code on a board: the boot sequence and the board's import system.

Scripts run with their own `__builtins__` whose `__import__` and `print` belong to the board, so
`import machine` gives this board's module and output goes to this board's console, while the host
process's `sys.modules` (and its `time`) are never touched. Lookup order follows MicroPython 1.11:
built-in modules by their real name, then files on the board's path (the script's folder and its
`lib/`), then the port's weak links (`time`, `machine`, ...).
"""

from __future__ import annotations

import builtins
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .modules import const

if TYPE_CHECKING:
    from .board import Board

WEAK_LINKS = {"machine": "umachine", "time": "utime", "os": "uos"}


class BoardImporter:
    def __init__(self, board: Board, search_dirs: list[Path]) -> None:
        self.board = board
        self.search_dirs = search_dirs
        self.builtins = dict(builtins.__dict__)
        self.builtins["__import__"] = self
        self.builtins["print"] = self._print
        self.builtins["const"] = const  # the compiler folds `X = const(1)` without an import

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
                if attr != "*" and not hasattr(module, attr) and hasattr(module, "__path__"):
                    self._import_dotted(f"{module.__name__}.{attr}")
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
                found = _find_in([Path(p) for p in paths], part) if paths else None
                if found is None:
                    raise ImportError(f"no module named '{full}'")
                sub = self._load(full, *found)
                setattr(module, part, sub)
            module = sub
        return module

    def _import_top(self, name: str) -> types.ModuleType:
        board = self.board
        module = board.modules.get(name)
        if module is not None and name not in WEAK_LINKS:
            return module  # a built-in module's real name always wins
        module = board.user_modules.get(name)
        if module is not None:
            return module
        found = _find_in(self.search_dirs, name)
        if found is not None:
            return self._load(name, *found)
        if name in board.modules:
            return board.modules[name]
        return self._host_import(name)

    def _host_import(self, name: str) -> types.ModuleType:
        try:
            return builtins.__import__(name)
        except ImportError:
            raise ImportError(f"no module named '{name}'") from None

    def _load(self, name: str, path: Path, is_package: bool) -> types.ModuleType:
        module = types.ModuleType(name)
        module.__file__ = str(path)
        module.__builtins__ = self.builtins  # type: ignore[attr-defined]
        module.__package__ = name if is_package else name.rpartition(".")[0]
        if is_package:
            module.__path__ = [str(path.parent)]  # type: ignore[attr-defined]
        self.board.user_modules[name] = module  # before running: circular imports see it
        try:
            exec_file(self, path, module.__dict__)
        except BaseException:
            self.board.user_modules.pop(name, None)
            raise
        return module


def _find_in(dirs: list[Path], name: str) -> tuple[Path, bool] | None:
    for folder in dirs:
        candidate = folder / f"{name}.py"
        if candidate.is_file():
            return candidate, False
        package = folder / name / "__init__.py"
        if package.is_file():
            return package, True
    return None


def exec_file(importer: BoardImporter, path: Path, namespace: dict) -> None:
    source = path.read_bytes()
    check = getattr(importer, "check_source", None)
    if check is not None:
        check(path, source)
    code = compile(source, str(path), "exec", dont_inherit=True)
    exec(code, namespace)


def run_program(board: Board, program: Path | Callable[[], Any]) -> None:
    """The boot sequence: frozen `_boot.py`, then `boot.py` if present, then the script, in one namespace."""
    if callable(program) and not isinstance(program, Path):
        program()
        return
    script = Path(program)
    folder = script.parent
    importer = BoardImporter(board, [folder, folder / "lib"])
    board.importer = importer
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": importer.builtins}
    namespace["os"] = (
        importer("os") if "os" in board.modules or "uos" in board.modules else _host_os()
    )
    boot = folder / "boot.py"
    if boot.is_file() and boot.resolve() != script.resolve():
        namespace["__file__"] = "boot.py"
        exec_file(importer, boot, namespace)
    namespace["__file__"] = script.name
    exec_file(importer, script, namespace)


def _host_os() -> types.ModuleType:
    import os

    return os
