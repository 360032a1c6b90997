"""VCD output: what is written reads back as what the recorder holds, and real tools accept it."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from pycomsim import Board, World
from pycomsim.output.vcd import VcdStream, write_vcd
from pycomsim.sim.trace import end_time


def parse_vcd(text: str) -> tuple[dict[str, str], dict[str, list[tuple[int, str]]], int]:
    """A small VCD reader: (timescale line, {'scope.name': [(t, value), ...]}, last timestamp)."""
    ids: dict[str, str] = {}
    scope: list[str] = []
    header = {}
    changes: dict[str, list[tuple[int, str]]] = {}
    t = 0
    lines = iter(text.splitlines())
    for line in lines:
        words = line.split()
        if not words:
            continue
        if words[0] == "$scope":
            scope.append(words[2])
        elif words[0] == "$upscope":
            scope.pop()
        elif words[0] == "$var":
            assert words[1] == "wire" and words[2] == "1", line
            name = ".".join([*scope, words[4]])
            ids[words[3]] = name
            changes[name] = []
        elif words[0] == "$timescale":
            header["timescale"] = " ".join(words[1:-1])
        elif words[0] == "$enddefinitions":
            break
    for line in lines:
        line = line.strip()
        if not line or line.startswith("$"):
            continue
        if line.startswith("#"):
            new_t = int(line[1:])
            assert new_t >= t, f"time goes back: {line}"
            t = new_t
        else:
            assert line[0] in "01xz", line
            changes[ids[line[1:]]].append((t, line[0]))
    return header, changes, t


def expected_changes(world: World, name: str, end: int) -> list[tuple[int, str]]:
    board_name, _, pin_name = name.partition(".")
    pin = world.boards[board_name].pin(pin_name)
    out: list[tuple[int, str]] = []
    for t, level in pin._pad.net.trace.changes():
        if t > end:
            break
        value = "01zx"[level]
        if out and out[-1][0] == t:
            out.pop()
        if not out or out[-1][1] != value:
            out.append((t, value))
    return out


def blink(board: Board) -> None:
    Pin, time = board.machine.Pin, board.time
    led = Pin("P9", Pin.OUT)
    bus = Pin("P11", Pin.OPEN_DRAIN, value=1)  # released with no pull: floating
    for _ in range(6):
        led.toggle()
        time.sleep_us(1500)
    bus(0)
    time.sleep_ms(2)


def test_vcd_round_trip_matches_recorder(tmp_path):
    board = Board("lopy4")
    board.run(lambda: blink(board))
    path = tmp_path / "out.vcd"
    write_vcd(board.world, path)
    header, changes, last_t = parse_vcd(path.read_text())
    assert header["timescale"] == "1 ns"
    end = end_time(board.world)
    assert last_t == end
    assert set(changes) == {f"lopy4.P{i}" for i in range(24)}
    for name, got in changes.items():
        assert got == expected_changes(board.world, name, end), name
    assert [v for _, v in changes["lopy4.P9"]] == ["0", "1", "0", "1", "0", "1", "0"]
    assert [v for _, v in changes["lopy4.P11"]] == ["0", "z", "0"]


def test_vcd_contention_is_x_and_boards_get_scopes():
    world = World()
    a = Board("lopy4", name="a", world=world)
    b = Board("lopy4", name="b", world=world)
    world.wire_spec("a.P21=b.P22")

    def drive_high(board: Board) -> None:
        board.machine.Pin("P21" if board.name == "a" else "P22", board.machine.Pin.OUT, value=1)
        board.time.sleep_ms(1)

    def drive_low_later(board: Board) -> None:
        board.time.sleep_us(500)
        board.machine.Pin("P22", board.machine.Pin.OUT, value=0)
        board.time.sleep_ms(1)

    a.load(lambda: drive_high(a))
    b.load(lambda: drive_low_later(b))
    world.run()
    out = io.StringIO()
    write_vcd(world, out, pins=["a.P21", "b.P22"])
    text = out.getvalue()
    assert "$scope module a $end" in text and "$scope module b $end" in text
    _, changes, _ = parse_vcd(text)
    assert "x" in [v for _, v in changes["a.P21"]]
    assert changes["a.P21"] == changes["b.P22"]  # one net, two wires


def test_vcd_to_binary_stream_leaves_it_open_and_is_deterministic():
    def run() -> bytes:
        board = Board("lopy4", seed=3)
        board.run(lambda: blink(board))
        out = io.BytesIO()
        write_vcd(board.world, out, pins="P9,P11")
        assert not out.closed
        return out.getvalue()

    first = run()
    assert first == run()
    assert b"$var wire 1 ! P9 $end" in first


def test_vcd_until_clips_the_file():
    board = Board("lopy4")
    board.run(lambda: blink(board))
    out = io.StringIO()
    write_vcd(board.world, out, pins=["P9"], until="3ms")
    _, changes, last_t = parse_vcd(out.getvalue())
    assert last_t == 3_000_000
    assert all(t <= 3_000_000 for t, _ in changes["lopy4.P9"])
    assert len(changes["lopy4.P9"]) == 3  # 0 at boot, then two toggles before 3 ms


@pytest.mark.parametrize("pins", [["P99"], "P9,,P10", ["x.P9"]])
def test_vcd_unknown_pin_is_a_value_error_naming_it(pins):
    board = Board("lopy4")
    with pytest.raises(ValueError, match=r"P99|empty|'x'"):
        write_vcd(board.world, io.StringIO(), pins=pins)


def test_vcd_unwritable_path_is_a_value_error_naming_it(tmp_path):
    board = Board("lopy4")
    bad = tmp_path / "no-such-dir" / "out.vcd"
    with pytest.raises(ValueError, match="no-such-dir"):
        write_vcd(board.world, bad)


def test_vcd_stream_writes_as_the_run_goes(tmp_path):
    board = Board("lopy4")
    path = tmp_path / "s.vcd"
    stream = VcdStream(board.world, path, pins=["P9"])
    board.world.recorder.checkpoint_listeners.append(stream.write_until)
    board.world.recorder.arm(board.kernel, period_ns=1_000_000)
    board.load(lambda: blink(board))
    board.world.run(until="4ms")
    partial = path.read_text()
    _, early, _ = parse_vcd(partial)  # written before close: the toggles at ~0.1, 1.6 and 3.1 ms
    assert [v for _, v in early["lopy4.P9"]] == ["0", "1", "0", "1"]
    stream.close()
    _, changes, last_t = parse_vcd(path.read_text())
    assert last_t == 4_000_000
    assert changes["lopy4.P9"] == expected_changes(board.world, "lopy4.P9", 4_000_000)


@pytest.mark.skipif(
    not shutil.which("vcd2fst"), reason="needs gtkwave's vcd2fst (make system-deps)"
)
def test_vcd_opens_in_gtkwave_vcd2fst(tmp_path):
    board = Board("lopy4")
    board.run(lambda: blink(board))
    write_vcd(board.world, tmp_path / "g.vcd")
    result = subprocess.run(
        ["vcd2fst", str(tmp_path / "g.vcd"), str(tmp_path / "g.fst")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "g.fst").stat().st_size > 100


@pytest.mark.skipif(not shutil.which("sigrok-cli"), reason="needs sigrok-cli (make system-deps)")
def test_vcd_opens_in_sigrok(tmp_path):
    board = Board("lopy4")
    board.run(lambda: blink(board))
    write_vcd(board.world, tmp_path / "s.vcd", pins="P9,P11")
    result = subprocess.run(
        ["sigrok-cli", "-I", "vcd:downsample=1000", "-i", str(tmp_path / "s.vcd"), "-O", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "P9" in result.stdout and "P11" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line[:1] in "01"]
    assert len(rows) > 1000  # ~11 ms at 1 MHz after downsampling
    assert {row.split(",")[0] for row in rows} == {"0", "1"}  # P9 toggled
