"""The live session (web/session.py) driven by hand on a fake wall clock: pacing, fences, controls."""

from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.web.protocol import Command, ProtocolError
from pycomsim.web.session import LiveSession

SCRIPTS = Path(__file__).parent / "web_scripts"


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def make(
    script: str, speed: float = 1.0, until_ns: int | None = None, stderr: object = None
) -> tuple[LiveSession, FakeClock]:
    clock = FakeClock()
    board = Board("lopy4")
    board.load(SCRIPTS / script)
    session = LiveSession(board, speed=speed, until_ns=until_ns, clock=clock, stderr=stderr)
    session.pacer.rebase(0)
    return session, clock


def board_state(session: LiveSession) -> dict:
    return session.state["boards"][session.board.name]


def text(session: LiveSession) -> str:
    entries, _ = session.log_since(0)
    return "".join(e["text"] for e in entries if e["kind"] == "out")


def test_virtual_time_follows_the_wall_clock() -> None:
    session, clock = make("blink_button.py", speed=0.5)
    clock.t = 0.1
    session.tick()
    assert session.state["t"] == 50_000_000
    assert "ready" in text(session) and "led on" not in text(session)
    assert board_state(session)["led"] is False  # P9 high: the active-low user LED is dark


def test_led_lights_when_the_script_drives_p9_low() -> None:
    session, clock = make("blink_button.py")
    for i in range(1, 5):
        clock.t = i * 0.1
        session.tick()
    assert board_state(session)["led"] is True
    p9 = next(p for p in board_state(session)["pins"] if p["name"] == "P9")
    assert (p9["mode"], p9["level"]) == ("OUT", 0)
    assert "led on" in text(session)


def test_button_press_runs_the_callback_even_while_paused() -> None:
    session, clock = make("blink_button.py")
    clock.t = 0.05
    session.tick()
    session.apply(Command("pause"))
    session.apply(Command("button", action="press"))
    assert board_state(session)["button"] is True
    clock.t = 1.0
    session.tick()  # paused: the clock stays, but the press at this instant happened
    t = session.state["t"]
    session.apply(Command("step", ns=20_000_000))  # past the bounce
    assert session.state["t"] == t + 20_000_000
    assert "pressed 1" in text(session)
    p10 = next(p for p in board_state(session)["pins"] if p["name"] == "P10")
    assert p10["level"] == 0 and p10["callback"] is True


def test_a_script_that_never_sleeps_is_fenced_into_slices() -> None:
    session, clock = make("busy_toggle.py")
    clock.t = 0.01
    session.tick()
    # without the fence the task would run ahead to the heartbeat, seconds later
    assert session.board.now < 10_000_000 + 1_000_000
    assert session.state["t"] == 10_000_000


def test_drive_a_pin_high_low_and_release() -> None:
    session, _ = make("blink_button.py")
    session.tick()
    session.apply(Command("drive", pin="G5", level="high"))  # P13, input only, floating
    p13 = next(p for p in board_state(session)["pins"] if p["name"] == "P13")
    assert (p13["level"], p13["driven"]) == (1, "high")
    session.apply(Command("drive", pin="P13", level="low"))
    p13 = next(p for p in board_state(session)["pins"] if p["name"] == "P13")
    assert (p13["level"], p13["driven"]) == (0, "low")
    session.apply(Command("drive", pin="P13", level="release"))
    p13 = next(p for p in board_state(session)["pins"] if p["name"] == "P13")
    assert (p13["level"], p13["driven"]) == (2, None)


def test_until_stops_the_run_and_resume_is_refused() -> None:
    session, clock = make("blink_button.py", until_ns=30_000_000)
    clock.t = 1.0
    session.tick()
    assert session.state["t"] == 30_000_000
    assert session.state["status"] == "reached --until"
    with pytest.raises(ProtocolError, match="cannot resume"):
        session.apply(Command("resume"))


def test_speed_command_changes_pacing() -> None:
    session, clock = make("blink_button.py")
    session.apply(Command("speed", speed=10.0))
    clock.t = 0.01
    session.tick()
    assert session.state["t"] == 100_000_000 and session.state["speed"] == 10.0


def test_script_errors_reach_the_log() -> None:
    clock = FakeClock()
    board = Board("lopy4")

    def broken() -> None:
        board.Pin("P9", board.Pin.OUT)
        raise RuntimeError("boom")

    board.load(broken)
    import io

    err = io.StringIO()
    session = LiveSession(board, clock=clock, stderr=err)
    clock.t = 0.01
    session.tick()
    entries, _ = session.log_since(0)
    errors = [e["text"] for e in entries if e["kind"] == "error"]
    assert errors and "RuntimeError: boom" in errors[0]
    assert "RuntimeError: boom" in err.getvalue()


def test_a_simulator_crash_stops_the_run_but_not_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    session, clock = make("blink_button.py", stderr=io.StringIO())

    def broken_run(until: object = None) -> int:
        raise RuntimeError("kernel bug")

    monkeypatch.setattr(session.world, "run", broken_run)
    clock.t = 0.1
    session.tick()  # no exception escapes
    assert session.state["status"] == "crashed"
    entries, _ = session.log_since(0)
    assert any("internal error: RuntimeError: kernel bug" in e["text"] for e in entries)
    with pytest.raises(ProtocolError, match="cannot resume"):
        session.apply(Command("resume"))


class SlowClock(FakeClock):
    """Wall time passes 10 ms at every look: simulating seems slow, so work is spread over frames."""

    def __call__(self) -> float:
        self.t += 0.01
        return self.t


def test_a_long_step_goes_on_over_the_next_frames() -> None:
    clock = SlowClock()
    board = Board("lopy4")
    board.load(SCRIPTS / "blink_button.py")
    session = LiveSession(board, clock=clock)
    session.apply(Command("step", ns=5_000_000_000))
    first = session.state["t"]
    assert 0 < first < 5_000_000_000  # answered within the step budget, not after 5 s of work
    assert session.state["paused"] is True
    for _ in range(200):
        session.tick()
        if session.state["t"] == 5_000_000_000:
            break
    assert session.state["t"] == 5_000_000_000  # and not a nanosecond further: still paused
    session.tick()
    assert session.state["t"] == 5_000_000_000


def test_several_boards_share_the_clock_and_each_is_shown() -> None:
    from pycomsim import World

    world = World()
    ping = Board("lopy4", name="ping", world=world)
    pong = Board("gpy", name="pong", world=world, expansion=False)
    ping.load(SCRIPTS / "blink_button.py")
    pong.load(SCRIPTS / "busy_toggle.py")
    clock = FakeClock()
    session = LiveSession([ping, pong], clock=clock)
    assert [b["name"] for b in session.hello()["boards"]] == ["ping", "pong"]
    assert session.hello()["boards"][1]["expansion"] is False
    assert "P98" in {p["name"] for p in session.hello()["boards"][1]["pins"]}
    for i in range(1, 5):
        clock.t = i * 0.1
        session.tick()
    boards = session.state["boards"]
    assert boards["ping"]["led"] is True and boards["pong"]["led"] is None
    p11 = next(p for p in boards["pong"]["pins"] if p["name"] == "P11")
    assert p11["mode"] == "OUT"
    session.apply(Command("drive", board="pong", pin="P98", level="high"))
    p98 = next(p for p in session.state["boards"]["pong"]["pins"] if p["name"] == "P98")
    assert (p98["level"], p98["driven"]) == (1, "high")
    with pytest.raises(ProtocolError, match="no expansion board"):
        session.apply(Command("button", board="pong", action="press"))
    entries, _ = session.log_since(0)
    assert {"kind": "out", "text": "ready\n", "board": "ping"} in entries


def test_radio_packets_are_listed_in_each_boards_log(tmp_path) -> None:
    from pycomsim import World

    sender = tmp_path / "tx.py"
    sender.write_text(
        "from network import LoRa\nimport socket\nLoRa(mode=LoRa.LORA, region=LoRa.EU868)\n"
        "socket.socket(socket.AF_LORA, socket.SOCK_RAW).send(b'hello')\n"
    )
    receiver = tmp_path / "rx.py"
    receiver.write_text(
        "from network import LoRa\nimport socket\nLoRa(mode=LoRa.LORA, region=LoRa.EU868)\n"
        "print(socket.socket(socket.AF_LORA, socket.SOCK_RAW).recv(8))\n"
    )
    world = World()
    tx = Board("lopy4", name="tx", world=world)
    rx = Board("lopy4", name="rx", world=world)
    tx.load(sender)
    rx.load(receiver)
    clock = FakeClock()
    session = LiveSession([tx, rx], clock=clock)
    for i in range(1, 4):
        clock.t = i * 0.1
        session.tick()
    entries, _ = session.log_since(0)
    info = [(e["board"], e["text"]) for e in entries if e["kind"] == "info"]
    assert any(b == "tx" and "radio-tx 868MHz SF7 5B" in t for b, t in info)
    assert any(b == "rx" and "radio-rx from tx 5B" in t for b, t in info)
