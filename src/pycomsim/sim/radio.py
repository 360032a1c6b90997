"""The radio world: every board's LoRa transceiver on one shared channel, on the kernel's clock.

A transmission is a `Packet` from its first preamble symbol to its last payload symbol. When it ends,
each other transceiver decides whether it got it, in this order (the reason is kept on the packet's
`Reception` for tests and the event log):

* ``not listening``: the receiver was not in receive mode for the whole packet (it slept, was idle
  between two firmware task ticks, or transmitted itself: the SX127x is half duplex);
* ``other channel``: its frequency is off by more than a quarter of the bandwidth, or it is set to a
  different spreading factor, bandwidth, IQ polarity or sync word (public/private): the modem never
  locks onto such a packet;
* ``too weak``: the SNR after path loss and fading is under the demodulator's limit for the SF
  (SX1276 datasheet, table "LoRa receiver sensitivity": -7.5 dB at SF7 ... -20 dB at SF12);
* ``collision``: another transmission on an overlapping channel with the same SF overlapped it in
  time and was not at least `capture_db` (6 dB) weaker at this receiver (capture effect). Different
  spreading factors are treated as orthogonal.

Time on air is Semtech's formula (SX1276/77/78/79 datasheet rev. 7, section 4.1.1.7 "Time on air";
AN1200.13 "LoRa Modem Designer's Guide"), with the low-data-rate optimisation the firmware switches
on for SF11/SF12 at 125 kHz and SF12 at 250 kHz (drivers/sx127x/sx1276/sx1276.c SX1276SetTxConfig) and
the CRC on and explicit header that Pycom's raw mode uses (esp32/mods/modlora.c lora_radio_setup).

Path loss is the log-distance model: free-space loss at 1 m for the carrier frequency plus
``10 * n * log10(d / 1 m)`` with exponent n (2.7 by default, suburban), plus log-normal shadow fading
(a Gaussian in dB, sigma 3 dB by default) drawn from the radio's own seeded generator, so a run is
reproducible. Distances come from the boards' positions (metres) set in the scenario or with
`Radio.place`.

Duty cycle: the region's sub-band limits (LoRaMac-node RegionEU868.h bands, 1 %/0.1 %/10 %) are
checked per board. Pycom 1.20 switches the MAC's enforcement off (modlora.c TASK_LoRa
``LoRaMacTestSetDutyCycleOn(false)``), so the board sends anyway, and pycomsim reports a
``duty cycle`` warning the first time a board transmits in a sub-band before its off time is over.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .world import World

BANDWIDTH_HZ = (125_000, 250_000, 500_000)  # LoRa.BW_125KHZ, BW_250KHZ, BW_500KHZ
# SX1276 datasheet: demodulator SNR limit per spreading factor (dB)
SNR_LIMIT_DB = {6: -5.0, 7: -7.5, 8: -10.0, 9: -12.5, 10: -15.0, 11: -17.5, 12: -20.0}
NOISE_FIGURE_DB = (
    6.0  # SX1276 receiver noise figure (datasheet: sensitivity = -174 + 10log(BW) + NF + SNR)
)
LBT_THRESHOLD_DBM = -85  # modlora.c lora_lbt_is_free: rssi_th
SPEED_OF_LIGHT = 299_792_458.0


def time_on_air_s(
    payload_len: int,
    sf: int,
    bandwidth: int,
    coding_rate: int,
    preamble: int,
    *,
    crc: bool = True,
    implicit_header: bool = False,
) -> float:
    """Seconds on air of a LoRa packet (Semtech's formula, as SX1276GetTimeOnAir computes it).

    `bandwidth` is the firmware's code (0: 125 kHz, 1: 250 kHz, 2: 500 kHz), `coding_rate` 1..4 for
    4/5..4/8, `preamble` the programmed preamble length in symbols."""
    bw = BANDWIDTH_HZ[bandwidth]
    ts = (1 << sf) / bw
    low_dr = (bandwidth == 0 and sf in (11, 12)) or (bandwidth == 1 and sf == 12)
    t_preamble = (preamble + 4.25) * ts
    symbols = math.ceil(
        (8 * payload_len - 4 * sf + 28 + 16 * crc - (20 if implicit_header else 0))
        / (4 * (sf - (2 if low_dr else 0)))
    ) * (coding_rate + 4)
    n_payload = 8 + max(symbols, 0)
    return t_preamble + n_payload * ts


def time_on_air_ms(
    payload_len: int, sf: int, bandwidth: int, coding_rate: int, preamble: int
) -> int:
    """What the firmware reports (`stats().tx_time_on_air`, `airtime()`): whole ms, rounded up
    the firmware's way, ``floor(t * 1000 + 0.999)``."""
    t = time_on_air_s(payload_len, sf, bandwidth, coding_rate, preamble)
    return math.floor(t * 1000 + 0.999)


def time_on_air_ns(
    payload_len: int, sf: int, bandwidth: int, coding_rate: int, preamble: int
) -> int:
    return round(time_on_air_s(payload_len, sf, bandwidth, coding_rate, preamble) * 1e9)


@dataclass(frozen=True)
class RadioSettings:
    """What a transceiver is tuned to (the modem registers that matter for who hears whom)."""

    frequency: int  # Hz
    sf: int
    bandwidth: int  # firmware code 0..2
    coding_rate: int  # 1..4
    preamble: int
    tx_power: int  # dBm
    tx_iq: bool = False
    rx_iq: bool = False
    public: bool = True  # sync word 0x34 (public) or 0x12 (private)

    @property
    def bandwidth_hz(self) -> int:
        return BANDWIDTH_HZ[self.bandwidth]


@dataclass
class Reception:
    board: str
    ok: bool
    reason: str  # '' when ok, else 'not listening', 'other channel', 'too weak', 'collision'
    rssi: float  # dBm at this receiver
    snr: float  # dB


@dataclass
class Packet:
    """One transmission as the air saw it; `world.radio.packets` lists them in start order."""

    sender: str
    start: int  # ns
    end: int  # ns
    payload: bytes
    settings: RadioSettings
    kind: str = "lora"  # 'lora' (raw) or 'lorawan'
    receptions: list[Reception] = field(default_factory=list)
    done: bool = False  # its end was processed (receptions decided)

    @property
    def time_on_air(self) -> int:
        return self.end - self.start

    def received_by(self) -> list[str]:
        return [r.board for r in self.receptions if r.ok]

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"Packet({self.sender} t={self.start}..{self.end} {s.frequency / 1e6:g}MHz SF{s.sf} "
            f"BW{s.bandwidth_hz // 1000} {len(self.payload)}B {self.payload!r})"
        )


class Transceiver:
    """One board's radio front end as the channel sees it. The board's modem code sets `settings`
    and `listening`, and receives through `on_receive(packet, rssi, snr)` (called in the kernel loop,
    at the packet's end time) and `on_tx_done(packet)`."""

    def __init__(
        self,
        radio: Radio,
        name: str,
        on_receive: Callable[[Packet, float, float], None],
        on_tx_done: Callable[[Packet], None],
    ) -> None:
        self.radio = radio
        self.name = name
        self.settings: RadioSettings | None = None
        self.on_receive = on_receive
        self.on_tx_done = on_tx_done
        self.listening = False
        self.listen_since = 0  # ns: in receive mode without a break since then
        self.transmitting: Packet | None = None
        self.has_work: Callable[[], bool] = lambda: False  # the board's radio task has work queued
        self.receiver = True  # False: transmit only (a gateway's downlink side)
        self.off_until: dict[int, int] = {}  # duty-cycle sub-band -> end of its off time (ns)
        self.duty_warned = False
        self.region: str | None = None  # the board's LoRa region (a network server reads it)

    def listen(self, on: bool, t: int) -> None:
        if on and not self.listening:
            self.listen_since = t
        self.listening = on

    def channel_rssi(self, t: int) -> float:
        """What the modem's RSSI register reads now: the strongest transmission on air on an
        overlapping channel (any SF), or the noise floor."""
        s = self.settings
        if s is None:
            return -200.0
        floor = noise_floor_dbm(s.bandwidth_hz)
        best = floor
        for packet in self.radio.on_air:
            if packet.sender == self.name or not (packet.start <= t < packet.end):
                continue
            if _overlap(packet.settings, s):
                best = max(best, self.radio.mean_rx_power(packet, self.name))
        return best


def noise_floor_dbm(bandwidth_hz: int) -> float:
    return -174.0 + 10 * math.log10(bandwidth_hz) + NOISE_FIGURE_DB


def _overlap(a: RadioSettings, b: RadioSettings) -> bool:
    """Do the two channels overlap in frequency?"""
    return abs(a.frequency - b.frequency) < (a.bandwidth_hz + b.bandwidth_hz) / 2


def _tuned(tx: RadioSettings, rx: RadioSettings) -> bool:
    """Would a receiver set to `rx` lock onto a packet sent with `tx`?"""
    return (
        abs(tx.frequency - rx.frequency) <= rx.bandwidth_hz / 4
        and tx.sf == rx.sf
        and tx.bandwidth == rx.bandwidth
        and tx.tx_iq == rx.rx_iq
        and tx.public == rx.public
    )


# Duty-cycle sub-bands: (low Hz, high Hz, duty cycle divisor), RegionEU868.c channel-to-band rules
# and the BAND definitions of RegionEU868.h / RegionEU433.h / RegionAS923.h.
DUTY_BANDS: dict[str, list[tuple[int, int, int]]] = {
    "EU868": [
        (863_000_000, 865_000_000, 1000),
        (865_000_000, 868_000_000, 100),
        (868_000_000, 868_600_000, 100),
        (868_700_000, 869_200_000, 1000),
        (869_400_000, 869_650_000, 10),
        (869_700_000, 870_000_000, 100),
    ],
    "EU433": [(433_000_000, 435_000_000, 100)],
    "AS923": [(915_000_000, 928_000_000, 100)],
}


class Radio:
    """The shared LoRa channel of a World (`world.radio`)."""

    def __init__(self, world: World, seed: int = 0) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.packets: list[Packet] = []  # every transmission, in start order
        self.on_air: list[Packet] = []  # transmissions not yet ended (and recent ones, for overlap)
        self.transceivers: dict[str, Transceiver] = {}
        self.positions: dict[str, tuple[float, float, float]] = {}
        self.path_loss_exponent = 2.7
        self.fading_sigma_db = 3.0
        self.capture_db = 6.0
        self.region: str | None = None  # set by the first LoRa init; duty-cycle bands
        self.gateways: list[Any] = []  # LoRaWAN gateways (sim/lorawan.py Gateway)

    # ---- building ----
    def transceiver(
        self,
        name: str,
        on_receive: Callable[[Packet, float, float], None],
        on_tx_done: Callable[[Packet], None],
    ) -> Transceiver:
        """The transceiver of board `name` (a new one replaces the old: a reboot re-inits the radio)."""
        old = self.transceivers.get(name)
        trx = Transceiver(self, name, on_receive, on_tx_done)
        if old is not None:
            trx.off_until = old.off_until
            trx.duty_warned = old.duty_warned
        self.transceivers[name] = trx
        return trx

    def place(self, board: str, x: float, y: float = 0.0, z: float = 0.0) -> None:
        """Put `board` at (x, y, z) metres."""
        self.positions[board] = (float(x), float(y), float(z))

    def distance(self, a: str, b: str) -> float:
        pa = self.positions.get(a, (0.0, 0.0, 0.0))
        pb = self.positions.get(b, (0.0, 0.0, 0.0))
        return max(1.0, math.dist(pa, pb))  # the model holds from 1 m (its reference distance)

    def path_loss_db(self, a: str, b: str, frequency: int) -> float:
        fspl_1m = 20 * math.log10(4 * math.pi * frequency / SPEED_OF_LIGHT)
        return fspl_1m + 10 * self.path_loss_exponent * math.log10(self.distance(a, b))

    def mean_rx_power(self, packet: Packet, receiver: str) -> float:
        s = packet.settings
        return s.tx_power - self.path_loss_db(packet.sender, receiver, s.frequency)

    def busy(self) -> bool:
        """A packet is in the air or a radio task has work: someone may still receive something
        (a run without `until` goes on)."""
        return any(not p.done for p in self.on_air) or any(
            trx.has_work() for trx in self.transceivers.values()
        )

    # ---- transmitting ----
    def transmit(self, trx: Transceiver, payload: bytes, t: int, kind: str = "lora") -> Packet:
        """Start sending `payload` at `t` with `trx.settings`; ends with on_tx_done at start + ToA."""
        s = trx.settings
        assert s is not None
        toa = time_on_air_ns(len(payload), s.sf, s.bandwidth, s.coding_rate, s.preamble)
        packet = Packet(trx.name, t, t + toa, bytes(payload), s, kind)
        self.packets.append(packet)
        self._prune(t)
        self.on_air.append(packet)
        trx.listen(False, t)
        trx.transmitting = packet
        self._duty_cycle(trx, packet)
        world = self.world
        world.recorder.event(
            t, trx.name, "radio-tx", f"{s.frequency / 1e6:g}MHz SF{s.sf} {len(payload)}B"
        )
        world.kernel.schedule(packet.end, self._end, packet)
        return packet

    def _prune(self, t: int) -> None:
        """Forget ended packets that no packet still in the air (or starting at `t`) overlaps."""
        first = min((p.start for p in self.on_air if p.end > t), default=t)
        self.on_air = [p for p in self.on_air if p.end > min(first, t)]

    def _duty_cycle(self, trx: Transceiver, packet: Packet) -> None:
        bands = DUTY_BANDS.get(self.region or "", [])
        f = packet.settings.frequency
        for i, (lo, hi, divisor) in enumerate(bands):
            if lo <= f < hi:
                if packet.start < trx.off_until.get(i, 0) and not trx.duty_warned:
                    trx.duty_warned = True
                    board = self.world.boards.get(trx.name)
                    if board is not None:
                        self.world.warn(
                            board,
                            "duty cycle",
                            f"{trx.name} transmits at {f / 1e6:g} MHz before the {100 / divisor:g} % "
                            f"duty-cycle off time of the {self.region} sub-band is over "
                            "(the board does not enforce it)",
                        )
                trx.off_until[i] = packet.end + packet.time_on_air * (divisor - 1)
                return

    def _end(self, packet: Packet) -> None:
        world = self.world
        packet.done = True
        sender = self.transceivers.get(packet.sender)
        for name, trx in list(self.transceivers.items()):
            if name == packet.sender or trx.settings is None or not trx.receiver:
                continue
            reception = self._receive(packet, trx)
            if reception is None:
                continue
            packet.receptions.append(reception)
            if reception.ok:
                world.recorder.event(
                    packet.end,
                    name,
                    "radio-rx",
                    f"from {packet.sender} {len(packet.payload)}B rssi {round(reception.rssi)}",
                )
                trx.on_receive(packet, reception.rssi, reception.snr)
            elif reception.reason == "collision":
                world.recorder.event(packet.end, name, "radio-collision", f"from {packet.sender}")
        if self.gateways:
            self._gateways_receive(packet)
        if sender is not None and sender.transmitting is packet:
            sender.transmitting = None
            sender.on_tx_done(packet)
        world.board_idle(None)  # type: ignore[arg-type]  # nobody woke: a run without `until` may end

    def _receive(self, packet: Packet, trx: Transceiver) -> Reception | None:
        rx = trx.settings
        assert rx is not None
        if not _overlap(packet.settings, rx):
            return None  # nowhere near: not worth a line in the trace
        listening = trx.listening and trx.listen_since <= packet.start
        return self._decide(packet, trx.name, listening, _tuned(packet.settings, rx))

    def _decide(self, packet: Packet, name: str, listening: bool, tuned: bool) -> Reception:
        """Whether receiver `name` got `packet`: listening, tuned, strong enough, no collision."""
        tx = packet.settings
        power = self.mean_rx_power(packet, name) + self.rng.gauss(0.0, self.fading_sigma_db)
        snr = power - noise_floor_dbm(tx.bandwidth_hz)

        def result(ok: bool, reason: str = "") -> Reception:
            return Reception(name, ok, reason, power, snr)

        if not listening:
            return result(False, "not listening")
        if not tuned:
            return result(False, "other channel")
        if snr < SNR_LIMIT_DB[tx.sf]:
            return result(False, "too weak")
        for other in self.on_air:
            if other is packet or other.sender == name:
                continue
            if other.start < packet.end and packet.start < other.end:
                if other.settings.sf == tx.sf and _overlap(other.settings, tx):
                    if power - self.mean_rx_power(other, name) < self.capture_db:
                        return result(False, "collision")
        return result(True)

    def _gateways_receive(self, packet: Packet) -> None:
        """LoRaWAN gateways hear every uplink (normal IQ, public sync word) on their channels, at
        every data rate at once, as an SX1301 concentrator does."""
        for gw in self.gateways:
            s = packet.settings
            if packet.sender == gw.name or s.tx_iq or not s.public:
                continue
            heard = gw.frequencies
            if heard is not None and not any(
                abs(s.frequency - f) <= s.bandwidth_hz / 4 for f in heard
            ):
                continue
            listening = gw.trx.transmitting is None
            reception = self._decide(packet, gw.name, listening, True)
            packet.receptions.append(reception)
            if reception.ok:
                gw.on_uplink(packet, reception.rssi, reception.snr)

    def summary(self) -> dict[str, Any]:
        """Counts for the run summary."""
        received = sum(1 for p in self.packets for r in p.receptions if r.ok)
        collided = sum(1 for p in self.packets for r in p.receptions if r.reason == "collision")
        return {"packets": len(self.packets), "received": received, "collisions": collided}
