"""IP sockets over WLAN (esp32/mods/modusocket.c socket_*, lwipsocket.c), routed by the World's IP
network (sim/ipnet.py): other boards' sockets, and host services only where the scenario maps them.

Errors and return values are the firmware's: a non-blocking ``recv`` with nothing there is ``b''``, a
timeout > 0 raises ``TimeoutError('timed out')``, a connection nobody accepts ``[Errno 111]
ECONNREFUSED``, a socket without WLAN ``[Errno 118] EHOSTUNREACH``, a name that does not resolve
``[Errno 202] EAI_FAIL``.
"""

from __future__ import annotations

import select
import socket as host_socket
import ssl as host_ssl
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from ... import exc
from ..lang.mod_uerrno import ERRNO, oserror
from .args import get_buffer, timeout_ms
from .wait import WaitList

if TYPE_CHECKING:
    from ...board import Board

MS = 1_000_000
CALL_COST = 30_000
CONNECT_GIVE_UP = 20_000 * MS  # a blocking connect to an address nobody answers (lwIP SYN retries)
HOST_WALL_LIMIT = 30.0  # s of real time a board waits for a host service before giving up
TCP, UDP = 1, 2
EAI_FAIL = 202
TIMED_OUT = "timed out"


def _tls_pending(host: Any) -> bool:
    """Decrypted bytes a TLS host socket (ussl) holds already: select() does not see those."""
    return isinstance(host, host_ssl.SSLSocket) and host.pending() > 0


def _eai_fail() -> OSError:
    err = OSError(EAI_FAIL, "EAI_FAIL")
    err._pycomsim_board_errno = True  # type: ignore[attr-defined]
    return err


def _addr(addr: Any) -> tuple[str, int]:
    """netutils_parse_inet_addr: ('a.b.c.d', port)."""
    if not isinstance(addr, (tuple, list)) or len(addr) != 2:
        raise TypeError("object isn't a tuple or list of 2")
    ip, port = addr
    if not isinstance(ip, str):
        raise TypeError(f"can't convert {type(ip).__name__} to str")
    parts = ip.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
        raise ValueError("invalid arguments")
    return ip, exc.get_int(port)


def getaddrinfo(board: Board, nics: dict[str, Any], *args: Any) -> list[tuple]:
    if len(args) < 2:
        raise exc.missing_args(2 - len(args))
    if len(args) > 6:
        raise exc.at_most(6, len(args))
    host, port = args[0], exc.get_int(args[1])
    if not isinstance(host, str):
        raise TypeError(f"can't convert {type(host).__name__} to str")
    board.advance(CALL_COST)
    wlan = nics.get("wlan")
    ip = board.world.ipnet.resolve(host)
    if ip is None or wlan is None or not wlan._ip():
        board.sleep_ns(5 * MS)  # the DNS query that nobody answers
        raise _eai_fail()
    board.sleep_ns(5 * MS if ip != host else 0)
    return [(2, 1, 0, "", (ip, port))]


class InetSocket:
    """An AF_INET socket (TCP or UDP)."""

    def __init__(self, board: Board, wlan: Any, kind: int, proto: Any) -> None:
        if kind not in (TCP, UDP):
            raise oserror(ERRNO["EINVAL"])
        self._board = board
        self._wlan = wlan
        self._kind = kind
        self._timeout = -1
        self._closed = False
        self._local: tuple[str, int] | None = None
        self._peer: tuple[str, int] | None = None
        self._peer_sock: InetSocket | None = None
        self._host: host_socket.socket | None = None  # a mapped host service
        self._rx = bytearray()
        self._eof = False
        self._datagrams: deque[tuple[bytes, tuple[str, int]]] = deque()
        self._backlog: deque[InetSocket] = deque()
        self._listening = False
        self._waiters = WaitList()
        board.world.networked.add(board.name)

    # ---- helpers ----
    @property
    def _net(self) -> Any:
        return self._board.world.ipnet

    def _check(self) -> None:
        self._board.advance(CALL_COST)
        if self._closed:
            raise oserror(ERRNO["EBADF"])

    def _deadline(self) -> int | None:
        return None if self._timeout < 0 else self._board.now + self._timeout * MS

    def _my_ip(self) -> str:
        ip = self._wlan._ip()
        if not ip:
            raise oserror(ERRNO["EHOSTUNREACH"])
        return ip

    def _deliver_later(self, fn: Any) -> None:
        """A segment to another board arrives one hop later (a kernel event)."""
        from ...sim.ipnet import HOP_NS

        self._board.kernel.schedule(self._board.now + HOP_NS, lambda _: fn())

    # ---- the socket API ----
    def settimeout(self, value: Any) -> None:
        self._check()
        self._timeout = timeout_ms(value)

    def setblocking(self, flag: Any) -> None:
        self.settimeout(None if flag else 0)

    def setsockopt(self, level: Any, opt: Any, value: Any) -> None:
        exc.get_int(level)
        exc.get_int(opt)
        self._check()  # SO_REUSEADDR, TCP_NODELAY, ...: accepted, nothing to model

    def fileno(self) -> int:
        return 54 + id(self) % 8

    def bind(self, addr: Any) -> None:
        ip, port = _addr(addr)
        self._check()
        self._local = (self._wlan._ip() or ip, port or self._net.ephemeral_port())
        if self._kind == UDP:
            self._net.udp[self._local] = self

    def listen(self, backlog: Any = 0) -> None:
        exc.get_int(backlog)
        self._check()
        if self._local is None:
            self._local = (self._my_ip(), self._net.ephemeral_port())
        self._listening = True
        self._net.listeners[(self._my_ip(), self._local[1])] = self

    def accept(self) -> tuple[InetSocket, tuple[str, int]]:
        self._check()
        if not self._listening:
            raise oserror(ERRNO["EINVAL"])
        if not self._waiters.wait(self._board, lambda: bool(self._backlog), self._deadline()):
            if self._timeout > 0:
                raise TimeoutError(TIMED_OUT)
            raise oserror(ERRNO["EAGAIN"])
        conn = self._backlog.popleft()
        return conn, conn._peer  # type: ignore[return-value]

    def connect(self, addr: Any) -> None:
        ip, port = _addr(addr)
        self._check()
        board = self._board
        net = self._net
        me = self._my_ip()
        self._local = (me, net.ephemeral_port())
        self._peer = (ip, port)
        if self._kind == UDP:
            return
        target = net.hosts.get((ip, port))
        if target is not None:
            return self._connect_host(target)
        listener = net.listeners.get((ip, port))
        from ...sim.ipnet import HOP_NS

        if net.board_at(ip) is not None:
            board.sleep_ns(2 * HOP_NS)  # SYN, SYN-ACK
            if listener is None or listener._closed:
                raise oserror(ERRNO["ECONNREFUSED"])
            peer = InetSocket(listener._board, listener._wlan, TCP, None)
            peer._local, peer._peer = (ip, port), self._local
            peer._peer_sock, self._peer_sock = self, peer
            listener._backlog.append(peer)
            listener._waiters.wake()
            net.record(board.now, board.name, "connect", f"{ip}:{port}")
            return
        net.unreachable(board, ip, port)
        wait = CONNECT_GIVE_UP if self._timeout < 0 else self._timeout * MS
        board.sleep_ns(wait)
        if self._timeout > 0:
            raise TimeoutError(TIMED_OUT)
        raise oserror(ERRNO["ETIMEDOUT"])

    def _connect_host(self, target: tuple[str, int]) -> None:
        from ...sim.ipnet import HOST_OP_NS

        board = self._board
        board.sleep_ns(HOST_OP_NS)
        try:
            self._host = host_socket.create_connection(target, timeout=5)
        except OSError:
            raise oserror(ERRNO["ECONNREFUSED"]) from None
        self._host.setblocking(False)
        self._net.record(board.now, board.name, "connect", f"{self._peer[0]}:{self._peer[1]}")  # type: ignore[index]

    def send(self, buf: Any) -> int:
        data = get_buffer(buf)
        self._check()
        if self._kind == UDP:
            if self._peer is None:
                raise oserror(ERRNO["ENOTCONN"])
            return self.sendto(data, self._peer)
        board = self._board
        if self._host is not None:
            from ...sim.ipnet import HOST_OP_NS

            board.sleep_ns(HOST_OP_NS)
            self._host.setblocking(True)
            try:
                self._host.sendall(data)
            except OSError:
                raise oserror(ERRNO["ECONNRESET"]) from None
            finally:
                self._host.setblocking(False)
            self._net.record(board.now, board.name, "send", self._peer_text(), len(data))
            return len(data)
        peer = self._peer_sock
        if peer is None:
            raise oserror(ERRNO["ENOTCONN"])
        if peer._closed or peer._eof and self._eof:
            raise oserror(ERRNO["ECONNRESET"])

        def arrive() -> None:
            peer._rx += data
            peer._waiters.wake()

        self._deliver_later(arrive)
        self._net.record(board.now, board.name, "send", self._peer_text(), len(data))
        return len(data)

    sendall = send

    def write(self, buf: Any) -> int:
        return self.send(buf)

    def _peer_text(self) -> str:
        return f"{self._peer[0]}:{self._peer[1]}" if self._peer else "?"

    def recv(self, bufsize: Any) -> bytes:
        n = exc.get_int(bufsize)
        self._check()
        if self._kind == UDP:
            return self.recvfrom(n)[0]
        if self._host is not None:
            self._fill_from_host()
        else:
            ready = lambda: bool(self._rx) or self._eof  # noqa: E731
            if self._timeout != 0 and not self._waiters.wait(self._board, ready, self._deadline()):
                raise TimeoutError(TIMED_OUT)
        if not self._rx:
            if not self._eof and self._timeout > 0:
                raise TimeoutError(TIMED_OUT)
            return b""
        out = bytes(self._rx[:n])
        del self._rx[:n]
        return out

    def read(self, size: Any = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while True:
                chunk = self.recv(4096)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        return self.recv(size)

    def readline(self) -> bytes:
        line = bytearray()
        while not line.endswith(b"\n"):
            chunk = self.recv(1)
            if not chunk:
                break
            line += chunk
        return bytes(line)

    def _fill_from_host(self) -> None:
        """Wait (real time, up to the socket's timeout) for the host service's next bytes."""
        from ...sim.ipnet import HOST_OP_NS

        if self._rx or self._eof:
            return
        wall = HOST_WALL_LIMIT if self._timeout < 0 else min(self._timeout / 1000, HOST_WALL_LIMIT)
        give_up = time.monotonic() + wall
        data: bytes | None = None
        while data is None:
            left = max(0.0, give_up - time.monotonic())
            if not (_tls_pending(self._host) or select.select([self._host], [], [], left)[0]):
                break
            try:
                data = self._host.recv(65536)  # type: ignore[union-attr]
            except host_ssl.SSLWantReadError:
                data = None  # (ussl) a TLS record not complete yet, or a session ticket: wait on
                if left <= 0:
                    break
            except OSError:
                data = b""
        self._board.sleep_ns(HOST_OP_NS)
        if data:
            self._rx += data
            self._net.record(
                self._board.now, self._board.name, "recv", self._peer_text(), len(data)
            )
        elif data is not None:
            self._eof = True

    def sendto(self, buf: Any, addr: Any) -> int:
        data = get_buffer(buf)
        ip, port = _addr(addr)
        self._check()
        board = self._board
        net = self._net
        if self._local is None:
            self._local = (self._my_ip(), net.ephemeral_port())
            net.udp[self._local] = self
        target = net.hosts.get((ip, port))
        if target is not None:
            if self._host is None:
                self._host = host_socket.socket(host_socket.AF_INET, host_socket.SOCK_DGRAM)
                self._host.setblocking(False)
            self._host.sendto(data, target)
            self._host_peer = (ip, port)
        else:
            receiver = net.udp.get((ip, port))
            if receiver is None:
                net.unreachable(board, ip, port)
            else:
                src = self._local

                def arrive() -> None:
                    receiver._datagrams.append((data, src))
                    receiver._waiters.wake()

                self._deliver_later(arrive)
        net.record(board.now, board.name, "sendto", f"{ip}:{port}", len(data))
        return len(data)

    def recvfrom(self, bufsize: Any) -> tuple[bytes, tuple[str, int]]:
        n = exc.get_int(bufsize)
        self._check()
        if self._host is not None and not self._datagrams:
            wall = (
                HOST_WALL_LIMIT if self._timeout < 0 else min(self._timeout / 1000, HOST_WALL_LIMIT)
            )
            readable, _, _ = select.select([self._host], [], [], wall)
            if readable:
                data, _ = self._host.recvfrom(65536)
                self._datagrams.append((data, getattr(self, "_host_peer", ("0.0.0.0", 0))))
        elif self._timeout != 0:
            self._waiters.wait(self._board, lambda: bool(self._datagrams), self._deadline())
        if not self._datagrams:
            if self._timeout > 0:
                raise TimeoutError(TIMED_OUT)
            raise oserror(ERRNO["EAGAIN"])
        data, src = self._datagrams.popleft()
        return data[:n], src

    def makefile(self, *args: Any) -> InetSocket:
        return self

    def close(self) -> None:
        self._board.advance(CALL_COST)
        if self._closed:
            return
        self._closed = True
        net = self._net
        if self._host is not None:
            self._host.close()
        for table in (net.listeners, net.udp):
            for key in [k for k, v in table.items() if v is self]:
                del table[key]
        peer = self._peer_sock
        if peer is not None:

            def hang_up() -> None:
                peer._eof = True
                peer._waiters.wake()

            self._deliver_later(hang_up)

    # ---- uselect ----
    def _poll(self, flags: int) -> int:
        ready = 0
        if flags & 0x0001:
            if self._host is not None and not self._rx and not self._eof:
                readable = _tls_pending(self._host) or select.select([self._host], [], [], 0)[0]
                if readable:
                    self._fill_from_host()
            if self._rx or self._eof or self._backlog or self._datagrams:
                ready |= 0x0001
        if flags & 0x0004 and not self._closed:
            ready |= 0x0004
        return ready

    def _poll_waiters(self) -> list[WaitList]:
        return [self._waiters]

    def __repr__(self) -> str:
        return f"<socket state={1 if self._peer else 0} timeout={self._timeout} incoming=0 off=0>"


InetSocket.__module__ = "builtins"
InetSocket.__name__ = InetSocket.__qualname__ = "socket"
