"""The WebSocket protocol: what the page may ask, validated before anything touches the simulator.

Messages are small JSON objects with a `type`. Anything else (bad JSON, unknown type, unknown or
missing fields, wrong value types, unknown pins) raises ProtocolError with a one-line reason that the
server sends back as `{"type": "error", "message": ...}`. Nothing the client sends is ever executed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..units import parse_duration
from .pacing import check_speed

MAX_MESSAGE_BYTES = 4096
# what the WebSocket layer accepts before it must close the socket (RFC 6455 close code 1009): far
# above MAX_MESSAGE_BYTES, so a too-long message still gets an error reply on an open socket
MAX_FRAME_BYTES = 16 * 1024 * 1024
MAX_WATCHED = 32
MAX_STEP_NS = 60 * 1_000_000_000  # one step of at most a minute of virtual time
DRIVE_LEVELS = ("high", "low", "release")
BUTTON_ACTIONS = ("press", "release")


class ProtocolError(ValueError):
    """A message the server refuses; its text goes back to the client."""


@dataclass(frozen=True)
class Command:
    type: str
    pin: str | None = None
    level: str | None = None  # drive: 'high', 'low', 'release'
    action: str | None = None  # button: 'press', 'release'
    ns: int | None = None  # step length
    speed: float | None = None
    pins: tuple[str, ...] = ()  # watch
    resolution_ns: int | None = None  # watch: waveform detail the page can draw
    board: str | None = None  # button, drive, watch: which board (None: the first)
    volts: float | None = None  # analog: a potentiometer's new voltage
    part: int | None = None  # part: the index of a catalogue part on the board (board.added_parts)
    quantity: str | None = None  # part: which of its values ('humidity', 'distance', ...)
    value: float | None = None  # part: the new value, in the quantity's unit


# type -> (required fields, optional fields)
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "pause": (frozenset(), frozenset()),
    "resume": (frozenset(), frozenset()),
    "step": (frozenset(), frozenset({"duration"})),
    "speed": (frozenset({"value"}), frozenset()),
    "button": (frozenset({"action"}), frozenset({"board"})),
    "drive": (frozenset({"pin", "level"}), frozenset({"board"})),
    "watch": (frozenset({"pins"}), frozenset({"resolution_ns", "board"})),
    "analog": (frozenset({"pin", "volts"}), frozenset({"board"})),
    "part": (frozenset({"part", "quantity", "value"}), frozenset({"board"})),
}


def parse_message(
    raw: str | bytes, pin_names: frozenset[str] | Mapping[str, frozenset[str]]
) -> Command:
    """Validate one client message. `pin_names` are the board's P and G names, or for several boards
    a mapping from board name to them (the first board is the default)."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message too long ({size} bytes, at most {MAX_MESSAGE_BYTES})")
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:
        msg = json.loads(raw)
    except RecursionError:  # [[[[...]]]]: the decoder's nesting limit, not our bug
        raise ProtocolError(f"not JSON: nested too deep: {_clip(raw)}") from None
    except ValueError:
        raise ProtocolError(f"not JSON: {_clip(raw)}") from None
    if not isinstance(msg, dict):
        raise ProtocolError(f"expected a JSON object, got {_clip(raw)}")
    kind = msg.get("type")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise ProtocolError(
            f"unknown message type {_clip(kind)}: expected one of {', '.join(_FIELDS)}"
        )
    required, optional = _FIELDS[kind]
    fields = set(msg) - {"type"}
    missing = required - fields
    if missing:
        raise ProtocolError(f"{kind}: missing {', '.join(sorted(missing))}")
    extra = fields - required - optional
    if extra:
        raise ProtocolError(f"{kind}: unknown field {', '.join(sorted(extra))}")
    board, names = _board(kind, msg.get("board"), pin_names)
    cmd = _BUILDERS[kind](msg, names)
    return replace(cmd, board=board) if board is not None else cmd


def _board(
    kind: str, board: Any, pin_names: frozenset[str] | Mapping[str, frozenset[str]]
) -> tuple[str | None, frozenset[str]]:
    if not isinstance(pin_names, Mapping):
        if board is not None:
            raise ProtocolError(f"{kind}: unknown board {_clip(board)}")
        return None, pin_names
    if board is None:
        return None, next(iter(pin_names.values()), frozenset())
    if not isinstance(board, str) or board not in pin_names:
        raise ProtocolError(f"{kind}: unknown board {_clip(board)}")
    return board, pin_names[board]


def _clip(value: Any, n: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    text = repr(text) if isinstance(value, str) else text
    return text if len(text) <= n else text[:n] + "..."


def _pin(value: Any, pin_names: frozenset[str]) -> str:
    if not isinstance(value, str) or value not in pin_names:
        raise ProtocolError(f"unknown pin {_clip(value)}")
    return value


def _choice(kind: str, field: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ProtocolError(f"{kind}: bad {field} {_clip(value)}: expected {' or '.join(allowed)}")
    return value


def _step(msg: dict, _: frozenset[str]) -> Command:
    duration = msg.get("duration", "10ms")
    if isinstance(duration, bool) or not isinstance(duration, (int, str)):
        raise ProtocolError(
            f"step: bad duration {_clip(duration)}: expected ns or a string like '10ms'"
        )
    try:
        ns = parse_duration(duration, "step duration")
    except ValueError as error:
        raise ProtocolError(f"step: {error}") from None
    if not 0 < ns <= MAX_STEP_NS:
        raise ProtocolError(f"step: bad duration {_clip(duration)}: must be > 0 and at most 1min")
    return Command("step", ns=ns)


def _speed(msg: dict, _: frozenset[str]) -> Command:
    value = msg["value"]
    if isinstance(value, str):  # only numbers on the wire
        raise ProtocolError(f"speed: bad value {_clip(value)}: expected a number")
    try:
        return Command("speed", speed=check_speed(value))
    except ValueError as error:
        raise ProtocolError(f"speed: {error}") from None


def _watch(msg: dict, pin_names: frozenset[str]) -> Command:
    pins = msg["pins"]
    if not isinstance(pins, list) or len(pins) > MAX_WATCHED:
        raise ProtocolError(f"watch: pins must be a list of at most {MAX_WATCHED} pin names")
    names = tuple(dict.fromkeys(_pin(p, pin_names) for p in pins))
    resolution = msg.get("resolution_ns")
    if resolution is not None and (
        isinstance(resolution, bool)
        or not isinstance(resolution, int)
        or not 1 <= resolution <= 10**12
    ):
        raise ProtocolError(
            f"watch: bad resolution_ns {_clip(resolution)}: expected an int of ns >= 1"
        )
    return Command("watch", pins=names, resolution_ns=resolution)


_BUILDERS = {
    "pause": lambda msg, names: Command("pause"),
    "resume": lambda msg, names: Command("resume"),
    "step": _step,
    "speed": _speed,
    "button": lambda msg, names: Command(
        "button", action=_choice("button", "action", msg["action"], BUTTON_ACTIONS)
    ),
    "drive": lambda msg, names: Command(
        "drive",
        pin=_pin(msg["pin"], names),
        level=_choice("drive", "level", msg["level"], DRIVE_LEVELS),
    ),
    "watch": _watch,
    "analog": lambda msg, names: _analog(msg, names),
    "part": lambda msg, names: _part(msg),
}


def _part(msg: dict) -> Command:
    """A part's value from the page: which part (its index), which value, the number."""
    index, quantity, value = msg["part"], msg["quantity"], msg["value"]
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 10_000:
        raise ProtocolError(f"part: bad part {_clip(index)}: expected the part's index")
    if not isinstance(quantity, str) or not quantity.isidentifier() or len(quantity) > 40:
        raise ProtocolError(f"part: bad quantity {_clip(quantity)}: expected a value's name")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ProtocolError(f"part: bad value {_clip(value)}: expected a number")
    return Command("part", part=index, quantity=quantity, value=float(value))


def _analog(msg: dict, pin_names: frozenset[str]) -> Command:
    volts = msg["volts"]
    if isinstance(volts, bool) or not isinstance(volts, (int, float)) or not 0 <= volts <= 3.3:
        raise ProtocolError(f"analog: bad volts {_clip(volts)}: expected a number in [0, 3.3]")
    return Command("analog", pin=_pin(msg["pin"], pin_names), volts=float(volts))
