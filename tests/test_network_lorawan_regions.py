"""LoRaWAN in every region Pycom 1.20.2's LoRa(region=...) offers with the LoRaWAN stack: the join on
the region's default channels and join data rate (modlora.c lora_join, RegionXXAlternateDr), RX1 on
the region's channel and data-rate offset table, RX2 at the region's frequency and DR
(lib/lora/mac/region/RegionXX.h), the socket's default DR (lora_socket_socket) and payload limits."""

import textwrap

import pytest

from pycomsim import Board
from pycomsim.core.lorawan_regions import AS923, AU915, BY_NAME, EU868, IN865, US915
from pycomsim.firmware.network.lora import lpwan_mac
from pycomsim.sim.world import World

APP_EUI = "70B3D57ED0000001"
APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C"
MS = 1_000_000

SCRIPT = """
from network import LoRa
import socket, ubinascii
lora = LoRa(mode=LoRa.LORAWAN, region=LoRa.{region})
{setup}
lora.join(activation=LoRa.OTAA, auth=(ubinascii.unhexlify('{eui}'),
          ubinascii.unhexlify('{key}')), timeout=30000)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.setblocking(True)
{send}
s.setblocking(False)
print(s.recvfrom(16), lora.stats().sftx, lora.stats().sfrx)
"""


def run(tmp_path, region: str, *, setup: str = "", send: str = "s.send(b'hi')", window: int = 1):
    world = World()
    world.radio.fading_sigma_db = 0.0
    path = tmp_path / "main.py"
    path.write_text(
        textwrap.dedent(SCRIPT).format(
            region=region, setup=setup, send=send, eui=APP_EUI, key=APP_KEY
        )
    )
    board = Board("lopy4", name="node", world=world, stdout=open("/dev/null", "w"))
    world.lorawan.add_otaa(lpwan_mac(board), APP_EUI, APP_KEY)
    world.lorawan.send_downlink(lpwan_mac(board), 5, b"down", window=window)
    world.radio.place("node", 300, 0)
    board.load(path)
    world.run(until="60s")
    if board.error is not None:
        raise board.error
    return world, board


def sf_bw(packet):
    return packet.settings.frequency, packet.settings.sf, packet.settings.bandwidth


# region -> (join (Hz choices, SF, BW), accept (Hz rule, SF, BW), uplink SF/BW, RX1 SF/BW, RX2)
EXPECTED = {
    "EU868": ({868_100_000, 868_300_000, 868_500_000}, (7, 0), (7, 0), (7, 0), (869_525_000, 12, 0)),
    "AS923": ({923_200_000, 923_400_000}, (10, 0), (7, 0), (7, 0), (923_200_000, 10, 0)),
    "IN865": ({865_062_500, 865_402_500, 865_985_000}, (7, 0), (12, 0), (12, 0), (866_550_000, 10, 0)),
    "US915": ({903_000_000 + i * 1_600_000 for i in range(8)}, (7, 2), (8, 2), (7, 2), (923_300_000, 12, 2)),
    "AU915": ({915_900_000 + i * 1_600_000 for i in range(8)}, (7, 2), (8, 0), (8, 2), (923_300_000, 12, 2)),
}  # fmt: skip


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_join_uplink_and_rx1_downlink_follow_the_region(tmp_path, region):
    join_freqs, accept_sfbw, up_sfbw, rx1_sfbw, _ = EXPECTED[region]
    world, b = run(tmp_path, region)
    request, accept, uplink, downlink = world.radio.packets
    assert request.settings.frequency in join_freqs
    assert accept.start - request.end == 5000 * MS and accept.settings.tx_iq
    assert (accept.settings.sf, accept.settings.bandwidth) == accept_sfbw
    assert (uplink.settings.sf, uplink.settings.bandwidth) == up_sfbw
    assert downlink.start - uplink.end == 1000 * MS
    assert (downlink.settings.sf, downlink.settings.bandwidth) == rx1_sfbw
    table = BY_NAME[region]
    if table.fixed_plan:  # RX1 on the 500 kHz downlink channel of the uplink channel (mod 8)
        index = [c[0] for c in table.channels].index(uplink.settings.frequency)
        assert downlink.settings.frequency == 923_300_000 + index % 8 * 600_000
        index = [c[0] for c in table.channels].index(request.settings.frequency)
        assert accept.settings.frequency == 923_300_000 + index % 8 * 600_000
    else:
        assert downlink.settings.frequency == uplink.settings.frequency
        assert accept.settings.frequency == request.settings.frequency
    out = "".join(b.output).splitlines()
    assert out[-1].startswith("(b'down', 5) ")
    (up,) = world.lorawan.uplinks
    assert up.payload == b"hi" and up.port == 2


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_rx2_downlink_uses_the_regions_rx2_frequency_and_dr(tmp_path, region):
    *_, rx2 = EXPECTED[region]
    world, _ = run(tmp_path, region, window=2)
    uplink, downlink = world.radio.packets[2:]
    assert downlink.start - uplink.end == 2000 * MS
    assert sf_bw(downlink) == rx2


def test_us915_sub_band_two_as_pycom_scripts_set_it(tmp_path):
    # the usual US915 set-up: keep channels 8..15 (903.9-905.3 MHz) and join at DR0 on them
    setup = "for i in range(72):\n    if not 8 <= i <= 15:\n        lora.remove_channel(i)"
    script_send = "s.setsockopt(socket.SOL_LORA, socket.SO_DR, 3)\ns.send(b'hi')"
    world = World()
    world.radio.fading_sigma_db = 0.0
    path = tmp_path / "main.py"
    text = textwrap.dedent(SCRIPT).format(region="US915", setup=setup, send=script_send,
                                          eui=APP_EUI, key=APP_KEY)  # fmt: skip
    path.write_text(text.replace("timeout=30000", "dr=0, timeout=30000"))
    b = Board("lopy4", name="node", world=world, stdout=open("/dev/null", "w"))
    world.lorawan.add_otaa(lpwan_mac(b), APP_EUI, APP_KEY)
    world.lorawan.gateway.frequencies = [903_900_000 + i * 200_000 for i in range(8)]
    b.load(path)
    world.run(until="60s")
    assert b.error is None, b.error
    request, accept, uplink = world.radio.packets[:3]
    sub_band = {903_900_000 + i * 200_000 for i in range(8)}
    assert request.settings.frequency in sub_band and request.settings.sf == 10  # DR0
    assert uplink.settings.frequency in sub_band and uplink.settings.sf == 7  # DR3
    assert accept.settings.sf == 10 and accept.settings.bandwidth == 2  # RX1: DR10
    assert len(world.lorawan.uplinks) == 1


@pytest.mark.parametrize(
    "region, dr, message",
    [
        ("AS923", 5, "invalid join data rate 5"),
        ("US915", 3, "invalid join data rate 3"),
        ("AU915", 5, "invalid join data rate 5"),
        ("EU868", 6, "invalid join data rate 6"),
    ],
)
def test_join_data_rates_the_region_refuses(tmp_path, region, dr, message):
    path = tmp_path / "main.py"
    path.write_text(
        f"from network import LoRa\nl = LoRa(mode=LoRa.LORAWAN, region=LoRa.{region})\n"
        f"l.join(activation=LoRa.OTAA, auth=(bytes(8), bytes(16)), dr={dr}, timeout=0)\n"
    )
    b = Board("lopy4", name="node", stdout=open("/dev/null", "w"))
    b.load(path)
    b.world.run(until="1s")
    assert str(b.error) == message


def test_us915_dr0_carries_eleven_bytes(tmp_path):
    send = (
        "s.setsockopt(socket.SOL_LORA, socket.SO_DR, 0)\n"
        "try:\n    s.send(bytes(12))\nexcept OSError as e:\n    print(e)\n"
        "import time\ntime.sleep(4)\n"  # the MAC still sends the empty frame meanwhile
        "s.send(bytes(11))"
    )
    world, b = run(tmp_path, "US915", send=send)
    assert "[Errno 122] EMSGSIZE" in "".join(b.output)
    assert [len(u.payload) for u in world.lorawan.uplinks if u.port] == [11]


def test_region_tables_match_the_firmware_headers():
    # RegionXX.h: RX_WND_2_FREQ / RX_WND_2_DR, DataratesXX, MaxPayloadOfDatarateXX
    assert (EU868.rx2_frequency, EU868.rx2_dr) == (869_525_000, 0)
    assert (AS923.rx2_frequency, AS923.rx2_dr) == (923_200_000, 2)
    assert (IN865.rx2_frequency, IN865.rx2_dr) == (866_550_000, 2)
    assert (US915.rx2_frequency, US915.rx2_dr, AU915.rx2_dr) == (923_300_000, 8, 8)
    assert US915.datarates[4] == (8, 2) and AU915.datarates[6] == (8, 2)
    assert US915.max_payload[:5] == (11, 53, 125, 242, 242)
    assert len(US915.channels) == len(AU915.channels) == 72
    assert AS923.payload_limit(2) == 11 and AS923.payload_limit(2, dwell=0) == 51
    assert US915.rx1_dr[0] == (10, 9, 8, 8) and AU915.rx1_dr[6][0] == 13
    assert EU868.tx_power_dbm(0) == 13 and US915.tx_power_dbm(0) == 20
