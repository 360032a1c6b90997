"""``uos`` (weak link ``os``) as esp32/mods/moduos.c of Pycom 1.20.2 defines it.

Names (``os_module_globals_table``): uname, chdir, getcwd, ilistdir, listdir, mkdir, rename,
remove, rmdir, stat, statvfs, getfree, fsformat, unlink, sync, urandom, mount, umount, mkfat,
dupterm. There is no ``sep``, ``path``, ``environ``, ``getenv``, ``walk`` or ``makedirs``.

Behaviour on the virtual flash (see ``vflash``): ``getcwd()`` is ``'/flash'`` after boot;
``stat`` returns the 10-tuple ``(mode, 0, 0, 0, 0, 0, size, mtime, mtime, mtime)`` with mode
0x4000 (dir) or 0x8000 (file); ``ilistdir`` yields ``(name, type, 0, size)``; ``remove`` on a
directory is EISDIR, ``rmdir`` on a file ENOTDIR (20), on a non-empty directory EACCES
(extmod/vfs_fat.c); ``rename`` over an existing file replaces it. Errors are ``OSError`` whose
text is ``[Errno 2] ENOENT``.

Every change lands in the board's flash layer, never in the script's folder (``vflash``);
``fsformat('/flash')`` empties the board's view (extmod/vfs.c ``mp_vfs_fsformat`` messages).

Deviations: ``mount``/``umount``/``mkfat`` raise ``OSError(EPERM)`` naming pycomsim's
limit (there is no SD card); ``dupterm`` records the
stream but the REPL is not duplicated; times are the host file times (seconds since 1970);
``statvfs``/``getfree`` count the files the board sees against the board's flash size; ``urandom`` draws
from the board's seeded ``random.Random``, not from hardware.
"""

from __future__ import annotations

import random
import shutil
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .attrtuple import AttrTuple
from .firmware_modules import flash_fs_bytes, uname_fields
from .mod_uerrno import ENOTDIR, ERRNO, oserror
from .vflash import BLOCK, MOUNT, ROOT, VirtualFlash, translate_errors

S_IFDIR, S_IFREG = 0x4000, 0x8000
_FAT_ROOT_MTIME = 946684800  # vfs_fat stat of "/": fdate 0x2821, 2000-01-01
_BLOCK = BLOCK


def _rel(flash: VirtualFlash, path: Any) -> str:
    rel = flash.rel(path)
    if rel == ROOT:
        raise oserror(ERRNO["EPERM"])  # mp_vfs_proxy_call on the VFS root
    return rel


def make_uos(
    flash_root: Path,
    board_type: str,
    *,
    rng: random.Random | None = None,
    flash: VirtualFlash | None = None,
    on_dupterm: Any = None,
) -> types.ModuleType:
    """A ``uos`` module for one board. Pass the same ``flash`` the builtin ``open`` uses."""
    vfs = flash if flash is not None else VirtualFlash(flash_root, size=flash_fs_bytes(board_type))
    rand = rng if rng is not None else random.Random(0)
    uname_info = AttrTuple(uname_fields(board_type))
    total_blocks = flash_fs_bytes(board_type) // _BLOCK
    state: dict[str, Any] = {"dupterm": None}
    mod = types.ModuleType("uos")

    def uname() -> AttrTuple:
        return uname_info

    def getcwd() -> str:
        return vfs.getcwd()

    def chdir(path: Any) -> None:
        vfs.chdir(path)

    def ilistdir(path: Any = None) -> Iterator[tuple]:
        entries = vfs.listdir_host(vfs.getcwd() if path is None else path)

        def gen() -> Iterator[tuple]:
            for name, host in entries:
                if host is None:  # a mount point listed at the VFS root
                    yield (name, S_IFDIR, 0)
                elif host.is_dir():
                    yield (name, S_IFDIR, 0, 0)
                else:
                    yield (name, S_IFREG, 0, host.stat().st_size)

        return gen()

    def listdir(path: Any = None) -> list:
        names = [e[0] for e in ilistdir(path)]
        return [n.encode() for n in names] if isinstance(path, bytes) else names

    def stat(path: Any) -> tuple:
        found = vfs.lookup(path)
        if found == ROOT:
            return (S_IFDIR, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        host: Path = found  # type: ignore[assignment]
        if vfs.rel(path) == "":
            return (S_IFDIR, 0, 0, 0, 0, 0, 0) + (_FAT_ROOT_MTIME,) * 3
        with translate_errors():
            st = host.stat()
        mode = S_IFDIR if host.is_dir() else S_IFREG
        size = 0 if mode == S_IFDIR else st.st_size
        return (mode, 0, 0, 0, 0, 0, size) + (int(st.st_mtime),) * 3

    def mkdir(path: Any) -> None:
        rel = _rel(vfs, path)
        if vfs.find(rel) is not None:
            raise oserror(ERRNO["EEXIST"])
        with translate_errors():
            vfs.writable(rel).mkdir()

    def remove(path: Any) -> None:
        rel = _rel(vfs, path)
        host = vfs.find(rel)
        if host is None:
            raise oserror(ERRNO["ENOENT"])
        if host.is_dir():
            raise oserror(ERRNO["EISDIR"])
        vfs.delete(rel)

    def rmdir(path: Any) -> None:
        rel = _rel(vfs, path)
        if rel == "":
            raise oserror(ERRNO["EACCES"])
        host = vfs.find(rel)
        if host is None:
            raise oserror(ERRNO["ENOENT"])
        if not host.is_dir():
            raise oserror(ENOTDIR)
        if vfs.listdir_host(MOUNT + "/" + rel):
            raise oserror(ERRNO["EACCES"])  # FatFs f_unlink on a non-empty dir: FR_DENIED
        vfs.delete(rel)

    def rename(old: Any, new: Any) -> None:
        src, dst = _rel(vfs, old), _rel(vfs, new)
        src_host = vfs.find(src)
        if src_host is None:
            raise oserror(ERRNO["ENOENT"])
        if src == dst:
            return
        if src == "" or (dst + "/").startswith(src + "/"):
            raise oserror(ERRNO["EINVAL"])  # FatFs f_rename into itself: FR_INVALID_NAME
        dst_host = vfs.find(dst)
        if dst_host is not None:
            if dst_host.is_dir():
                raise oserror(ERRNO["EISDIR"])  # vfs_fat removes new_path only if it is a file
            vfs.delete(dst)
        if src_host.is_dir():
            vfs.copy_tree(src, dst)
        else:
            target = vfs.writable(dst)
            with translate_errors():
                shutil.copyfile(src_host, target)
        vfs.delete(src)

    def statvfs(path: Any) -> tuple:
        _rel(vfs, path)
        free = max(0, total_blocks - vfs.used_bytes() // _BLOCK)
        return (_BLOCK, _BLOCK, total_blocks, free, free, 0, 0, 0, 0, 255)

    def fsformat(path: Any) -> None:
        """extmod/vfs.c ``mp_vfs_fsformat``: the mount point named exactly; formats the layer."""
        if not isinstance(path, (str, bytes)):
            raise OSError("please specify correct fs mount path")
        text = path.decode() if isinstance(path, bytes) else path
        if not text.startswith("/"):
            raise OSError(f"{text} is not an absolute or invalid path")
        if text == "/":
            raise OSError("Cannot format root dir")
        if text != MOUNT:
            raise oserror(ERRNO["ENODEV"])
        vfs.format()

    def getfree(path: Any) -> int:
        return statvfs(path)[3] * _BLOCK // 1024  # moduos getfree: free space in KiB

    def sync() -> None:
        return None

    def urandom(n: int) -> bytes:
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"can't convert {type(n).__name__} to int")
        return bytes(rand.getrandbits(8) for _ in range(max(0, n)))

    def dupterm(*args: Any) -> Any:
        if len(args) > 1:
            raise TypeError(f"function expected at most 1 arguments, got {len(args)}")
        if not args:
            return state["dupterm"]
        stream = args[0]
        if stream is not None and not (hasattr(stream, "read") and hasattr(stream, "write")):
            raise AttributeError(f"'{type(stream).__name__}' object has no attribute 'read'")
        state["dupterm"] = stream
        if on_dupterm is not None:
            on_dupterm(stream)  # the console now goes there (mp_hal_stdout_tx_strn)
        return None

    def _not_simulated(what: str) -> Any:
        def stub(*args: Any, **kwargs: Any) -> Any:
            raise OSError(ERRNO["EPERM"], f"pycomsim: {what} is not simulated")

        stub.__name__ = what
        return stub

    for name, fn in {
        "uname": uname,
        "chdir": chdir,
        "getcwd": getcwd,
        "ilistdir": ilistdir,
        "listdir": listdir,
        "mkdir": mkdir,
        "rename": rename,
        "remove": remove,
        "rmdir": rmdir,
        "stat": stat,
        "statvfs": statvfs,
        "getfree": getfree,
        "fsformat": fsformat,
        "unlink": remove,
        "sync": sync,
        "urandom": urandom,
        "mount": _not_simulated("mount"),
        "umount": _not_simulated("umount"),
        "mkfat": _not_simulated("mkfat"),
        "dupterm": dupterm,
    }.items():
        setattr(mod, name, fn)
    return mod
