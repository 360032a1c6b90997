"""The part catalogue: every kind of part a user can add by name, with its pins, options and datasheet.

A part module registers its kind once, when it is imported (`sim/part_library.py` imports them all):

    register_part("dht22", make_dht22, pins=("data",), options={"humidity": "..."}, datasheet="...")

`factory(board, pins, options)` builds and attaches the part: `pins` are the user's pin names in the
order of `pins`, `options` the user's key=value pairs (strings from the CLI, TOML values from a
scenario, Python values from `board.add_part`). The catalogue refuses unknown kinds, a wrong number of
pins and unknown options in one line naming them, before the factory runs.

Three ways in, one path: `board.add_part(kind, *pins, **options)` (Python), a scenario's `[[part]]`
tables (`kind`, `pins`, `options`), and `--part KIND@PIN[,PIN][:key=value,...]` / `--shield NAME` on
the command line (`parse_part_spec`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..board import Board

KIND = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class PartKind:
    kind: str
    factory: Callable[[Board, list[str], dict[str, Any]], Any]
    pins: tuple[str, ...]  # the roles of its pins, in the order the user gives them
    options: dict[str, str]  # option -> what it means (the catalogue doc, error messages)
    datasheet: str  # where its timing and behaviour come from
    summary: str = ""  # one line: what the part is

    def usage(self) -> str:
        """`dht22@DATA[:humidity=...,temperature=...]`: how to name it on the command line."""
        pins = ",".join(role.upper() for role in self.pins)
        text = f"{self.kind}@{pins}" if pins else self.kind
        if self.options:
            text += "[:" + ",".join(f"{name}=..." for name in self.options) + "]"
        return text


_KINDS: dict[str, PartKind] = {}


def register_part(
    kind: str,
    factory: Callable[[Board, list[str], dict[str, Any]], Any],
    pins: tuple[str, ...],
    options: dict[str, str],
    datasheet: str,
    summary: str = "",
) -> None:
    """Add `kind` to the catalogue (at import of the part's module). Registering a kind twice with a
    different factory is a programming error."""
    if not KIND.match(kind):
        raise ValueError(f"bad part kind {kind!r}: lower-case letters, digits, '_' or '-'")
    old = _KINDS.get(kind)
    if old is not None and old.factory is not factory:
        raise ValueError(f"part kind {kind!r} is already registered by {old.factory.__module__}")
    _KINDS[kind] = PartKind(kind, factory, tuple(pins), dict(options), datasheet, summary)


def part_kinds() -> dict[str, PartKind]:
    """Every registered kind, by name (sorted)."""
    return dict(sorted(_KINDS.items()))


def part_kind(kind: Any) -> PartKind:
    """The registration of `kind`; ValueError in one line naming an unknown one."""
    found = _KINDS.get(kind) if isinstance(kind, str) else None
    if found is None:
        known = ", ".join(sorted(_KINDS)) or "none registered"
        raise ValueError(f"unknown part kind {kind!r} (known: {known})")
    return found


def add_part(
    board: Board, kind: str, pins: Iterable[str] | str = (), options: dict | None = None
) -> Any:
    """Build part `kind` on `board` at `pins` with `options`, checked against its registration."""
    entry = part_kind(kind)
    pin_list = [pins] if isinstance(pins, str) else list(pins)
    if len(pin_list) != len(entry.pins):
        if not entry.pins:
            raise ValueError(f"part {kind!r} takes no pins, got {', '.join(map(str, pin_list))}")
        roles = ", ".join(entry.pins)
        raise ValueError(
            f"part {kind!r} needs {len(entry.pins)} pin{'s' * (len(entry.pins) > 1)} ({roles}), "
            f"got {len(pin_list)}: {entry.usage()}"
        )
    for pin in pin_list:
        board.pin(pin)  # an unknown pin: the board's own one-line ValueError
    options = dict(options or {})
    unknown = sorted(set(options) - set(entry.options))
    if unknown:
        allowed = ", ".join(entry.options) or "none"
        raise ValueError(f"unknown option {unknown[0]!r} for part {kind!r} (options: {allowed})")
    return entry.factory(board, pin_list, options)


def parse_part_spec(text: str) -> tuple[str, list[str], dict[str, str]]:
    """`KIND@PIN[,PIN][:key=value,...]` (or `KIND[:key=value,...]` for parts without pins) ->
    (kind, pins, options). Values stay strings; a value may hold commas inside [] or {}."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"bad --part {text!r}: expected KIND@PIN[,PIN][:key=value,...]")
    head, colon, rest = text.partition(":")
    kind, at, pin_text = head.partition("@")
    kind = kind.strip()
    pins = [p.strip() for p in pin_text.split(",")] if at else []
    if not kind or (at and not all(pins)):
        raise ValueError(f"bad --part {text!r}: expected KIND@PIN[,PIN][:key=value,...]")
    options: dict[str, str] = {}
    if colon:
        for item in _split_top_level(rest):
            key, eq, value = item.partition("=")
            key = key.strip()
            if not eq or not key:
                raise ValueError(f"bad --part {text!r}: option {item!r} is not key=value")
            if key in options:
                raise ValueError(f"bad --part {text!r}: option {key!r} given twice")
            options[key] = value.strip()
    return kind, pins, options


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets: `a=1,b=[[0,1],[1s,2]]` -> two items."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item for item in items if item.strip()] if text.strip() else []
