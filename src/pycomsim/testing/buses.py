"""Bus assertions: the I2C and SPI transfers a board made, as short lines compared one for one.

    assert_i2c(board, ["0x40 W 05 a5 5a", "0x40 W 05", "0x40 R a5 5a", "0x23 W NACK"])
    assert_spi(board, ["9f 00 00 00 -> ff ef 40 18"])

An I2C line is the 7-bit address, W or R, then the bytes written or read (hex); `NACK` at the end means
the last byte shown was not acknowledged (right after W or R: the address itself). An SPI line is the
MOSI bytes, `->`, and the MISO bytes of one call. A mismatch fails with both lists side by side.
"""

from __future__ import annotations

from typing import Any

from ..sim.i2c_bus import I2CTransfer, transfers
from ..sim.spi_bus import SPITransfer
from ..sim.spi_bus import transfers as spi_transfers


def i2c_line(transfer: I2CTransfer) -> str:
    words = [f"0x{transfer.address:02x}", "R" if transfer.read else "W"]
    words += [f"{b:02x}" for b in transfer.data]
    if not transfer.ack or transfer.nack_at is not None:
        words.append("NACK")
    return " ".join(words)


def spi_line(transfer: SPITransfer) -> str:
    return " ".join(part for part in (transfer.mosi.hex(" "), "->", transfer.miso.hex(" ")) if part)


def i2c_log(board: Any, address: int | None = None) -> list[str]:
    """The board's I2C transfers so far as lines (only those to `address` if given)."""
    return [i2c_line(tr) for _t, tr in transfers(board.world, board.name, address)]


def spi_log(board: Any) -> list[str]:
    """The board's SPI transfers so far as lines."""
    return [spi_line(tr) for _t, tr in spi_transfers(board.world, board.name)]


def _normal(line: str) -> str:
    words = str(line).replace("->", " -> ").split()
    out = []
    for word in words:
        low = word.lower()
        if low in ("r", "w", "nack"):
            out.append(low.upper())
        elif low.startswith("0x"):
            out.append(f"0x{int(low, 16):02x}")
        else:
            out.append(low)
    return " ".join(out)


def _compare(what: str, actual: list[str], expected: list[str]) -> list[str]:
    __tracebackhide__ = True
    if isinstance(expected, str):
        raise TypeError(f"assert_{what} takes a list of lines, not one string: [{expected!r}]")
    want = [_normal(line) for line in expected]
    if actual == want:
        return actual
    rows = [("", "expected", "actual")]
    for i in range(max(len(want), len(actual))):
        left = want[i] if i < len(want) else "-"
        right = actual[i] if i < len(actual) else "-"
        rows.append((f"{i + 1}", left, right + ("" if left == right else "   <--")))
    widths = [max(len(r[c]) for r in rows) for c in range(2)]
    table = "\n".join(f"  {r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}".rstrip() for r in rows)
    raise AssertionError(
        f"{what.upper()} transfers do not match ({len(actual)} made, {len(want)} expected)\n{table}"
    )


def assert_i2c(board: Any, expected: list[str], address: int | None = None) -> list[str]:
    """Assert the board's I2C transfers (to `address`, if given) are exactly `expected`."""
    __tracebackhide__ = True
    return _compare("i2c", i2c_log(board, address), expected)


def assert_spi(board: Any, expected: list[str]) -> list[str]:
    """Assert the board's SPI transfers are exactly `expected` ('MOSI -> MISO' lines)."""
    __tracebackhide__ = True
    return _compare("spi", spi_log(board), expected)
