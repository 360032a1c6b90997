"""When a sweep run passes: its exit code, its exact stdout, a regex on its stdout, a Python predicate.

Every condition given must hold. Without any, a run passes when it exits 0 (the script neither raised
nor was bad input). A predicate `module:function` (or `path/to/file.py:function`) is called as
`function(summary, traces)`: `summary` is the run's summary (the `pycomsim run --json` object, plus
`stdout` and `exit_code`), `traces` maps each pad ('P10', or 'board.P10' with several boards) to its
level changes `[(t_ns, level), ...]` (levels 0, 1, 2 floating, 3 contention). It returns True to pass,
False or a string (the reason) to fail.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exc import UsageError


@dataclass(frozen=True)
class PassCondition:
    exit_code: int = 0
    stdout: str | None = None  # the expected stdout, exactly (read from --expect-stdout FILE)
    regex: str | None = None  # searched in stdout
    predicate: str | None = None  # 'module:function' or 'file.py:function'

    def check(self) -> None:
        """Fail early, in the driver, on a regex that does not compile or a predicate not found."""
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as error:
                raise UsageError(f"bad --expect-regex {self.regex!r}: {error}") from None
        if self.predicate is not None:
            load_predicate(self.predicate)

    def describe(self) -> dict[str, Any]:
        return {
            "exit_code": self.exit_code,
            "stdout": self.stdout,
            "regex": self.regex,
            "predicate": self.predicate,
        }

    def failure(
        self, exit_code: int, stdout: str, summary: dict[str, Any], traces: Callable[[], Any]
    ) -> str | None:
        """None when the run passes, else why it did not (one line)."""
        if exit_code != self.exit_code:
            return f"exit code {exit_code} (expected {self.exit_code})"
        if self.stdout is not None and stdout != self.stdout:
            return f"stdout differs from the expected output at {_first_difference(stdout, self.stdout)}"
        if self.regex is not None and re.search(self.regex, stdout, re.MULTILINE) is None:
            return f"stdout has no match for {self.regex!r}"
        if self.predicate is not None:
            verdict = load_predicate(self.predicate)(summary, traces())
            if isinstance(verdict, str):
                return verdict or f"{self.predicate} failed the run"
            if not verdict:
                return f"{self.predicate} returned {verdict!r}"
        return None


def _first_difference(got: str, want: str) -> str:
    lines, wanted = got.splitlines(), want.splitlines()
    for i, (a, b) in enumerate(zip(lines, wanted, strict=False)):
        if a != b:
            return f"line {i + 1}: {a!r} (expected {b!r})"
    i = min(len(lines), len(wanted))
    return f"line {i + 1}: " + ("extra output" if len(lines) > len(wanted) else "output ends early")


_PREDICATES: dict[str, Callable[..., Any]] = {}


def load_predicate(spec: str) -> Callable[..., Any]:
    """'pkg.mod:fn' or 'checks.py:fn' -> the function; a UsageError names what is missing."""
    if spec in _PREDICATES:
        return _PREDICATES[spec]
    where, sep, name = spec.rpartition(":")
    if not sep or not where or not name:
        raise UsageError(f"bad --check {spec!r}: expected module:function or file.py:function")
    try:
        if where.endswith(".py"):
            path = Path(where).resolve()
            if not path.is_file():
                raise UsageError(f"bad --check {spec!r}: file not found: {where}")
            loader_spec = importlib.util.spec_from_file_location(
                f"_pycomsim_check_{path.stem}", path
            )
            assert loader_spec is not None and loader_spec.loader is not None
            module = importlib.util.module_from_spec(loader_spec)
            loader_spec.loader.exec_module(module)
        else:
            if "" not in sys.path and str(Path.cwd()) not in sys.path:
                sys.path.insert(0, str(Path.cwd()))  # `checks:fn` next to the user, as python -m
            module = importlib.import_module(where)
    except UsageError:
        raise
    except Exception as error:
        raise UsageError(f"bad --check {spec!r}: cannot import {where}: {error}") from None
    function = getattr(module, name, None)
    if not callable(function):
        raise UsageError(f"bad --check {spec!r}: {where} has no function {name!r}")
    _PREDICATES[spec] = function
    return function
