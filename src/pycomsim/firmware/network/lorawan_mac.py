"""The board's LoRaWAN MAC in LORAWAN mode (Pycom 1.20.2: lib/lora/mac/LoRaMac.c, LoRaMac-node 4.x,
driven by esp32/mods/modlora.c TASK_LoRa), class A, in the regions of core/lorawan_regions.py.

What it does, with the firmware's timings:

* join (OTAA): a join request on a channel of the region's plan at the join data rate
  (``RegionAlternateDr``), then receive windows 5 s (RX1: the region's RX1 channel and DR) and 6 s
  (RX2: the region's RX2 frequency and DR) after it; a valid join accept sets ``has_joined()`` and its
  DLSettings/RxDelay set the RX1 offset, the RX2 DR and the receive delays. Without one, TASK_LoRa's
  10 s ``TxNextActReqTimer`` sends the next join request. ABP joins at once;
* uplinks: a data frame on a channel the region's plan picks (lorawan_channels.py) at the socket's DR
  (the MAC's own DR with ADR on), frame counter up from 0; RX1 1 s and RX2 2 s after it (or the
  RXTimingSetupReq delay). A payload over the DR's limit makes the MAC send an empty frame (to flush
  MAC commands) and ``send`` raises EMSGSIZE, as ``lorawan_send`` does;
* confirmed uplinks: an ACK in RX1/RX2 completes the send; without one the same frame goes again
  ``RX2 delay + 2 s +- 1 s`` later, up to ``tx_retries + 1`` times, one DR lower every second retry
  (OnMacStateCheckTimerEvent). When all fail the firmware sets no completion bit (modlora.c
  McpsConfirm: "the stack will re-transmit"), so a blocking send waits for ever: as on the board;
* downlinks: MIC and frame counter checked, the payload decrypted onto the socket's queue with its
  port (``recvfrom``), RX_PACKET_EVENT; MAC commands in FOpts or on port 0 go to
  lorawan_commands.py, whose answers ride on the next uplink;
* ADR (``LoRa(adr=True)``): the ADR bit in every uplink, LinkADRReq sets the DR and TX power, and
  without downlinks ``RegionAdrNext`` asks for one (ADRACKReq after 64 uplinks) and steps the DR down
  (every 32 more). The regional duty cycle is not enforced (``LoRaMacTestSetDutyCycleOn(false)``);
  the aggregated one a DutyCycleReq sets is.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...core.lorawan_regions import REGIONS, Region
from ...sim import lorawan_frames as lw
from ...sim import lorawan_mac_commands as mc
from ...sim.radio import Packet, time_on_air_ms
from . import lorawan_commands
from .lora_modem import (
    COMPLETED,
    ERROR,
    IDLE,
    JOIN,
    LINK_CHECK,
    MS,
    MSG_SIZE,
    RX_EVENT,
    TX,
    TX_EVENT,
    Command,
)
from .lorawan_channels import ChannelPlan

if TYPE_CHECKING:
    from .lora_modem import Modem

JOIN_RETRY = 10_000 * MS  # OVER_THE_AIR_ACTIVATION_DUTYCYCLE
WINDOW_OPEN_EARLY = 1 * MS
COMPLIANCE_PORT = 224


@dataclass
class Session:
    dev_addr: int
    nwk_skey: bytes
    app_skey: bytes
    fcnt_up: int = 0
    fcnt_down: int = -1  # last received


@dataclass
class MacParams:
    """LoRaMacParams_t and the MAC state around it that MAC commands change."""

    dr: int  # ChannelsDatarate
    tx_power: int = 0  # ChannelsTxPower: an index, 0 = the region's maximum
    nb_rep: int = 1  # ChannelsNbRep
    rx1_offset: int = 0
    rx2_frequency: int = 0
    rx2_dr: int = 0
    delay1: int = 1000  # ms
    delay2: int = 2000
    max_dcycle: int = 0  # DutyCycleReq; 255: the device is off
    adr_ack_counter: int = 0
    uplink_dwell: int = 0
    downlink_dwell: int = 0
    commands: bytearray = field(default_factory=bytearray)  # MacCommandsBuffer (answers to send)
    repeat: bytes = b""  # MacCommandsBufferToRepeat (sticky answers)
    in_next_tx: bool = False  # MacCommandsInNextTx
    srv_ack: bool = False  # SrvAckRequested: a confirmed downlink to acknowledge
    link_check_pending: bool = False  # MLME_LINK_CHECK requested (compliance test)


def reset_params(region: Region) -> MacParams:
    """ResetMacParameters / LoRaMacInitialization defaults."""
    return MacParams(
        dr=region.default_dr,
        rx2_frequency=region.rx2_frequency,
        rx2_dr=region.rx2_dr,
        delay1=region.receive_delay1,
        delay2=region.receive_delay2,
        uplink_dwell=region.uplink_dwell,
        downlink_dwell=region.downlink_dwell,
    )


def join_datarate(region: Region, requested: int) -> int:
    """RegionForceJoinDataRate + RegionAlternateDr for the first trial."""
    if region.join_drs == (2,):
        return 2  # AS923: AS923_DWELL_LIMIT_DATARATE only
    if region.fixed_plan:
        return requested if requested == region.tx_dr[1] else 0
    return min(requested, 5)  # DRToCounter covers DR0..5; IN865 lets larger values through


class MacLayer:
    def __init__(self, modem: Modem) -> None:
        self.modem = modem
        board = modem.board
        self.rng = random.Random(f"lorawan/{board.name}/{board.seed}")
        self.region: Region = REGIONS[5]
        self.plan = ChannelPlan(self.region, self.rng)
        self.params = reset_params(self.region)
        self.session: Session | None = None
        self.otaa: tuple[bytes, bytes, bytes] | None = None  # dev_eui, app_eui, app_key
        self.activation = 0
        self.join_dr = 5
        self.pending = 0  # scheduled MAC events that matter (windows, retransmissions)
        self.job: dict[str, Any] | None = None  # the uplink or join in progress
        self.retry_at: int | None = None
        self.last_tx_end = 0  # AggregatedLastTxDoneTime (ns)
        self.last_toa = 0  # TxTimeOnAir of the last frame (ns)
        self.aggregated_off = 0  # AggregatedTimeOff (ns)
        self.schedule_uplink = False  # MLME_SCHEDULE_UPLINK indication pending
        # the compliance test state behind lora.compliance_test() (modlora.c ComplianceTest)
        self.compliance = modem.__dict__.setdefault("compliance", {})
        self.compliance.update(enabled=False, running=False, state=0, tx_confirmed=False,
                               downlink_counter=0, link=False, margin=0, gateways=0)  # fmt: skip

    # ---- set up ----
    def init(self, now: int) -> None:
        """LoRaMacInitialization for the configured region: channels and parameters afresh."""
        self.region = REGIONS[self.modem.config.region]
        self.plan = ChannelPlan(self.region, self.rng)
        self.params = reset_params(self.region)
        self.modem.trx.listen(False, now)
        self.job = None

    @property
    def adr(self) -> bool:
        return bool(self.modem.config.adr) or bool(self.compliance.get("running"))

    def busy(self) -> bool:
        return self.pending > 0

    def _later(self, t: int, fn: Any, counts: bool = True) -> None:
        boot = self.modem.boot
        if counts:
            self.pending += 1

        def run(_: object) -> None:
            if counts:
                self.pending -= 1
            if self.modem.alive and self.modem.board.boot_count == boot:
                fn(self.modem.board.kernel.now)
            if not self.pending:
                self.modem.board.world.board_idle(self.modem.board)

        self.modem.board.kernel.schedule(t, run)

    # ---- commands from the Python side (via TASK_LoRa) ----
    def command(self, command: Command, now: int) -> None:
        modem = self.modem
        if command.kind == "join":
            modem.joined = False
            self.activation, creds, self.join_dr = command.data
            if self.activation == 0:
                self.otaa = creds
            else:
                dev_addr, nwk_skey, app_skey = creds
                self.session = Session(dev_addr & 0xFFFFFFFF, nwk_skey, app_skey)
            modem.state = JOIN
        elif command.kind == "lorawan_tx":
            self._uplink(command.data, now)
        elif command.kind == "channel":
            add, index, freq, dr_min, dr_max = command.data
            if add:
                self.plan.manual_add(index, freq, dr_min, dr_max)
            else:
                self.plan.manual_remove(index)
            modem._set_bits(COMPLETED)  # the region's verdict is not passed back
        elif command.kind == "restore":
            self.session, snapshot = command.data
            if snapshot is not None:
                self.params, self.plan = snapshot
            self.activation = 1
            modem.state = JOIN

    def snapshot(self) -> tuple[MacParams, ChannelPlan]:
        """What nvram_save keeps besides the session: the MAC parameters and the channel list."""
        return copy.deepcopy((self.params, self.plan))

    def join_tick(self, now: int) -> None:
        """E_LORA_STATE_JOIN: send a join request (OTAA) or take the ABP session."""
        modem = self.modem
        self.retry_at = None
        if not modem.joined:
            if self.activation == 0 and self.otaa is not None:
                self.retry_at = now + JOIN_RETRY
                self._later(now + JOIN_RETRY, self._join_retry, counts=False)
                self._send_join(now)
            elif self.session is not None:
                modem.joined = True
        modem._set_bits(COMPLETED)
        modem.state = IDLE

    def tick(self, now: int) -> None:
        return None

    def link_check(self, now: int) -> None:
        """E_LORA_STATE_LINK_CHECK: MLME_LINK_CHECK, a LinkCheckReq in the next uplink."""
        self.params.commands.append(mc.LINK_CHECK)
        self.params.in_next_tx = True
        self.params.link_check_pending = True

    def _join_retry(self, now: int) -> None:
        """OnTxNextActReqTimerEvent: not joined yet -> join again at the next task tick."""
        if self.retry_at is None or now < self.retry_at or self.modem.joined:
            return
        self.modem.state = JOIN
        self.modem._schedule_tick(now)

    def _send_join(self, now: int) -> None:
        dev_eui, app_eui, app_key = self.otaa  # type: ignore[misc]
        keep = self.params
        self.params = reset_params(self.region)  # ResetMacParameters
        self.params.max_dcycle = 0
        self.params.uplink_dwell, self.params.downlink_dwell = (
            keep.uplink_dwell,
            keep.downlink_dwell,
        )
        dr = join_datarate(self.region, self.join_dr)
        self.params.dr = dr
        self.plan.join_reset(dr)
        dev_nonce = self.rng.getrandbits(16)
        frame = lw.join_request(app_eui, dev_eui, dev_nonce, app_key)
        self.job = {"kind": "join", "nonce": dev_nonce, "key": app_key, "dr": dr}
        self._schedule(frame, dr, now)

    # ---- uplinks ----
    def _uplink(self, data: tuple[bytes, bool, int, int], now: int) -> None:
        payload, confirmed, socket_dr, port = data
        modem = self.modem
        session = self.session
        p = self.params
        if session is None or self.job is not None:
            modem.state = IDLE
            modem._set_bits(ERROR)
            return
        if not self.adr:
            p.dr = socket_dr  # MIB_CHANNELS_DATARATE for this send (LoRaMacMcpsRequest keeps it)
        dr = p.dr
        pending = bytes(p.commands) + p.repeat
        fopts = len(pending) if len(pending) <= mc.FOPTS_MAX else 0
        too_long = len(payload) + fopts > self.region.payload_limit(dr, p.uplink_dwell)
        if p.max_dcycle == 255:  # LORAMAC_STATUS_DEVICE_OFF: the request fails
            modem.state = IDLE
            modem._set_bits(ERROR)
            return
        mtype = lw.CONFIRMED_UP if confirmed and not too_long else lw.UNCONFIRMED_UP
        frame = self._build(mtype, None if too_long else port, b"" if too_long else payload)
        dr = p.dr  # PrepareFrame's RegionAdrNext may have stepped it down
        self.job = {
            "kind": "data",
            "frame": frame,
            "confirmed": mtype == lw.CONFIRMED_UP,
            "dr": dr,
            "trials": 1,
            "max_trials": modem.config.tx_retries + 1,
            "ack": False,
            "empty": too_long,
            "reps": 1,
            "downlink": False,
        }
        if too_long:
            modem._set_bits(MSG_SIZE | ERROR)  # the empty frame still goes out
            modem.state = IDLE
        else:
            modem.state = TX
        self._schedule(frame, dr, now)

    def _build(self, mtype: int, port: int | None, payload: bytes) -> bytes:
        """PrepareFrame for a data uplink: ADR bits, the ACK of a confirmed downlink, MAC command
        answers in FOpts (or, when they do not fit, instead of the payload on port 0)."""
        p = self.params
        session = self.session
        assert session is not None
        fctrl = 0
        if self.adr:
            fctrl |= lw.FCTRL_ADR
            if self._adr_next():
                fctrl |= lw.FCTRL_ADR_ACK_REQ
        if p.srv_ack:
            p.srv_ack = False
            fctrl |= lw.FCTRL_ACK
        commands = bytes(p.commands) + p.repeat
        p.commands = bytearray(commands)
        fopts = b""
        if payload and port is not None:
            if p.in_next_tx:
                if len(commands) <= mc.FOPTS_MAX:
                    fopts = commands
                else:
                    payload, port = commands, 0
        elif commands and p.in_next_tx:
            payload, port = commands, 0
        p.in_next_tx = False
        p.repeat = lorawan_commands.sticky(commands)
        p.in_next_tx = bool(p.repeat)
        if port == 0:
            p.commands = bytearray()
        return lw.data_frame(mtype, session.dev_addr, session.fcnt_up, port, payload,
                             session.nwk_skey, session.app_skey, fctrl, fopts)  # fmt: skip

    def _adr_next(self) -> bool:
        """RegionAdrNext: ADRACKReq after ADR_ACK_LIMIT uplinks without a downlink, and one DR
        lower every ADR_ACK_DELAY more."""
        p = self.params
        r = self.region
        min_dr = r.min_tx_dr(p.uplink_dwell)
        if p.dr == min_dr:
            p.adr_ack_counter = 0
            return False
        request = p.adr_ack_counter >= r.adr_ack_limit
        if request:
            p.tx_power = 0
        if p.adr_ack_counter >= r.adr_ack_limit + r.adr_ack_delay:
            if p.adr_ack_counter % r.adr_ack_delay == 1:
                p.dr = max(min_dr, p.dr - 1)
                if p.dr == min_dr:
                    request = False
                    self.plan.mask |= set(range(r.default_channels))
        return request

    def _schedule(self, frame: bytes, dr: int, now: int) -> None:
        """ScheduleTx: the aggregated duty cycle (DutyCycleReq), then a channel for the DR."""
        p = self.params
        if p.max_dcycle == 0:
            self.aggregated_off = 0
        # CalculateBackOff: adds the last frame's time-off at every ScheduleTx, a delayed one too
        self.aggregated_off += self.last_toa * ((1 << min(p.max_dcycle, 15)) - 1)
        elapsed = now - self.last_tx_end
        if self.last_tx_end and self.aggregated_off > elapsed:
            wait = self.aggregated_off - elapsed
            self._later(now + wait, lambda t: self._schedule(frame, dr, t))  # OnTxDelayedTimerEvent
            return
        self.aggregated_off = 0
        channel = self.plan.next_channel(dr)
        if channel is None:  # no channel carries the DR: the region's default DR instead
            dr = p.dr = self.region.default_dr
            if self.job is not None:
                self.job["dr"] = dr
            channel = self.plan.next_channel(dr)
        if channel is None:
            self._fail(now)
            return
        if self.job is not None:
            self.job["channel"] = channel
        self._transmit(frame, self.plan.frequency(channel), dr, now)

    def _fail(self, now: int) -> None:
        """No channel at all: the request fails (the firmware's ScheduleTx would spin)."""
        self.job = None
        self.modem.state = IDLE
        self.modem._set_bits(ERROR)
        self.modem._schedule_tick(now)

    def _transmit(self, frame: bytes, freq: int, dr: int, now: int) -> None:
        sf, bw = self.region.datarates[dr]  # type: ignore[misc]
        modem = self.modem
        power = self.region.tx_power_dbm(self.params.tx_power)
        modem.retune(frequency=freq, sf=sf, bandwidth=bw, coding_rate=1, preamble=8,
                     tx_power=power, tx_iq=False, rx_iq=False, public=True)  # fmt: skip
        self.pending += 1  # until tx_done
        modem.board.world.radio.transmit(modem.trx, frame, now, kind="lorawan")

    def tx_done(self, packet: Packet) -> None:
        self.pending -= 1
        self.last_tx_end = packet.end
        self.last_toa = packet.end - packet.start
        job = self.job
        if job is None:
            return
        job["packet"] = packet
        job.pop("received", None)
        region = self.region
        p = self.params
        join = job["kind"] == "join"
        d1 = region.join_accept_delay1 if join else p.delay1
        d2 = region.join_accept_delay2 if join else p.delay2
        dr = job["dr"]
        offset = 0 if join else p.rx1_offset
        rx1_dr = region.rx1_dr[min(dr, len(region.rx1_dr) - 1)][offset]
        rx1_freq = packet.settings.frequency
        if region.rx1_channels is not None:
            first, step = region.rx1_channels
            rx1_freq = first + (job.get("channel", 0) % 8) * step
        rx2_freq = region.rx2_frequency if join else p.rx2_frequency
        rx2_dr = region.rx2_dr if join else p.rx2_dr
        self._window(packet.end + d1 * MS, rx1_freq, rx1_dr, 1)
        self._window(packet.end + d2 * MS, rx2_freq, rx2_dr, 2)

    # ---- receive windows ----
    def _window(self, t: int, freq: int, dr: int, number: int) -> None:
        job = self.job

        def open_window(now: int) -> None:
            if self.job is not job or job.get("done") or job.get("received"):
                return
            if number == 2 and self.modem.trx.listening:
                job["rx2_skipped"] = True  # RegionRxConfig: the radio is not idle (RX1 receiving)
                return
            sf, bw = self.region.datarates[dr]  # type: ignore[misc]
            self.modem.retune(frequency=freq, sf=sf, bandwidth=bw, coding_rate=1, preamble=8,
                              tx_power=self.region.tx_power_dbm(0), tx_iq=False, rx_iq=True,
                              public=True)  # fmt: skip
            self.modem.trx.listen(True, now)
            job["window_dr"] = dr
            # open long enough to catch a preamble (8 + 4.25 symbols) sent on time
            preamble = round(12.25 * (1 << sf) * 1e9 / (125_000, 250_000, 500_000)[bw])
            self._later(now + WINDOW_OPEN_EARLY + preamble + 2 * MS, close_window)

        def close_window(now: int) -> None:
            if self.job is not job or job.get("received"):
                return
            radio = self.modem.board.world.radio
            trx = self.modem.trx
            for p in radio.on_air:  # a downlink being received: the window stays open
                if not p.done and p.start >= trx.listen_since and p.sender != trx.name:
                    if p.settings.frequency == freq and p.settings.tx_iq:
                        self._later(p.end + 1, close_window)
                        return
            trx.listen(False, now)
            if number == 2 or job.get("rx2_skipped"):
                self._windows_over(now)

        self._later(t - WINDOW_OPEN_EARLY, open_window)

    def rx_done(self, packet: Packet, rssi: float, snr: float) -> None:
        job = self.job
        modem = self.modem
        modem.trx.listen(False, packet.end)
        if job is None:
            return
        if job["kind"] == "join":
            self._join_accept(job, packet)
            return
        session = self.session
        frame = lw.parse_data(packet.payload)
        if session is None or frame is None or frame.dev_addr != session.dev_addr:
            return
        if frame.mtype not in (lw.UNCONFIRMED_DOWN, lw.CONFIRMED_DOWN):
            return
        fcnt = lw.full_fcnt(max(session.fcnt_down, 0), frame.fcnt16)
        payload = lw.check_and_open(frame, fcnt, session.nwk_skey, session.app_skey, lw.DOWN)
        if payload is None or fcnt <= session.fcnt_down:
            return
        session.fcnt_down = fcnt
        job["received"] = True
        job["downlink"] = True
        p = self.params
        p.adr_ack_counter = 0
        p.repeat = b""
        p.srv_ack = frame.mtype == lw.CONFIRMED_DOWN
        if not job["confirmed"] or frame.ack:
            p.commands = bytearray()
        modem.record_rx(packet, rssi, snr)
        modem.stats.sfrx = job.get("window_dr", job["dr"])  # McpsIndication RxDatarate
        if frame.ack:
            job["ack"] = True
        margin = modem.stats.snr & 0xFF  # the SX127x SNR register, as OnRadioRxDone passes it on
        if frame.port == 0:
            if not frame.fopts:
                lorawan_commands.process(self, payload, margin)
        else:
            if frame.fopts:
                lorawan_commands.process(self, frame.fopts, margin)
            if frame.port is not None and payload:
                self._deliver(payload, frame.port, packet.end)
        self._windows_over(packet.end)

    def _deliver(self, payload: bytes, port: int, t: int) -> None:
        modem = self.modem
        if port == COMPLIANCE_PORT and self.compliance.get("enabled"):
            lorawan_commands.compliance_downlink(self, payload)
        if 0 < port < 224:
            if len(modem.rx_queue) < 7:
                modem.rx_queue.append((payload, port))
                modem.rx_waiters.wake()
            modem.post_event(RX_EVENT, t)

    def _join_accept(self, job: dict[str, Any], packet: Packet) -> None:
        modem = self.modem
        accept = lw.open_join_accept(packet.payload, job["key"])
        if accept is None:
            return
        nwk, app = lw.session_keys(job["key"], accept.app_nonce, accept.net_id, job["nonce"])
        self.session = Session(accept.dev_addr, nwk, app)
        p = self.params
        p.rx1_offset = accept.dl_settings >> 4 & 0x07
        p.rx2_dr = accept.dl_settings & 0x0F
        p.delay1 = max(1, accept.rx_delay & 0x0F) * 1000
        p.delay2 = p.delay1 + 1000
        job["received"] = True
        modem.joined = True  # MlmeConfirm(MLME_JOIN, OK); stats() keep the last data downlink
        self.retry_at = None
        self.job = None

    def _windows_over(self, now: int) -> None:
        """OnMacStateCheckTimerEvent after the receive windows: confirm, repeat or retransmit."""
        job = self.job
        if job is None or job.get("done"):
            return
        if job["kind"] == "join":
            self.job = None  # MlmeConfirm with an error status: TASK_LoRa's timer joins again
            return
        p = self.params
        r = self.region
        if job["confirmed"] and not job["ack"]:
            if job["trials"] < job["max_trials"]:
                job["trials"] += 1
                if job["trials"] % 2 == 1:
                    job["dr"] = max(r.min_tx_dr(p.uplink_dwell), job["dr"] - 1)
                    p.dr = job["dr"]
                delay = p.delay2 + r.ack_timeout
                delay += self.rng.randint(-r.ack_timeout_rnd, r.ack_timeout_rnd)
                packet = job["packet"]
                self._later(
                    packet.end + delay * MS,
                    lambda t: self._schedule(job["frame"], job["dr"], t),
                )
                return
            job["done"] = True  # no ACK after every trial: no confirm bit (McpsConfirm)
            self.plan.mask |= set(range(r.default_channels))  # RegionInitDefaults(RESTORE)
            p.commands = bytearray()
            self._finish(job, completed=False)
            return
        if not job["confirmed"] and not job["downlink"] and job["reps"] < p.nb_rep:
            job["reps"] += 1  # ChannelsNbRep: the same frame again, on the next channel
            self._later(now, lambda t: self._schedule(job["frame"], job["dr"], t))
            return
        if not job["downlink"]:
            p.commands = bytearray()  # no downlink: the answers are dropped, ADR counts it
            p.adr_ack_counter += 1
        job["done"] = True
        self._finish(job, completed=not job["empty"])

    def _finish(self, job: dict[str, Any], completed: bool) -> None:
        modem = self.modem
        session = self.session
        packet: Packet = job["packet"]
        st = modem.stats
        s = packet.settings
        st.sftx = job["dr"]
        st.tx_trials = job["trials"]
        st.tx_power = self.params.tx_power  # McpsConfirm->TxPower: the power index
        st.tx_time_on_air = time_on_air_ms(len(packet.payload), s.sf, s.bandwidth, 1, 8)
        st.tx_frequency = s.frequency
        if session is not None:
            st.tx_counter = session.fcnt_up
            session.fcnt_up += 1
        self.job = None
        # McpsConfirm sets IDLE, then McpsIndication's compliance downlink 5 sets LINK_CHECK
        modem.state = LINK_CHECK if self.compliance.pop("link_check_request", False) else IDLE
        if self.schedule_uplink or self.params.repeat:  # MlmeIndication after the exchange
            self.schedule_uplink = False
            modem.board.console_write(lorawan_commands.SCHEDULE_UPLINK)
        if completed:
            modem.post_event(TX_EVENT, modem.board.kernel.now)
            modem._set_bits(COMPLETED)
        modem._schedule_tick(modem.board.kernel.now)  # the next queued command

    # ---- the Python side ----
    def send(self, data: bytes, timeout: int, confirmed: bool, dr: int, port: int) -> int:
        """lorawan_send (the compliance test sends on port 224, confirmed as it was told)."""
        modem = self.modem
        if self.compliance.get("enabled") and self.compliance.get("running"):
            port, confirmed = COMPLIANCE_PORT, bool(self.compliance.get("tx_confirmed"))
        modem.clear_bits()
        command = Command("lorawan_tx", (data, confirmed, dr, port))
        if not modem.queue(command, None if timeout < 0 else timeout * MS):
            return 0
        if len(data) > self.region.payload_limit(dr, self.params.uplink_dwell):
            return -1  # ValidatePayloadLength fails after the command went on the queue
        if timeout != 0:
            result = modem.wait_bits(COMPLETED | ERROR | MSG_SIZE)
            if result & MSG_SIZE:
                return -1
            if result & ERROR:
                return 0
        return len(data)
