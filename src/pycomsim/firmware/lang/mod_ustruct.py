"""``ustruct`` (weak link ``struct``) as py/modstruct.c + py/binary.c of MicroPython 1.11 behave.

Board rules CPython's ``struct`` does not follow:

* functions only: calcsize, pack, pack_into, unpack, unpack_from (no ``Struct``, no iter_unpack);
* byte order prefixes ``<``, ``>``, ``!``, ``@`` (default, native alignment on a 32-bit
  little-endian ESP32); ``=`` and the codes ``x``, ``?``, ``e``, ``n``, ``N`` and spaces are
  ``ValueError('bad typecode')`` (mp_binary_get_size knows only '<', '>' and '@');
* integers that do not fit are silently truncated to the field (no range error);
* ``pack`` with too few values leaves the rest zero, extra values are ignored;
* ``unpack`` accepts a buffer *longer* than the format (it is unpack_from with offset 0);
  a short buffer is ``ValueError('buffer too small')``; every error is a ValueError;
* ``Ns`` accepts anything with the buffer protocol, str included (its UTF-8 bytes);
* floats are the board's float32: ``f`` packs/unpacks single precision; ``d`` packs a double
  holding the float32 value and unpacks to the float32 nearest the stored double.

Deviations: ``O``, ``S`` (object/string pointers) are refused with a ValueError naming the
limit; ``P`` is treated as a 4-byte unsigned integer.
"""

from __future__ import annotations

import struct as _struct
import types
from typing import Any

# (size, alignment for '@', signed) per code; sizes are the same for '<' and '>' (binary.c).
_CODES = {
    "b": (1, 1, True),
    "B": (1, 1, False),
    "h": (2, 2, True),
    "H": (2, 2, False),
    "i": (4, 4, True),
    "I": (4, 4, False),
    "l": (4, 4, True),
    "L": (4, 4, False),
    "q": (8, 8, True),
    "Q": (8, 8, False),
    "P": (4, 4, False),
    "f": (4, 4, False),
    "d": (8, 8, False),
}


def _parse(fmt: Any) -> tuple[str, list[tuple[int, str]]]:
    if isinstance(fmt, (bytes, bytearray)):
        fmt = bytes(fmt).decode()
    if not isinstance(fmt, str):
        raise TypeError(f"can't convert {type(fmt).__name__} to str")
    order = "@"
    if fmt[:1] in ("<", ">", "!", "@", "="):
        order, fmt = (">" if fmt[0] == "!" else fmt[0]), fmt[1:]
    items: list[tuple[int, str]] = []
    i = 0
    while i < len(fmt):
        j = i
        while j < len(fmt) and fmt[j].isdigit():
            j += 1
        count = int(fmt[i:j]) if j > i else 1
        if j >= len(fmt):
            break  # a trailing count without code is ignored by the board's loop
        code = fmt[j]
        if code in ("O", "S"):
            raise ValueError(f"pycomsim: struct code '{code}' (object pointer) is not simulated")
        if code != "s" and (code not in _CODES or order == "="):
            raise ValueError("bad typecode")
        items.append((count, code))
        i = j + 1
    return order, items


def _layout(fmt: Any) -> tuple[str, list[tuple[int, str, int]], int]:
    """(order, [(offset, code, size_for_s)], total size) with '@' alignment applied."""
    order, items = _parse(fmt)
    fields: list[tuple[int, str, int]] = []
    pos = 0
    for count, code in items:
        if code == "s":
            fields.append((pos, "s", count))
            pos += count
            continue
        size, align, _ = _CODES[code]
        for _ in range(count):
            if order == "@":
                pos = (pos + align - 1) & ~(align - 1)
            fields.append((pos, code, size))
            pos += size
    return order, fields, pos


def calcsize(fmt: Any) -> int:
    return _layout(fmt)[2]


def _encode(order: str, code: str, value: Any) -> bytes:
    endian = ">" if order == ">" else "<"
    if code in ("f", "d"):
        if isinstance(value, str) or not isinstance(value, (int, float)):
            raise TypeError(f"can't convert {type(value).__name__} to float")
        # mp_obj_get_float: the board's float is single precision, also before widening to 'd'
        return _struct.pack(endian + code, to_float32(float(value)))
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) or not hasattr(value, "__index__"):
            raise TypeError(f"can't convert {type(value).__name__} to int")
    size, _, _ = _CODES[code]
    # Truncate like mp_binary_set_int / mp_obj_int_to_bytes_impl: keep the low bytes.
    return (int(value) & ((1 << (8 * size)) - 1)).to_bytes(
        size, "big" if order == ">" else "little"
    )


def to_float32(x: float) -> float:
    """The float32 value nearest ``x`` (inf beyond float32 range), as a host float."""
    try:
        return _struct.unpack("<f", _struct.pack("<f", x))[0]
    except OverflowError:
        return float("inf") if x > 0 else float("-inf")


def _decode(order: str, code: str, raw: bytes) -> Any:
    if code in ("f", "d"):
        # mp_obj_new_float narrows a 'd' to the board's float32 too
        return to_float32(_struct.unpack((">" if order == ">" else "<") + code, raw)[0])
    return int.from_bytes(raw, "big" if order == ">" else "little", signed=_CODES[code][2])


def _pack_into(fmt: Any, buf: bytearray | memoryview, offset: int, values: tuple) -> None:
    order, fields, size = _layout(fmt)
    if offset + size > len(buf):
        raise ValueError("buffer too small")
    # pack with fewer values than fields leaves zeros; extra values are ignored (board loop)
    for (pos, code, n), value in zip(fields, values, strict=False):
        if code == "s":
            data = value.encode() if isinstance(value, str) else bytes(memoryview(value))
            chunk = data[:n] + bytes(max(0, n - len(data)))
        else:
            chunk = _encode(order, code, value)
        buf[offset + pos : offset + pos + len(chunk)] = chunk


def pack(fmt: Any, *values: Any) -> bytes:
    buf = bytearray(calcsize(fmt))
    _pack_into(fmt, buf, 0, values)
    return bytes(buf)


def pack_into(fmt: Any, buffer: Any, offset: int, *values: Any) -> None:
    view = memoryview(buffer).cast("B")
    if offset < 0:
        offset += len(view)
        if offset < 0:
            raise ValueError("buffer too small")
    _pack_into(fmt, view, offset, values)


def unpack_from(fmt: Any, buffer: Any, offset: int = 0) -> tuple:
    data = bytes(memoryview(buffer).cast("B"))
    if offset < 0:
        offset += len(data)
        if offset < 0:
            raise ValueError("buffer too small")
    order, fields, size = _layout(fmt)
    if offset + size > len(data):
        raise ValueError("buffer too small")
    out = []
    for pos, code, n in fields:
        raw = data[offset + pos : offset + pos + n]
        out.append(raw if code == "s" else _decode(order, code, raw))
    return tuple(out)


def unpack(fmt: Any, buffer: Any) -> tuple:
    # struct_unpack_obj is struct_unpack_from on the board: a longer buffer is fine.
    return unpack_from(fmt, buffer)


def make_ustruct() -> types.ModuleType:
    mod = types.ModuleType("ustruct")
    mod.calcsize, mod.pack, mod.pack_into = calcsize, pack, pack_into
    mod.unpack, mod.unpack_from = unpack, unpack_from
    return mod
