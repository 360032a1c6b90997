"""LoRaWAN 1.0.2 MAC commands (specification section 5; LoRaMac-node LoRaMac.h ``SRV_MAC_*`` and
``MOTE_MAC_*``): their sizes, builders for the ones a network server sends, and a decoder for the
answers a device sends. Both ends use it: the board's MAC and the World's network server.

A test queues requests with ``world.lorawan.send_mac_command(dev_eui, link_adr_req(dr=3))``; they go
out in the FOpts of the device's next class A downlink, and the answers show up in
``world.lorawan.mac_answers``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LINK_CHECK, LINK_ADR, DUTY_CYCLE, RX_PARAM_SETUP, DEV_STATUS, NEW_CHANNEL, RX_TIMING_SETUP = range(
    2, 9
)
TX_PARAM_SETUP, DL_CHANNEL = 0x09, 0x0A
NAMES = {
    LINK_CHECK: "LinkCheck",
    LINK_ADR: "LinkADR",
    DUTY_CYCLE: "DutyCycle",
    RX_PARAM_SETUP: "RXParamSetup",
    DEV_STATUS: "DevStatus",
    NEW_CHANNEL: "NewChannel",
    RX_TIMING_SETUP: "RXTimingSetup",
    TX_PARAM_SETUP: "TxParamSetup",
    DL_CHANNEL: "DlChannel",
}
# payload bytes after the CID: what the server sends (requests, and LinkCheckAns) ...
DOWN_SIZES = {2: 2, 3: 4, 4: 1, 5: 4, 6: 0, 7: 5, 8: 1, 9: 1, 10: 4}
# ... and what the device sends (answers, and LinkCheckReq)
UP_SIZES = {2: 0, 3: 1, 4: 0, 5: 1, 6: 2, 7: 1, 8: 0, 9: 0, 10: 1}
FOPTS_MAX = 15  # LORA_MAC_COMMAND_MAX_FOPTS_LENGTH: more goes in a port 0 payload


def split(data: bytes, sizes: dict[int, int]) -> list[tuple[int, bytes]]:
    """The commands in `data` (CID, payload), up to the first unknown or truncated one."""
    out: list[tuple[int, bytes]] = []
    i = 0
    while i < len(data):
        cid = data[i]
        size = sizes.get(cid)
        if size is None or i + 1 + size > len(data):
            break
        out.append((cid, bytes(data[i + 1 : i + 1 + size])))
        i += 1 + size
    return out


def _freq(hz: int) -> bytes:
    if hz % 100 or not 0 <= hz // 100 < 1 << 24:
        raise ValueError(f"frequency {hz} Hz is not a multiple of 100 Hz in 24 bits")
    return (hz // 100).to_bytes(3, "little")


def _field(value: int, bits: int, what: str) -> int:
    if not isinstance(value, int) or not 0 <= value < 1 << bits:
        raise ValueError(f"{what} {value!r} out of range 0..{(1 << bits) - 1}")
    return value


# ---- what the network server sends ----
def link_adr_req(
    dr: int, tx_power: int = 0, ch_mask: int = 0xFFFF, ch_mask_cntl: int = 6, nb_rep: int = 0
) -> bytes:
    """LinkADRReq: data rate, TX power index, channel mask (ChMaskCntl selects its block: 0 for
    channels 0..15, 6 "all defined channels on" in EU868; 0..4 blocks of 16 and 6/7 in US915),
    NbTrans (0 keeps the current one). Several in a row form one block."""
    return bytes(
        [
            LINK_ADR,
            _field(dr, 4, "dr") << 4 | _field(tx_power, 4, "tx_power"),
            *_field(ch_mask, 16, "ch_mask").to_bytes(2, "little"),
            _field(ch_mask_cntl, 3, "ch_mask_cntl") << 4 | _field(nb_rep, 4, "nb_rep"),
        ]
    )


def duty_cycle_req(max_dcycle: int) -> bytes:
    """DutyCycleReq: aggregated duty cycle 1 / 2**max_dcycle (255: stop transmitting)."""
    return bytes([DUTY_CYCLE, _field(max_dcycle, 8, "max_dcycle")])


def rx_param_setup_req(rx1_dr_offset: int, rx2_dr: int, frequency: int) -> bytes:
    """RXParamSetupReq: RX1 data-rate offset, RX2 data rate and frequency (Hz)."""
    settings = _field(rx1_dr_offset, 3, "rx1_dr_offset") << 4 | _field(rx2_dr, 4, "rx2_dr")
    return bytes([RX_PARAM_SETUP, settings]) + _freq(frequency)


def dev_status_req() -> bytes:
    return bytes([DEV_STATUS])


def new_channel_req(index: int, frequency: int, dr_min: int, dr_max: int) -> bytes:
    """NewChannelReq: create or change channel `index` (frequency 0 removes it)."""
    dr_range = _field(dr_max, 4, "dr_max") << 4 | _field(dr_min, 4, "dr_min")
    return bytes([NEW_CHANNEL, _field(index, 8, "index")]) + _freq(frequency) + bytes([dr_range])


def rx_timing_setup_req(delay_s: int) -> bytes:
    """RXTimingSetupReq: RX1 opens `delay_s` seconds after an uplink (0 means 1)."""
    return bytes([RX_TIMING_SETUP, _field(delay_s, 4, "delay_s")])


def link_check_ans(margin: int, gateways: int) -> bytes:
    return bytes([LINK_CHECK, _field(margin, 8, "margin"), _field(gateways, 8, "gateways")])


def check_downlink_commands(data: bytes) -> bytes:
    """`data` as one or more whole MAC commands a server may send, or ValueError naming the bad byte."""
    data = bytes(data)
    i = 0
    while i < len(data):
        size = DOWN_SIZES.get(data[i])
        if size is None:
            raise ValueError(f"byte {i} (0x{data[i]:02x}) is not a MAC command CID a server sends")
        if i + 1 + size > len(data):
            raise ValueError(f"MAC command 0x{data[i]:02x} at byte {i} needs {size} payload bytes")
        i += 1 + size
    if not data:
        raise ValueError("no MAC command given")
    return data


# ---- what the device sends ----
@dataclass
class MacAnswer:
    """One MAC command a device sent (an answer, or a LinkCheckReq), decoded."""

    t: int  # ns, end of the uplink that carried it
    dev_eui: str
    cid: int
    payload: bytes
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return NAMES.get(self.cid, f"0x{self.cid:02x}") + (
            "Req" if self.cid == LINK_CHECK else "Ans"
        )


def decode_answer(t: int, dev_eui: str, cid: int, payload: bytes) -> MacAnswer:
    fields: dict[str, Any] = {}
    status = payload[0] if payload else 0
    if cid == LINK_ADR:
        fields = {
            "power_ack": bool(status & 4),
            "dr_ack": bool(status & 2),
            "mask_ack": bool(status & 1),
        }
    elif cid == RX_PARAM_SETUP:
        fields = {
            "offset_ack": bool(status & 4),
            "dr_ack": bool(status & 2),
            "freq_ack": bool(status & 1),
        }
    elif cid in (NEW_CHANNEL, DL_CHANNEL):
        fields = {"dr_ack": bool(status & 2), "freq_ack": bool(status & 1)}
    elif cid == DEV_STATUS:
        fields = {"battery": payload[0], "margin": payload[1]}
    return MacAnswer(t, dev_eui, cid, payload, fields)
