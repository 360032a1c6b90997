"""The board's LoRaWAN MAC in LORAWAN mode (Pycom 1.20.2: lib/lora/mac/LoRaMac.c, LoRaMac-node 4.x,
driven by esp32/mods/modlora.c TASK_LoRa), class A, EU868.

What it does, with the firmware's timings:

* join (OTAA): a join request on a random default channel at the join data rate (DR5 unless given),
  then receive windows 5 s (RX1: same channel and DR) and 6 s (RX2: 869.525 MHz, DR0) after it; a valid
  join accept sets ``has_joined()``. Without one, TASK_LoRa's 10 s ``TxNextActReqTimer`` sends the next
  join request. ABP joins at once;
* uplinks: a data frame on a random enabled channel at the socket's DR, frame counter up from 0; RX1
  1 s and RX2 2 s after it. The send completes (blocking sockets return, TX_PACKET_EVENT) after the RX2
  window, or after a downlink in RX1. A payload over the DR's limit makes the MAC send an empty frame
  (to flush MAC commands) and ``send`` raises EMSGSIZE, as ``lorawan_send`` does;
* confirmed uplinks: an ACK in RX1/RX2 completes the send; without one the same frame goes again
  ``RX2 delay + 2 s +- 1 s`` later, up to ``tx_retries + 1`` times, one DR lower every second retry
  (OnMacStateCheckTimerEvent). When all fail the firmware sets no completion bit (modlora.c
  McpsConfirm: "the stack will re-transmit"), so a blocking send waits for ever: as on the board;
* downlinks: MIC and frame counter checked, the payload decrypted onto the socket's queue with its
  port (``recvfrom``), RX_PACKET_EVENT. The duty cycle is not enforced (``LoRaMacTestSetDutyCycleOn
  (false)``); MAC commands are neither sent nor obeyed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...core.lorawan_regions import REGIONS, Region
from ...sim import lorawan_frames as lw
from ...sim.radio import Packet, time_on_air_ms
from .lora_modem import (
    COMPLETED,
    ERROR,
    IDLE,
    JOIN,
    MS,
    MSG_SIZE,
    RX_EVENT,
    TX,
    TX_EVENT,
    Command,
)

if TYPE_CHECKING:
    from .lora_modem import Modem

JOIN_RETRY = 10_000 * MS  # OVER_THE_AIR_ACTIVATION_DUTYCYCLE
WINDOW_OPEN_EARLY = 1 * MS


@dataclass
class Session:
    dev_addr: int
    nwk_skey: bytes
    app_skey: bytes
    fcnt_up: int = 0
    fcnt_down: int = -1  # last received


class MacLayer:
    def __init__(self, modem: Modem) -> None:
        self.modem = modem
        board = modem.board
        self.rng = random.Random(f"lorawan/{board.name}/{board.seed}")
        self.region: Region = REGIONS[5]
        self.channels: dict[int, tuple[int, int, int]] = {}  # index -> (Hz, dr_min, dr_max)
        self.session: Session | None = None
        self.otaa: tuple[bytes, bytes, bytes] | None = None  # dev_eui, app_eui, app_key
        self.activation = 0
        self.join_dr = 5
        self.pending = 0  # scheduled MAC events that matter (windows, retransmissions)
        self.job: dict[str, Any] | None = None  # the uplink or join in progress
        self.retry_at: int | None = None

    # ---- set up ----
    def init(self, now: int) -> None:
        self.channels = {i: (f, 0, 5) for i, f in enumerate(self.region.join_channels)}
        self.modem.trx.listen(False, now)
        self.job = None

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
                self.channels[index] = (freq, dr_min, dr_max)
            elif index >= len(self.region.join_channels):
                self.channels.pop(index, None)  # the default channels cannot be removed
            modem._set_bits(COMPLETED)
        elif command.kind == "restore":
            self.session = command.data
            self.activation = 1
            modem.state = JOIN

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

    def _join_retry(self, now: int) -> None:
        """OnTxNextActReqTimerEvent: not joined yet -> join again at the next task tick."""
        if self.retry_at is None or now < self.retry_at or self.modem.joined:
            return
        self.modem.state = JOIN
        self.modem._schedule_tick(now)

    def _send_join(self, now: int) -> None:
        dev_eui, app_eui, app_key = self.otaa  # type: ignore[misc]
        dev_nonce = self.rng.getrandbits(16)
        frame = lw.join_request(app_eui, dev_eui, dev_nonce, app_key)
        freq = self.rng.choice(self.region.join_channels)
        self.job = {"kind": "join", "nonce": dev_nonce, "key": app_key, "dr": self.join_dr}
        self._transmit(frame, freq, self.join_dr, now)

    # ---- uplinks ----
    def _uplink(self, data: tuple[bytes, bool, int, int], now: int) -> None:
        payload, confirmed, dr, port = data
        modem = self.modem
        session = self.session
        too_long = len(payload) > self.region.max_payload[dr]
        if session is None or self.job is not None:
            modem.state = IDLE
            modem._set_bits(ERROR)
            return
        mtype = lw.CONFIRMED_UP if confirmed and not too_long else lw.UNCONFIRMED_UP
        fport = None if too_long else port
        body = b"" if too_long else payload
        frame = lw.data_frame(mtype, session.dev_addr, session.fcnt_up, fport, body,
                              session.nwk_skey, session.app_skey)  # fmt: skip
        self.job = {
            "kind": "data",
            "frame": frame,
            "confirmed": mtype == lw.CONFIRMED_UP,
            "dr": dr,
            "trials": 1,
            "max_trials": modem.config.tx_retries + 1,
            "ack": False,
            "empty": too_long,
        }
        if too_long:
            modem._set_bits(MSG_SIZE | ERROR)  # the empty frame still goes out
            modem.state = IDLE
        else:
            modem.state = TX
        self._transmit(frame, self._channel(dr), dr, now)

    def _channel(self, dr: int) -> int:
        usable = [f for f, lo, hi in self.channels.values() if lo <= dr <= hi]
        return self.rng.choice(usable or list(self.region.join_channels))

    def _transmit(self, frame: bytes, freq: int, dr: int, now: int) -> None:
        sf, bw = self.region.datarates[dr]
        modem = self.modem
        modem.retune(frequency=freq, sf=sf, bandwidth=bw, coding_rate=1, preamble=8,
                     tx_power=self.region.tx_power, tx_iq=False, rx_iq=False, public=True)  # fmt: skip
        self.pending += 1  # until tx_done
        modem.board.world.radio.transmit(modem.trx, frame, now, kind="lorawan")

    def tx_done(self, packet: Packet) -> None:
        self.pending -= 1
        job = self.job
        if job is None:
            return
        job["packet"] = packet
        region = self.region
        join = job["kind"] == "join"
        d1 = region.join_accept_delay1 if join else region.receive_delay1
        d2 = region.join_accept_delay2 if join else region.receive_delay2
        s = packet.settings
        dr = job["dr"]
        self._window(packet.end + d1 * MS, s.frequency, dr, 1)
        self._window(packet.end + d2 * MS, region.rx2_frequency, region.rx2_dr, 2)

    # ---- receive windows ----
    def _window(self, t: int, freq: int, dr: int, number: int) -> None:
        job = self.job

        def open_window(now: int) -> None:
            if self.job is not job or job.get("done") or job.get("received"):
                return
            sf, bw = self.region.datarates[dr]
            self.modem.retune(frequency=freq, sf=sf, bandwidth=bw, coding_rate=1, preamble=8,
                              tx_power=self.region.tx_power, tx_iq=False, rx_iq=True, public=True)  # fmt: skip
            self.modem.trx.listen(True, now)
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
            if number == 2:
                self._windows_over(now)

        self._later(t - WINDOW_OPEN_EARLY, open_window)

    def rx_done(self, packet: Packet, rssi: float, snr: float) -> None:
        job = self.job
        modem = self.modem
        modem.trx.listen(False, packet.end)
        if job is None:
            return
        if job["kind"] == "join":
            accept = lw.open_join_accept(packet.payload, job["key"])
            if accept is None:
                return
            nwk, app = lw.session_keys(job["key"], accept.app_nonce, accept.net_id, job["nonce"])
            self.session = Session(accept.dev_addr, nwk, app)
            job["received"] = True
            modem.joined = True  # MlmeConfirm(MLME_JOIN, OK); stats() keep the last data downlink
            self.retry_at = None
            self.job = None
            return
        session = self.session
        frame = lw.parse_data(packet.payload)
        if session is None or frame is None or frame.dev_addr != session.dev_addr:
            return
        fcnt = lw.full_fcnt(max(session.fcnt_down, 0), frame.fcnt16)
        payload = lw.check_and_open(frame, fcnt, session.nwk_skey, session.app_skey, lw.DOWN)
        if payload is None or fcnt <= session.fcnt_down:
            return
        session.fcnt_down = fcnt
        job["received"] = True
        modem.record_rx(packet, rssi, snr)
        modem.stats.sfrx = (
            job["dr"] if packet.settings.frequency != self.region.rx2_frequency else 0
        )
        if frame.ack:
            job["ack"] = True
        if frame.port is not None and 0 < frame.port < 224 and payload:
            if len(modem.rx_queue) < 7:
                modem.rx_queue.append((payload, frame.port))
                modem.rx_waiters.wake()
            modem.post_event(RX_EVENT, packet.end)
        self._windows_over(packet.end)

    def _windows_over(self, now: int) -> None:
        """OnMacStateCheckTimerEvent after the receive windows: confirm, or retransmit."""
        job = self.job
        if job is None or job.get("done"):
            return
        if job["kind"] == "join":
            self.job = None  # MlmeConfirm with an error status: TASK_LoRa's timer joins again
            return
        if job["confirmed"] and not job["ack"]:
            if job["trials"] < job["max_trials"]:
                job["trials"] += 1
                job.pop("received", None)
                if job["trials"] % 2 == 1:
                    job["dr"] = max(0, job["dr"] - 1)
                r = self.region
                delay = r.receive_delay2 + r.ack_timeout
                delay += self.rng.randint(-r.ack_timeout_rnd, r.ack_timeout_rnd)
                packet = job["packet"]
                self._later(
                    packet.end + delay * MS,
                    lambda t: self._transmit(job["frame"], self._channel(job["dr"]), job["dr"], t),
                )
                return
            job["done"] = True  # no ACK after every trial: no confirm bit (McpsConfirm)
            self._finish(job, completed=False)
            return
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
        st.tx_power = s.tx_power
        st.tx_time_on_air = time_on_air_ms(len(packet.payload), s.sf, s.bandwidth, 1, 8)
        st.tx_frequency = s.frequency
        if session is not None:
            st.tx_counter = session.fcnt_up
            session.fcnt_up += 1
        self.job = None
        modem.state = IDLE
        if completed:
            modem.post_event(TX_EVENT, modem.board.kernel.now)
            modem._set_bits(COMPLETED)
        modem._schedule_tick(modem.board.kernel.now)  # the next queued command

    # ---- the Python side ----
    def send(self, data: bytes, timeout: int, confirmed: bool, dr: int, port: int) -> int:
        """lorawan_send."""
        modem = self.modem
        modem.clear_bits()
        command = Command("lorawan_tx", (data, confirmed, dr, port))
        if not modem.queue(command, None if timeout < 0 else timeout * MS):
            return 0
        if len(data) > self.region.max_payload[dr]:
            return -1  # ValidatePayloadLength fails after the command went on the queue
        if timeout != 0:
            result = modem.wait_bits(COMPLETED | ERROR | MSG_SIZE)
            if result & MSG_SIZE:
                return -1
            if result & ERROR:
                return 0
        return len(data)
