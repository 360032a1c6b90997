"""The World's IP network (`world.ipnet`): Wi-Fi access points, the boards' addresses, TCP/UDP between
boards, and the host services a scenario maps explicitly - nothing else is ever reached.

* Access points come from the scenario (``[[wlan.aps]]``) or `add_ap`. A board that connects gets an
  address by DHCP in its AP's /24 (the AP is .1, boards from .100); a board in AP mode is an access
  point too (192.168.4.1, its stations from 192.168.4.2).
* ``[hosts]`` maps ``"name:port"`` or ``"ip:port"`` to a real ``"host:port"`` on this machine
  (``"api.example.com:80" = "127.0.0.1:8080"``). A mapped name resolves to an address of the
  documentation range 203.0.113.0/24; a name that is not mapped does not resolve, and a connection to
  any address that is neither a board nor a mapping never gets an answer (the board times out).
* Traffic between boards takes `HOP_NS` per segment on the virtual clock; a host service is real: its
  answers arrive when the host sends them, and each operation costs the board `HOST_OP_NS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .world import World

HOP_NS = 2_000_000  # one segment between two boards through the AP
HOST_OP_NS = 2_000_000  # a host-service operation as the board sees it
HOST_NET = "203.0.113."  # TEST-NET-3 (RFC 5737): mapped names resolve here


@dataclass
class AccessPoint:
    ssid: str
    key: str = ""  # '' for an open network
    auth: int = 3  # WLAN.WPA2 (0 open, 1 WEP, 2 WPA, 3 WPA2)
    channel: int = 6
    rssi: int = -55
    bssid: bytes = b""
    hidden: bool = False
    subnet: str = "192.168.1."
    board: str = ""  # a board in AP mode
    stations: list[str] = field(default_factory=list)


class IpNet:
    def __init__(self, world: World) -> None:
        self.world = world
        self.aps: dict[str, AccessPoint] = {}
        self.hosts: dict[tuple[str, int], tuple[str, int]] = {}  # (ip, port) -> real address
        self.names: dict[str, str] = {}  # host name -> its 203.0.113.x address
        self.addresses: dict[str, str] = {}  # board -> ip
        self.listeners: dict[tuple[str, int], Any] = {}  # (ip, port) -> listening socket
        self.udp: dict[tuple[str, int], Any] = {}  # (ip, port) -> bound UDP socket
        self.log: list[tuple[int, str, str, str, int]] = []  # (t, board, what, peer, bytes)
        self._subnets = 0
        self._ports = 49152  # lwIP's first ephemeral port
        self.warned: set[str] = set()

    # ---- set up ----
    def add_ap(self, ssid: str, key: str = "", *, auth: int | None = None, channel: int = 6,
               rssi: int = -55, bssid: Any = None) -> AccessPoint:  # fmt: skip
        if not ssid or len(ssid) > 32:
            raise ValueError(f"bad ssid {ssid!r}: 1 to 32 characters")
        if key and not 8 <= len(key) <= 63:
            raise ValueError(f"bad key for {ssid!r}: 8 to 63 characters")
        self._subnets += 1
        mac = (
            bytes.fromhex(str(bssid).replace(":", ""))
            if bssid
            else bytes([0x02, 0, 0, 0, 0, self._subnets])
        )
        ap = AccessPoint(ssid, key, (3 if key else 0) if auth is None else auth, channel, rssi,
                         mac, subnet=f"192.168.{self._subnets}.")  # fmt: skip
        self.aps[ssid] = ap
        return ap

    def map_host(self, source: str, target: str) -> None:
        """``"api.example.com:80"`` (or ``"10.0.0.5:1883"``) -> ``"127.0.0.1:8080"``."""
        name, port = _split(source, "hosts key")
        real = _split(target, f"hosts.{source!r}")
        if all(part.isdigit() for part in name.split(".")) and name.count(".") == 3:
            ip = name
        else:
            ip = self.names.get(name) or f"{HOST_NET}{len(self.names) + 1}"
            self.names[name] = ip
        self.hosts[(ip, port)] = real

    def summary(self) -> dict[str, Any]:
        if not self.log:
            return {}
        return {"connections": sum(1 for e in self.log if e[2] == "connect"),
                "bytes": sum(e[4] for e in self.log)}  # fmt: skip

    # ---- used by the boards ----
    def record(self, t: int, board: str, what: str, peer: str, nbytes: int = 0) -> None:
        self.log.append((t, board, what, peer, nbytes))
        self.world.recorder.event(t, board, "ip-" + what, f"{peer} {nbytes}B" if nbytes else peer)

    def join(self, board: str, ssid: str) -> str:
        ap = self.aps[ssid]
        if board not in ap.stations:
            ap.stations.append(board)
        first = 2 if ap.board else 100
        ip = ap.subnet + str(first + ap.stations.index(board))
        self.addresses[board] = ip
        return ip

    def leave(self, board: str) -> None:
        self.addresses.pop(board, None)
        for ap in self.aps.values():
            if board in ap.stations:
                ap.stations.remove(board)

    def start_ap(self, board: str, ssid: str, key: str, auth: int, channel: int) -> AccessPoint:
        ap = AccessPoint(ssid, key, auth, channel, -40, b"", subnet="192.168.4.", board=board)
        self.aps[ssid] = ap
        self.addresses[board + "#ap"] = "192.168.4.1"
        return ap

    def stop_ap(self, board: str) -> None:
        for ssid in [s for s, ap in self.aps.items() if ap.board == board]:
            del self.aps[ssid]
        self.addresses.pop(board + "#ap", None)

    def resolve(self, name: str) -> str | None:
        if name in self.names:
            return self.names[name]
        parts = name.split(".")
        if len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts):
            return name
        return None

    def board_at(self, ip: str) -> str | None:
        for board, addr in self.addresses.items():
            if addr == ip:
                return board.partition("#")[0]
        return None

    def ephemeral_port(self) -> int:
        self._ports += 1
        return self._ports

    def unreachable(self, board: Any, ip: str, port: int) -> None:
        key = f"{ip}:{port}"
        if key not in self.warned:
            self.warned.add(key)
            self.world.warn(board, "unreachable address",
                            f"{key} is neither a board nor mapped in the scenario's [hosts]: "
                            "nothing answers")  # fmt: skip


def _split(text: str, what: str) -> tuple[str, int]:
    host, sep, port = str(text).rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"bad {what} {text!r}: expected 'host:port'")
    return host, int(port)
