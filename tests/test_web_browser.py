"""The live page in a real browser: Debian's chromium driven by playwright (no `playwright install`).

The board's truth (SPEC.md section 9) decides what "LED on" means: the expansion board's user LED
lights when P9 is driven LOW. (The issue's text says "high"; the firmware and the board disagree.)
"""

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.web.server import bind, create_app
from pycomsim.web.session import LiveSession

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCRIPT = Path(__file__).parent / "web_scripts" / "blink_button.py"
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"


class LiveServer:
    """uvicorn on a free 127.0.0.1 port, in a thread, serving one live session."""

    def __init__(self, session: LiveSession) -> None:
        import uvicorn

        self.sock = bind(0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        config = uvicorn.Config(create_app(session), log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=lambda: asyncio.run(self.server.serve(sockets=[self.sock])), daemon=True
        )

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "the browser tests need Debian's chromium: make system-deps"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser: object, url: str, **options: object) -> tuple[object, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, **options)  # type: ignore[attr-defined]
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.wait_for_selector("#user-led")
    return page, problems


@pytest.fixture
def live(chromium_browser: object) -> Iterator[tuple[object, LiveSession]]:
    board = Board("lopy4")
    board.load(SCRIPT)
    session = LiveSession(board, speed=1.0)
    session.pacer.pause()  # the page opens on a paused board, so nothing happens before we look
    with LiveServer(session) as server:
        # the tests' own JavaScript probes are eval'd, which the page's CSP rightly forbids
        page, problems = open_page(chromium_browser, server.url, bypass_csp=True)
        yield page, session
        assert problems == []
        page.close()


def test_the_page_runs_under_its_content_security_policy(chromium_browser: object) -> None:
    board = Board("lopy4")
    board.load(SCRIPT)
    session = LiveSession(board, speed=1.0)
    with LiveServer(session) as server:
        page, problems = open_page(chromium_browser, server.url)
        page.wait_for_selector("#user-led[data-on='true']", timeout=5000)  # live updates arrive
        page.wait_for_selector("#console:has-text('led on')")
        page.close()
    assert problems == []  # no CSP violation, no script error


def test_led_lights_when_the_script_drives_p9_low(live: tuple) -> None:
    page, _ = live
    page.wait_for_selector("#status:text('paused')")
    page.click("#step")  # 10 ms: the script has made P9 an output, high: LED dark
    page.wait_for_function("window.pycomsim.state && window.pycomsim.state.t >= 10000000")
    assert page.get_attribute("#user-led", "data-on") == "false"
    assert page.text_content("#pins tr[data-pin='P9'] td.level") == "1"
    page.click("#pause")  # resume: at 300 ms the script drives P9 low
    page.wait_for_selector("#user-led[data-on='true']", timeout=5000)
    assert page.text_content("#pins tr[data-pin='P9'] td.level") == "0"
    assert "led on" in page.text_content("#console")


def test_holding_the_button_fires_the_callback_and_the_waveform_updates(live: tuple) -> None:
    page, _ = live
    page.click("#pause")  # resume
    page.wait_for_function("document.querySelector('#console').textContent.includes('led on')")
    points = int(page.get_attribute("#wave", "data-points") or 0)
    page.hover("#user-button")
    page.mouse.down()
    page.wait_for_selector("#svg-button .button-cap.pressed")  # the drawing shows the press
    page.mouse.up()
    page.wait_for_function("document.querySelector('#console').textContent.includes('pressed 1')")
    # P10 (watched by default) fell and rose: new points on the canvas
    page.wait_for_function(f"Number(document.querySelector('#wave').dataset.points) > {points}")
    # the space bar is the same button
    page.keyboard.down("Space")
    page.wait_for_timeout(150)
    page.keyboard.up("Space")
    page.wait_for_function(
        "window.pycomsim.current && window.pycomsim.current.irq.runs >= 2 && !window.pycomsim.current.button"
    )
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "web_live_board.png"), full_page=True)
    assert (OUTPUT / "web_live_board.png").stat().st_size > 10_000


def test_drive_an_input_pin_from_the_page(live: tuple) -> None:
    page, _ = live
    row = "#pins tr[data-pin='P13']"
    assert page.text_content(f"{row} td.level") in ("z", "")  # input only, nothing drives it
    page.click(f"{row} button.drive-high")
    page.wait_for_function(f"document.querySelector(\"{row} td.level\").textContent === '1'")
    page.click(f"{row} button.drive-low")
    page.wait_for_function(f"document.querySelector(\"{row} td.level\").textContent === '0'")
    page.click(f"{row} button.drive-release")
    page.wait_for_function(f"document.querySelector(\"{row} td.level\").textContent === 'z'")


def test_clicking_a_pin_on_the_drawing_watches_it(live: tuple) -> None:
    page, _ = live
    page.click("#board g.pin[data-pin='P11']")
    assert page.is_checked("#pins tr[data-pin='P11'] input[type=checkbox]")
    assert "watched" in (page.get_attribute("#board g.pin[data-pin='P11']", "class") or "")


def test_two_boards_one_page(chromium_browser: object) -> None:
    from pycomsim import World

    world = World()
    ping = Board("lopy4", name="ping", world=world)
    pong = Board("gpy", name="pong", world=world, expansion=False)
    ping.load(SCRIPT)
    pong.load(Path(__file__).parent / "web_scripts" / "busy_toggle.py")
    session = LiveSession([ping, pong], speed=1.0)
    with LiveServer(session) as server:
        page, problems = open_page(chromium_browser, server.url, bypass_csp=True)
        assert page.text_content("#board-title") == "LoPy4 “ping”"
        page.wait_for_selector("#console:has-text('ping| ready')")  # whose line it is
        page.click("#board-tabs button[data-board='pong']")
        page.wait_for_selector("#board-title:text('GPy “pong”')")
        assert page.is_hidden("#user-button")  # pong has no expansion board
        page.wait_for_selector("#pins tr[data-pin='P98']")  # the GPy's extra pin
        page.wait_for_function(
            "document.querySelector(\"#pins tr[data-pin='P11'] td:nth-child(2)\").textContent === 'OUT'"
        )
        page.click("#pins tr[data-pin='P11'] input[type=checkbox]")
        page.wait_for_function("Number(document.querySelector('#wave').dataset.points) > 10")
        page.close()
    assert problems == []


def test_signals_panel_shows_pwm_uart_and_a_slider_that_turns_the_potentiometer(
    chromium_browser: object,
) -> None:
    board = Board("lopy4", expansion=False)
    pot = board.potentiometer("P16", 0.5)
    board.load(SCRIPT.parent / "signals.py")
    session = LiveSession(board, speed=1.0)
    with LiveServer(session) as server:
        page = chromium_browser.new_page(viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(server.url)
        page.wait_for_selector("#signals :text('PWM P11')", timeout=5000)
        page.wait_for_selector("#signals :text('UART1 115200 baud')")
        page.fill("#signals input.pot[data-pin='P16']", "2.5")
        deadline = 50
        while pot.volts != 2.5 and deadline:
            page.wait_for_timeout(100)
            deadline -= 1
        page.close()
    assert pot.volts == 2.5
    assert problems == []


def test_a_part_s_field_sets_its_value(chromium_browser: object) -> None:
    board = Board("lopy4", expansion=False)
    dht = board.add_part("dht22", "P11", humidity=40)
    board.load(SCRIPT.parent / "signals.py")
    session = LiveSession(board, speed=1.0)
    with LiveServer(session) as server:
        page = chromium_browser.new_page(viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(server.url)
        field = "#signals input.partval[data-quantity='humidity']"
        page.wait_for_selector(field, timeout=5000)
        assert page.input_value(field) == "40"
        page.fill(field, "62.5")
        page.locator(field).blur()  # the field sends its value on change
        deadline = 50
        while dht.humidity.at(board.kernel.now) != 62.5 and deadline:
            page.wait_for_timeout(100)
            deadline -= 1
        page.close()
    assert dht.humidity.at(board.kernel.now) == 62.5
    assert problems == []


def test_each_boards_radio_packets_show_in_the_page(
    chromium_browser: object, tmp_path: Path
) -> None:
    # the packet list: radio and socket events go to the console, each line with its board's name
    from pycomsim import World

    (tmp_path / "tx.py").write_text(
        "from network import LoRa\nimport socket, time\nLoRa(mode=LoRa.LORA, region=LoRa.EU868)\n"
        "s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)\ntime.sleep(1)\ns.send(b'hello')\n"
    )
    (tmp_path / "rx.py").write_text(
        "from network import LoRa\nimport socket\nLoRa(mode=LoRa.LORA, region=LoRa.EU868)\n"
        "print(socket.socket(socket.AF_LORA, socket.SOCK_RAW).recv(8))\n"
    )
    world = World()
    tx = Board("lopy4", name="tx", world=world)
    rx = Board("lopy4", name="rx", world=world)
    tx.load(tmp_path / "tx.py")
    rx.load(tmp_path / "rx.py")
    session = LiveSession([tx, rx], speed=1.0)
    with LiveServer(session) as server:
        page, problems = open_page(chromium_browser, server.url, bypass_csp=True)
        page.wait_for_selector("#console:has-text('radio-tx 868MHz SF7 5B')", timeout=10000)
        page.wait_for_selector("#console:has-text('radio-rx from tx 5B')", timeout=10000)
        text = page.text_content("#console") or ""
        page.close()
    assert problems == []
    lines = text.splitlines()
    assert any(line.startswith("tx| [") and "radio-tx 868MHz SF7 5B" in line for line in lines)
    assert any(line.startswith("rx| [") and "radio-rx from tx 5B" in line for line in lines)
    assert "rx| b'hello'" in lines
