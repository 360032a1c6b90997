"""The modules and `sys`/`os.uname()` facts of Pycom firmware 1.20.2.r4 (MicroPython 1.11 base).

One table, derived from the firmware source (pycom/pycom-micropython-sigfox, 2021 tree of release
1.20.2.r4; upstream MicroPython v1.11 for the `py/` defaults). Where a list in the
Pycom docs disagrees with the source, the source wins.

Where the names come from
-------------------------
* ``py/objmodule.c`` ``mp_builtin_module_table`` (v1.11): ``__main__``, ``builtins``,
  ``micropython`` always; then one entry per enabled ``MICROPY_PY_*`` option. The port enables
  (``esp32/mpconfigport.h``): ``MICROPY_PY_ARRAY``, ``_IO``, ``_COLLECTIONS``, ``_STRUCT``, ``_MATH``,
  ``_CMATH``, ``_SYS``, ``_GC``, ``_THREAD``, ``_UERRNO``, ``_UCTYPES``, ``_UZLIB``, ``_UJSON``,
  ``_URE``, ``_UTIMEQ``, ``_UBINASCII``, ``_USELECT``, ``_FRAMEBUF``. (It also sets
  ``MICROPY_PY_WEBSOCKET``, a name v1.11 no longer reads: the table entry is under
  ``MICROPY_PY_UWEBSOCKET``, 0 by default, so there is no ``websocket`` module.)
  It disables ``MICROPY_PY_UHASHLIB`` (the port ships its own) and leaves ``MICROPY_PY_URANDOM``,
  ``_UHEAPQ``, ``_USSL`` (upstream one), ``_BTREE``, ``_WEBREPL``, ``_LWIP`` at their 0 defaults
  (``py/mpconfig.h``). So there is **no** ``urandom``/``random``, ``uheapq``/``heapq``.
* ``esp32/mpconfigport.h`` ``MICROPY_PORT_BUILTIN_MODULES``: ``umachine``, ``uos``, ``network``,
  ``usocket``, ``uselect``, ``utime``, ``pycom``, ``uhashlib``, ``ucrypto``, ``ubinascii``, ``ussl``,
  ``uerrno``, ``uqueue``.
* ``esp32/mpconfigport.h`` ``MICROPY_PORT_BUILTIN_MODULE_WEAK_LINKS``: ``machine``, ``os``,
  ``socket``, ``select``, ``binascii``, ``struct``, ``re``, ``json``, ``time``, ``hashlib``,
  ``crypto``, ``ssl``, ``errno``, ``queue``. Nothing else is linked: ``import collections``,
  ``import io``, ``import zlib``, ``import random`` fail on the board (``ucollections``, ``uio``,
  ``uzlib`` are the names; there is no random module at all).

Import order (``py/builtinimport.c`` v1.11, ``mp_builtin___import__``): already-loaded modules and
the built-in table above by **real name** first, then files on ``sys.path``, then the weak links.
So a user ``pycom.py`` never shadows ``pycom``, but a user ``time.py`` does shadow ``time``.
A miss raises ``ImportError("no module named '<name>'")`` (``MICROPY_ERROR_REPORTING_NORMAL``).

Frozen bytecode (``esp32/frozen``: ``_boot``, ``_main``, Pybytes/LTE/mesh helpers) is not listed:
user scripts do not import those, and the network ones could not run here anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """How pycomsim answers ``import <name>`` for a firmware module."""

    PROVIDED = "provided"  # pycomsim gives a board version (see ``ModuleInfo.provider``)
    HOST = "host"  # the host CPython module backs it, narrowed to the board's names
    NETWORK = "network"  # radio/IP side: ImportError naming pycomsim's limit
    UNSIMULATED = "unsimulated"  # on the board, but pycomsim has no faithful model yet


@dataclass(frozen=True)
class ModuleInfo:
    name: str  # real (built-in table) name
    kind: Kind
    # 'core' (machine/time/pycom facades), 'lang' (pycomsim.firmware.lang),
    # 'network' (pycomsim.firmware.network: network, usocket), or '' if none
    provider: str
    source: str  # where the firmware defines it (file + macro)


def _m(name: str, kind: Kind, provider: str, source: str) -> ModuleInfo:
    return ModuleInfo(name, kind, provider, source)


_OBJMODULE = "py/objmodule.c mp_builtin_module_table"
_PORT = "esp32/mpconfigport.h MICROPY_PORT_BUILTIN_MODULES"

# Real names of every built-in module of the firmware, in table order.
BUILTIN_MODULES: dict[str, ModuleInfo] = {
    m.name: m
    for m in (
        _m("__main__", Kind.PROVIDED, "core", _OBJMODULE),
        _m("builtins", Kind.PROVIDED, "core", _OBJMODULE),
        _m("micropython", Kind.PROVIDED, "lang", _OBJMODULE),
        _m("array", Kind.HOST, "lang", _OBJMODULE + " MICROPY_PY_ARRAY"),
        _m("uio", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_IO"),
        _m("ucollections", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_COLLECTIONS"),
        _m("ustruct", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_STRUCT"),
        _m("math", Kind.HOST, "lang", _OBJMODULE + " MICROPY_PY_MATH"),
        _m("cmath", Kind.HOST, "lang", _OBJMODULE + " MICROPY_PY_CMATH"),
        _m("sys", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_SYS"),
        _m("gc", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_GC"),
        _m("_thread", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_THREAD"),
        _m("uerrno", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_UERRNO; " + _PORT),
        _m("uctypes", Kind.UNSIMULATED, "", _OBJMODULE + " MICROPY_PY_UCTYPES"),
        _m("uzlib", Kind.UNSIMULATED, "", _OBJMODULE + " MICROPY_PY_UZLIB"),
        _m("ujson", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_UJSON"),
        _m("ure", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_URE"),
        _m("utimeq", Kind.UNSIMULATED, "", _OBJMODULE + " MICROPY_PY_UTIMEQ"),
        _m("ubinascii", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_UBINASCII; " + _PORT),
        # esp32/mods/moduselect.c: poll/select over stream objects (sockets, UART); none in pycomsim
        _m("uselect", Kind.PROVIDED, "lang", _OBJMODULE + " MICROPY_PY_USELECT; " + _PORT),
        _m("framebuf", Kind.UNSIMULATED, "", _OBJMODULE + " MICROPY_PY_FRAMEBUF"),
        _m("umachine", Kind.PROVIDED, "core", _PORT + " machine_module"),
        _m("uos", Kind.PROVIDED, "lang", _PORT + " mp_module_uos (esp32/mods/moduos.c)"),
        _m("network", Kind.PROVIDED, "network", _PORT + " mp_module_network"),
        _m("usocket", Kind.PROVIDED, "network", _PORT + " mp_module_usocket"),
        _m("utime", Kind.PROVIDED, "core", _PORT + " utime_module"),
        _m("pycom", Kind.PROVIDED, "core", _PORT + " pycom_module"),
        _m("uhashlib", Kind.UNSIMULATED, "", _PORT + " mp_module_uhashlib (esp32 hw SHA)"),
        _m("ucrypto", Kind.UNSIMULATED, "", _PORT + " module_ucrypto"),
        _m("ussl", Kind.PROVIDED, "network", _PORT + " mp_module_ussl (esp32/mods/modussl.c)"),
        _m("uqueue", Kind.UNSIMULATED, "", _PORT + " mp_module_uqueue"),
    )
}

# Weak links: alias -> real name (esp32/mpconfigport.h MICROPY_PORT_BUILTIN_MODULE_WEAK_LINKS).
# Looked up only after sys.path, so a user file of the same name wins.
WEAK_LINKS: dict[str, str] = {
    "machine": "umachine",
    "os": "uos",
    "socket": "usocket",
    "select": "uselect",
    "binascii": "ubinascii",
    "struct": "ustruct",
    "re": "ure",
    "json": "ujson",
    "time": "utime",
    "hashlib": "uhashlib",
    "crypto": "ucrypto",
    "ssl": "ussl",
    "errno": "uerrno",
    "queue": "uqueue",
}

NETWORK: frozenset[str] = frozenset(
    [n for n, m in BUILTIN_MODULES.items() if m.kind is Kind.NETWORK]
    + [a for a, n in WEAK_LINKS.items() if BUILTIN_MODULES[n].kind is Kind.NETWORK]
)
UNSIMULATED: frozenset[str] = frozenset(
    [n for n, m in BUILTIN_MODULES.items() if m.kind is Kind.UNSIMULATED]
    + [a for a, n in WEAK_LINKS.items() if BUILTIN_MODULES[n].kind is Kind.UNSIMULATED]
)


def resolve(name: str) -> ModuleInfo | None:
    """The firmware module ``name`` denotes (real name or weak link), or None if the board has none."""
    return BUILTIN_MODULES.get(WEAK_LINKS.get(name, name))


def import_error(name: str) -> ImportError:
    """The ImportError a script gets for ``import name`` when no user file provides it.

    The board's own message is ``no module named 'x'``; a module the board has but pycomsim
    cannot run says that it is pycomsim's limit, in the words of every other such name
    (firmware/gaps.py): ``uhashlib is not simulated by pycomsim yet``.
    """
    info = resolve(name)
    if info is not None and info.kind in (Kind.NETWORK, Kind.UNSIMULATED):
        return ImportError(f"{name} is not simulated by pycomsim yet", name=name)
    return ImportError(f"no module named '{name}'", name=name)


# ---------------------------------------------------------------------------------------------
# Board facts: sys and os.uname()

BOARD_TYPES = ("wipy3", "lopy", "lopy4", "sipy", "fipy", "gpy")

# esp32/boards/<BOARD>/mpconfigboard.h: MICROPY_PY_SYS_PLATFORM == MICROPY_HW_BOARD_NAME.
# sys.platform is this name (py/modsys.c), not 'esp32'.
PLATFORM: dict[str, str] = {
    "wipy3": "WiPy",
    "lopy": "LoPy",
    "lopy4": "LoPy4",
    "sipy": "SiPy",
    "fipy": "FiPy",
    "gpy": "GPy",
}

# esp32/pycom_version.h
SW_VERSION_NUMBER = "1.20.2.r4"
LORAWAN_VERSION_NUMBER = "1.0.2"
SIGFOX_VERSION_NUMBER = "1.0.1"
# MICROPY_GIT_TAG " on " MICROPY_BUILD_DATE, as the release banner prints it
# ("Pycom MicroPython 1.20.2.r4 [v1.11-ffb0e1c] on 2021-01-12").
FIRMWARE_VERSION = "v1.11-ffb0e1c on 2021-01-12"
MCU_NAME = "ESP32"  # esp32/mpconfigport.h MICROPY_HW_MCU_NAME

# esp32/mods/moduos.c os_uname_info_fields: 'lorawan' under defined(LOPY||LOPY4||FIPY);
# 'sigfox' under MOD_SIGFOX_ENABLED (esp32/Makefile: SIPY LOPY4 FIPY by default);
# 'pybytes'/'pygate' only in the PYBYTES/PYGATE variants, not in the base firmware modelled here.
_LORAWAN_BOARDS = frozenset({"lopy", "lopy4", "fipy"})
_SIGFOX_BOARDS = frozenset({"sipy", "lopy4", "fipy"})


def uname_fields(board_type: str) -> dict[str, str]:
    """``os.uname()`` fields of ``board_type``, in the firmware's order."""
    name = PLATFORM[board_type]
    fields = {
        "sysname": name,
        "nodename": name,
        "release": SW_VERSION_NUMBER,
        "version": FIRMWARE_VERSION,
        "machine": f"{name} with {MCU_NAME}",
    }
    if board_type in _LORAWAN_BOARDS:
        fields["lorawan"] = LORAWAN_VERSION_NUMBER
    if board_type in _SIGFOX_BOARDS:
        fields["sigfox"] = SIGFOX_VERSION_NUMBER
    return fields


# py/modsys.c (v1.11)
SYS_VERSION = "3.4.0"
SYS_VERSION_INFO = (3, 4, 0)
IMPLEMENTATION_NAME = "micropython"
IMPLEMENTATION_VERSION = (1, 11, 0)  # v1.11 has only name and version (no 'mpy' field yet)
BYTEORDER = "little"
MAXSIZE = 2**31 - 1  # MP_SSIZE_MAX 0x7FFFFFFF (esp32/mpconfigport.h)
# esp32/mptask.c TASK_Micropython: '' first, then /flash and /flash/lib once the FS is mounted.
SYS_PATH = ("", "/flash", "/flash/lib")

# Second-generation modules have PSRAM (esp32/mptask.c: esp32_get_chip_rev() > 0).
SECOND_GENERATION = frozenset({"wipy3", "lopy4", "fipy", "gpy"})


def gc_heap_bytes(board_type: str) -> int:
    """Usable GC pool in bytes (``gc.mem_free() + gc.mem_alloc()``).

    esp32/mptask.c: GC_POOL_SIZE_BYTES_PSRAM (2048 + 512) KiB, else GC_POOL_SIZE_BYTES 67 KiB;
    py/gc.c gc_init (finaliser on, 16-byte blocks) keeps total * 8 // 524 ATB bytes, 64 pool
    bytes per ATB byte: 2561344 and 67008, the numbers boards print.
    """
    total = (2048 + 512) * 1024 if board_type in SECOND_GENERATION else 67 * 1024
    return (total * 8 // 524) * 64


def stack_limit_bytes(board_type: str) -> int:
    """``micropython.mem_info()`` stack limit: task stack - 1024 (esp32/mptask.h, mptask.c)."""
    return (12 if board_type in SECOND_GENERATION else 8) * 1024 - 1024


def flash_fs_bytes(board_type: str) -> int:
    """Size of /flash: MICROPY_PORT_SFLASH_BLOCK_COUNT_8MB (1024) or _4MB (127) 4 KiB sectors."""
    return (1024 if board_type in SECOND_GENERATION else 127) * 4096


# micropython module (py/modmicropython.c): MICROPY_ENABLE_SCHEDULER defaults to 0 in v1.11 and
# esp32/mpconfigport.h does not enable it, so the board has no micropython.schedule.
MICROPYTHON_HAS_SCHEDULE = False
