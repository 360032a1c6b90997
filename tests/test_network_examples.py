"""The network examples run with `pycomsim run --scenario` and do what their comments say."""

import json
from pathlib import Path

from pycomsim.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_cli(capsys, *argv):
    code = main(["run", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_lora_pingpong_example(capsys):
    code, out, err = run_cli(capsys, "--scenario", EXAMPLES / "lora_pingpong.toml", "--json")
    assert code == 0
    lines = out.splitlines()
    assert [line.split(" after ")[0] for line in lines[:5]] == [
        f"ping| b'PONG {i}'" for i in range(5)
    ]
    assert lines[-1] == "ping| done"
    summary = json.loads(err.strip().splitlines()[-1])
    assert summary["network"]["radio"] == {"packets": 10, "received": 10, "collisions": 0}
    assert summary["warnings"] == []  # 4 s between pings keeps the 1 % duty cycle


def test_lorawan_otaa_example(capsys):
    code, out, err = run_cli(capsys, "--scenario", EXAMPLES / "lorawan_otaa.toml", "--json")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("DevEUI 70b3d549")
    assert "Joined" in lines and "downlink on port 1 b'LED on'" in lines
    assert lines[-3:] == ["uplink 0 counter 0", "uplink 1 counter 1", "uplink 2 counter 2"]
    summary = json.loads(err.strip().splitlines()[-1])
    assert summary["network"]["lorawan"] == {"joins": 1, "uplinks": 3, "rejected": 0}
