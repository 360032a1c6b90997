"""The World's LoRaWAN network: one gateway on the shared radio channel and a network server behind it
(`world.lorawan`), so a LoPy's ``lora.join(...)`` and ``s.send(...)`` in LoRaWAN mode reach something
that answers as a real network would (LoRaWAN 1.0.2, class A, in AS923, AU915, EU868, IN865, US915).

The server knows the devices it is told about (`add_otaa`, `add_abp`, or ``[[lorawan.devices]]`` in a
scenario). It answers a join request whose MIC checks under the device's AppKey with a join accept in
RX1 (5 s after the request), derives the session keys, checks every uplink's MIC and frame counter
(replays and unknown devices are dropped and listed in `rejected`), decrypts it into `uplinks`,
acknowledges confirmed uplinks and sends queued downlinks (`send_downlink(dev_eui, port, payload)`) in
RX1 of the device's next uplink, or RX2 when asked. RX1 and RX2 follow the device's region
(core/lorawan_regions.py: the RX1 channel and data-rate offset, the RX2 frequency and DR) and what its
MAC commands changed. The region is the device's `region`, or else the one its board configured.

MAC commands: `send_mac_command(dev_eui, bytes)` queues requests (builders in
sim/lorawan_mac_commands.py) for the FOpts of the next downlink; the device's answers are decoded into
`mac_answers`; a LinkCheckReq is answered (margin over the demodulation floor, one gateway). With
`adr` on (the default) the server runs ADR for devices that set the ADR bit: after `adr_uplinks`
uplinks it sends a LinkADRReq for the fastest data rate and lowest power the best recent SNR allows
with `adr_margin_db` to spare, and it answers an ADRACKReq with a downlink.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.lorawan_regions import BY_NAME, EU868, Region
from ..units import format_ns
from . import lorawan_frames as lw
from . import lorawan_mac_commands as mc
from .radio import SNR_LIMIT_DB, Packet, RadioSettings

if TYPE_CHECKING:
    from .world import World

MS = 1_000_000
GATEWAY = "gateway"
GATEWAY_TX_POWER = 14  # dBm (EU868 downlink, 869.525 MHz allows 27 dBm; 14 is the common setting)
ADR_STEP_DB = 3  # one data-rate or TX-power step per 3 dB of spare SNR (the usual server ADR)
NET_ID = 0x000013
DEV_ADDR_BASE = 0x26011000


def _region_name(region: str | None) -> str | None:
    if region is not None and region not in BY_NAME:
        raise ValueError(f"unknown region {region!r} (known: {', '.join(sorted(BY_NAME))})")
    return region


def _fixed_mask(region: Region, trx: Any, block: int, frequency: int) -> int:
    """The 16-bit ChMask of `block` with the eight channels of the sub-band `frequency` is in."""
    index = next(i for i, c in enumerate(region.channels) if c[0] == frequency)
    sub = index % 16 // 8
    return 0x00FF << (8 * sub)


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
    region: str | None = None  # None: the region the device's board configured
    rx1_offset: int = 0  # what the device uses, as its MAC-command answers confirmed
    rx2: tuple[int, int] | None = None  # (Hz, DR); None: the region's default
    rx_delay: int = 1  # s
    mac_queue: bytearray = field(default_factory=bytearray)  # requests for the next downlink
    sent_requests: bytes = b""  # the requests of the last downlink (to apply when answered)
    snr_history: list[float] = field(default_factory=list)  # ADR: the recent uplinks' SNR
    dev_status: tuple[int, int] | None = None  # the last DevStatusAns (battery, margin)
    last_frame: bytes = b""  # the last uplink taken (an NbTrans repetition is the same bytes)

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
        # the uplink channels it listens on; None: every channel of every region (a test can list
        # a real gateway's eight, e.g. US915 sub-band 2)
        self.frequencies: list[int] | None = None
        radio.gateways.append(self)

    def on_uplink(self, packet: Packet, rssi: float, snr: float) -> None:
        self.server.uplink(packet, rssi, snr)

    def transmit(
        self, payload: bytes, t: int, frequency: int, dr: int, region: Region = EU868
    ) -> None:
        """Schedule a downlink at `t` (inverted IQ, as gateways send)."""
        sf, bw = region.datarates[dr]  # type: ignore[misc]
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
        self.mac_answers: list[mc.MacAnswer] = []  # MAC commands the devices sent, decoded
        self.adr = True  # run ADR for devices that set the ADR bit
        self.adr_uplinks = 20  # uplinks of SNR history before an ADR decision
        self.adr_margin_db = 10.0  # installation margin kept above the demodulation floor
        self.rng = random.Random(0)
        self._next_addr = DEV_ADDR_BASE
        self._app_nonce = 0
        self.gateway = Gateway(self)

    # ---- what a test or scenario sets up ----
    def add_otaa(
        self, dev_eui: Any, app_eui: Any, app_key: Any, region: str | None = None
    ) -> Device:
        eui = _hex(dev_eui, 8, "dev_eui").hex()
        dev = Device(eui, _hex(app_eui, 8, "app_eui"), _hex(app_key, 16, "app_key"))
        dev.region = _region_name(region)
        self.devices[eui] = dev
        return dev

    def add_abp(
        self,
        dev_addr: int,
        nwk_skey: Any,
        app_skey: Any,
        dev_eui: Any = None,
        region: str | None = None,
    ) -> Device:
        eui = _hex(dev_eui, 8, "dev_eui").hex() if dev_eui is not None else f"abp-{dev_addr:08x}"
        dev = Device(eui, dev_addr=int(dev_addr) & 0xFFFFFFFF)
        dev.nwk_skey = _hex(nwk_skey, 16, "nwk_skey")
        dev.app_skey = _hex(app_skey, 16, "app_skey")
        dev.region = _region_name(region)
        self.devices[eui] = dev
        self.by_addr[dev.dev_addr] = dev  # type: ignore[index]
        return dev

    def place_gateway(self, x: float, y: float = 0.0, z: float = 0.0) -> None:
        self.world.radio.place(self.gateway.name, x, y, z)

    def _device(self, dev_eui: Any) -> Device:
        eui = _hex(dev_eui, 8, "dev_eui").hex() if not str(dev_eui).startswith("abp-") else dev_eui
        if eui not in self.devices:
            raise ValueError(f"unknown device {dev_eui!r} (known: {', '.join(self.devices)})")
        return self.devices[eui]

    def send_downlink(
        self, dev_eui: Any, port: int, payload: bytes, *, confirmed: bool = False, window: int = 1
    ) -> None:
        """Queue `payload` for the device: it goes out after the device's next uplink."""
        dev = self._device(dev_eui)
        if not 1 <= port <= 224:
            raise ValueError(
                f"bad port {port}: application ports are 1..223 (224: compliance test)"
            )
        if window not in (1, 2):
            raise ValueError(f"bad window {window}: 1 (RX1) or 2 (RX2)")
        dev.queue.append(Downlink(port, bytes(payload), confirmed, window))

    def send_mac_command(self, dev_eui: Any, command: bytes) -> None:
        """Queue MAC command requests (e.g. ``link_adr_req(dr=3)`` from sim/lorawan_mac_commands.py)
        for the FOpts of the device's next downlink (port 0 when they pass 15 bytes)."""
        self._device(dev_eui).mac_queue += mc.check_downlink_commands(command)

    def answers(self, dev_eui: Any, name: str | None = None) -> list[mc.MacAnswer]:
        """The MAC answers the device sent, optionally only those called `name` ('LinkADRAns')."""
        eui = self._device(dev_eui).dev_eui
        return [a for a in self.mac_answers if a.dev_eui == eui and name in (None, a.name)]

    def summary(self) -> dict[str, Any]:
        if not (self.uplinks or self.joins or self.rejected):
            return {}
        out = {
            "joins": len(self.joins),
            "uplinks": len(self.uplinks),
            "rejected": len(self.rejected),
        }
        if self.mac_answers:
            out["mac_answers"] = len(self.mac_answers)
        return out

    # ---- the radio side ----
    def _reject(self, t: int, reason: str) -> None:
        self.rejected.append((t, reason))
        self.world.recorder.event(t, GATEWAY, "lorawan-rejected", reason)

    def region_of(self, dev: Device | None, packet: Packet) -> Region:
        """The device's region: as provisioned, or else the one its board's LoRa was set to."""
        name = dev.region if dev is not None else None
        if name is None:
            trx = self.world.radio.transceivers.get(packet.sender)
            name = trx.region if trx is not None else None
        return BY_NAME.get(name or "EU868", EU868)

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
        repeated = frame == dev.last_frame  # the device's previous frame, byte for byte
        dev.last_frame = frame
        if fcnt <= dev.fcnt_up:
            if repeated and not data.confirmed:
                return  # an NbTrans repetition of an uplink already taken: nothing to answer
            if not (data.confirmed and fcnt == dev.fcnt_up):  # a retransmission is acked again
                self._reject(t, f"replayed frame counter {fcnt} from {data.dev_addr:08x}")
                return
            self._answer(dev, packet, ack=True)
            return
        dev.fcnt_up = fcnt
        s = packet.settings
        app = payload if data.port != 0 else b""
        up = Uplink(t, dev.dev_eui, data.dev_addr, fcnt, data.port, app, data.confirmed,
                    rssi, snr, s.frequency, s.sf)  # fmt: skip
        self.uplinks.append(up)
        self.world.recorder.event(
            t, GATEWAY, "lorawan-uplink", f"{dev.dev_eui} fcnt {fcnt} port {data.port}"
        )
        commands = payload if data.port == 0 else data.fopts
        must_answer = self._mac_answers(dev, commands or b"", packet, snr)
        if data.fctrl & lw.FCTRL_ADR:
            self._adr(dev, packet, snr)
        if data.fctrl & lw.FCTRL_ADR_ACK_REQ:
            must_answer = True
        self._answer(dev, packet, ack=data.confirmed, force=must_answer)

    def _mac_answers(self, dev: Device, commands: bytes, packet: Packet, snr: float) -> bool:
        """Decode what the device sent; True if it needs a downlink (a LinkCheckAns, or to stop
        the repetition of a sticky answer)."""
        answer = False
        t = packet.end
        sent = mc.split(dev.sent_requests, mc.DOWN_SIZES)
        for cid, body in mc.split(commands, mc.UP_SIZES):
            ans = mc.decode_answer(t, dev.dev_eui, cid, body)
            self.mac_answers.append(ans)
            self.world.recorder.event(t, GATEWAY, "lorawan-mac", f"{dev.dev_eui} {ans.name}")
            if cid == mc.LINK_CHECK:
                floor = SNR_LIMIT_DB[packet.settings.sf]
                margin = max(0, min(254, round(snr - floor)))
                dev.mac_queue += mc.link_check_ans(margin, 1)
                answer = True
            elif cid == mc.DEV_STATUS:
                dev.dev_status = (body[0], body[1])
            elif cid == mc.RX_PARAM_SETUP:
                answer = True
                req = next((b for c, b in sent if c == mc.RX_PARAM_SETUP), None)
                if req is not None and body[0] & 0x07 == 0x07:
                    freq = int.from_bytes(req[1:4], "little") * 100
                    dev.rx1_offset, dev.rx2 = req[0] >> 4 & 0x07, (freq, req[0] & 0x0F)
            elif cid == mc.RX_TIMING_SETUP:
                answer = True
                req = next((b for c, b in sent if c == mc.RX_TIMING_SETUP), None)
                if req is not None:
                    dev.rx_delay = max(1, req[0] & 0x0F)
        return answer

    def _adr(self, dev: Device, packet: Packet, snr: float) -> None:
        """Server-side ADR: with enough history, the fastest DR and lowest power the best SNR
        allows with `adr_margin_db` to spare, one step per 3 dB."""
        if not self.adr:
            return
        dev.snr_history.append(snr)
        if len(dev.snr_history) < self.adr_uplinks or mc.LINK_ADR in dev.mac_queue:
            return
        region = self.region_of(dev, packet)
        s = packet.settings
        dr = next(i for i, v in enumerate(region.datarates) if v == (s.sf, s.bandwidth))
        spare = max(dev.snr_history) - SNR_LIMIT_DB[s.sf] - self.adr_margin_db
        dev.snr_history.clear()
        steps = int(spare // ADR_STEP_DB)
        fastest = max(i for i in range(region.tx_dr[1] + 1)
                      if region.datarates[i] and region.datarates[i][1] == s.bandwidth)  # fmt: skip
        new_dr, power = dr, 0
        while steps > 0 and new_dr < fastest:
            new_dr += 1
            steps -= 1
        while steps > 0 and power < region.min_tx_power:
            power += 1
            steps -= 1
        if new_dr == dr and power == 0:
            return
        if region.fixed_plan:  # keep the sub-band the device uses: its 125 kHz block
            trx = self.world.radio.transceivers.get(packet.sender)
            block = 0
            for i, (f, _, _) in enumerate(region.channels[:64]):
                if f == s.frequency:
                    block = i // 16
            mask = _fixed_mask(region, trx, block, s.frequency)
            dev.mac_queue += mc.link_adr_req(new_dr, power, 0, 7) + mc.link_adr_req(
                new_dr, power, mask, block, 1
            )
        else:
            dev.mac_queue += mc.link_adr_req(new_dr, power, 0xFFFF, 6, 1)

    def _answer(self, dev: Device, packet: Packet, ack: bool, force: bool = False) -> None:
        """Class A: a downlink only right after an uplink, in RX1 (or RX2)."""
        commands = bytes(dev.mac_queue)
        down = dev.queue[0] if dev.queue else None
        if down is None and not ack and not commands and not force:
            return
        if commands and len(commands) > mc.FOPTS_MAX:
            down = None  # the MAC commands go alone, on port 0; the data waits for the next one
            port, body, fopts = 0, commands, b""
        else:
            if down is not None:
                dev.queue.popleft()
            port = down.port if down is not None else None
            body, fopts = (down.payload if down else b""), commands
        dev.sent_requests = commands
        dev.mac_queue.clear()
        window = down.window if down is not None else 1
        mtype = lw.CONFIRMED_DOWN if down is not None and down.confirmed else lw.UNCONFIRMED_DOWN
        fctrl = (lw.FCTRL_ACK if ack else 0) | (lw.FCTRL_FPENDING if dev.queue else 0)
        frame = lw.data_frame(mtype, dev.dev_addr, dev.fcnt_down, port, body,  # type: ignore[arg-type]
                              dev.nwk_skey, dev.app_skey, fctrl, fopts)  # fmt: skip
        dev.fcnt_down += 1
        delay1 = dev.rx_delay * 1000
        self._send_window(dev, packet, frame, window, delay1, delay1 + 1000, dev.rx1_offset)

    def _send_window(
        self,
        dev: Device | None,
        packet: Packet,
        frame: bytes,
        window: int,
        d1: int,
        d2: int,
        rx1_offset: int = 0,
        rx2: tuple[int, int] | None = None,
    ) -> None:
        region = self.region_of(dev, packet)
        s = packet.settings
        if window == 1:
            up_dr = next(i for i, v in enumerate(region.datarates) if v == (s.sf, s.bandwidth))
            dr = region.rx1_dr[min(up_dr, len(region.rx1_dr) - 1)][rx1_offset]
            freq = s.frequency
            if region.rx1_channels is not None:
                first, step = region.rx1_channels
                index = next(i for i, c in enumerate(region.channels) if c[0] == s.frequency)
                freq = first + (index % 8) * step
            self.gateway.transmit(frame, packet.end + d1 * MS, freq, dr, region)
        else:
            if rx2 is None:
                rx2 = dev.rx2 if dev is not None and dev.rx2 else None
            freq, dr = rx2 or (region.rx2_frequency, region.rx2_dr)
            self.gateway.transmit(frame, packet.end + d2 * MS, freq, dr, region)

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
        dev.rx1_offset, dev.rx2, dev.rx_delay = 0, None, 1
        dev.snr_history.clear()  # (queued MAC commands wait for the new session's first uplink)
        self.by_addr[dev.dev_addr] = dev
        self.joins.append((t, dev.dev_eui, dev.dev_addr))
        self.world.recorder.event(
            t, GATEWAY, "lorawan-join", f"{dev.dev_eui} -> {dev.dev_addr:08x}"
        )
        region = self.region_of(dev, packet)
        # DLSettings: RX1 offset 0, the region's RX2 DR; RxDelay 1 s
        accept = lw.join_accept(
            dev.app_key, self._app_nonce, NET_ID, dev.dev_addr, region.rx2_dr, 1
        )
        self._send_window(dev, packet, accept, 1, region.join_accept_delay1,
                          region.join_accept_delay2)  # fmt: skip

    def __repr__(self) -> str:
        last = format_ns(self.uplinks[-1].t) if self.uplinks else "-"
        return (
            f"<NetworkServer {len(self.devices)} devices, {len(self.uplinks)} uplinks, last {last}>"
        )
