"""The board's virtual file system: a VFS root with ``/flash`` mounted as an overlay.

``/flash`` shows the script's folder (the lower layer, never written) with a per-run layer on top
(``FlashLayer``): every write, rename, mkdir and delete lands in the layer, so a board script that
rotates its logs, updates itself or formats the flash never touches the user's sources. The layer
starts empty in a temporary folder, or persists in ``flash_dir`` between runs. A file deleted from
the lower layer is remembered as a whiteout (in ``.pycomsim-flash.json`` of a persistent layer).
The layer belongs to the board, so it survives ``machine.reset()`` and deep sleep as the flash does.

Path rules follow extmod/vfs.c (v1.11) ``mp_vfs_lookup_path``: ``/`` (or ``""``) is the VFS root,
which lists the mount points and can be ``chdir``-ed into; ``/flash`` and ``/flash/...`` are the
flash; any other absolute path belongs to no mount, so every operation on it is
``OSError(ENODEV)``; operations that need a file system on the root itself are ``EPERM``. A
relative path is taken from the current directory (``/flash`` after boot, esp32/mptask.c).
Inside ``/flash`` the FatFs errors of extmod/vfs_fat.c apply (ENOENT, EEXIST, EISDIR, ...), and a
write past the board's flash size is ENOSPC (extmod/vfs_fat_file.c ``file_obj_write``: a short
``f_write`` means the disk is full).

Deviations: FAT is case-insensitive, the host directory may not be; ``__pycache__`` entries are
hidden; nothing is created at boot (the board creates ``/flash/sys``, ``/flash/lib``,
``/flash/cert``, ``boot.py`` and ``main.py``); ``open`` returns a host file object (wrapped to
count the flash's free space when writing).
"""

from __future__ import annotations

import errno as _host_errno
import json
import os
import posixpath
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .mod_uerrno import ERRNO, is_board_error, oserror

MOUNT = "/flash"
HIDDEN = frozenset({"__pycache__"})
ROOT = "root"  # lookup result for the VFS root
BLOCK = 4096  # SFLASH sector size: the FAT cluster and statvfs block
ENOSPC = 28  # newlib sys/errno.h; not in MICROPY_PY_UERRNO_LIST, so printed as a number

_HOST_TO_BOARD = {
    _host_errno.ENOENT: ERRNO["ENOENT"],
    _host_errno.EEXIST: ERRNO["EEXIST"],
    _host_errno.EISDIR: ERRNO["EISDIR"],
    _host_errno.ENOTDIR: ERRNO["ENOENT"],  # a file used as a directory: FatFs FR_NO_PATH
    _host_errno.ENOTEMPTY: ERRNO["EACCES"],  # FatFs f_unlink on a non-empty dir: FR_DENIED
    _host_errno.EACCES: ERRNO["EACCES"],
    _host_errno.EPERM: ERRNO["EACCES"],
    _host_errno.EINVAL: ERRNO["EINVAL"],
    _host_errno.ENOSPC: ENOSPC,
}


class FlashLayer:
    """Where one board's writes to ``/flash`` go: a host folder plus the names deleted below it.

    ``folder=None``: a temporary folder, made at the first write and removed with the layer."""

    STATE = ".pycomsim-flash.json"

    def __init__(self, folder: Path | str | None = None) -> None:
        self.persistent = folder is not None
        self._dir: Path | None = None
        self.deleted: set[str] = set()  # whiteouts: lower entries (and all below) the board removed
        if folder is not None:
            self._dir = Path(folder).resolve()
            if self._dir.exists() and not self._dir.is_dir():
                raise ValueError(f"flash_dir {str(folder)!r} is not a directory")
            self._dir.mkdir(parents=True, exist_ok=True)
            state = self._dir / self.STATE
            if state.is_file():
                self.deleted = set(json.loads(state.read_text(encoding="utf-8")).get("deleted", []))

    def check_over(self, lower: Path) -> None:
        """Refuse a persistent layer that would write into the script folder ``lower``."""
        if self._dir is not None and (self._dir == lower or self._dir in lower.parents):
            raise ValueError(
                f"flash_dir {str(self._dir)!r} holds the script folder: the board would write over "
                "its sources; choose another folder"
            )

    @property
    def folder(self) -> Path:
        """The layer's host folder (a temporary one is made on first use)."""
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="pycomsim-flash-"))
            weakref.finalize(self, shutil.rmtree, str(self._dir), True)
        return self._dir

    def upper(self, rel: str) -> Path | None:
        """The layer's own entry for ``rel``, if it has one."""
        if self._dir is None:
            return None
        path = self._dir / rel if rel else self._dir
        if rel == self.STATE:
            return None
        return path if os.path.lexists(path) else None

    def hides(self, rel: str) -> bool:
        """True if the lower entry ``rel`` was deleted (itself or a folder above it)."""
        if not self.deleted:
            return False
        if "" in self.deleted:
            return True  # the flash was formatted
        parts = rel.split("/")
        return any("/".join(parts[: i + 1]) in self.deleted for i in range(len(parts)))

    def whiteout(self, rel: str) -> None:
        self.deleted.add(rel)
        self.save()

    def save(self) -> None:
        if self.persistent:
            state = self.folder / self.STATE
            state.write_text(json.dumps({"deleted": sorted(self.deleted)}), encoding="utf-8")


class VirtualFlash:
    """One board's VFS. ``root`` is the host folder seen as ``/flash``; ``layer`` takes the writes."""

    def __init__(
        self, root: Path | str, layer: FlashLayer | None = None, *, size: int | None = None
    ) -> None:
        self.root = Path(root).resolve()
        self.layer = layer if layer is not None else FlashLayer()
        self.size = size  # bytes of /flash (ENOSPC past it); None: unbounded
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

    def rel(self, path: Any) -> str:
        """``ROOT`` for the VFS root, else the path inside ``/flash`` ('' for its top); ENODEV
        elsewhere, ENOENT for hidden names."""
        board = self.absolute(path)
        if board == "/":
            return ROOT
        if board != MOUNT and not board.startswith(MOUNT + "/"):
            raise oserror(ERRNO["ENODEV"])
        rel = board[len(MOUNT) :].lstrip("/")
        if "\x00" in rel or any(part in HIDDEN for part in rel.split("/")):
            raise oserror(ERRNO["ENOENT"])
        return rel

    def find(self, rel: str) -> Path | None:
        """The host entry the board sees at ``rel`` (layer first, then the script folder)."""
        upper = self.layer.upper(rel)
        if upper is not None:
            return upper
        if rel == "":
            return self.root
        if self.layer.hides(rel):
            return None
        lower = (self.root / rel).resolve()
        if self.root not in lower.parents:
            return None  # a symlink out of the folder: not on the flash
        if self.layer._dir is not None and (
            lower == self.layer._dir or self.layer._dir in lower.parents
        ):
            return None  # a persistent layer kept inside the script folder is not on the flash
        return lower if lower.exists() else None

    def lookup(self, path: Any) -> str | Path:
        """``ROOT`` for the VFS root, else the host entry the board sees (ENOENT if none)."""
        rel = self.rel(path)
        if rel == ROOT:
            return ROOT
        found = self.find(rel)
        if found is None:
            raise oserror(ERRNO["ENOENT"])
        return found

    def host_path(self, path: Any) -> Path:
        """Host entry of an existing board path inside ``/flash`` (for imports, execfile)."""
        found = self.lookup(path)
        if found == ROOT:
            raise oserror(ERRNO["EPERM"])
        return found  # type: ignore[return-value]

    def file(self, path: str) -> Path | None:
        """Host file behind board path ``path``, or None (no such file, or not in /flash)."""
        try:
            rel = self.rel(path)
        except OSError:
            return None
        found = None if rel == ROOT else self.find(rel)
        return found if found is not None and found.is_file() else None

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
        if not Path(found).is_dir():
            raise oserror(ERRNO["ENOENT"])
        rel = self.rel(path)
        names: set[str] = set()
        for folder in {self.layer.upper(rel), self.root / rel if rel else self.root}:
            if folder is not None and folder.is_dir():
                with translate_errors():
                    names.update(p.name for p in folder.iterdir())
        entries = []
        for name in sorted(names - HIDDEN):
            host = self.find(f"{rel}/{name}" if rel else name)
            if host is not None and not (rel == "" and name == FlashLayer.STATE):
                entries.append((name, host))
        return entries

    # -- writing: everything lands in the layer --------------------------------------------------

    def writable(self, rel: str) -> Path:
        """The layer's host path for ``rel``, its parent folders copied up (ENOENT if missing)."""
        if rel == "":
            return self.layer.folder
        parent = posixpath.dirname(rel)
        found = self.find(parent)
        if found is None or not found.is_dir():
            raise oserror(ERRNO["ENOENT"])
        upper_parent = self.writable(parent) if parent else self.layer.folder
        upper_parent.mkdir(exist_ok=True)
        return upper_parent / posixpath.basename(rel)

    def copy_up(self, rel: str) -> Path:
        """The layer's copy of file ``rel`` (copied from the script folder on first write)."""
        target = self.writable(rel)
        if not os.path.lexists(target):
            found = self.find(rel)
            if found is not None and found.is_file():
                with translate_errors():
                    shutil.copyfile(found, target)
        return target

    def delete(self, rel: str) -> None:
        """Remove ``rel`` from the board's view (the layer's copy, and a whiteout for below)."""
        upper = self.layer.upper(rel)
        lower_seen = rel != "" and not self.layer.hides(rel) and (self.root / rel).exists()
        if upper is not None:
            with translate_errors():
                shutil.rmtree(upper) if upper.is_dir() else upper.unlink()
        if lower_seen:
            self.layer.whiteout(rel)

    def copy_tree(self, src: str, dst: str) -> None:
        """Copy what the board sees at folder ``src`` into the layer at ``dst`` (rename)."""
        self.writable(dst).mkdir(exist_ok=True)
        for name, host in self.listdir_host(MOUNT + "/" + src if src else MOUNT):
            s, d = f"{src}/{name}" if src else name, f"{dst}/{name}"
            if host is not None and host.is_dir():
                self.copy_tree(s, d)
            elif host is not None:
                with translate_errors():
                    shutil.copyfile(host, self.writable(d))

    def used_bytes(self, rel: str = "", skip: Path | None = None) -> int:
        """Bytes the board's files take, in whole 4 KiB clusters (statvfs, ENOSPC)."""
        used = 0
        for name, host in self.listdir_host(MOUNT + "/" + rel if rel else MOUNT):
            if host is None or host == skip:
                continue
            if host.is_dir():
                used += self.used_bytes(f"{rel}/{name}" if rel else name, skip)
            else:
                used += -(-host.stat().st_size // BLOCK) * BLOCK
        return used

    def format(self) -> None:
        """Empty the flash (``os.fsformat('/flash')``): the layer is cleared and hides everything."""
        folder = self.layer.folder
        for entry in folder.iterdir():
            if entry.name != FlashLayer.STATE:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        self.layer.deleted = set()
        self.layer.whiteout("")
        self.cwd = MOUNT

    # -- builtin open ---------------------------------------------------------------------------

    def open(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> IO:
        """The board's builtin ``open``: paths resolve through the VFS; writes go to the layer."""
        if isinstance(file, int):
            raise TypeError("can't convert int to str")
        if not isinstance(mode, str):
            raise TypeError(f"can't convert {type(mode).__name__} to str")
        rel = self.rel(file)
        if rel == ROOT:
            raise oserror(ERRNO["EPERM"])
        found = self.find(rel)
        if found is not None and found.is_dir():
            raise oserror(ERRNO["ENOENT"])  # f_open on a directory: FR_NO_FILE
        writing = any(c in mode for c in "wax+")
        if not writing:
            if found is None:
                raise oserror(ERRNO["ENOENT"])
            host = found
        elif "w" in mode or "x" in mode:
            if "x" in mode and found is not None:
                raise oserror(ERRNO["EEXIST"])
            host = self.writable(rel)
        else:  # 'a' and 'r+' keep the content: copy it up first
            if found is None and "r" in mode:
                raise oserror(ERRNO["ENOENT"])
            host = self.copy_up(rel)
        if "b" not in mode:
            kwargs.setdefault("encoding", "utf-8")
            kwargs.setdefault("newline", "")  # the board never translates line endings
        with translate_errors():
            stream = open(host, mode, *args, **kwargs)  # noqa: SIM115 - handed to the script
        if not writing or self.size is None:
            return stream
        budget = self.size - self.used_bytes(skip=host)
        return FlashFile(stream, budget)  # type: ignore[return-value]


class FlashFile:
    """A file open for writing on the flash: a write past the free space is ENOSPC
    (extmod/vfs_fat_file.c ``file_obj_write``); everything else is the host file's."""

    def __init__(self, stream: IO, budget: int) -> None:
        self._stream = stream
        self._budget = budget  # bytes this file may take, in whole clusters

    def write(self, data: Any) -> int:
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        end = max(self._stream.tell() + size, os.fstat(self._stream.fileno()).st_size)
        if -(-end // BLOCK) * BLOCK > self._budget:
            raise oserror(ENOSPC)
        with translate_errors():
            return self._stream.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._stream)

    def __enter__(self) -> FlashFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def __repr__(self) -> str:
        return repr(self._stream)


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
