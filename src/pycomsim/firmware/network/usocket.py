"""``usocket`` / ``socket`` (esp32/mods/modusocket.c, Pycom firmware 1.20.2): the module, its
constants, and the LoRa sockets (``socket(AF_LORA, SOCK_RAW)``, modlora.c ``lora_socket_*``).

IP sockets (AF_INET, over WLAN) are `inet.InetSocket`. The module's ``socket`` is a constructor that
picks the network card as ``socket_make_new`` does: AF_LORA/AF_SIGFOX make a raw socket (its own method
table), anything else an IP socket.

Errors are the firmware's: ``OSError(errno)`` from the card, ``TimeoutError('timed out')`` when a
socket with a timeout > 0 gets EAGAIN, and a non-blocking ``recv`` with nothing there returns ``b''``.
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

from ... import exc
from ..lang.mod_uerrno import ERRNO, oserror
from .args import get_buffer, timeout_ms
from .lora_modem import LORA, MS, PAYLOAD_MAX, SLEEP_MODE, Command

if TYPE_CHECKING:
    from ...board import Board

AF_INET, AF_LORA, AF_SIGFOX = 2, 0xA0, 0xA1
SOCK_STREAM, SOCK_DGRAM, SOCK_RAW = 1, 2, 3
SOL_LORA, SOL_SIGFOX, SOL_SOCKET = 0xFFF05, 0xFFF06, 0xFFF
SO_CONFIRMED, SO_DR = 0xF0002, 0xF0003
SO_RX, SO_TX_REPEAT, SO_OOB, SO_BIT = 0xF0004, 0xF0005, 0xF0006, 0xF0007
SO_REUSEADDR = 0x0004
CALL_COST = 30_000  # ns: a socket method (argument handling, lwIP/queue call)
NO_CARD = "Network card not available"
TIMED_OUT = "timed out"

EAGAIN, EBADF, EMSGSIZE = ERRNO["EAGAIN"], ERRNO["EBADF"], ERRNO["EMSGSIZE"]
ENETDOWN, EOPNOTSUPP = ERRNO["ENETDOWN"], ERRNO["EOPNOTSUPP"]


class LoRaSocket:
    """The raw socket type of a LoRa board (raw_socket_locals_dict)."""

    __slots__ = ("_board", "_modem", "_sd", "_timeout", "_confirmed", "_dr", "_port")

    def __init__(self, board: Board, modem: Any) -> None:
        self._board = board
        self._modem = modem
        self._timeout = -1  # sockets are blocking by default
        self._sd = 1
        self._confirmed = False
        region = modem.config.region
        # lora_socket_socket: default data rate per region, port 2
        self._dr = 5 if region in (0, 5, 4, 2) else 4 if region in (1, 8, 9) else 0
        self._port = 2

    def _check(self) -> None:
        self._board.advance(CALL_COST)
        if self._sd < 0:
            raise oserror(EBADF)

    def close(self) -> None:
        self._board.advance(CALL_COST)
        self._sd = -1

    def settimeout(self, value: Any) -> None:
        self._check()
        self._timeout = timeout_ms(value)

    def setblocking(self, flag: Any) -> None:
        self.settimeout(None if flag else 0)

    def setsockopt(self, level: Any, opt: Any, value: Any) -> None:
        level, opt = exc.get_int(level), exc.get_int(opt)
        if not isinstance(value, int):
            value = int.from_bytes(get_buffer(value)[:4].ljust(4, b"\0"), "little")
        self._check()
        if level != SOL_LORA:
            raise oserror(EOPNOTSUPP)
        if opt == SO_CONFIRMED:
            self._confirmed = bool(value & 0xFF)
        elif opt == SO_DR:
            region = self._modem.config.region
            limit = 4 if region in (8, 9) else 6
            if not 0 <= value <= limit:
                raise oserror(EOPNOTSUPP)
            self._dr = value & 0xFF
        else:
            raise oserror(EOPNOTSUPP)

    def bind(self, addr: Any) -> None:
        if isinstance(addr, int):
            port = addr
        else:
            if not isinstance(addr, (tuple, list)) or len(addr) != 2:
                raise ValueError(f"requested length 2 but object has length {len(addr)}")
            port = exc.get_int(addr[1])
        self._check()
        if port > 224 or port < 0:
            raise oserror(EOPNOTSUPP)
        self._port = port

    def send(self, buf: Any) -> int:
        data = get_buffer(buf)
        self._check()
        modem = self._modem
        n = len(data)
        if modem.config.power_mode == SLEEP_MODE:
            raise oserror(ENETDOWN)
        if n > PAYLOAD_MAX:
            raise oserror(EMSGSIZE)
        if n == 0:
            return 0
        if modem.config.stack_mode == LORA:
            sent = self._raw_send(data)
        else:
            if not modem.joined:
                raise oserror(ENETDOWN)
            sent = modem.mac_layer.send(data, self._timeout, self._confirmed, self._dr, self._port)
        if sent == 0:
            if self._timeout > 0:
                raise TimeoutError(TIMED_OUT)
            raise oserror(EAGAIN)
        if sent < 0:
            raise oserror(EMSGSIZE)
        return sent

    def _raw_send(self, data: bytes) -> int:
        """lora_send: queue the TX command; unless non-blocking, wait for a completion bit."""
        modem = self._modem
        timeout = self._timeout
        modem.clear_bits()
        if not modem.queue(Command("tx", data), None if timeout < 0 else timeout * MS):
            return 0
        modem.stats.sftx = modem.config.sf
        if timeout != 0:
            modem.wait_bits(0x07)
        modem.record_tx(len(data))
        return len(data)

    def recv(self, bufsize: Any) -> bytes:
        n = exc.get_int(bufsize)
        self._check()
        data, _ = self._recv(n)
        return data

    def recvfrom(self, bufsize: Any) -> tuple[bytes, int]:
        n = exc.get_int(bufsize)
        self._check()
        return self._recv(n)

    def _recv(self, n: int) -> tuple[bytes, int]:
        """lora_recv: a partial packet first, else the RX queue (waiting up to the timeout)."""
        modem = self._modem
        board = self._board
        partial = modem.partial
        if partial:
            data, port = partial
            out, rest = data[:n], data[n:]
            modem.partial = (rest, port) if rest else None
            return out, port
        timeout = self._timeout
        if timeout != 0:
            deadline = None if timeout < 0 else board.now + timeout * MS
            modem.rx_waiters.wait(board, lambda: bool(modem.rx_queue), deadline)
        if not modem.rx_queue:
            if timeout > 0:
                raise TimeoutError(TIMED_OUT)
            return b"", 0  # non-blocking sockets do not throw timeout errors
        data, port = modem.rx_queue.popleft()
        if len(data) > n:
            modem.partial = (data[n:], port)
        return data[:n], port

    def sendto(self, data: Any, addr: Any) -> int:
        get_buffer(data)
        self._check()
        raise oserror(EOPNOTSUPP)  # not implemented for LoRaWAN / raw LoRa

    # ---- uselect ----
    def _poll(self, flags: int) -> int:
        modem = self._modem
        ready = 0
        if flags & 0x0001 and (modem.partial or modem.rx_queue):
            ready |= 0x0001
        if flags & 0x0004 and len(modem.commands) < 7:
            ready |= 0x0004
        return ready

    def _poll_waiters(self) -> list[Any]:
        return [self._modem.rx_waiters, self._modem.cmd_waiters]

    def __repr__(self) -> str:
        return f"<socket fd={self._sd}>"


LoRaSocket.__module__ = "builtins"
LoRaSocket.__name__ = LoRaSocket.__qualname__ = "socket"


def make_usocket(board: Board, nics: dict[str, Any]) -> types.ModuleType:
    """A fresh ``usocket`` for one boot of `board`; `nics` holds the network cards the network
    module registered ('lora', 'wlan')."""
    from .inet import InetSocket, getaddrinfo

    m = types.ModuleType("usocket")
    lora_board = board.type in ("lopy", "lopy4", "fipy")
    sigfox_board = board.type in ("sipy", "lopy4", "fipy")

    def socket(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            raise exc.NO_KW_ERROR()
        if len(args) > 4:
            raise exc.at_most(4, len(args))
        board.advance(CALL_COST)
        domain = exc.get_int(args[0]) if args else AF_INET
        kind = exc.get_int(args[1]) if len(args) > 1 else None
        proto = exc.get_int(args[2]) if len(args) > 2 else None
        if domain in (AF_LORA, AF_SIGFOX):
            if (SOCK_RAW if kind is None else kind) != SOCK_RAW:
                raise OSError("incorrect socket type")
            lora = nics.get("lora")
            if domain != AF_LORA or lora is None:
                if domain == AF_SIGFOX:
                    from .unsimulated import not_simulated

                    raise not_simulated("Sigfox")
                raise OSError(NO_CARD)
            modem = lora._modem
            if modem.state == 0:  # NOINIT
                raise oserror(ENETDOWN)
            return LoRaSocket(board, modem)
        if domain != AF_INET:
            raise OSError(NO_CARD)  # mod_network_find_nic finds no card for other families
        wlan = nics.get("wlan")
        if wlan is None:
            raise OSError(NO_CARD)
        return InetSocket(board, wlan, SOCK_STREAM if kind is None else kind, proto)

    def dnsserver(*args: Any) -> Any:
        if len(args) > 2:
            raise exc.at_most(2, len(args))
        servers = getattr(board, "dns_servers", ["0.0.0.0", "0.0.0.0"])
        if not args:
            return tuple(servers)
        if not isinstance(args[0], int) or isinstance(args[0], bool):
            raise ValueError("invalid argument(s) num/type")
        if args[0] >= 2:
            raise ValueError("Index out of range!\n")
        if len(args) == 1:
            return (args[0], servers[args[0]])
        servers = list(servers)
        servers[args[0]] = str(args[1])
        board.dns_servers = servers
        return None

    consts: dict[str, Any] = {"AF_INET": AF_INET}
    if lora_board:
        consts["AF_LORA"] = AF_LORA
    if sigfox_board:
        consts["AF_SIGFOX"] = AF_SIGFOX
    consts |= {"SOCK_STREAM": SOCK_STREAM, "SOCK_DGRAM": SOCK_DGRAM}
    if lora_board or sigfox_board:
        consts["SOCK_RAW"] = SOCK_RAW
    consts |= {"IPPROTO_IP": 0, "IPPROTO_ICMP": 1, "IPPROTO_TCP": 6, "IPPROTO_UDP": 17}
    consts |= {"IPPROTO_IPV6": 41, "IPPROTO_RAW": 255, "IP_ADD_MEMBERSHIP": 3}
    if lora_board:
        consts["SOL_LORA"] = SOL_LORA
    if sigfox_board:
        consts["SOL_SIGFOX"] = SOL_SIGFOX
    consts |= {"SOL_SOCKET": SOL_SOCKET, "SO_REUSEADDR": SO_REUSEADDR}
    if lora_board:
        consts |= {"SO_CONFIRMED": SO_CONFIRMED, "SO_DR": SO_DR}
    if sigfox_board:
        consts |= {"SO_RX": SO_RX, "SO_TX_REPEAT": SO_TX_REPEAT, "SO_OOB": SO_OOB, "SO_BIT": SO_BIT}
    m.__dict__.update(
        socket=socket,
        getaddrinfo=lambda *a: getaddrinfo(board, nics, *a),
        dnsserver=dnsserver,
        error=OSError,
        timeout=TimeoutError,
        **consts,
    )
    return m
