"""The page's WebSocket against hostile messages (issue case 13): a 10 MB message and JSON nested 2000
deep each get a one-line error reply, and the socket stays open for the next command. Past the
WebSocket layer's own limit (16 MiB) the protocol's answer is to close with 1009 (RFC 6455)."""

import asyncio
import json

import pytest
import websockets

from pycomsim.web.protocol import MAX_FRAME_BYTES, ProtocolError, parse_message

LOOP = "import time\nprint('ready')\nwhile True:\n    time.sleep_ms(10)\n"


async def error_for(ws, raw):
    """The error reply to `raw` (frames that come meanwhile are skipped)."""
    await ws.send(raw)
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if msg["type"] == "error":
            return msg["message"]


def test_a_huge_message_and_deep_json_get_errors_on_an_open_socket(ui):
    child = ui(LOOP)

    async def talk():
        async with websockets.connect(
            f"ws://127.0.0.1:{child.port}/ws", origin=child.url, max_size=None
        ) as ws:
            await ws.recv()  # hello
            huge = await error_for(ws, json.dumps({"type": "pause", "x": "a" * 10_000_000}))
            deep = await error_for(ws, "[" * 2000 + "]" * 2000)
            await ws.send(json.dumps({"type": "pause"}))  # the socket still works
            while True:
                msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if msg.get("state", {}).get("paused"):
                    return huge, deep

    try:
        huge, deep = asyncio.run(talk())
    finally:
        child.kill()
    assert huge.startswith("message too long (10000")
    assert deep.startswith("not JSON: nested too deep") and "Recursion" not in deep


def test_past_the_websocket_limit_the_socket_closes_with_1009(ui):
    child = ui(LOOP)

    async def talk():
        async with websockets.connect(
            f"ws://127.0.0.1:{child.port}/ws", origin=child.url, max_size=None
        ) as ws:
            await ws.recv()
            await ws.send("x" * (MAX_FRAME_BYTES + 1))
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            return closed.value.rcvd.code

    try:
        assert asyncio.run(talk()) == 1009
    finally:
        child.kill()


@pytest.mark.parametrize(
    "raw, words",
    [
        ("[" * 2000 + "]" * 2000, "not JSON: nested too deep"),
        ('{"a":' * 1500 + "1" + "}" * 1500, "message too long"),
        (b"\xff" * 5000, "message too long (5000 bytes"),
        ("é" * 3000, "message too long (6000 bytes"),  # counted in bytes, as sent
    ],
)
def test_the_parser_names_what_is_wrong(raw, words):
    with pytest.raises(ProtocolError) as info:
        parse_message(raw, frozenset({"P9"}))
    assert str(info.value).startswith(words)
