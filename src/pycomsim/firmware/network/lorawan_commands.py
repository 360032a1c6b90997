"""The MAC commands a class A device obeys (lib/lora/mac/LoRaMac.c ``ProcessMacCommands``,
``AddMacCommand``, ``ParseMacCommandsToRepeat``, with the region's verdicts from
Region<NAME>LinkAdrReq/RxParamSetupReq/NewChannelReq and RegionCommonLinkAdrReqVerifyParams), and the
compliance-test downlinks of modlora.c ``McpsIndication`` (port 224) that make it send a LinkCheckReq.

Answers go into the MAC's command buffer and ride on the next uplink; RXParamSetupAns and
RXTimingSetupAns are "sticky": they are repeated in every uplink until a downlink comes, and while one
is pending the MAC's MLME_SCHEDULE_UPLINK indication makes the board print ``Trying to send uplink``
(modlora.c MlmeIndication) after each exchange, as a real LoPy does.

DlChannelReq is not handled: as for a command the MAC does not know, processing stops there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...sim import lorawan_mac_commands as mc
from .lorawan_channels import DATARATE_KO, LINK_ADR_OK, POWER_KO

if TYPE_CHECKING:
    from .lorawan_mac import MacLayer

COMMAND_BUFFER = 128  # LORA_MAC_COMMAND_MAX_LENGTH
SCHEDULE_UPLINK = "Trying to send uplink\n"  # modlora.c MlmeIndication, MLME_SCHEDULE_UPLINK
_STICKY = (mc.RX_PARAM_SETUP, mc.RX_TIMING_SETUP, mc.DL_CHANNEL)


def sticky(commands: bytes) -> bytes:
    """ParseMacCommandsToRepeat: the answers to repeat until a downlink comes."""
    out = bytearray()
    i = 0
    while i < len(commands):
        cid = commands[i]
        size = mc.UP_SIZES.get(cid, 0)
        if cid in _STICKY:
            out += commands[i : i + 1 + size]
        i += 1 + size
    return bytes(out)


def _add(mac: MacLayer, answer: bytes) -> None:
    """AddMacCommand: into the buffer if it has room (the repeats take their share)."""
    p = mac.params
    if len(p.commands) + len(answer) <= COMMAND_BUFFER - len(p.repeat):
        p.commands += answer
        p.in_next_tx = True
        if answer[0] in _STICKY:
            mac.schedule_uplink = True


def _link_adr(mac: MacLayer, data: bytes, start: int) -> int:
    """Region<NAME>LinkAdrReq over the LinkADRReq commands in a row from `start`; returns the index
    after them."""
    p = mac.params
    region = mac.region
    blocks: list[tuple[int, int]] = []
    i = start
    dr = power = nb_rep = 0
    while i + 5 <= len(data) and data[i] == mc.LINK_ADR:
        dr, power = data[i + 1] >> 4, data[i + 1] & 0x0F
        ch_mask = data[i + 2] | data[i + 3] << 8
        nb_rep, cntl = data[i + 4] & 0x0F, data[i + 4] >> 4 & 0x07
        blocks.append((ch_mask, cntl))
        i += 5
    status, mask = mac.plan.link_adr_mask(blocks, dr)
    if not mac.adr:  # ADR off: only the mask and NbRep may change, and only with DR/power 0xF
        if dr != 0x0F or power != 0x0F:
            status = 0
            nb_rep = p.nb_rep
        dr, power = p.dr, p.tx_power
    if status:
        if not mac.plan.verify_dr(mask, dr, region.min_tx_dr(p.uplink_dwell)):
            status &= DATARATE_KO
        if not 0 <= power <= region.min_tx_power:
            status &= POWER_KO
    if status == LINK_ADR_OK:
        if nb_rep == 0:
            nb_rep = p.nb_rep
        mac.plan.apply_mask(mask)
        p.dr, p.tx_power, p.nb_rep = dr, power, nb_rep
    for _ in blocks:
        _add(mac, bytes([mc.LINK_ADR, status]))
    return i


def _rx_param_setup(mac: MacLayer, settings: int, frequency: int) -> int:
    region = mac.region
    offset, dr = settings >> 4 & 0x07, settings & 0x0F
    status = 0x07
    if region.rx1_channels is not None:  # fixed plans: one of the eight RX1 channels
        first, step = region.rx1_channels
        if not first <= frequency <= first + 7 * step or (frequency - first) % step:
            status &= 0xFE
    lo, hi = region.rx_dr
    if not lo <= dr <= hi or region.datarates[dr] is None:
        status &= 0xFD
    if not 0 <= offset < len(region.rx1_dr[0]):
        status &= 0xFB
    if status == 0x07:
        p = mac.params
        p.rx2_dr, p.rx2_frequency, p.rx1_offset = dr, frequency, offset
    return status


def process(mac: MacLayer, data: bytes, margin: int) -> None:
    """ProcessMacCommands over FOpts or a port 0 payload; `margin` is what DevStatusAns reports
    (the downlink's SNR register value, as the firmware passes it)."""
    p = mac.params
    i = 0
    while i < len(data):
        cid = data[i]
        size = mc.DOWN_SIZES.get(cid)
        if size is None or i + 1 + size > len(data) or cid == mc.DL_CHANNEL:
            return  # unknown command: abort the processing
        body = data[i + 1 : i + 1 + size]
        if cid == mc.LINK_ADR:
            i = _link_adr(mac, data, i)
            continue
        i += 1 + size
        if cid == mc.LINK_CHECK:  # LinkCheckAns: MlmeConfirm(MLME_LINK_CHECK) if one was asked
            if p.link_check_pending:
                p.link_check_pending = False
                if mac.compliance.get("running"):
                    mac.compliance.update(link=True, margin=body[0], gateways=body[1])
        elif cid == mc.DUTY_CYCLE:
            p.max_dcycle = body[0]
            _add(mac, bytes([mc.DUTY_CYCLE]))
        elif cid == mc.RX_PARAM_SETUP:
            frequency = int.from_bytes(body[1:4], "little") * 100
            _add(mac, bytes([mc.RX_PARAM_SETUP, _rx_param_setup(mac, body[0], frequency)]))
        elif cid == mc.DEV_STATUS:
            battery = getattr(mac.modem, "battery", 255)  # BAT_LEVEL_NO_MEASURE
            _add(mac, bytes([mc.DEV_STATUS, battery & 0xFF, margin & 0xFF]))
        elif cid == mc.NEW_CHANNEL:
            frequency = int.from_bytes(body[1:4], "little") * 100
            status = mac.plan.new_channel(body[0], frequency, body[4] & 0x0F, body[4] >> 4)
            _add(mac, bytes([mc.NEW_CHANNEL, status]))
        elif cid == mc.RX_TIMING_SETUP:
            p.delay1 = max(1, body[0] & 0x0F) * 1000
            p.delay2 = p.delay1 + 1000
            _add(mac, bytes([mc.RX_TIMING_SETUP]))
        elif cid == mc.TX_PARAM_SETUP and mac.region.name == "AS923":  # -1 elsewhere: no answer
            p.uplink_dwell = body[0] >> 4 & 1
            p.downlink_dwell = body[0] >> 5 & 1
            _add(mac, bytes([mc.TX_PARAM_SETUP]))


def compliance_downlink(mac: MacLayer, payload: bytes) -> None:
    """modlora.c McpsIndication on port 224 with the compliance test enabled."""
    c = mac.compliance
    if not c.get("running"):
        if payload == b"\x01\x01\x01\x01":  # (i): start the test
            c.update(running=True, state=1, tx_confirmed=False, downlink_counter=0, link=False,
                     margin=0, gateways=0)  # fmt: skip
            mac.modem.rx_queue.clear()
        return
    c["downlink_counter"] = c.get("downlink_counter", 0) + 1
    state = payload[0]
    c["state"] = state
    if state == 0:  # (ii): stop
        c.update(running=False, tx_confirmed=False, downlink_counter=0)
    elif state == 2:  # (v) / (vi): confirmed uplinks on / off
        c.update(tx_confirmed=True, state=1)
    elif state == 3:
        c.update(tx_confirmed=False, state=1)
    elif state == 5:  # (viii): E_LORA_STATE_LINK_CHECK on the next task tick
        c["link_check_request"] = True
    elif state == 6:  # (ix): join again
        mac.modem.joined = False
