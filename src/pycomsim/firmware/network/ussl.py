"""``ussl`` (esp32/mods/modussl.c, mbedTLS on the board): TLS over a TCP socket to a host service the
scenario maps (``[hosts]``), done for real with the host's ``ssl`` module.

``wrap_socket(sock, keyfile=, certfile=, server_side=, cert_reqs=, ssl_version=, ca_certs=,
server_hostname=, saved_session=, timeout=)`` takes the firmware's arguments in its order and checks
them as ``mod_ssl_wrap_socket`` does; ``ca_certs``, ``certfile`` and ``keyfile`` are paths on the
board's file system (``/flash/cert/ca.pem``), read as ``pycom_util_read_file`` does. The handshake
happens at once on a connected socket, or at ``connect`` on one wrapped before. As with mbedTLS:

* ``CERT_NONE`` (the default) checks nothing; ``CERT_OPTIONAL`` and ``CERT_REQUIRED`` check the
  server's chain against ``ca_certs`` and, when ``server_hostname`` is given, its name (which is also
  sent as SNI). A failed check is ``OSError(-9984)`` (MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) with
  CERT_REQUIRED and ``OSError(-1)`` with CERT_OPTIONAL (``mod_ssl_setup_socket``);
* a peer that does not speak TLS is ``OSError(-29184)`` (MBEDTLS_ERR_SSL_INVALID_RECORD), one that
  hangs up ``OSError(-29312)`` (MBEDTLS_ERR_SSL_CONN_EOF), no answer in time ``OSError(-26624)``
  (``ussl.SSL_TIMEOUT``).

The handshake costs the board `HANDSHAKE_NS` of virtual time (our model of mbedTLS on a 160 MHz
ESP32 with a 2048-bit RSA or P-256 certificate). TLS between two simulated boards and
``server_side=True`` raise NotSimulatedError.
"""

from __future__ import annotations

import os
import ssl as host_ssl
import tempfile
import types
from typing import TYPE_CHECKING, Any

from ...exc import NotSimulatedError
from .args import BOOL, INT, Arg, parse
from .inet import InetSocket

if TYPE_CHECKING:
    from ...board import Board

CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED = 0, 1, 2  # MBEDTLS_SSL_VERIFY_*
SSL_TIMEOUT = -0x6800  # MBEDTLS_ERR_SSL_TIMEOUT
VERIFY_FAILED = -0x2700  # MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
INVALID_RECORD = -0x7200  # MBEDTLS_ERR_SSL_INVALID_RECORD
CONN_EOF = -0x7280  # MBEDTLS_ERR_SSL_CONN_EOF
CERT_UNKNOWN_FORMAT = -0x2780  # MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT
KEY_INVALID_FORMAT = -0x3D00  # MBEDTLS_ERR_PK_KEY_INVALID_FORMAT
HANDSHAKE_NS = 1_200_000_000
HOST_HANDSHAKE_S = 10.0  # wall-clock limit for the real handshake with the host service
INVALID_ARGS = "invalid argument(s) value"  # mpexception_value_invalid_arguments

ARGS = (
    Arg("sock", required=True),
    Arg("keyfile", kw_only=True, default=None),
    Arg("certfile", kw_only=True, default=None),
    Arg("server_side", BOOL, kw_only=True, default=False),
    Arg("cert_reqs", INT, kw_only=True, default=CERT_NONE),
    Arg("ssl_version", INT, kw_only=True, default=0),
    Arg("ca_certs", kw_only=True, default=None),
    Arg("server_hostname", kw_only=True, default=None),
    Arg("saved_session", kw_only=True, default=None),
    Arg("timeout", kw_only=True, default=None),
)


def _text(value: Any) -> str:
    """mp_obj_str_get_str."""
    if not isinstance(value, str):
        raise TypeError(f"can't convert '{type(value).__name__}' object to str implicitly")
    return value


class SSLSession:
    """What ``ussl.save_session`` returns: a TLS session to resume with ``saved_session=``."""

    __slots__ = ("session",)

    def __init__(self, session: Any) -> None:
        self.session = session


SSLSession.__module__ = "builtins"


class SslSocket(InetSocket):
    """The wrapped socket: the same socket state (the firmware copies ``sock_base``), TLS on the
    host connection."""

    def connect(self, addr: Any) -> None:
        super().connect(addr)
        self._tls_handshake()

    def _tls_handshake(self) -> None:
        tls = self.__dict__["_tls"]
        if self._peer_sock is not None:
            raise NotSimulatedError(
                "ussl between two simulated boards is not simulated by pycomsim"
            )
        host = self._host
        if host is None or tls.get("done"):
            return  # not connected yet: mbedTLS shakes hands at connect
        board: Board = self._board
        ctx = host_ssl.SSLContext(host_ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        verify = tls["cert_reqs"] != CERT_NONE
        ctx.verify_mode = host_ssl.CERT_REQUIRED if verify else host_ssl.CERT_NONE
        if verify:
            try:
                ctx.load_verify_locations(cadata=tls["ca"])
            except (host_ssl.SSLError, ValueError):
                raise OSError(CERT_UNKNOWN_FORMAT) from None
            ctx.check_hostname = tls["hostname"] is not None
        if tls["cert"] is not None:
            _load_client_cert(ctx, tls["cert"], tls["key"])
        session = tls["session"].session if tls["session"] is not None else None
        board.sleep_ns(HANDSHAKE_NS)
        host.setblocking(True)
        host.settimeout(HOST_HANDSHAKE_S)
        try:
            wrapped = ctx.wrap_socket(host, server_hostname=tls["hostname"], session=session)
        except host_ssl.SSLCertVerificationError:
            raise OSError(VERIFY_FAILED if tls["cert_reqs"] == CERT_REQUIRED else -1) from None
        except TimeoutError:
            raise OSError(SSL_TIMEOUT) from None
        except (host_ssl.SSLEOFError, ConnectionError):
            raise OSError(CONN_EOF) from None
        except host_ssl.SSLError:
            raise OSError(INVALID_RECORD) from None
        wrapped.setblocking(False)
        self._host = wrapped
        tls["done"] = True
        peer = self._peer_text()
        self._net.record(board.now, board.name, "tls", f"{peer} {wrapped.version()}")

    def __repr__(self) -> str:
        return "<ussl>"


SslSocket.__module__ = "builtins"
SslSocket.__name__ = SslSocket.__qualname__ = "ussl"


def _load_client_cert(ctx: host_ssl.SSLContext, cert: str, key: str | None) -> None:
    """load_cert_chain wants files: a private temporary folder, gone right after."""
    with tempfile.TemporaryDirectory(prefix="pycomsim-tls-") as folder:
        cert_path = os.path.join(folder, "cert.pem")
        key_path = os.path.join(folder, "key.pem")
        with open(cert_path, "w") as f:
            f.write(cert)
        with open(key_path, "w") as f:
            f.write(key or "")
        try:
            ctx.load_cert_chain(cert_path, key_path)
        except (host_ssl.SSLError, ValueError):
            raise OSError(KEY_INVALID_FORMAT) from None


def make_ussl(board: Board, board_open: Any) -> types.ModuleType:
    """The board's ``ussl`` module; `board_open` is its builtin ``open`` (the files it reads)."""

    def read_file(path: str, missing: str) -> str:
        """pycomsim_util_read_file: the whole file, or OSError(`missing`)."""
        try:
            with board_open(path) as f:
                return f.read()
        except OSError:
            raise OSError(missing) from None

    def wrap_socket(*args: Any, **kwargs: Any) -> SslSocket:
        board.advance(25_000)
        (sock, keyfile, certfile, server_side, cert_reqs, _version, ca_certs, hostname,
         saved, _timeout) = parse(args, kwargs, ARGS)  # fmt: skip
        if cert_reqs != CERT_NONE and ca_certs is None:
            raise ValueError(INVALID_ARGS)
        keyfile = None if keyfile is None else _text(keyfile)
        certfile = None if certfile is None else _text(certfile)
        ca_path = None if ca_certs is None or cert_reqs == CERT_NONE else _text(ca_certs)
        hostname = None if hostname is None else _text(hostname)
        if server_side and (keyfile is None or certfile is None):
            raise ValueError(INVALID_ARGS)
        if not isinstance(sock, InetSocket):
            raise ValueError(INVALID_ARGS)
        if saved is not None and not isinstance(saved, SSLSession):
            raise ValueError(INVALID_ARGS)
        ca = read_file(ca_path, "CA file not found") if ca_path else None
        cert = key = None
        if certfile and keyfile:
            cert = read_file(certfile, "certificate file not found")
            key = read_file(keyfile, "key file not found")
        if server_side:
            raise NotSimulatedError(
                "ussl.wrap_socket(server_side=True) is not simulated by pycomsim"
            )
        tls_sock = object.__new__(SslSocket)
        tls_sock.__dict__ = sock.__dict__  # one socket underneath, as the firmware shares the sd
        tls_sock.__dict__["_tls"] = {
            "cert_reqs": cert_reqs,
            "ca": ca,
            "cert": cert,
            "key": key,
            "hostname": hostname,
            "session": saved,
        }
        tls_sock._tls_handshake()
        return tls_sock

    def save_session(*args: Any, **kwargs: Any) -> SSLSession:
        (ssl_sock,) = parse(args, kwargs, (Arg("ssl_sock", required=True),))
        host = getattr(ssl_sock, "_host", None)
        session = getattr(host, "session", None)
        if session is None:
            raise OSError(-0x7100)  # MBEDTLS_ERR_SSL_BAD_INPUT_DATA
        return SSLSession(session)

    m = types.ModuleType("ussl")
    m.wrap_socket = wrap_socket
    m.save_session = save_session
    m.SSLError = OSError
    m.CERT_NONE, m.CERT_OPTIONAL, m.CERT_REQUIRED = CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED
    m.SSL_TIMEOUT = SSL_TIMEOUT
    return m
