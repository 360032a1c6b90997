"""The World's LoRaWAN network: one gateway on the shared radio channel and a network server behind it
(`world.lorawan`), so a LoPy's ``lora.join(...)`` and ``s.send(...)`` in LoRaWAN mode reach something
that answers as a real network would (LoRaWAN 1.0.2, class A, EU868).

The server knows the devices it is told about (`add_otaa`, `add_abp`, or ``[[lorawan.devices]]`` in a
scenario). It answers a join request whose MIC checks under the device's AppKey with a join accept in
RX1 (5 s after the request, same channel and data rate), derives the session keys, checks every
uplink's MIC and frame counter (replays and unknown devices are dropped and listed in `rejected`),
decrypts it into `uplinks`, acknowledges confirmed uplinks and sends queued downlinks
(`send_downlink(dev_eui, port, payload)`) in RX1 of the device's next uplink, or RX2 (869.525 MHz,
SF12) when asked. MAC commands (ADR, link check, ...) are not sent.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.lorawan_regions import EU868
from ..units import format_ns
from . import lorawan_frames as lw
from .radio import Packet, RadioSettings

if TYPE_CHECKING:
    from .world import World

MS = 1_000_000
GATEWAY = "gateway"
GATEWAY_TX_POWER = 14  # dBm (EU868 downlink, 869.525 MHz allows 27 dBm; 14 is the common setting)
NET_ID = 0x000013
DEV_ADDR_BASE = 0x26011000


def _hex(value: Any, size: int, what: str) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
    else:
        text = str(value).replace(":", "").replace(" ", "")
        try:
            data = bytes.fromhex(text)
        except ValueError:
            raise ValueError(f"{what} {value!r} is not hex") from None
    if len(data) != size:
        raise ValueError(f"{what} {value!r} must be {size} bytes, got {len(data)}")
    return data


@dataclass
class Uplink:
    """One uplink the server accepted."""

    t: int  # ns, end of the packet
    dev_eui: str  # hex
    dev_addr: int
    fcnt: int
    port: int | None
    payload: bytes
    confirmed: bool
    rssi: float
    snr: float
    frequency: int
    sf: int


@dataclass
class Downlink:
    port: int
    payload: bytes
    confirmed: bool = False
    window: int = 1  # 1: RX1, 2: RX2


@dataclass
class Device:
    dev_eui: str  # hex ('' for an ABP device added by address)
    app_eui: bytes = b""
    app_key: bytes = b""
    dev_addr: int | None = None
    nwk_skey: bytes = b""
    app_skey: bytes = b""
    fcnt_up: int = -1  # last accepted
    fcnt_down: int = 0  # next to send
    nonces: set[int] = field(default_factory=set)
    queue: deque[Downlink] = field(default_factory=deque)

    @property
    def joined(self) -> bool:
        return self.dev_addr is not None and bool(self.nwk_skey)


class Gateway:
    """A LoRaWAN gateway: listens on the region's uplink channels, transmits downlinks."""

    def __init__(self, server: NetworkServer, name: str = GATEWAY) -> None:
        self.server = server
        self.name = name
        radio = server.world.radio
        self.trx = radio.transceiver(name, lambda *a: None, lambda p: None)
        self.trx.receiver = False  # uplinks come through on_uplink, on every channel at once
        self.frequencies: list[int] = list(EU868.join_channels)
        radio.gateways.append(self)

    def on_uplink(self, packet: Packet, rssi: float, snr: float) -> None:
        self.server.uplink(packet, rssi, snr)

    def transmit(self, payload: bytes, t: int, frequency: int, dr: int) -> None:
        """Schedule a downlink at `t` (inverted IQ, as gateways send)."""
        sf, bw = EU868.datarates[dr]
        settings = RadioSettings(frequency, sf, bw, 1, 8, GATEWAY_TX_POWER, tx_iq=True)

        def send(_: object) -> None:
            self.trx.settings = settings
            self.server.world.radio.transmit(self.trx, payload, t, kind="lorawan")

        self.server.world.kernel.schedule(t, send)


class NetworkServer:
    """`world.lorawan`: devices, the uplinks received, the downlinks to send."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.devices: dict[str, Device] = {}  # dev_eui hex -> device
        self.by_addr: dict[int, Device] = {}
        self.uplinks: list[Uplink] = []
        self.joins: list[tuple[int, str, int]] = []  # (t, dev_eui, dev_addr)
        self.rejected: list[tuple[int, str]] = []  # (t, reason)
        self.rng = random.Random(0)
        self._next_addr = DEV_ADDR_BASE
        self._app_nonce = 0
        self.gateway = Gateway(self)

    # ---- what a test or scenario sets up ----
    def add_otaa(self, dev_eui: Any, app_eui: Any, app_key: Any) -> Device:
        eui = _hex(dev_eui, 8, "dev_eui").hex()
        dev = Device(eui, _hex(app_eui, 8, "app_eui"), _hex(app_key, 16, "app_key"))
        self.devices[eui] = dev
        return dev

    def add_abp(self, dev_addr: int, nwk_skey: Any, app_skey: Any, dev_eui: Any = None) -> Device:
        eui = _hex(dev_eui, 8, "dev_eui").hex() if dev_eui is not None else f"abp-{dev_addr:08x}"
        dev = Device(eui, dev_addr=int(dev_addr) & 0xFFFFFFFF)
        dev.nwk_skey = _hex(nwk_skey, 16, "nwk_skey")
        dev.app_skey = _hex(app_skey, 16, "app_skey")
        self.devices[eui] = dev
        self.by_addr[dev.dev_addr] = dev  # type: ignore[index]
        return dev

    def place_gateway(self, x: float, y: float = 0.0, z: float = 0.0) -> None:
        self.world.radio.place(self.gateway.name, x, y, z)

    def send_downlink(
        self, dev_eui: Any, port: int, payload: bytes, *, confirmed: bool = False, window: int = 1
    ) -> None:
        """Queue `payload` for the device: it goes out after the device's next uplink."""
        eui = _hex(dev_eui, 8, "dev_eui").hex() if not str(dev_eui).startswith("abp-") else dev_eui
        if eui not in self.devices:
            raise ValueError(f"unknown device {dev_eui!r} (known: {', '.join(self.devices)})")
        if not 1 <= port <= 223:
            raise ValueError(f"bad port {port}: application ports are 1..223")
        if window not in (1, 2):
            raise ValueError(f"bad window {window}: 1 (RX1) or 2 (RX2)")
        self.devices[eui].queue.append(Downlink(port, bytes(payload), confirmed, window))

    def summary(self) -> dict[str, Any]:
        if not (self.uplinks or self.joins or self.rejected):
            return {}
        return {
            "joins": len(self.joins),
            "uplinks": len(self.uplinks),
            "rejected": len(self.rejected),
        }

    # ---- the radio side ----
    def _reject(self, t: int, reason: str) -> None:
        self.rejected.append((t, reason))
        self.world.recorder.event(t, GATEWAY, "lorawan-rejected", reason)

    def uplink(self, packet: Packet, rssi: float, snr: float) -> None:
        frame = packet.payload
        t = packet.end
        if frame and frame[0] & 0xE0 == lw.JOIN_REQUEST:
            self._join(packet)
            return
        data = lw.parse_data(frame)
        if data is None or data.mtype not in (lw.UNCONFIRMED_UP, lw.CONFIRMED_UP):
            self._reject(t, "not a LoRaWAN uplink")
            return
        dev = self.by_addr.get(data.dev_addr)
        if dev is None:
            self._reject(t, f"unknown DevAddr {data.dev_addr:08x}")
            return
        fcnt = lw.full_fcnt(max(dev.fcnt_up, 0), data.fcnt16)
        payload = lw.check_and_open(data, fcnt, dev.nwk_skey, dev.app_skey, lw.UP)
        if payload is None and fcnt > 0xFFFF:  # not a roll-over: maybe an old counter again
            fcnt -= 0x10000
            payload = lw.check_and_open(data, fcnt, dev.nwk_skey, dev.app_skey, lw.UP)
        if payload is None:
            self._reject(t, f"bad MIC from {data.dev_addr:08x}")
            return
        if fcnt <= dev.fcnt_up:
            if not (data.confirmed and fcnt == dev.fcnt_up):  # a retransmission is acked again
                self._reject(t, f"replayed frame counter {fcnt} from {data.dev_addr:08x}")
                return
        else:
            dev.fcnt_up = fcnt
            s = packet.settings
            up = Uplink(t, dev.dev_eui, data.dev_addr, fcnt, data.port, payload, data.confirmed,
                        rssi, snr, s.frequency, s.sf)  # fmt: skip
            self.uplinks.append(up)
            self.world.recorder.event(
                t, GATEWAY, "lorawan-uplink", f"{dev.dev_eui} fcnt {fcnt} port {data.port}"
            )
        self._answer(dev, packet, ack=data.confirmed)

    def _answer(self, dev: Device, packet: Packet, ack: bool) -> None:
        """Class A: a downlink only right after an uplink, in RX1 (or RX2)."""
        down = dev.queue.popleft() if dev.queue else None
        if down is None and not ack:
            return
        window = down.window if down is not None else 1
        mtype = lw.CONFIRMED_DOWN if down is not None and down.confirmed else lw.UNCONFIRMED_DOWN
        fctrl = (lw.FCTRL_ACK if ack else 0) | (lw.FCTRL_FPENDING if dev.queue else 0)
        port = down.port if down is not None else None
        frame = lw.data_frame(mtype, dev.dev_addr, dev.fcnt_down, port,  # type: ignore[arg-type]
                              down.payload if down else b"", dev.nwk_skey, dev.app_skey, fctrl)  # fmt: skip
        dev.fcnt_down += 1
        self._send_window(packet, frame, window, EU868.receive_delay1, EU868.receive_delay2)

    def _send_window(self, packet: Packet, frame: bytes, window: int, d1: int, d2: int) -> None:
        s = packet.settings
        if window == 1:
            dr = next(i for i, v in enumerate(EU868.datarates) if v == (s.sf, s.bandwidth))
            self.gateway.transmit(frame, packet.end + d1 * MS, s.frequency, dr)
        else:
            self.gateway.transmit(frame, packet.end + d2 * MS, EU868.rx2_frequency, EU868.rx2_dr)

    def _join(self, packet: Packet) -> None:
        t = packet.end
        req = lw.parse_join_request(packet.payload)
        if req is None:
            self._reject(t, "malformed join request")
            return
        dev = self.devices.get(req.dev_eui.hex())
        if dev is None or not dev.app_key:
            self._reject(t, f"join from unknown DevEUI {req.dev_eui.hex()}")
            return
        if not lw.check_join_request(packet.payload, dev.app_key):
            self._reject(t, f"join request with a bad MIC from {dev.dev_eui} (wrong AppKey?)")
            return
        if req.app_eui != dev.app_eui:
            self._reject(t, f"join from {dev.dev_eui} with AppEUI {req.app_eui.hex()}")
            return
        if req.dev_nonce in dev.nonces:
            self._reject(t, f"join from {dev.dev_eui} reuses DevNonce {req.dev_nonce}")
            return
        dev.nonces.add(req.dev_nonce)
        self._app_nonce += 1
        if dev.dev_addr is not None:
            self.by_addr.pop(dev.dev_addr, None)
        dev.dev_addr = self._next_addr
        self._next_addr += 1
        dev.nwk_skey, dev.app_skey = lw.session_keys(
            dev.app_key, self._app_nonce, NET_ID, req.dev_nonce
        )
        dev.fcnt_up, dev.fcnt_down = -1, 0
        self.by_addr[dev.dev_addr] = dev
        self.joins.append((t, dev.dev_eui, dev.dev_addr))
        self.world.recorder.event(
            t, GATEWAY, "lorawan-join", f"{dev.dev_eui} -> {dev.dev_addr:08x}"
        )
        accept = lw.join_accept(dev.app_key, self._app_nonce, NET_ID, dev.dev_addr, 0x00, 1)
        self._send_window(packet, accept, 1, EU868.join_accept_delay1, EU868.join_accept_delay2)

    def __repr__(self) -> str:
        last = format_ns(self.uplinks[-1].t) if self.uplinks else "-"
        return (
            f"<NetworkServer {len(self.devices)} devices, {len(self.uplinks)} uplinks, last {last}>"
        )
