"""ussl (esp32/mods/modussl.c) against a local TLS server the scenario maps: the test CA on the board's
flash, server_hostname, cert_reqs and the firmware's argument checks and mbedTLS error codes."""

import datetime
import http.server
import ssl
import textwrap
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pycomsim import Board
from pycomsim.sim.world import World

CONNECT = """
from network import WLAN
import socket, ssl, time
wlan = WLAN(mode=WLAN.STA)
wlan.connect('homenet', auth=(WLAN.WPA2, 'secret123'))
while not wlan.isconnected():
    time.sleep_ms(50)
addr = socket.getaddrinfo('api.example.com', 443)[0][-1]
"""

GET = """
s.send(b'GET /status HTTP/1.0\\r\\nHost: api.example.com\\r\\n\\r\\n')
reply = b''
while True:
    chunk = s.recv(256)
    if not chunk:
        break
    reply += chunk
s.close()
print(reply.split(b'\\r\\n')[0], reply.split(b'\\r\\n\\r\\n')[1])
"""


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ca(cn: str):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A test CA, a server certificate for api.example.com it signed, and an unrelated CA."""
    ca_key, ca = _ca("pycomsim test CA")
    _, other_ca = _ca("someone else")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("api.example.com"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("api.example.com")]), False)
        .sign(ca_key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("pki")
    (folder / "server.pem").write_text(_pem(cert))
    (folder / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return {"ca": _pem(ca), "other": _pem(other_ca), "dir": folder}


@pytest.fixture(scope="module")
def tls_server(pki):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"secure " + self.path.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki["dir"] / "server.pem", pki["dir"] / "server.key")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # the handshake in each request's thread: a board that never shakes hands blocks nobody
    server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture
def plain_server():
    """Something on the port that does not speak TLS."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def run(tmp_path, body: str, port: int, pki) -> Board:
    world = World()
    world.ipnet.add_ap("homenet", "secret123")
    world.ipnet.map_host("api.example.com:443", f"127.0.0.1:{port}")
    (tmp_path / "cert").mkdir()
    (tmp_path / "cert" / "ca.pem").write_text(pki["ca"])
    (tmp_path / "cert" / "other.pem").write_text(pki["other"])
    (tmp_path / "main.py").write_text(CONNECT + textwrap.dedent(body))
    board = Board("lopy4", name="node", world=world, stdout=open("/dev/null", "w"))
    board.load(tmp_path / "main.py")
    world.run(until="30s")
    return board


def lines(board: Board) -> list[str]:
    if board.error is not None:
        raise board.error
    return "".join(board.output).splitlines()


def test_https_get_with_the_scenarios_ca_and_server_hostname(tmp_path, tls_server, pki):
    body = """
    s = socket.socket()
    s.connect(addr)
    t0 = time.ticks_ms()
    s = ssl.wrap_socket(s, cert_reqs=ssl.CERT_REQUIRED, ca_certs='/flash/cert/ca.pem',
                        server_hostname='api.example.com')
    print('handshake', time.ticks_diff(time.ticks_ms(), t0) >= 1000, s)
    """
    b = run(tmp_path, textwrap.dedent(body) + GET, tls_server, pki)
    assert lines(b) == ["handshake True <ussl>", "b'HTTP/1.0 200 OK' b'secure /status'"]
    tls = [e for e in b.world.recorder.events if e.kind == "ip-tls"]
    assert tls and "203.0.113.1:443 TLSv1.3" in tls[0].detail


def test_wrapped_before_connect_shakes_hands_at_connect(tmp_path, tls_server, pki):
    body = """
    s = ssl.wrap_socket(socket.socket(), cert_reqs=ssl.CERT_REQUIRED, ca_certs='cert/ca.pem')
    s.connect(addr)
    """
    b = run(tmp_path, textwrap.dedent(body) + GET, tls_server, pki)
    assert lines(b) == ["b'HTTP/1.0 200 OK' b'secure /status'"]


def test_cert_none_checks_nothing(tmp_path, tls_server, pki):
    body = "s = socket.socket()\ns.connect(addr)\ns = ssl.wrap_socket(s)\n"
    assert lines(run(tmp_path, body + GET, tls_server, pki))[-1].endswith("b'secure /status'")


@pytest.mark.parametrize(
    "args, error",
    [
        ("cert_reqs=ssl.CERT_REQUIRED, ca_certs='cert/other.pem'", "OSError (-9984,)"),
        ("cert_reqs=ssl.CERT_OPTIONAL, ca_certs='cert/other.pem'", "OSError (-1,)"),
        (  # the right CA, the wrong name
            "cert_reqs=ssl.CERT_REQUIRED, ca_certs='cert/ca.pem', server_hostname='evil.example'",
            "OSError (-9984,)",
        ),
        (
            "cert_reqs=ssl.CERT_REQUIRED, ca_certs='cert/missing.pem'",
            "OSError ('CA file not found',)",
        ),
        ("cert_reqs=ssl.CERT_REQUIRED", "ValueError ('invalid argument(s) value',)"),
        ("server_side=True", "ValueError ('invalid argument(s) value',)"),
    ],
)
def test_verification_failures_and_bad_arguments(tmp_path, tls_server, pki, args, error):
    body = f"""
    s = socket.socket()
    s.connect(addr)
    try:
        ssl.wrap_socket(s, {args})
    except Exception as e:
        print(type(e).__name__, e.args)
    """
    assert lines(run(tmp_path, body, tls_server, pki)) == [error]


def test_a_peer_that_does_not_speak_tls(tmp_path, plain_server, pki):
    body = """
    s = socket.socket()
    s.connect(addr)
    try:
        ssl.wrap_socket(s)
    except OSError as e:
        print(e.args[0])
    """
    assert lines(run(tmp_path, body, plain_server, pki)) == ["-29184"]


def test_module_constants_and_a_wrap_of_something_else(tmp_path, tls_server, pki):
    body = """
    print(ssl.CERT_NONE, ssl.CERT_OPTIONAL, ssl.CERT_REQUIRED, ssl.SSL_TIMEOUT, ssl.SSLError is OSError)
    try:
        ssl.wrap_socket(42)
    except ValueError as e:
        print(e)
    """
    assert lines(run(tmp_path, body, tls_server, pki)) == [
        "0 1 2 -26624 True",
        "invalid argument(s) value",
    ]
