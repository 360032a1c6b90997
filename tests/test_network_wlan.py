"""network.WLAN (esp32/mods/modwlan.c) and IP sockets (modusocket.c) on the World's IP network
(sim/ipnet.py): scan, connect with the firmware's wrong-key / missing-network behaviour, ifconfig,
HTTP to a mapped local service, nothing unmapped reached, TCP/UDP between boards, select on sockets."""

import http.server
import textwrap
import threading

import pytest

from pycomsim import Board
from pycomsim.sim.world import World

MS = 1_000_000

CONNECT = """
from network import WLAN
import socket, time
wlan = WLAN(mode=WLAN.STA)
wlan.connect('homenet', auth=(WLAN.WPA2, 'secret123'), timeout=10000)
while not wlan.isconnected():
    time.sleep_ms(50)
"""


@pytest.fixture
def http_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"hello " + self.path.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def world_with(tmp_path, scripts: dict[str, str], *, aps=(("homenet", "secret123"),), hosts=None):
    world = World()
    for ssid, key in aps:
        world.ipnet.add_ap(ssid, key, rssi=-48)
    for source, target in (hosts or {}).items():
        world.ipnet.map_host(source, target)
    boards = {}
    for name, text in scripts.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "main.py").write_text(textwrap.dedent(text))
        boards[name] = Board("lopy4", name=name, world=world, stdout=open("/dev/null", "w"))
        boards[name].load(folder / "main.py")
    return world, boards


def out(board: Board) -> list[str]:
    if board.error is not None:
        raise board.error
    return "".join(board.output).splitlines()


def test_scan_connect_ifconfig_and_an_http_get_to_a_mapped_local_server(tmp_path, http_server):
    script = """
    from network import WLAN
    import socket, time
    wlan = WLAN(mode=WLAN.STA)
    print([(n.ssid, n.sec, n.channel, n.rssi) for n in wlan.scan()])
    print(wlan.isconnected(), wlan.ifconfig())
    t0 = time.ticks_ms()
    wlan.connect('homenet', auth=(WLAN.WPA2, 'secret123'))
    while not wlan.isconnected():
        time.sleep_ms(50)
    print('connected', time.ticks_diff(time.ticks_ms(), t0) // 100 * 100, wlan.ifconfig())
    addr = socket.getaddrinfo('api.example.com', 80)[0][-1]
    s = socket.socket()
    s.connect(addr)
    s.send(b'GET /status HTTP/1.0\\r\\nHost: api.example.com\\r\\n\\r\\n')
    reply = b''
    while True:
        chunk = s.recv(128)
        if not chunk:
            break
        reply += chunk
    s.close()
    print(addr, reply.split(b'\\r\\n')[0], reply.split(b'\\r\\n\\r\\n')[1])
    """
    world, b = world_with(
        tmp_path, {"node": script}, hosts={"api.example.com:80": f"127.0.0.1:{http_server}"}
    )
    world.run(until="20s")
    assert out(b["node"]) == [
        "[('homenet', 3, 6, -48)]",
        "False ('0.0.0.0', '0.0.0.0', '0.0.0.0', '0.0.0.0')",
        "connected 2800 ('192.168.1.100', '255.255.255.0', '192.168.1.1', '192.168.1.1')",
        "('203.0.113.1', 80) b'HTTP/1.0 200 OK' b'hello /status'",
    ]
    kinds = [e.kind for e in world.recorder.events if e.board == "node"]
    assert "wlan-connected" in kinds and "ip-connect" in kinds


@pytest.mark.parametrize(
    "ssid, key, reason",
    [("homenet", "wrongkey1", "AUTH_FAIL"), ("nowhere", "secret123", "NO_AP_FOUND")],
)
def test_a_wrong_key_or_a_missing_network_never_connects(tmp_path, ssid, key, reason):
    script = f"""
    from network import WLAN
    import time
    wlan = WLAN(mode=WLAN.STA)
    wlan.connect('{ssid}', auth=(WLAN.WPA2, '{key}'), timeout=5000)
    t0 = time.ticks_ms()
    try:
        while not wlan.isconnected():
            time.sleep_ms(100)
    except TimeoutError as e:
        print(e, time.ticks_diff(time.ticks_ms(), t0) // 1000)
    print(wlan.isconnected(), wlan.ifconfig()[0])
    """
    world, b = world_with(tmp_path, {"node": script})
    world.run(until="10s")
    assert out(b["node"]) == ["Connection to AP Timeout! 5", "False 0.0.0.0"]
    details = [e.detail for e in world.recorder.events if e.kind == "wlan-disconnected"]
    assert details and all(reason in d for d in details)


def test_nothing_unmapped_is_reached(tmp_path):
    script = (
        CONNECT
        + """
try:
    socket.getaddrinfo('example.org', 80)
except OSError as e:
    print(e)
s = socket.socket()
s.settimeout(2)
try:
    s.connect(('8.8.8.8', 53))
except TimeoutError as e:
    print('connect', e)
"""
    )
    world, b = world_with(tmp_path, {"node": script})
    world.run(until="20s")
    assert out(b["node"]) == ["[Errno 202] EAI_FAIL", "connect timed out"]
    (warning,) = world.warnings
    assert warning.kind == "unreachable address" and "8.8.8.8:53" in warning.message


def test_tcp_and_udp_between_two_boards_with_select(tmp_path):
    server = (
        CONNECT
        + """
import select
wlan.ifconfig(config=('192.168.1.50', '255.255.255.0', '192.168.1.1', '192.168.1.1'))
srv = socket.socket()
srv.bind(('0.0.0.0', 8000))
srv.listen(1)
conn, peer = srv.accept()
data = conn.recv(64)
conn.send(b'echo:' + data)
conn.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('0.0.0.0', 9000))
r, w, x = select.select([u], [], [], 5)
d, src = u.recvfrom(64)
print('server', peer[0] == src[0], peer[0].startswith('192.168.1.1'), d, r == [u])
"""
    )
    client = (
        CONNECT
        + """
import select
time.sleep(1)
s = socket.socket()
s.connect(('192.168.1.50', 8000))
s.send(b'hi')
p = select.poll()
p.register(s, select.POLLIN)
print('ready', len(p.poll(2000)))
print('client', s.recv(64), s.recv(64))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b'dgram', ('192.168.1.50', 9000))
t0 = time.ticks_ms()
p2 = select.poll()
p2.register(u, select.POLLIN)
print('nothing', p2.poll(300), time.ticks_diff(time.ticks_ms(), t0) >= 300)
"""
    )
    world, b = world_with(tmp_path, {"server": server, "client": client})
    world.run(until="20s")
    assert out(b["client"]) == ["ready 1", "client b'echo:hi' b''", "nothing [] True"]
    assert out(b["server"]) == ["server True True b'dgram' True"]


def test_boot_access_point_and_wlan_names(tmp_path):
    script = """
    from network import WLAN
    import machine, ubinascii
    wlan = WLAN()
    print(wlan.mode() == WLAN.AP, wlan.ssid().startswith('lopy4-wlan-'), wlan.ifconfig(id=1)[0])
    print(wlan.mac().sta_mac == machine.unique_id(), len(wlan.mac().ap_mac))
    try:
        wlan.connect('x')
    except OSError as e:
        print(e)
    WLAN(mode=WLAN.STA)
    try:
        WLAN(mode=WLAN.AP)
    except ValueError as e:
        print(e)
    try:
        WLAN(mode=WLAN.STA, auth=(WLAN.WPA2, 'short'))
    except ValueError as e:
        print(e)
    """
    _, b = world_with(tmp_path, {"node": script})
    b["node"].world.run(until="2s")
    assert out(b["node"]) == [
        "True True 192.168.4.1",
        "True 6",
        "the requested operation is not possible",
        "AP SSID not given",
        "invalid key length",
    ]


def test_a_socket_needs_an_address(tmp_path):
    script = """
    from network import WLAN
    import socket
    WLAN(mode=WLAN.STA)
    s = socket.socket()
    s.connect(('192.168.1.1', 80))
    """
    _, b = world_with(tmp_path, {"node": script})
    b["node"].world.run(until="2s")
    assert str(b["node"].error) == "[Errno 118] EHOSTUNREACH"
