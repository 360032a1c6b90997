"""The benchmark runner must not rot: run it in --quick mode and check what it writes (no timing
assertions: the numbers of a quick run mean nothing)."""

import json
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
FIGURES = [
    "write",
    "write P9 (LED)",
    "read",
    "edge->callback",
    "virtual throughput",
    "scale",
    "memory",
    "pwm",
]
FIGURES += ["cpu-loop", "cpu-overhead", "cpu-blink", "cpu-write", "cpu-read", "cpu-edge"]
FIGURES += ["sweep", "sweep overhead"]


def test_quick_run_writes_every_figure(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(RUNNER), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert [f["name"] for f in data["figures"]] == FIGURES
    for fig in data["figures"]:
        assert fig["pycomsim"] > 0 and fig["peer"] > 0, fig
        assert fig["op"] in ("<=", ">=")
        assert isinstance(fig["passed"], bool)
        assert fig["rounds"], fig
    lines = proc.stdout.splitlines()
    assert len(lines) == len(FIGURES)  # one line per figure on stdout, the summary on stderr
    for line, name in zip(lines, FIGURES, strict=True):
        assert line.startswith(name) and ("pass" in line or "FAIL" in line)


def test_bad_rounds_is_a_one_line_usage_error(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(RUNNER),
            "--quick",
            "--rounds",
            "0",
            "--out",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "--rounds must be at least 1, got 0" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_baseline_compares_two_checkouts_in_one_process(tmp_path):
    """--baseline TREE loads TREE's package beside this one; here the checkout against itself."""
    proc = subprocess.run(
        [
            sys.executable,
            str(RUNNER),
            "--quick",
            "--rounds",
            "2",
            "--baseline",
            str(RUNNER.parents[1]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["write", "write_p9", "read", "edge"]
    assert all("cost this/baseline" in line and "(2 rounds)" in line for line in lines)
