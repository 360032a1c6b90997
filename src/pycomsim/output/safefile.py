"""Output files that never destroy anything: checked before the run, written whole or not at all.

`check_output` refuses, with one line naming the option, an empty name, a directory, a file that is
an input of the run (the script, boot.py, a scenario file, a board's script) and any existing source
file (.py, .mpy, .toml: a module the script imports is an input too, known only once it runs).
`AtomicFile` writes into a temporary file in the same folder and renames it into place at the end,
so a crash or a full disk never leaves half a file where a good one was; what a failed write did
produce is kept next to it as NAME.partial. Special files (/dev/null, a FIFO, a terminal) are
written directly: there is nothing to rename over.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..exc import UsageError

SOURCE_SUFFIXES = frozenset({".py", ".mpy", ".toml"})


def check_output(out: str, option: str, inputs: Iterable[Path] = ()) -> Path:
    """`out` as a Path if pycomsim may write it; UsageError (one line naming `option`) if not."""
    if not isinstance(out, (str, os.PathLike)) or str(out) == "":
        raise UsageError(f"{option} needs a file name (got {out!r})")
    path = Path(out)
    if "\x00" in str(out):
        raise UsageError(f"{option} {str(out)!r}: a file name cannot hold a null byte")
    if path.is_dir():
        raise UsageError(f"cannot write {option} {str(out)!r}: it is a directory")
    target = path.resolve()
    for source in inputs:
        if source.exists() and target == source.resolve():
            raise UsageError(
                f"refusing {option} {str(out)!r}: it is an input of this run; "
                "pycomsim never writes over a source file"
            )
    if path.exists() and path.suffix.lower() in SOURCE_SUFFIXES:
        raise UsageError(
            f"refusing {option} {str(out)!r}: it is an existing {path.suffix} file; "
            "pycomsim never writes over a source file"
        )
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {option} {str(out)!r}: no directory {str(path.parent)!r}")
    return path


def run_inputs(script: Path | None) -> list[Path]:
    """The files a single-script run reads: the script and the boot.py beside it."""
    if script is None:
        return []
    return [script, script.parent / "boot.py"]


class AtomicFile:
    """A file written under a temporary name and renamed to `path` by `commit()`."""

    def __init__(self, path: Path, option: str) -> None:
        self.path = path
        self.option = option
        self.direct = path.exists() and not stat.S_ISREG(path.stat().st_mode)
        if self.direct:
            self.temp = path  # /dev/null, a FIFO: written in place
            return
        try:
            fd, name = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix or ".tmp"
            )
        except OSError as error:
            raise UsageError(
                f"cannot write {option} {str(path)!r}: {error.strerror or error}"
            ) from None
        os.close(fd)
        self.temp = Path(name)

    def commit(self) -> None:
        """Put the finished file in place (with the permissions a new file gets)."""
        if self.direct:
            return
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.temp, 0o666 & ~umask)
        os.replace(self.temp, self.path)

    def keep_partial(self) -> Path:
        """After a failed write: keep what was written as NAME.partial (the old file stays)."""
        if self.direct:
            return self.path
        partial = self.path.with_name(self.path.name + ".partial")
        try:
            os.replace(self.temp, partial)
        except OSError:
            return self.temp
        return partial

    def discard(self) -> None:
        if not self.direct:
            self.temp.unlink(missing_ok=True)
