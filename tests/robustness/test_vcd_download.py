"""`GET /run.vcd` (issue case 12): the download is streamed in pieces made between the run's slices
(the whole VCD is never in memory), needs the page's token, runs one at a time, and is refused with a
clear line past its cap."""

import asyncio
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
import warnings

import pytest

with warnings.catch_warnings():  # Starlette 1.x nudges towards httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from pycomsim import Board
from pycomsim.output.vcd import write_vcd
from pycomsim.web import vcd_download
from pycomsim.web.server import create_app
from pycomsim.web.session import LiveSession
from pycomsim.web.vcd_download import VcdDownload

BASE = "http://127.0.0.1:8123"
# a steady PWM wave: 100k value changes per virtual second, cheap to simulate
PWM = """
import time
from machine import PWM
pwm = PWM(0, frequency=50000)
pwm.channel(0, pin='P9', duty_cycle=0.5)
time.sleep(2)
"""
FAST_PWM = """
import time
from machine import PWM
pwm = PWM(0, frequency=50000)
pwm.channel(0, pin='P9', duty_cycle=0.5)
print('ready')
while True:
    time.sleep(1)
"""


@pytest.fixture(scope="module")
def busy_board(tmp_path_factory):
    script = tmp_path_factory.mktemp("pwm") / "main.py"
    script.write_text(PWM.replace("time.sleep(2)", "time.sleep(0.25)"))  # 25k changes
    board = Board("lopy4", cpu="free")
    board.run(script)
    return board


def test_the_download_is_made_in_pieces_and_never_whole_in_memory(busy_board, monkeypatch):
    whole = _one_shot(busy_board)
    assert len(whole) > 300_000
    # memory follows the piece, not the file: with pieces of 500 changes, a small part of it
    monkeypatch.setattr(vcd_download, "CHUNK_CHANGES", 500)
    tracemalloc.start()
    try:
        download = VcdDownload(busy_board.world)
        pieces, largest = [], 0
        while piece := download.next_chunk():
            largest = max(largest, len(piece))
            pieces.append(len(piece))
            del piece
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(pieces) >= 40 and sum(pieces) == len(whole)
    assert largest < 10_000 and peak < len(whole) / 4, (largest, peak)


def test_the_pieces_make_the_same_file_as_the_one_shot_writer(busy_board):
    download = VcdDownload(busy_board.world)
    text = "".join(iter(download.next_chunk, ""))
    assert text == _one_shot(busy_board)


def test_past_the_cap_the_download_is_one_clear_line(busy_board):
    with pytest.raises(vcd_download.TooLarge) as info:
        VcdDownload(busy_board.world, max_changes=1000)
    message = str(info.value)
    assert "\n" not in message and "more than a download may (1,000)" in message
    assert "--vcd FILE" in message


def _one_shot(board):
    import io

    out = io.StringIO()
    write_vcd(board.world, out)
    return out.getvalue()


@pytest.fixture
def live_page(tmp_path):
    script = tmp_path / "main.py"
    script.write_text(PWM)
    board = Board("lopy4")
    board.load(script)
    session = LiveSession(board, speed=10.0)
    with TestClient(create_app(session, max_vcd_changes=50_000), base_url=BASE) as client:
        with client.websocket_connect("ws://127.0.0.1:8123/ws", headers={"origin": BASE}) as ws:
            token = ws.receive_json()["token"]
        yield client, token, session


def test_the_server_needs_the_token(live_page):
    client, token, _ = live_page
    assert client.get("/run.vcd").status_code == 403
    refused = client.get("/run.vcd?token=" + token[:-1] + ("x" if token[-1] != "x" else "y"))
    assert refused.status_code == 403 and "token" in refused.text
    assert client.get(f"/run.vcd?token={token}").status_code == 200


def test_one_download_at_a_time(live_page):
    client, token, session = live_page
    # the simulator's thread is busy for a moment: two downloads asked for meanwhile overlap
    session.submit(lambda: time.sleep(1.5))
    answers = []

    def download():
        answers.append(client.get(f"/run.vcd?token={token}"))

    workers = [threading.Thread(target=download, daemon=True) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(20)
    codes = sorted(r.status_code for r in answers)
    assert codes == [200, 429], [r.text[:80] for r in answers]
    assert "already under way" in next(r.text for r in answers if r.status_code == 429)


def test_a_real_server_streams_the_download_in_chunks(ui):
    child = ui(FAST_PWM)
    asyncio.run(child.exchange([({"type": "pause"}, lambda state: state["paused"])]))
    with urllib.request.urlopen(f"{child.url}/run.vcd?token={child.token}", timeout=10) as got:
        assert got.headers["Transfer-Encoding"] == "chunked"  # streamed, not built whole
        assert "Content-Length" not in got.headers
        text = got.read().decode()
    assert text.startswith("$comment") and text.rstrip().splitlines()[-1].startswith("#")
    child.kill()


def test_the_server_refuses_past_the_cap_with_a_clear_line(live_page):
    client, token, session = live_page
    while session.state["t"] < 1_000_000_000:  # 100k changes by now: past this app's 50k cap
        client.get("/state.json")
    response = client.get(f"/run.vcd?token={token}")
    assert response.status_code == 413
    assert response.text.count("\n") == 1 and "write it with --vcd FILE" in response.text
