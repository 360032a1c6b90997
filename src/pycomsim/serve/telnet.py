"""The WiPy's telnet REPL (esp32/telnet/telnet.c of Pycom 1.20.2.r4).

One client at a time (TELNET_MAX_CLIENTS). It gets the welcome line, logs in (``Login as: ``,
``Password: ``; user ``micro``, password ``python`` unless set otherwise, 3 tries), then shares the
REPL with the serial line: what the board prints goes to both, input comes from either.
Telnet commands (IAC ...) are taken out of the input as telnet_parse_input does: IAC IAC is a
0xFF byte, ``are you there`` is echoed, BINARY is agreed to, other options are ignored; outside
binary mode, bytes above 127 and NUL are dropped. Output is sent as it is (no IAC doubling).
"""

from __future__ import annotations

import socket
import time

from ..firmware.lang.firmware_modules import FIRMWARE_VERSION, MCU_NAME, PLATFORM
from ..firmware.network.server import ServersSwitch
from .transports import SocketClient, TcpTransport

IAC, DONT, DO, WONT, WILL, SB, AYT, SE = 255, 254, 253, 252, 251, 250, 246, 240
ECHO, SUPPRESS_GO_AHEAD, LINEMODE, TRANSMIT_BINARY = 1, 3, 34, 0
OPTIONS_USER = bytes([IAC, WONT, ECHO, IAC, WONT, SUPPRESS_GO_AHEAD, IAC, WILL, LINEMODE])
OPTIONS_PASS = bytes([IAC, WILL, ECHO, IAC, WONT, SUPPRESS_GO_AHEAD, IAC, WILL, LINEMODE])
OPTIONS_REPL = bytes([IAC, WILL, ECHO, IAC, WILL, SUPPRESS_GO_AHEAD, IAC, WONT, LINEMODE])
REQUEST_USER = b"Login as: "
REQUEST_PASSWORD = b"Password: "
INVALID_LOGIN = b"\r\nInvalid credentials, try again.\r\n"
LOGIN_SUCCESS = b'\r\nLogin succeeded!\r\nType "help()" for more information.\r\n'
LOGIN_RETRIES_MAX = 3
USER_PASS_LEN_MAX = 32  # serverstask.h SERVERS_USER_PASS_LEN_MAX
DEFAULT_USER, DEFAULT_PASSWORD = "micro", "python"  # serverstask.h SERVERS_DEF_USER/PASS


def welcome(board_type: str) -> bytes:
    """telnet_welcome_msg: MicroPython's own words, not the serial banner's 'Pycom MicroPython'."""
    git_tag, _, build_date = FIRMWARE_VERSION.partition(" on ")
    text = f"MicroPython {git_tag} on {build_date}; {PLATFORM[board_type]} with {MCU_NAME}\r\n"
    return text.encode()


class TelnetClient(SocketClient):
    server: TelnetTransport

    def idle_limit(self) -> float | None:
        """telnet_run: a client silent for servers_get_timeout() is reset."""
        switch = self.server.switch
        return None if switch is None else switch.timeout_ms / 1000

    def __init__(self, server: TelnetTransport, sock: socket.socket) -> None:
        super().__init__(server, sock)
        self.logged_in = False
        self.binary = False
        self._partial = b""

    def write(self, data: bytes) -> None:
        if self.logged_in:  # telnet_tx_strn: only once logged in
            super().write(data)

    def decode(self, data: bytes) -> bytes:
        """telnet_parse_input: the telnet commands out, what is left for the REPL."""
        data = self._partial + data
        self._partial = b""
        out = bytearray()
        i, n = 0, len(data)
        while i < n:
            c = data[i]
            if c == IAC:
                if i + 1 < n and data[i + 1] == IAC:
                    out.append(0xFF)
                    i += 2
                    continue
                if i + 1 < n and data[i + 1] == AYT:
                    self.send_raw(bytes([IAC, AYT]))
                    i += 2
                    continue
                if i + 2 >= n:
                    self._partial = data[i:]  # an incomplete command: wait for the rest
                    break
                verb, option = data[i + 1], data[i + 2]
                if option == TRANSMIT_BINARY and verb in (WILL, WONT, DO, DONT):
                    self.binary = verb == WILL if verb in (WILL, WONT) else self.binary
                    reply = verb + (DO - WILL) if verb < DO else verb - (DO - WILL)
                    self.send_raw(bytes([IAC, reply, option]))
                i += 3
                continue
            if not self.binary and (c > 127 or c == 0):
                i += 1
                continue
            out.append(c)
            i += 1
        return bytes(out)

    def _read_credential(self) -> str | None:
        """Bytes up to a CR (or 32 of them): telnet_process_credential; None when the client left."""
        got = bytearray()
        while b"\r" not in got and len(got) < USER_PASS_LEN_MAX:
            try:
                data = self.sock.recv(256)
            except TimeoutError:
                if self.server.closed.is_set() or self.idle_too_long():
                    return None
                continue
            except OSError:
                return None
            if not data:
                return None
            self.last_input = time.monotonic()
            got += self.decode(data)
        return bytes(got.split(b"\r")[0][:USER_PASS_LEN_MAX]).decode("utf-8", "replace")

    def serve(self) -> None:
        self.sock.settimeout(0.2)
        self.send_raw(welcome(self.server.board_type))
        for _ in range(LOGIN_RETRIES_MAX):
            self.send_raw(OPTIONS_USER + REQUEST_USER)
            user = self._read_credential()
            if user is None:
                return self.close()
            self.send_raw(REQUEST_PASSWORD + OPTIONS_PASS)
            password = self._read_credential()
            if password is None:
                return self.close()
            if self.server.login_ok(user, password):
                break
            self.send_raw(INVALID_LOGIN)
        else:
            return self.close()  # telnet_reset after three failures
        self.send_raw(OPTIONS_REPL + LOGIN_SUCCESS)
        self.logged_in = True
        self.server.loop.add_sink(self)
        # telnet_reset_buffer: erase the current line and press Enter, so a prompt shows
        self.server.loop.put(b"\b" * 128 + b"\r")
        super().serve()


class TelnetTransport(TcpTransport):
    scheme = "telnet"
    flag = "--telnet"
    client_class = TelnetClient

    def __init__(self, loop, host: str, port: int, board_type: str, user: str, password: str,  # type: ignore[no-untyped-def]
                 switch: ServersSwitch | None = None):  # fmt: skip
        super().__init__(loop, host, port)
        self.board_type = board_type
        self.user = user
        self.password = password
        # the board's network.Server switch: its login and timeout, deinit() drops the client
        self.switch = switch
        if switch is not None:
            switch.on_change.append(self._switch_changed)

    def login_ok(self, user: str, password: str) -> bool:
        if self.switch is not None:
            return self.switch.login_ok(user, password)
        return user == self.user and password == self.password

    def _switch_changed(self, switch: ServersSwitch) -> None:
        if not switch.enabled:  # servers_stop -> telnet_disable -> telnet_reset
            for client in list(self.clients):
                client.close()

    def start_client(self, client: SocketClient) -> None:
        if self.switch is not None and not self.switch.enabled:
            client.close()  # network.Server().deinit(): the telnet server is off
            return
        busy = [c for c in self.clients if c is not client and c.alive]
        if busy:  # TELNET_MAX_CLIENTS 1: the board takes the next one when this one leaves
            client.close()
            return
        import threading

        threading.Thread(target=client.serve, daemon=True, name="telnet-client").start()
