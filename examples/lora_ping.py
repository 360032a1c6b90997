# Raw LoRa ping: send a numbered ping, wait up to 2 s for the pong, report round trip and signal.
from network import LoRa
import socket
import time

lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868, sf=7)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)

for i in range(5):
    s.setblocking(True)
    t0 = time.ticks_ms()
    s.send(b'PING %d' % i)
    s.settimeout(2)
    try:
        reply = s.recv(64)
        st = lora.stats()
        print('%s after %d ms, rssi %d dBm, snr %.0f dB' % (reply, time.ticks_diff(time.ticks_ms(), t0), st.rssi, st.snr))
    except TimeoutError:
        print('no pong for ping', i)
    time.sleep(4)  # 1 % duty cycle in the 868.0-868.6 MHz sub-band: 37 ms on air, 3.7 s off
print('done')
