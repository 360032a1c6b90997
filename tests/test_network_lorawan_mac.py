"""MAC commands between the World's network server and a class A LoPy (lib/lora/mac/LoRaMac.c
ProcessMacCommands, RegionEU868LinkAdrReq/RxParamSetupReq/NewChannelReq, RegionCommon
LinkAdrReqVerifyParams, RegionEU868AdrNext; modlora.c MlmeIndication, BoardGetBatteryLevel), ADR on
both ends, and the compliance test's LinkCheckReq."""

import textwrap

import pytest

from pycomsim import Board
from pycomsim.firmware.network.lora import lpwan_mac
from pycomsim.sim import lorawan_frames as lw
from pycomsim.sim import lorawan_mac_commands as mac
from pycomsim.sim.world import World

APP_EUI = "70B3D57ED0000001"
APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C"
MS = 1_000_000

HEAD = f"""
from network import LoRa
import socket, time, ubinascii
lora = LoRa(mode=LoRa.LORAWAN, region=LoRa.EU868{{options}})
lora.join(activation=LoRa.OTAA, auth=(ubinascii.unhexlify('{APP_EUI}'),
          ubinascii.unhexlify('{APP_KEY}')), timeout=20000)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.setblocking(True)
"""


def node(tmp_path, body: str, options: str = ""):
    world = World()
    world.radio.fading_sigma_db = 0.0
    path = tmp_path / "main.py"
    path.write_text(HEAD.format(options=options) + textwrap.dedent(body))
    board = Board("lopy4", name="node", world=world, stdout=open("/dev/null", "w"))
    world.lorawan.add_otaa(lpwan_mac(board), APP_EUI, APP_KEY)
    world.radio.place("node", 200, 0)
    board.load(path)
    return world, board, lpwan_mac(board)


def out(board: Board) -> list[str]:
    if board.error is not None:
        raise board.error
    return "".join(board.output).splitlines()


def uplinks(world):
    return [p for p in world.radio.packets if p.sender == "node"][1:]  # after the join request


def test_link_adr_req_sets_the_data_rate_and_power_with_adr_on(tmp_path):
    body = """
    s.send(b'a')
    s.send(b'b')
    st = lora.stats()
    print(st.sftx, st.tx_power)
    """
    world, b, eui = node(tmp_path, body, ", adr=True")
    world.lorawan.adr = False  # only the test's command
    world.lorawan.send_mac_command(
        eui, mac.link_adr_req(dr=3, tx_power=2, ch_mask=0x0007, ch_mask_cntl=0)
    )
    world.run(until="40s")
    assert out(b)[-1] == "3 2"
    first, second = uplinks(world)
    assert (first.settings.sf, first.settings.tx_power) == (7, 13)  # join DR5, index 0: 16-2.15 dBm
    assert (second.settings.sf, second.settings.tx_power) == (9, 9)  # DR3, index 2: 4 dB less
    (ans,) = world.lorawan.answers(eui, "LinkADRAns")
    assert ans.fields == {"power_ack": True, "dr_ack": True, "mask_ack": True}
    assert lw.parse_data(second.payload).fctrl & lw.FCTRL_ADR  # ADR bit in every uplink


def test_link_adr_req_is_refused_with_adr_off_and_for_a_data_rate_no_channel_has(tmp_path):
    body = "s.send(b'a')\ns.send(b'b')\ns.send(b'c')\nprint(lora.stats().sftx)\n"
    world, b, eui = node(tmp_path, body)
    world.lorawan.send_mac_command(
        eui, mac.link_adr_req(dr=2, tx_power=1, ch_mask=7, ch_mask_cntl=0)
    )
    world.run(until="60s")
    assert out(b)[-1] == "5"  # the socket's DR: ADR is off
    (ans,) = world.lorawan.answers(eui, "LinkADRAns")
    assert ans.payload == b"\x00"  # RegionCommonLinkAdrReqVerifyParams: status 0 with ADR off

    world, b, eui = node(tmp_path, body, ", adr=True")
    world.lorawan.adr = False
    world.lorawan.send_mac_command(
        eui, mac.link_adr_req(dr=6, tx_power=1, ch_mask=7, ch_mask_cntl=0)
    )
    world.run(until="60s")
    (ans,) = world.lorawan.answers(eui, "LinkADRAns")
    assert ans.fields == {"power_ack": True, "dr_ack": False, "mask_ack": True}  # 868.x: DR0-5
    assert out(b)[-1] == "5"


def test_new_channel_req_then_a_mask_for_it_alone(tmp_path):
    body = "for i in range(4):\n    s.send(b'x')\n"
    world, b, eui = node(tmp_path, body, ", adr=True")
    world.lorawan.adr = False
    world.lorawan.send_mac_command(eui, mac.new_channel_req(3, 867_100_000, 0, 5))
    world.lorawan.send_mac_command(eui, mac.link_adr_req(dr=5, ch_mask=0x0008, ch_mask_cntl=0))
    world.run(until="60s")
    out(b)
    (new,) = world.lorawan.answers(eui, "NewChannelAns")
    assert new.fields == {"dr_ack": True, "freq_ack": True}
    assert world.lorawan.answers(eui, "LinkADRAns")[0].payload == b"\x07"
    assert [p.settings.frequency for p in uplinks(world)[1:]] == [867_100_000] * 3


def test_new_channel_req_cannot_move_a_default_channel(tmp_path):
    world, b, eui = node(tmp_path, "s.send(b'x')\ns.send(b'y')\n")
    world.lorawan.send_mac_command(eui, mac.new_channel_req(0, 867_100_000, 0, 5))
    world.run(until="40s")
    out(b)
    (new,) = world.lorawan.answers(eui, "NewChannelAns")
    assert new.fields == {"dr_ack": True, "freq_ack": False}


def test_rx_param_setup_moves_rx2_and_the_rx1_offset_and_is_repeated_until_a_downlink(tmp_path):
    body = """
    s.send(b'a')
    time.sleep(10)
    s.send(b'b')
    s.send(b'c')
    s.setblocking(False)
    print(s.recvfrom(8), s.recvfrom(8))
    """
    world, b, eui = node(tmp_path, body)
    world.lorawan.send_mac_command(eui, mac.rx_param_setup_req(1, 3, 869_525_000))
    world.run(until="12s")
    world.lorawan.send_downlink(eui, 4, b"late", window=2)
    world.lorawan.send_downlink(eui, 5, b"rx1")
    world.run(until="60s")
    lines = out(b)
    # MLME_SCHEDULE_UPLINK: the sticky answer is pending after the first exchange only
    assert lines.count("Trying to send uplink") == 1
    assert lines[-1] == "(b'late', 4) (b'rx1', 5)"
    answers = world.lorawan.answers(eui, "RXParamSetupAns")
    assert answers[0].fields == {"offset_ack": True, "dr_ack": True, "freq_ack": True}
    accept, with_request, late, rx1 = [p for p in world.radio.packets if p.sender == "gateway"]
    up_a, up_b, up_c = uplinks(world)
    assert with_request.settings.sf == 7  # RX1 at DR5 with offset 0
    assert (late.settings.frequency, late.settings.sf) == (869_525_000, 9)  # RX2 at DR3
    assert late.start - up_b.end == 2000 * MS
    assert rx1.settings.sf == 8 and rx1.start - up_c.end == 1000 * MS  # RX1 at DR5 - offset 1
    assert lw.parse_data(up_b.payload).fopts == b"\x05\x07"  # the answer rode on b


def test_rx_timing_setup_moves_the_receive_windows(tmp_path):
    body = "s.send(b'a')\ntime.sleep(10)\ns.send(b'b')\ntime.sleep(10)\ns.send(b'c')\n"
    world, b, eui = node(tmp_path, body)
    world.lorawan.send_mac_command(eui, mac.rx_timing_setup_req(3))
    world.run(until="25s")
    world.lorawan.send_downlink(eui, 1, b"x")
    world.run(until="60s")
    out(b)
    ups = uplinks(world)
    downs = [p for p in world.radio.packets if p.sender == "gateway"][1:]
    assert downs[0].start - ups[0].end == 1000 * MS  # the request, in the old RX1
    assert downs[1].start - ups[1].end == 3000 * MS  # the server answers the (sticky) answer
    assert downs[2].start - ups[2].end == 3000 * MS
    assert len(world.lorawan.answers(eui, "RXTimingSetupAns")) == 1


def test_dev_status_req_reports_the_battery_level_the_script_set(tmp_path):
    body = "lora.set_battery_level(200)\ns.send(b'a')\ns.send(b'b')\n"
    world, b, eui = node(tmp_path, body)
    world.lorawan.send_mac_command(eui, mac.dev_status_req())
    world.run(until="40s")
    out(b)
    (ans,) = world.lorawan.answers(eui, "DevStatusAns")
    assert ans.fields["battery"] == 200
    assert ans.fields["margin"] == 40  # the SNR register (quarter dB) of a strong downlink: +10 dB
    assert world.lorawan.devices[eui.hex()].dev_status == (200, 40)


def test_duty_cycle_req_delays_uplinks_and_255_stops_them(tmp_path):
    body = """
    s.send(b'a')
    time.sleep(20)
    s.send(b'b')
    print('b sent')
    s.send(b'c')
    print('c sent')
    """
    world, b, eui = node(tmp_path, body)
    world.lorawan.send_mac_command(eui, mac.duty_cycle_req(8))  # 1/256 of the time on air
    world.run(until="90s")
    up_a, up_b = uplinks(world)
    assert up_b.start - up_a.end > (up_a.end - up_a.start) * 255  # b came after a's off time
    # c, asked for within b's off time, is put off again at every try: LoRaMac-node's ScheduleTx
    # adds the off time again each time its delay timer fires (CalculateBackOff), so it never goes
    assert out(b)[-1] == "b sent"
    assert len(world.lorawan.answers(eui, "DutyCycleAns")) == 1

    body = "s.send(b'a')\ntry:\n    s.send(b'b')\nexcept OSError as e:\n    print(e)\n"
    world, b, eui = node(tmp_path, body)
    world.lorawan.send_mac_command(eui, mac.duty_cycle_req(255))
    world.run(until="40s")
    assert out(b)[-1] == "timed out" or "EAGAIN" in out(b)[-1]
    assert len(uplinks(world)) == 1  # LORAMAC_STATUS_DEVICE_OFF


def test_server_adr_raises_the_data_rate_of_a_close_device(tmp_path):
    body = """
    s.setsockopt(socket.SOL_LORA, socket.SO_DR, 0)
    for i in range(5):
        s.send(b'x')
    print(lora.stats().sftx)
    """
    world, b, eui = node(tmp_path, body, ", adr=True")
    world.lorawan.adr_uplinks = 3
    world.run(until="80s")
    assert out(b)[-1] == "5"
    sfs = [p.settings.sf for p in uplinks(world)]
    assert sfs[:3] == [7, 7, 7]  # with ADR on the MAC uses its own DR (the join's), not SO_DR
    (req_ans,) = world.lorawan.answers(eui, "LinkADRAns")
    assert req_ans.payload == b"\x07"
    assert all(p.settings.tx_power < 13 for p in uplinks(world)[4:])  # spare SNR: less power


def test_adr_off_uses_the_socket_data_rate(tmp_path):
    body = "s.setsockopt(socket.SOL_LORA, socket.SO_DR, 0)\ns.send(b'x')\n"
    world, b, eui = node(tmp_path, body)
    world.run(until="30s")
    out(b)
    (up,) = uplinks(world)
    assert up.settings.sf == 12 and not lw.parse_data(up.payload).fctrl & lw.FCTRL_ADR


def test_compliance_test_link_check(tmp_path):
    body = """
    lora.compliance_test(True)
    for i in range(4):
        s.send(b'x')
    c = lora.compliance_test()
    print(c.running, c.link_check, c.nbr_gateways, c.demod_margin > 0)
    """
    world, b, eui = node(tmp_path, body)
    world.lorawan.send_downlink(eui, 224, b"\x01\x01\x01\x01")  # the test's activation
    world.lorawan.send_downlink(eui, 224, b"\x05")  # (viii): request a link check
    world.run(until="60s")
    assert out(b)[-1] == "True True 1 True"
    assert len(world.lorawan.answers(eui, "LinkCheckReq")) == 1
    ports = [u.port for u in world.lorawan.uplinks]
    assert ports[0] == 2 and set(ports[1:]) == {224}  # a running test sends on port 224


def test_send_mac_command_refuses_what_is_not_a_command():
    world = World()
    world.lorawan.add_otaa("0011223344556677", APP_EUI, APP_KEY)
    with pytest.raises(ValueError, match=r"byte 0 \(0x42\) is not a MAC command CID"):
        world.lorawan.send_mac_command("0011223344556677", b"\x42")
    with pytest.raises(ValueError, match="needs 4 payload bytes"):
        world.lorawan.send_mac_command("0011223344556677", b"\x03\x00")
    with pytest.raises(ValueError, match="dr 16 out of range"):
        mac.link_adr_req(dr=16)


def test_adr_ack_req_after_64_uplinks_without_a_downlink_then_a_lower_dr(tmp_path):
    # RegionEU868AdrNext: ADR_ACK_LIMIT 64 sets ADRACKReq; from ADR_ACK_LIMIT + ADR_ACK_DELAY on,
    # the DR steps down once every 32 uplinks (counter % 32 == 1)
    body = "for i in range(98):\n    s.send(b'x')\nprint(lora.stats().sftx)\n"
    world, b, eui = node(tmp_path, body, ", adr=True")
    world.run(until="5.12s")  # joined (the accept ends at 5.119 s)
    world.lorawan.gateway.frequencies = []  # then nobody hears: no downlink resets the counter
    world.run(until="300s")
    assert out(b)[-1] == "4"
    frames = [lw.parse_data(p.payload) for p in uplinks(world)]
    assert len(frames) == 98
    asks = [bool(f.fctrl & lw.FCTRL_ADR_ACK_REQ) for f in frames]
    assert asks == [False] * 64 + [True] * 34
    sfs = [p.settings.sf for p in uplinks(world)]
    assert sfs == [7] * 97 + [8]  # uplink 97 (counter 97): DR5 -> DR4
