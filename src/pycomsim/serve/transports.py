"""Ways onto the served board's serial line: a pseudo-terminal, a raw TCP socket, RFC 2217.

Every transport reads on a thread of its own and hands the bytes to the serve loop; the loop writes
the board's output to every connected client. Writes never block the simulation for long: a pty
nobody reads keeps what fits in its buffer and drops the rest (the board's UART sends whether or not
anyone listens), a TCP client that stops reading for ``SEND_TIMEOUT_S`` is disconnected.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import socket
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..exc import UsageError
from .runner import ServeLoop, Sink

SEND_TIMEOUT_S = 2.0
PTY_STALL_S = 0.5  # how long output waits for a pty reader before it is dropped
POLL_S = 0.2


class PtyTransport(Sink):
    """A pseudo-terminal: clients open ``path`` (or the ``link`` symlink to it) like a USB serial port."""

    def __init__(self, loop: ServeLoop, link: str | None = None) -> None:
        self.loop = loop
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no echo, no line editing, no CR/LF translation: a plain UART
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self.slave)
        self.link = Path(link) if link else None
        self._stalled = False
        self._closed = threading.Event()
        if self.link is not None:
            if self.link.exists() and not self.link.is_symlink():
                self._close_fds()
                raise UsageError(f"--link {link}: a file that is not a symlink is already there")
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
            try:
                self.link.symlink_to(self.path)
            except OSError as error:
                self._close_fds()
                raise UsageError(f"--link {link}: {error.strerror}") from None
        self._thread = threading.Thread(target=self._read, daemon=True, name="pty-read")

    def start(self) -> None:
        self.loop.add_sink(self)
        self._thread.start()

    def _read(self) -> None:
        while not self._closed.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], POLL_S)
                if ready:
                    self.loop.put(os.read(self.master, 4096))
            except BlockingIOError:
                continue
            except OSError:
                if self._closed.is_set():
                    return
                self._closed.wait(POLL_S)  # EIO while no client has the slave open: wait

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.master, view)
                view = view[n:]
                self._stalled = False
                continue
            except BlockingIOError:
                pass
            except OSError:
                return
            if self._stalled:
                return  # nobody reads: drop, as a UART with nothing on its wire
            _, ready, _ = select.select([], [self.master], [], PTY_STALL_S)
            if not ready:
                self._stalled = True
                return

    def close(self) -> None:
        self._closed.set()
        self.loop.remove_sink(self)
        if self._thread.is_alive():
            self._thread.join(timeout=1)
        self._close_fds()
        if self.link is not None and self.link.is_symlink():
            with contextlib.suppress(OSError):
                if os.readlink(self.link) == self.path:
                    self.link.unlink()

    def _close_fds(self) -> None:
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def describe(self) -> str:
        where = f" (symlink {self.link})" if self.link else ""
        return f"{self.path}{where}"


def listen(host: str, port: int, flag: str) -> socket.socket:
    """A listening socket, or one clear line saying why not."""
    try:
        sock = socket.create_server((host, port), reuse_port=False)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"{flag} {port}: the port is already in use on {host}") from None
        raise UsageError(f"{flag} {port} on {host}: {error.strerror}") from None
    sock.settimeout(POLL_S)
    return sock


def accept_loop(
    sock: socket.socket, closed: threading.Event, on_connection: Callable[[socket.socket], None]
) -> None:
    """Accept connections on a `listen` socket until `closed` is set or the socket is closed;
    `on_connection(client_sock)` for each (the serial transports, telnet and FTP share this)."""
    while not closed.is_set():
        try:
            client, _ = sock.accept()
        except TimeoutError:
            continue  # the POLL_S timeout: look at `closed` again
        except OSError:
            return
        on_connection(client)


class SocketClient(Sink):
    """One connected TCP client of a serial transport."""

    def __init__(self, server: TcpTransport, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.alive = True
        self.last_input = time.monotonic()
        sock.settimeout(SEND_TIMEOUT_S)

    def encode(self, data: bytes) -> bytes:
        return data

    def decode(self, data: bytes) -> bytes:
        return data

    def write(self, data: bytes) -> None:
        if not self.alive:
            return
        try:
            self.sock.sendall(self.encode(data))
        except OSError:
            self.close()

    def idle_limit(self) -> float | None:
        """Seconds without input after which the client is dropped (None: never)."""
        return None

    def idle_too_long(self) -> bool:
        limit = self.idle_limit()
        return limit is not None and time.monotonic() - self.last_input > limit

    def serve(self) -> None:
        loop = self.server.loop
        self.sock.settimeout(POLL_S)
        while self.alive and not self.server.closed.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                if self.idle_too_long():
                    break
                continue
            except OSError:
                break
            if not data:
                break
            self.last_input = time.monotonic()
            received = self.decode(data)
            if received:
                loop.put(received)
        self.close()

    def send_raw(self, data: bytes) -> None:
        """For protocol answers (telnet negotiation): straight to the socket."""
        with contextlib.suppress(OSError):
            self.sock.sendall(data)

    def close(self) -> None:
        if self.alive:
            self.alive = False
            self.server.loop.remove_sink(self)
            with contextlib.suppress(OSError):
                self.sock.close()


class TcpTransport:
    """``socket://host:port``: the serial line's bytes as they are."""

    scheme = "socket"
    flag = "--tcp"
    client_class: type[SocketClient] = SocketClient

    def __init__(self, loop: ServeLoop, host: str, port: int) -> None:
        self.loop = loop
        self.host = host
        self.sock = listen(host, port, self.flag)
        self.port = self.sock.getsockname()[1]
        self.closed = threading.Event()
        self.clients: list[SocketClient] = []
        self._thread = threading.Thread(target=self._accept, daemon=True, name=f"{self.scheme}")

    def start(self) -> None:
        self._thread.start()

    def _accept(self) -> None:
        accept_loop(self.sock, self.closed, self._connected)

    def _connected(self, sock: socket.socket) -> None:
        client = self.client_class(self, sock)
        self.clients.append(client)
        self.start_client(client)

    def start_client(self, client: SocketClient) -> None:
        self.loop.add_sink(client)
        threading.Thread(target=client.serve, daemon=True, name=f"{self.scheme}-client").start()

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(OSError):
            self.sock.close()
        self._thread.join(timeout=1)
        for client in self.clients:
            client.close()

    def describe(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


class _PortSettings:
    """What an RFC 2217 client may set or ask about the line: accepted and kept, no effect on the
    simulation (the board's UART0 runs at 115200 8N1 whatever the client asks)."""

    def __init__(self) -> None:
        self.name = "pycomsim"
        self.baudrate = 115200
        self.bytesize = 8
        self.parity = "N"
        self.stopbits = 1
        self.xonxoff = self.rtscts = False
        self.dtr = self.rts = True
        self.break_condition = False
        self.cts = self.dsr = self.cd = True
        self.ri = False

    def reset_input_buffer(self) -> None:
        return None

    def reset_output_buffer(self) -> None:
        return None


class _Rfc2217Client(SocketClient):
    def __init__(self, server: TcpTransport, sock: socket.socket) -> None:
        super().__init__(server, sock)
        from serial.rfc2217 import PortManager  # pyserial's server side of RFC 2217

        self.manager: Any = PortManager(_PortSettings(), _RawWriter(self))

    def encode(self, data: bytes) -> bytes:
        return b"".join(self.manager.escape(data))

    def decode(self, data: bytes) -> bytes:
        return b"".join(self.manager.filter(data))


class _RawWriter:
    def __init__(self, client: SocketClient) -> None:
        self.client = client

    def write(self, data: bytes) -> None:
        self.client.send_raw(data)


class Rfc2217Transport(TcpTransport):
    """``rfc2217://host:port``: serial over telnet with line settings, as pyserial speaks it."""

    scheme = "rfc2217"
    flag = "--rfc2217"
    client_class = _Rfc2217Client
