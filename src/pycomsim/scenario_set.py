"""`--set KEY=VALUE` on a scenario: change one value of the TOML file before the world is built.

KEY is a dotted path into the file: `until`, `boards.ping.seed`, `generators.0.freq`,
`buttons.0.presses.0.at`; list items are numbered from 0, and a table key that itself holds dots
(`wires."ping.P11"`) is matched whole. VALUE is read as a TOML value (`1000`, `0.25`, `true`, `"2s"`)
and kept as a string when it is not one (`2s`). A sweep over a scenario is a list of such settings.
"""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def parse_setting(spec: str) -> tuple[str, Any]:
    """'generators.0.freq=1000' -> ('generators.0.freq', 1000); a ValueError names a bad spec."""
    key, sep, text = spec.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"bad --set {spec!r}: expected KEY=VALUE, e.g. generators.0.freq=1000")
    return key.strip(), toml_value(text.strip())


def toml_value(text: str) -> Any:
    """The TOML reading of `text` ('1000' -> 1000, 'true' -> True), else `text` itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_setting(data: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` (dotted) in the parsed file `data` to `value`; a ValueError names what is missing."""
    parts = key.split(".")
    node: Any = data
    i = 0
    while True:
        if isinstance(node, list):
            try:
                index = int(parts[i])
                node[index]  # noqa: B018 - an IndexError below names the list
            except (ValueError, IndexError):
                raise ValueError(
                    f"bad --set {key}: {'.'.join(parts[:i]) or 'the file'} is a list of "
                    f"{len(node)}, {parts[i]!r} is not an index in it"
                ) from None
            if i == len(parts) - 1:
                node[index] = value
                return
            node, i = node[index], i + 1
            continue
        if not isinstance(node, dict):
            raise ValueError(f"bad --set {key}: {'.'.join(parts[:i])} is a value, not a table")
        # the longest run of parts that is a key here ('ping.P11' under wires), else one part
        for j in range(len(parts), i, -1):
            name = ".".join(parts[i:j])
            if name in node:
                break
        else:
            name, j = parts[i], i + 1
        if j == len(parts):
            node[name] = value
            return
        if name not in node:
            raise ValueError(f"bad --set {key}: the file has no {'.'.join(parts[:j])}")
        node, i = node[name], j
