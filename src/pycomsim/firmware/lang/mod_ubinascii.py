"""``ubinascii`` (weak link ``binascii``) as extmod/modubinascii.c of MicroPython 1.11 behaves.

Names: hexlify, unhexlify, a2b_base64, b2a_base64. No ``crc32``: it needs
MICROPY_PY_UBINASCII_CRC32, 0 by default (py/mpconfig.h) and not enabled by esp32/mpconfigport.h.

Board rules: every function takes anything with the buffer protocol, str included (its UTF-8
bytes). ``hexlify(data, sep)`` puts the first character of ``sep`` between bytes. Errors are
plain ``ValueError``: "odd-length string", "non-hex digit found", "incorrect padding".
``a2b_base64`` skips characters outside the alphabet, as the board's decoder does.
``b2a_base64`` always ends with a newline.
"""

from __future__ import annotations

import binascii as _binascii
import types
from typing import Any

_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SEXTET = {c: i for i, c in enumerate(_B64)}


def _buffer(data: Any) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    try:
        return bytes(memoryview(data).cast("B"))
    except TypeError:
        raise TypeError(
            f"object with buffer protocol required, got {type(data).__name__}"
        ) from None


def hexlify(data: Any, sep: Any = None) -> bytes:
    raw = _buffer(data)
    if sep is None or not raw:
        return _binascii.hexlify(raw)
    if isinstance(sep, (bytes, bytearray)):
        sep = bytes(sep).decode()
    if not isinstance(sep, str):
        raise TypeError(f"can't convert {type(sep).__name__} to str")
    joiner = sep[:1].encode("utf-8")[:1]  # the board copies one byte
    return joiner.join(_binascii.hexlify(bytes([b])) for b in raw)


def unhexlify(data: Any) -> bytes:
    raw = _buffer(data)
    if len(raw) % 2:
        raise ValueError("odd-length string")
    if any(c not in b"0123456789abcdefABCDEF" for c in raw):
        raise ValueError("non-hex digit found")
    return _binascii.unhexlify(raw)


def a2b_base64(data: Any) -> bytes:
    # Transcribed from mod_binascii_a2b_base64 (v1.11) so padding edge cases match the board.
    out = bytearray()
    shift = nbits = 0
    hadpad = False
    for c in _buffer(data):
        if c == ord("="):
            if nbits == 2 or (nbits == 4 and hadpad):
                nbits = 0
                break
            hadpad = True
        sextet = _SEXTET.get(c)
        if sextet is None:
            continue
        hadpad = False
        shift = ((shift << 6) | sextet) & 0xFFFFFFFF
        nbits += 6
        if nbits >= 8:
            nbits -= 8
            out.append((shift >> nbits) & 0xFF)
    if nbits:
        raise ValueError("incorrect padding")
    return bytes(out)


def b2a_base64(data: Any) -> bytes:
    return _binascii.b2a_base64(_buffer(data))


def make_ubinascii() -> types.ModuleType:
    mod = types.ModuleType("ubinascii")
    mod.hexlify, mod.unhexlify = hexlify, unhexlify
    mod.a2b_base64, mod.b2a_base64 = a2b_base64, b2a_base64
    return mod
