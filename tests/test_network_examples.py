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


def test_wlan_http_example_against_a_local_server(capsys, tmp_path):
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    server.RequestHandlerClass.log_message = lambda *a: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        text = (
            (EXAMPLES / "wlan_http.toml").read_text().replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        )
        (tmp_path / "wlan_http.toml").write_text(text)
        (tmp_path / "wlan_http.py").write_text((EXAMPLES / "wlan_http.py").read_text())
        code, out, err = run_cli(capsys, "--scenario", tmp_path / "wlan_http.toml")
    finally:
        server.shutdown()
    assert code == 0, err
    assert out.splitlines() == [
        "found homenet rssi -48",
        "found cafe-guest rssi -77",
        "connected 192.168.1.100",
        "b'HTTP/1.0 200 OK'",
    ]
