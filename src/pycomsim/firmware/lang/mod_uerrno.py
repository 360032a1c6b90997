"""``uerrno`` (weak link ``errno``) and the board's OSError values.

The names are esp32/mpconfigport.h ``MICROPY_PY_UERRNO_LIST``. That file no longer sets
``MICROPY_USE_INTERNAL_ERRNO``, so py/mperrno.h takes the values from the toolchain's newlib
``<sys/errno.h>``: the file-system codes match Linux, the network ones do not (ETIMEDOUT is 116,
ENOTCONN 128, ...). ``errorcode`` maps value -> name (MICROPY_PY_UERRNO_ERRORCODE, default 1).

Deviation: the list also carries mbedTLS, lwIP, ESP-IDF and getaddrinfo codes (``MBEDTLS_ERR_*``,
``ERR_*``, ``ESP_ERR_*``, ``EAI_*``...); they only matter to network code, which pycomsim does
not run, so they are left out here.
"""

from __future__ import annotations

import types

# newlib sys/errno.h values, in MICROPY_PY_UERRNO_LIST order
ERRNO: dict[str, int] = {
    "EPERM": 1,
    "ENOENT": 2,
    "EIO": 5,
    "EBADF": 9,
    "EAGAIN": 11,
    "ENOMEM": 12,
    "EACCES": 13,
    "EEXIST": 17,
    "ENODEV": 19,
    "EISDIR": 21,
    "EINVAL": 22,
    "EMSGSIZE": 122,
    "EOPNOTSUPP": 95,
    "EADDRINUSE": 112,
    "ENETDOWN": 115,
    "ECONNABORTED": 113,
    "ECONNRESET": 104,
    "ENOBUFS": 105,
    "ENOTCONN": 128,
    "ETIMEDOUT": 116,
    "ECONNREFUSED": 111,
    "EHOSTUNREACH": 118,
    "EALREADY": 120,
    "EINPROGRESS": 119,
}
# Raised by the VFS layer but not named in uerrno (extmod/vfs_fat.c): the board prints just the number.
ENOTDIR = 20
ERRORCODE: dict[int, str] = {v: k for k, v in ERRNO.items()}


def oserror(code: int) -> OSError:
    """OSError as the board raises it: ``str()`` reads ``[Errno 2] ENOENT`` (name, not strerror).

    ``args`` holds the name as a second item, which the board's OSError does not have;
    ``e.errno`` and ``e.args[0]`` match.
    """
    name = ERRORCODE.get(code)
    if name:
        err = OSError(code, name)
    else:
        err = OSError(code)  # the board prints just the number: "OSError: 20"
        err.errno = code
    err._pycomsim_board_errno = True  # type: ignore[attr-defined]
    return err


def is_board_error(err: BaseException) -> bool:
    """True for an OSError made by ``oserror`` (already in the board's terms)."""
    return getattr(err, "_pycomsim_board_errno", False) is True


def make_uerrno() -> types.ModuleType:
    mod = types.ModuleType("uerrno")
    for name, value in ERRNO.items():
        setattr(mod, name, value)
    mod.errorcode = dict(ERRORCODE)
    return mod
