"""LoRaWAN against the World's network server (sim/lorawan.py): OTAA and ABP, MIC and keys
(LoRaWAN 1.0.2 with AES-CMAC), confirmed uplinks and ACKs, RX1/RX2 downlinks, frame counters, ports,
the board's NVRAM; and the frame codec against a published vector."""

import textwrap

import pytest

from pycomsim import Board
from pycomsim.firmware.network.lora import lpwan_mac
from pycomsim.sim import lorawan_frames as lw
from pycomsim.sim.world import World

APP_EUI = "70B3D57ED0000001"
APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C"
MS = 1_000_000

JOIN = f"""
from network import LoRa
import socket, time, ubinascii
lora = LoRa(mode=LoRa.LORAWAN, region=LoRa.EU868)
lora.join(activation=LoRa.OTAA, auth=(ubinascii.unhexlify('{APP_EUI}'),
          ubinascii.unhexlify('{{key}}')), timeout={{timeout}})
print('joined', lora.has_joined())
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
"""


def node(tmp_path, text: str, *, otaa_key: str | None = APP_KEY, distance: float = 500):
    world = World()
    world.radio.fading_sigma_db = 0.0
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(text))
    board = Board("lopy4", name="node", world=world, stdout=open("/dev/null", "w"))
    if otaa_key is not None:
        world.lorawan.add_otaa(lpwan_mac(board), APP_EUI, otaa_key)
    world.radio.place("node", distance, 0)
    board.load(path)
    return world, board


def out(board: Board) -> list[str]:
    if board.error is not None:
        raise board.error
    return "".join(board.output).splitlines()


def test_frame_codec_matches_a_published_vector():
    # lora-packet's README vector: DevAddr 49be7df1, FCnt 2, port 1, payload 'test'
    nwk = bytes.fromhex("44024241ed4ce9a68c6a8bc055233fd3")
    app = bytes.fromhex("ec925802ae430ca77fd3dd73cb2cc588")
    frame = lw.data_frame(lw.UNCONFIRMED_UP, 0x49BE7DF1, 2, 1, b"test", nwk, app)
    assert frame.hex().upper() == "40F17DBE4900020001954378762B11FF0D"
    parsed = lw.parse_data(frame)
    assert lw.check_and_open(parsed, 2, nwk, app, lw.UP) == b"test"
    assert lw.check_and_open(parsed, 3, nwk, app, lw.UP) is None  # the MIC covers the counter


def test_join_accept_and_keys_round_trip():
    key = bytes.fromhex(APP_KEY)
    accept = lw.join_accept(key, 7, 0x13, 0x26011234, 0, 1)
    opened = lw.open_join_accept(accept, key)
    assert (opened.app_nonce, opened.net_id, opened.dev_addr) == (7, 0x13, 0x26011234)
    assert lw.open_join_accept(accept, bytes(16)) is None
    nwk, app = lw.session_keys(key, 7, 0x13, 0xBEEF)
    assert nwk != app and len(nwk) == len(app) == 16


def test_otaa_join_then_uplink_and_downlink(tmp_path):
    script = JOIN.format(key=APP_KEY, timeout=20000) + textwrap.dedent(
        """
        lora.callback(LoRa.RX_PACKET_EVENT, lambda l: print('rx event', l.events()))
        s.setblocking(True)
        s.bind(7)
        t0 = time.ticks_ms()
        s.send(b'\\x01\\x02')
        print('send took', time.ticks_diff(time.ticks_ms(), t0) // 100 * 100)
        s.setblocking(False)
        print(s.recvfrom(32))
        print(lora.stats().sftx, lora.stats().tx_counter)
        """
    )
    world, b = node(tmp_path, script)
    world.lorawan.send_downlink(lpwan_mac(b), 3, b"LED on")
    world.run(until="30s")
    # the handler (interrupt task) runs before the main task gets the completed send back; by then
    # the downlink (RX) and the completion (TX) are both in events()
    assert out(b) == [
        "joined True",
        "rx event 3",
        "send took 1000",  # a downlink in RX1 (1 s after the uplink) completes the send
        "(b'LED on', 3)",
        "5 0",
    ]
    (join,) = world.lorawan.joins
    (up,) = world.lorawan.uplinks
    assert (up.port, up.payload, up.fcnt, up.confirmed, up.sf) == (7, b"\x01\x02", 0, False, 7)
    assert up.dev_eui == lpwan_mac(b).hex() and up.dev_addr == join[2]
    # the join accept came 5 s after the request, the downlink 1 s after the uplink (RX1)
    request, accept, uplink, downlink = world.radio.packets
    assert accept.start - request.end == 5000 * MS and downlink.start - uplink.end == 1000 * MS
    assert accept.settings.tx_iq and downlink.settings.frequency == uplink.settings.frequency


def test_a_wrong_app_key_never_joins(tmp_path):
    script = JOIN.format(key="00" * 16, timeout=15000)
    world, b = node(tmp_path, script)
    world.run(until="20s")
    assert isinstance(b.error, TimeoutError) and str(b.error) == "timed out"
    assert world.lorawan.joins == []
    assert len(world.lorawan.rejected) == 2  # the first request and the retry 10 s later
    assert "bad MIC" in world.lorawan.rejected[0][1]


def test_confirmed_uplink_is_acked(tmp_path):
    script = JOIN.format(key=APP_KEY, timeout=20000) + textwrap.dedent(
        """
        s.setsockopt(socket.SOL_LORA, socket.SO_CONFIRMED, True)
        s.send(b'c1')
        print('acked', lora.stats().tx_trials, lora.events() & LoRa.TX_PACKET_EVENT)
        s.send(b'c2')
        print('acked', lora.stats().tx_counter)
        """
    )
    world, b = node(tmp_path, script)
    world.run(until="40s")
    assert out(b) == ["joined True", "acked 1 2", "acked 1"]
    assert [(u.fcnt, u.confirmed) for u in world.lorawan.uplinks] == [(0, True), (1, True)]
    acks = [p for p in world.radio.packets if p.sender == "gateway"][1:]
    assert all(lw.parse_data(p.payload).ack for p in acks) and len(acks) == 2


def test_an_unanswered_confirmed_uplink_is_retried_with_the_firmwares_counts(tmp_path):
    script = """
    from network import LoRa
    import socket, ubinascii
    lora = LoRa(mode=LoRa.LORAWAN, region=LoRa.EU868, tx_retries=3)
    lora.join(activation=LoRa.ABP, auth=(0x26012222, bytes(16), bytes(16)))
    s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
    s.setsockopt(socket.SOL_LORA, socket.SO_CONFIRMED, True)
    s.setsockopt(socket.SOL_LORA, socket.SO_DR, 5)
    s.setblocking(False)
    s.send(b'anyone?')
    """
    world, b = node(tmp_path, script, otaa_key=None)  # the server does not know this device
    assert world.lorawan.devices == {}
    world.run(until="60s")
    sent = [p for p in world.radio.packets if p.sender == "node"]
    assert len(sent) == 4  # tx_retries + 1 trials, same frame counter every time
    assert len({lw.parse_data(p.payload).fcnt16 for p in sent}) == 1
    # one DR lower at every second retry (trials 3, 5, ...): SF7, SF7, SF8, SF8
    assert [p.settings.sf for p in sent] == [7, 7, 8, 8]
    assert world.lorawan.rejected[0][1].startswith("unknown DevAddr")


def test_abp_frame_counters_and_replay(tmp_path):
    nwk, app = "11" * 16, "22" * 16
    script = f"""
    import machine
    from network import LoRa
    import socket, ubinascii
    lora = LoRa(mode=LoRa.LORAWAN, region=LoRa.EU868)
    lora.join(activation=LoRa.ABP, auth=(0x26013333, ubinascii.unhexlify('{nwk}'),
              ubinascii.unhexlify('{app}')))
    s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
    s.send(b'a')
    s.send(b'b')
    if machine.reset_cause() == machine.PWRON_RESET:
        machine.reset()   # without nvram_save the counter starts at 0 again
    """
    world = World()
    world.radio.fading_sigma_db = 0.0
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(script))
    b = Board("lopy4", name="node", world=world, stdout=open("/dev/null", "w"))
    world.lorawan.add_abp(0x26013333, nwk, app)
    b.load(path)
    world.run(until="30s")
    assert [u.payload for u in world.lorawan.uplinks] == [b"a", b"b"]
    assert [u.fcnt for u in world.lorawan.uplinks] == [0, 1]
    assert [r for _, r in world.lorawan.rejected] == [
        "replayed frame counter 0 from 26013333",
        "replayed frame counter 1 from 26013333",
    ]


def test_nvram_keeps_the_session_across_deep_sleep(tmp_path):
    script = JOIN.format(key=APP_KEY, timeout=20000).replace(
        "lora.join(", "lora.nvram_restore()\nif not lora.has_joined():\n  lora.join("
    ).replace("timeout=20000)", "timeout=20000)\n") + textwrap.dedent(
        """
        import machine
        s.send(b'x')
        lora.nvram_save()
        print('counter', lora.stats().tx_counter)
        if lora.stats().tx_counter < 2:
            machine.deepsleep(1000)
        """
    )
    world, b = node(tmp_path, script)
    world.run(until="60s")
    assert out(b)[-1] == "counter 2"
    assert len(world.lorawan.joins) == 1  # one join, three uplinks over three boots
    assert [u.fcnt for u in world.lorawan.uplinks] == [0, 1, 2]


def test_rx2_downlink(tmp_path):
    script = JOIN.format(key=APP_KEY, timeout=20000) + textwrap.dedent(
        """
        s.send(b'up')
        s.setblocking(False)
        print(s.recvfrom(16))
        """
    )
    world, b = node(tmp_path, script)
    world.lorawan.send_downlink(lpwan_mac(b), 9, b"late", window=2)
    world.run(until="30s")
    assert out(b)[-1] == "(b'late', 9)"
    uplink, downlink = world.radio.packets[2:]
    assert downlink.start - uplink.end == 2000 * MS
    assert (downlink.settings.frequency, downlink.settings.sf) == (869_525_000, 12)


def test_payload_over_the_data_rate_limit_is_emsgsize(tmp_path):
    script = JOIN.format(key=APP_KEY, timeout=20000) + textwrap.dedent(
        """
        s.setsockopt(socket.SOL_LORA, socket.SO_DR, 0)
        try:
            s.send(bytes(52))   # DR0 carries 51 bytes
        except OSError as e:
            print(e)
        """
    )
    world, b = node(tmp_path, script)
    world.run(until="30s")
    assert out(b)[-1] == "[Errno 122] EMSGSIZE"


def test_lorawan_mode_needs_a_join_before_sending(tmp_path):
    script = """
    from network import LoRa
    import socket
    lora = LoRa(mode=LoRa.LORAWAN, region=LoRa.EU868)
    s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
    s.send(b'x')
    """
    _, b = node(tmp_path, script)
    b.world.run(until="1s")
    assert str(b.error) == "[Errno 115] ENETDOWN"


@pytest.mark.parametrize(
    "call, message",
    [
        (
            "LoRa(mode=LoRa.LORA).join(activation=LoRa.OTAA, auth=(b'', b''))",
            "the requested operation is not possible",
        ),
        ("LoRa(mode=LoRa.LORAWAN).join(activation=2, auth=())", "invalid activation type 2"),
        (
            "LoRa(mode=LoRa.LORAWAN).join(activation=0, auth=(b'', b''), dr=6)",
            "invalid join data rate 6",
        ),
        ("LoRa(mode=LoRa.LORAWAN).join(activation=0)", "'auth' argument required"),
        (
            "LoRa(mode=LoRa.LORAWAN, region=LoRa.EU433)",
            "network.LoRa LORAWAN mode in region 4 (AS923, AU915, EU868, IN865, US915 only)"
            " is not simulated by pycomsim",
        ),
    ],
)
def test_join_argument_errors(tmp_path, call, message):
    _, b = node(tmp_path, f"from network import LoRa\n{call}\n")
    b.world.run(until="1s")
    assert str(b.error) == message
