"""Raw LoRa between boards of one World: network.LoRa (esp32/mods/modlora.c), AF_LORA sockets
(modlora.c lora_socket_*), and the shared channel (sim/radio.py: time on air, tuning, range,
collisions, listen-before-talk)."""

import textwrap

import pytest

from pycomsim import Board
from pycomsim.sim.radio import time_on_air_ms, time_on_air_s
from pycomsim.sim.world import World

MS = 1_000_000


def boards(tmp_path, scripts: dict[str, str], *, positions=None, kind="lopy4", fading=0.0):
    world = World()
    world.radio.fading_sigma_db = fading
    made = {}
    for name, text in scripts.items():
        folder = tmp_path / name
        folder.mkdir()
        path = folder / "main.py"
        path.write_text(textwrap.dedent(text))
        made[name] = Board(kind, name=name, world=world, stdout=open("/dev/null", "w"))
        made[name].load(path)
    for name, pos in (positions or {}).items():
        world.radio.place(name, *pos)
    return world, made


def out(board: Board) -> list[str]:
    if board.error is not None:
        raise board.error
    return "".join(board.output).splitlines()


# Semtech's LoRa calculator / SX1276 datasheet 4.1.1.7 (CRC on, explicit header, CR 4/5):
# SF7/125 kHz 10 bytes 41.216 ms; SF12/125 kHz (low data rate optimisation) 10 bytes 991.232 ms;
# SF9/250 kHz 20 bytes 92.672 ms
@pytest.mark.parametrize(
    "sf, bw, length, expected_s",
    [(7, 0, 10, 0.041216), (12, 0, 10, 0.991232), (9, 1, 20, 0.092672)],
)
def test_time_on_air_is_semtechs_formula(sf, bw, length, expected_s):
    assert time_on_air_s(length, sf, bw, 1, 8) == pytest.approx(expected_s, abs=1e-9)
    # SX1276GetTimeOnAir: whole ms, floor(t * 1000 + 0.999)
    assert time_on_air_ms(length, sf, bw, 1, 8) == int(expected_s * 1000 + 0.999)


PING = """
from network import LoRa
import socket, time
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868, sf={sf}, bandwidth={bw})
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
for i in range(2):
    s.setblocking(True)
    t0 = time.ticks_us()
    s.send(b'ping%d-67890' % i)
    print('sent', time.ticks_diff(time.ticks_us(), t0), lora.stats().tx_time_on_air)
    s.settimeout(5)
    print('got', s.recv(64))
"""
PONG = """
from network import LoRa
import socket
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868, sf={sf}, bandwidth={bw})
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
for i in range(2):
    d = s.recv(64)
    s.send(b'pong' + d[4:])
print('pong', lora.stats().rssi < 0, lora.stats().sfrx)
"""


@pytest.mark.parametrize("sf, bw", [(7, 0), (9, 1), (12, 0)])
def test_two_lopy4_ping_pong_with_time_on_air_from_the_formula(tmp_path, sf, bw):
    scripts = {"ping": PING.format(sf=sf, bw=bw), "pong": PONG.format(sf=sf, bw=bw)}
    world, b = boards(tmp_path, scripts, positions={"ping": (0, 0), "pong": (50, 0)})
    world.run(until="30s")
    ping = out(b["ping"])
    assert ping[1] == "got b'pong0-67890'" and ping[3] == "got b'pong1-67890'"
    assert out(b["pong"]) == [f"pong True {sf}"]
    packets = world.radio.packets
    assert [p.sender for p in packets] == ["ping", "pong", "ping", "pong"]
    toa = time_on_air_s(11, sf, bw, 1, 8)
    for p in packets:
        assert p.end - p.start == round(toa * 1e9)
        assert p.received_by() == ["pong" if p.sender == "ping" else "ping"]
    # a blocking send lasts the time on air plus the LoRa task's 2 ms ticks before and after
    sent_us = int(ping[0].split()[1])
    assert toa * 1e6 < sent_us <= toa * 1e6 + 4_100
    assert ping[0].split()[2] == str(time_on_air_ms(11, sf, bw, 1, 8))


def test_hidden_nodes_sending_together_collide_at_the_receiver(tmp_path):
    sender = """
from network import LoRa
import socket
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.send(b'from {name}')
"""
    receiver = """
from network import LoRa
import socket
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.settimeout(1)
try:
    print(s.recv(64))
except TimeoutError as e:
    print('timeout', e)
"""
    scripts = {"a": sender.format(name="a"), "b": sender.format(name="b"), "rx": receiver}
    # a and b are 20 km apart (they cannot hear each other: no listen-before-talk backoff),
    # rx is half way, 10 km from each
    world, b = boards(
        tmp_path, scripts, positions={"a": (0, 0), "b": (20_000, 0), "rx": (10_000, 0)}
    )
    world.radio.path_loss_exponent = 2.0
    world.run(until="2s")
    assert out(b["rx"]) == ["timeout timed out"]
    reasons = {
        p.sender: [r.reason for r in p.receptions if r.board == "rx"] for p in world.radio.packets
    }
    assert reasons == {"a": ["collision"], "b": ["collision"]}
    kinds = [e.kind for e in world.recorder.events if e.board == "rx"]
    assert kinds.count("radio-collision") == 2


def test_capture_a_much_stronger_packet_survives_the_overlap(tmp_path):
    sender = """
from network import LoRa
import socket
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.send(b'from {name}')
"""
    receiver = """
from network import LoRa
import socket
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
print(s.recv(64))
"""
    scripts = {"near": sender.format(name="near"), "far": sender.format(name="far"), "rx": receiver}
    world, b = boards(
        tmp_path, scripts, positions={"near": (-10, 0), "far": (20_000, 0), "rx": (0, 0)}
    )
    world.radio.path_loss_exponent = 2.0
    world.run()
    assert out(b["rx"]) == ["b'from near'"]


def test_a_receiver_hears_only_its_frequency_sf_and_bandwidth(tmp_path):
    sender = """
from network import LoRa
import socket
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868, sf=9)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.send(b'x')
"""
    listener = """
from network import LoRa
import socket
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868, {settings})
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.setblocking(False)
import time
time.sleep(1)
print(s.recv(8))
"""
    scripts = {
        "tx": sender,
        "same": listener.format(settings="sf=9"),
        "sf7": listener.format(settings="sf=7"),
        "bw250": listener.format(settings="sf=9, bandwidth=LoRa.BW_250KHZ"),
        "other_freq": listener.format(settings="sf=9, frequency=869500000"),
        "asleep": listener.format(settings="sf=9, power_mode=LoRa.SLEEP"),
    }
    world, b = boards(tmp_path, scripts)
    world.run(until="2s")
    assert out(b["same"]) == ["b'x'"]
    for name in ("sf7", "bw250", "other_freq", "asleep"):
        assert out(b[name]) == ["b''"], name
    (packet,) = world.radio.packets
    reasons = {r.board: r.reason for r in packet.receptions}
    assert reasons["sf7"] == reasons["bw250"] == "other channel"
    assert reasons["asleep"] == "not listening"
    assert "other_freq" not in reasons  # 1.5 MHz away: not even an overlapping channel


def test_out_of_range_is_too_weak(tmp_path):
    sender = """
from network import LoRa
import socket
LoRa(mode=LoRa.LORA, region=LoRa.EU868)
socket.socket(socket.AF_LORA, socket.SOCK_RAW).send(b'far away')
"""
    receiver = """
from network import LoRa
import socket
LoRa(mode=LoRa.LORA, region=LoRa.EU868)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.settimeout(0.5)
try:
    s.recv(8)
except TimeoutError:
    print('nothing')
"""
    world, b = boards(
        tmp_path, {"tx": sender, "rx": receiver}, positions={"tx": (0, 0), "rx": (50_000, 0)}
    )
    world.run(until="1s")
    assert out(b["rx"]) == ["nothing"]
    (reception,) = world.radio.packets[0].receptions
    assert reception.reason == "too weak" and reception.snr < -7.5


def test_rx_and_tx_callbacks_run_on_the_interrupt_task(tmp_path):
    rx = """
from network import LoRa
import socket, time
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.setblocking(False)
def handler(obj):
    ev = obj.events()
    print('event', ev, obj is lora, s.recv(16))
lora.callback(trigger=LoRa.RX_PACKET_EVENT | LoRa.TX_PACKET_EVENT, handler=handler)
time.sleep(1)
"""
    tx = """
from network import LoRa
import socket, time
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
lora.callback(LoRa.TX_PACKET_EVENT, lambda arg: print('tx done', arg))
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.setblocking(False)
print('sent', s.send(b'hello'))
time.sleep(1)
"""
    world, b = boards(tmp_path, {"rx": rx, "tx": tx})
    world.run(until="2s")
    assert out(b["tx"]) == ["sent 5", "tx done <LoRa>"]
    assert out(b["rx"]) == ["event 1 True b'hello'"]
    assert any(e.kind == "irq" and e.detail == "LoRa" for e in world.recorder.events)


def test_listen_before_talk_waits_for_a_busy_channel(tmp_path):
    first = """
from network import LoRa
import socket
LoRa(mode=LoRa.LORA, region=LoRa.EU868, sf=12)
socket.socket(socket.AF_LORA, socket.SOCK_RAW).send(b'long packet')
"""
    second = """
from network import LoRa
import socket, time
LoRa(mode=LoRa.LORA, region=LoRa.EU868, sf=7)
time.sleep_ms(100)
socket.socket(socket.AF_LORA, socket.SOCK_RAW).send(b'short')
"""
    world, _ = boards(tmp_path, {"first": first, "second": second})
    world.run()
    long, short = world.radio.packets
    assert short.start >= long.end  # sensed the SF12 packet (any SF) over -85 dBm and waited


def test_a_run_without_until_ends_when_the_listener_can_no_longer_be_woken(tmp_path):
    sender = """
from network import LoRa
import socket
LoRa(mode=LoRa.LORA, region=LoRa.EU868)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.setblocking(False)
s.send(b'one')
"""
    listener = """
from network import LoRa
import socket
LoRa(mode=LoRa.LORA, region=LoRa.EU868)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
while True:
    print(s.recv(8))
"""
    world, b = boards(tmp_path, {"tx": sender, "rx": listener})
    end = world.run()
    assert out(b["rx"]) == ["b'one'"]  # the packet in the air kept the run going
    assert end < 100 * MS


def test_stats_fields_and_mac(tmp_path):
    script = """
from network import LoRa
import socket, ubinascii
lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868, sf=8, tx_power=10)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.send(b'12345')
st = lora.stats()
print(st.sftx, st.tx_power, st.tx_time_on_air, st.tx_counter, st.tx_frequency)
print(len(lora.mac()), ubinascii.hexlify(lora.mac())[:8])
print(lora.sf(), lora.bandwidth(), lora.coding_rate(), lora.preamble(), lora.frequency())
print(LoRa() is lora, lora.airtime(5) == st.tx_time_on_air)
"""
    _, b = boards(tmp_path, {"a": script})
    b["a"].world.run()
    assert out(b["a"]) == [
        f"8 10 {time_on_air_ms(5, 8, 0, 1, 8)} 1 868000000",
        "8 b'70b3d549'",
        "8 0 1 8 868000000",
        "True True",
    ]
