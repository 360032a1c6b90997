"""The page's messages are validated before anything reaches the simulator (web/protocol.py)."""

import json

import pytest

from pycomsim.web.protocol import MAX_MESSAGE_BYTES, Command, ProtocolError, parse_message

PINS = frozenset({"P9", "P10", "G16", "G17", "P13"})


def parse(msg: object) -> Command:
    return parse_message(json.dumps(msg), PINS)


def test_valid_commands() -> None:
    assert parse({"type": "pause"}) == Command("pause")
    assert parse({"type": "resume"}) == Command("resume")
    assert parse({"type": "step"}).ns == 10_000_000  # default step: 10 ms
    assert parse({"type": "step", "duration": "1.5ms"}).ns == 1_500_000
    assert parse({"type": "step", "duration": 2000}).ns == 2000
    assert parse({"type": "speed", "value": 0.1}).speed == 0.1
    assert parse({"type": "button", "action": "press"}).action == "press"
    cmd = parse({"type": "drive", "pin": "G17", "level": "low"})
    assert (cmd.pin, cmd.level) == ("G17", "low")
    cmd = parse({"type": "watch", "pins": ["P9", "P10", "P9"], "resolution_ns": 5000})
    assert cmd.pins == ("P9", "P10") and cmd.resolution_ns == 5000


def test_bytes_are_accepted_as_utf8() -> None:
    assert parse_message(b'{"type": "pause"}', PINS) == Command("pause")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"type": "exec", "code": "import os"}', "unknown message type 'exec'"),
        ('{"type": 3}', "unknown message type 3"),
        ('{"action": "press"}', "unknown message type"),
        ('{"type": "button"}', "button: missing action"),
        ('{"type": "button", "action": "smash"}', "bad action 'smash'"),
        ('{"type": "pause", "now": true}', "pause: unknown field now"),
        ('{"type": "drive", "pin": "P99", "level": "high"}', "unknown pin 'P99'"),
        ('{"type": "drive", "pin": 9, "level": "high"}', "unknown pin 9"),
        ('{"type": "drive", "pin": "P9", "level": 1}', "bad level 1"),
        ('{"type": "speed", "value": "fast"}', "speed: bad value 'fast'"),
        ('{"type": "speed", "value": 0}', "must be between"),
        ('{"type": "speed", "value": true}', "bad speed True"),
        ('{"type": "step", "duration": "forever"}', "bad step duration 'forever'"),
        ('{"type": "step", "duration": 0}', "must be > 0"),
        ('{"type": "step", "duration": "2min"}', "at most 1min"),
        ('{"type": "step", "duration": [1]}', "bad duration [1]"),
        ('{"type": "watch", "pins": "P9"}', "pins must be a list"),
        ('{"type": "watch", "pins": ["P9", "X"]}', "unknown pin 'X'"),
        ('{"type": "watch", "pins": [], "resolution_ns": 0}', "bad resolution_ns 0"),
    ],
)
def test_bad_messages_are_refused_with_a_reason(raw: str, words: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_message(raw, PINS)
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_too_long_message_is_refused() -> None:
    raw = json.dumps({"type": "watch", "pins": ["P9"] * MAX_MESSAGE_BYTES})
    with pytest.raises(ProtocolError, match="message too long"):
        parse_message(raw, PINS)


BOARDS = {"ping": frozenset({"P9", "P10", "G16"}), "pong": frozenset({"P9", "P98"})}


def test_several_boards_name_the_board_or_mean_the_first() -> None:
    assert parse_message('{"type": "button", "action": "press"}', BOARDS).board is None
    cmd = parse_message('{"type": "drive", "board": "pong", "pin": "P98", "level": "low"}', BOARDS)
    assert (cmd.board, cmd.pin) == ("pong", "P98")
    with pytest.raises(ProtocolError, match="unknown pin 'P98'"):  # not on the first board
        parse_message('{"type": "drive", "pin": "P98", "level": "low"}', BOARDS)
    with pytest.raises(ProtocolError, match="unknown board 'pang'"):
        parse_message('{"type": "watch", "board": "pang", "pins": []}', BOARDS)
    with pytest.raises(ProtocolError, match="unknown board 'ping'"):  # one board: no board field
        parse_message('{"type": "watch", "board": "ping", "pins": []}', PINS)
    with pytest.raises(ProtocolError, match="pause: unknown field board"):
        parse_message('{"type": "pause", "board": "ping"}', BOARDS)
