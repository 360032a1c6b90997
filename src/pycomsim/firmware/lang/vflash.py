"""The board's virtual file system: a VFS root with ``/flash`` mounted on a host directory.

Path rules follow extmod/vfs.c (v1.11) ``mp_vfs_lookup_path``: ``/`` (or ``""``) is the VFS root,
which lists the mount points and can be ``chdir``-ed into; ``/flash`` and ``/flash/...`` are the
flash; any other absolute path belongs to no mount, so every operation on it is
``OSError(ENODEV)``; operations that need a file system on the root itself are ``EPERM``. A
relative path is taken from the current directory (``/flash`` after boot, esp32/mptask.c).
Inside ``/flash`` the FatFs errors of extmod/vfs_fat.c apply (ENOENT, EEXIST, EISDIR, ...).

Deviations: FAT is case-insensitive, the host directory may not be; ``__pycache__`` entries are
hidden; nothing is created in the host folder at boot (the board creates ``/flash/sys``,
``/flash/lib``, ``/flash/cert``, ``boot.py`` and ``main.py``); ``open`` returns a host file object.
"""

from __future__ import annotations

import errno as _host_errno
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .mod_uerrno import ERRNO, is_board_error, oserror

MOUNT = "/flash"
HIDDEN = frozenset({"__pycache__"})
ROOT = "root"  # lookup result for the VFS root

_HOST_TO_BOARD = {
    _host_errno.ENOENT: ERRNO["ENOENT"],
    _host_errno.EEXIST: ERRNO["EEXIST"],
    _host_errno.EISDIR: ERRNO["EISDIR"],
    _host_errno.ENOTDIR: ERRNO["ENOENT"],  # a file used as a directory: FatFs FR_NO_PATH
    _host_errno.ENOTEMPTY: ERRNO["EACCES"],  # FatFs f_unlink on a non-empty dir: FR_DENIED
    _host_errno.EACCES: ERRNO["EACCES"],
    _host_errno.EPERM: ERRNO["EACCES"],
    _host_errno.EINVAL: ERRNO["EINVAL"],
}


class VirtualFlash:
    """One board's VFS. ``root`` is the host folder that appears as ``/flash``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        self.cwd = MOUNT  # board path of the current directory

    # -- path resolution ------------------------------------------------------------------------

    def absolute(self, path: Any) -> str:
        """``path`` as a normalised absolute board path (``/`` or ``/flash...`` or other)."""
        if isinstance(path, (bytes, bytearray)):
            path = bytes(path).decode("utf-8")
        if not isinstance(path, str):
            raise TypeError(f"can't convert {type(path).__name__} to str")
        if not path.startswith("/"):
            path = posixpath.join(self.cwd, path)
        parts: list[str] = []
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                # FatFs stops at the volume root: /flash/.. stays /flash
                if parts and not (len(parts) == 1 and parts[0] == MOUNT[1:]):
                    parts.pop()
                continue
            parts.append(part)
        return "/" + "/".join(parts)

    def lookup(self, path: Any) -> str | Path:
        """``ROOT`` for the VFS root, else the host path inside ``/flash``; ENODEV elsewhere."""
        board = self.absolute(path)
        if board == "/":
            return ROOT
        if board != MOUNT and not board.startswith(MOUNT + "/"):
            raise oserror(ERRNO["ENODEV"])
        host = (self.root / board[len(MOUNT) :].lstrip("/")).resolve()
        if host != self.root and self.root not in host.parents:
            raise oserror(ERRNO["ENOENT"])  # a symlink out of the folder: not on the flash
        if any(part in HIDDEN for part in host.relative_to(self.root).parts):
            raise oserror(ERRNO["ENOENT"])
        return host

    def host_path(self, path: Any) -> Path:
        """Host path of a board path inside ``/flash`` (for sys.path entries, chdir, open)."""
        found = self.lookup(path)
        if found == ROOT:
            raise oserror(ERRNO["EPERM"])
        return found  # type: ignore[return-value]

    def getcwd(self) -> str:
        return self.cwd

    def chdir(self, path: Any) -> None:
        found = self.lookup(path)
        if found != ROOT and not Path(found).is_dir():
            raise oserror(ERRNO["ENOENT"])  # f_chdir: FR_NO_PATH
        self.cwd = self.absolute(path)

    def listdir_host(self, path: Any) -> list[tuple[str, Path | None]]:
        """(name, host path) entries of a directory, sorted for determinism; root lists mounts."""
        found = self.lookup(path)
        if found == ROOT:
            return [(MOUNT[1:], None)]
        with translate_errors():
            names = sorted(p.name for p in Path(found).iterdir() if p.name not in HIDDEN)
        return [(n, Path(found) / n) for n in names]

    # -- builtin open ---------------------------------------------------------------------------

    def open(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> IO:
        """The board's builtin ``open``: paths resolve through the VFS."""
        if isinstance(file, int):
            raise TypeError("can't convert int to str")
        host = self.host_path(file)
        if host.is_dir():
            raise oserror(ERRNO["ENOENT"])  # f_open on a directory: FR_NO_FILE
        if "b" not in mode:
            kwargs.setdefault("encoding", "utf-8")
            kwargs.setdefault("newline", "")  # the board never translates line endings
        with translate_errors():
            return open(host, mode, *args, **kwargs)  # noqa: SIM115 - handed to the script


@contextmanager
def translate_errors() -> Iterator[None]:
    """Host OSErrors become the board's (errno values and ``[Errno n] NAME`` text)."""
    try:
        yield
    except OSError as e:
        if is_board_error(e):
            raise
        if e.errno in _HOST_TO_BOARD:
            raise oserror(_HOST_TO_BOARD[e.errno]) from None
        raise oserror(ERRNO["EIO"]) from None
