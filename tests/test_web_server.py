"""The web server (web/server.py) through Starlette's TestClient: pages, Host and Origin checks,
malformed messages, and live updates over the WebSocket."""

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

with warnings.catch_warnings():  # Starlette 1.x nudges towards httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient, WebSocketDenialResponse

from pycomsim import Board
from pycomsim.web.server import create_app, origin_allowed
from pycomsim.web.session import LiveSession

SCRIPT = Path(__file__).parent / "web_scripts" / "blink_button.py"
BASE = "http://127.0.0.1:8123"
WS = "ws://127.0.0.1:8123/ws"


@pytest.fixture
def client() -> Iterator[TestClient]:
    board = Board("lopy4")
    board.load(SCRIPT)
    session = LiveSession(board, speed=2.0)
    with TestClient(create_app(session), base_url=BASE) as test_client:
        yield test_client


def wait_for(ws: Any, found: Callable[[dict], bool], limit: int = 400) -> dict:
    for _ in range(limit):
        msg = ws.receive_json()
        if found(msg):
            return msg
    raise AssertionError("the expected message never came")


def log_text(msg: dict) -> str:
    return "".join(e["text"] for e in msg.get("log", []))


def test_page_and_static_files_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "pycomsim" in page.text
    assert 'src="/static/app.js"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for name in ("app.js", "board.js", "wave.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the board
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "origin",
    [None, "http://evil.example", "http://localhost:8123", "https://127.0.0.1:8123", "null"],
)
def test_websocket_from_another_origin_is_refused(client: TestClient, origin: str | None) -> None:
    headers = {} if origin is None else {"origin": origin}
    with pytest.raises((WebSocketDisconnect, WebSocketDenialResponse)) as info:
        with client.websocket_connect(WS, headers=headers) as ws:
            ws.receive_json()
    # refused during the handshake: HTTP 403 (or close code 1008 on servers without denial responses)
    refused = info.value
    assert getattr(refused, "status_code", None) == 403 or getattr(refused, "code", None) == 1008


def test_origin_rule() -> None:
    assert origin_allowed("http://127.0.0.1:8123", "127.0.0.1:8123", ("127.0.0.1",))
    assert not origin_allowed("http://evil.example:8123", "evil.example:8123", ("127.0.0.1",))
    assert not origin_allowed("http://127.0.0.1:9999", "127.0.0.1:8123", ("127.0.0.1",))


def test_malformed_messages_get_an_error_and_the_socket_stays_up(client: TestClient) -> None:
    with client.websocket_connect(WS, headers={"origin": BASE}) as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello" and hello["boards"][0]["sysname"] == "LoPy4"
        assert {p["name"]: p["exp_name"] for p in hello["boards"][0]["pins"]}["P9"] == "G16"
        for bad in (
            "{nope",
            '{"type": "eval", "code": "1+1"}',
            '{"type": "drive", "pin": "P77", "level": "high"}',
        ):
            ws.send_text(bad)
            err = wait_for(ws, lambda m: m["type"] == "error")
            assert err["message"]
        ws.send_bytes(b"\xff\xfe")
        assert wait_for(ws, lambda m: m["type"] == "error")["message"].startswith("not JSON")
        ws.send_json({"type": "pause"})
        wait_for(ws, lambda m: m.get("state", {}).get("paused") is True)


def test_button_press_fires_the_callback_and_the_waveform_updates(client: TestClient) -> None:
    with client.websocket_connect(WS, headers={"origin": BASE}) as ws:
        ws.receive_json()
        ws.send_json({"type": "watch", "pins": ["P9", "G17"], "resolution_ns": 1000})
        wait_for(ws, lambda m: "led on" in log_text(m))
        ws.send_json({"type": "button", "action": "press"})
        wait_for(ws, lambda m: "pressed 1" in log_text(m))
        ws.send_json({"type": "button", "action": "release"})
        msg = wait_for(
            ws,
            lambda m: (
                "P10" in m.get("wave", {}) and any(c[1] == 0 for c in m["wave"]["P10"]["changes"])
            ),
        )
        assert all(len(c) == 2 for c in msg["wave"]["P10"]["changes"])
        state = wait_for(ws, lambda m: "state" in m)["state"]
        lopy = state["boards"]["lopy4"]
        assert lopy["led"] is True and lopy["irq"]["runs"] >= 1


def test_vcd_download(client: TestClient) -> None:
    with client.websocket_connect(WS, headers={"origin": BASE}) as ws:
        token = ws.receive_json()["token"]
        wait_for(ws, lambda m: "led on" in log_text(m))
    for refused in ("/run.vcd", "/run.vcd?token=guess"):  # a foreign page cannot start one
        assert client.get(refused).status_code == 403
    response = client.get(f"/run.vcd?token={token}")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert "$timescale" in response.text and "P9" in response.text
