"""`--vcd-timescale` (1ns ... 1ms): a coarser VCD time unit, so viewers that sample the file (sigrok,
PulseView) open a run of seconds in a moment; and the PulseView command docs/testing.md suggests."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from test_vcd_roundtrip import parse_vcd

from pycomsim import Board
from pycomsim.cli import main
from pycomsim.output.vcd import write_vcd

THREE_SECONDS = """
from machine import Pin
import time
led = Pin('P9', Pin.OUT)
for i in range(60):
    led.toggle()
    time.sleep_ms(50)
"""


def _run(tmp_path: Path, *flags: str) -> int:
    script = tmp_path / "main.py"
    script.write_text(THREE_SECONDS)
    return main(["run", str(script), "--press", "P10@1s+300ms", "--quiet", *flags])


def _downsample(changes: list[tuple[int, str]], ns: int) -> list[tuple[int, str]]:
    last = {}
    for t, value in changes:
        last[t // ns] = value
    kept: list[tuple[int, str]] = []
    for tick, value in sorted(last.items()):
        if not kept or kept[-1][1] != value:
            kept.append((tick, value))
    return kept


def _timescale(text: str) -> str:
    return text.split("$timescale", 1)[1].split("$end", 1)[0].strip()


@pytest.mark.parametrize(
    "flag, header, ns",
    [("1us", "1 us", 1_000), ("100us", "100 us", 100_000), ("1ms", "1 ms", 10**6)],
)
def test_changes_are_rounded_down_to_the_tick(tmp_path, flag, header, ns):
    assert _run(tmp_path, "--vcd", str(tmp_path / "fine.vcd"), "--pins", "P9") == 0
    assert (
        _run(tmp_path, "--vcd", str(tmp_path / "c.vcd"), "--vcd-timescale", flag, "--pins", "P9")
        == 0
    )
    fine, coarse = (tmp_path / "fine.vcd").read_text(), (tmp_path / "c.vcd").read_text()
    assert _timescale(fine) == "1 ns" and _timescale(coarse) == header
    _, fine_changes, fine_end = parse_vcd(fine)
    _, coarse_changes, coarse_end = parse_vcd(coarse)
    # each change lands on the tick it happened in, the last one of a tick wins (the first toggle,
    # microseconds after the pin became an output, merges with it); the 50 ms edges all stay
    assert coarse_changes["lopy4.P9"] == _downsample(fine_changes["lopy4.P9"], ns)
    assert len(coarse_changes["lopy4.P9"]) >= 60
    assert coarse_end == fine_end // ns


def test_a_pulse_shorter_than_a_tick_keeps_only_its_last_level(tmp_path):
    board = Board("lopy4")
    board.levels("P4", [("0ms", 0), ("5us", 1), ("7us", 0), ("2ms", 1)])
    board.run(until="3ms")
    write_vcd(board.world, tmp_path / "ms.vcd", pins=["P4"], timescale="1ms")
    _, changes, _ = parse_vcd((tmp_path / "ms.vcd").read_text())
    assert changes["lopy4.P4"] == [(0, "0"), (2, "1")]  # the 2 us pulse is inside tick 0


@pytest.mark.parametrize(
    "flags, message",
    [
        (
            ["--vcd", "x.vcd", "--vcd-timescale", "3us"],
            "bad --vcd-timescale '3us': use one of 1ns, 10ns, 100ns, 1us, 10us, 100us, 1ms",
        ),
        (["--vcd-timescale", "1us"], "--vcd-timescale applies to --vcd: give --vcd FILE too"),
    ],
)
def test_a_bad_timescale_is_one_line_and_exit_2(tmp_path, capsys, flags, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _run(tmp_path, *flags) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip().splitlines() == [f"pycomsim: error: {message}"]
    assert not (tmp_path / "x.vcd").exists()


@pytest.mark.skipif(not shutil.which("sigrok-cli"), reason="needs sigrok-cli (make system-deps)")
@pytest.mark.parametrize(
    "timescale, sigrok_input",
    [("1us", "vcd"), ("1ns", "vcd:downsample=1000")],  # the two ways docs/testing.md suggests
)
def test_the_suggested_sigrok_conversion_of_a_3s_run_finishes_in_seconds(
    tmp_path, timescale, sigrok_input
):
    vcd = tmp_path / "run.vcd"
    assert _run(tmp_path, "--vcd", str(vcd), "--vcd-timescale", timescale) == 0
    started = time.perf_counter()
    subprocess.run(
        ["sigrok-cli", "-I", sigrok_input, "-i", str(vcd), "-o", str(tmp_path / "run.sr")],
        check=True,
        timeout=30,
        capture_output=True,
    )
    assert time.perf_counter() - started < 10  # at 1 ns without downsampling: over a minute
    shown = subprocess.run(
        ["sigrok-cli", "-i", str(tmp_path / "run.sr"), "--show"],
        check=True,
        timeout=30,
        capture_output=True,
        text=True,
    ).stdout
    assert "Samplerate: 1000000" in shown and "P9: logic" in shown
