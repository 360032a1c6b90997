"""Every part module that registers a kind in the part catalogue (sim/part_catalogue.py), and the
catalogue section of docs/parts.md rendered from those registrations (a test keeps the doc in step;
`make parts-doc` rewrites it).

board.py imports this module, so a board knows every kind; a new part module adds its import here.
"""

from __future__ import annotations

from pathlib import Path

from . import (
    dht,  # noqa: F401 - dht11, dht22
    ds18b20,  # noqa: F401
    eeprom24,  # noqa: F401 - eeprom-24lc256, eeprom-24lc32
    hcsr04,  # noqa: F401 - hcsr04
    spi_flash,  # noqa: F401 - w25q32
)
from .part_catalogue import part_kinds
from .shields import kinds  # noqa: F401 - pysense, pysense2, pytrack, pytrack2

BEGIN = "<!-- catalogue: generated from the part registrations; do not edit by hand -->"
END = "<!-- end of catalogue -->"


def catalogue_markdown() -> str:
    """The catalogue section of docs/parts.md: every registered kind, its pins, options and datasheet."""
    lines = [BEGIN, ""]
    for entry in part_kinds().values():
        lines.append(f"### `{entry.kind}`")
        lines.append("")
        if entry.summary:
            lines.append(entry.summary[0].upper() + entry.summary[1:] + ".")
            lines.append("")
        pins = ", ".join(f"`{role}`" for role in entry.pins)
        lines.append(f"- **pins**: {pins + ', in this order' if entry.pins else 'none'}")
        lines.append(f"- **command line**: `--part {entry.usage()}`")
        lines.append(f"- **datasheet**: {entry.datasheet}")
        lines.append("")
        if entry.options:
            lines.append("| option | meaning |")
            lines.append("| --- | --- |")
            for name, meaning in entry.options.items():
                lines.append(f"| `{name}` | {meaning.replace('|', '/')} |")
            lines.append("")
    lines.append(END)
    return "\n".join(lines) + "\n"


def with_catalogue(doc: str) -> str:
    """`doc` (docs/parts.md) with its catalogue section replaced by the current one."""
    head, begin, rest = doc.partition(BEGIN)
    _, end, tail = rest.partition(END + "\n")
    if not begin or not end:
        raise ValueError(f"the doc has no catalogue section ({BEGIN!r} ... {END!r})")
    return head + catalogue_markdown() + tail


def rewrite_doc(path: str | Path) -> None:
    """Rewrite the catalogue section of the doc at `path` (`make parts-doc`: docs/parts.md)."""
    target = Path(path)
    target.write_text(with_catalogue(target.read_text()))
