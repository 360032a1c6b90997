# WLAN: scan, join "homenet", then an HTTP GET to api.example.com (mapped to a local server).
from network import WLAN
import socket
import time

wlan = WLAN(mode=WLAN.STA)
for net in wlan.scan():
    print('found', net.ssid, 'rssi', net.rssi)
wlan.connect('homenet', auth=(WLAN.WPA2, 'secret123'), timeout=10000)
while not wlan.isconnected():
    time.sleep_ms(100)
print('connected', wlan.ifconfig()[0])

addr = socket.getaddrinfo('api.example.com', 80)[0][-1]
s = socket.socket()
s.settimeout(5)
s.connect(addr)
s.send(b'GET / HTTP/1.0\r\nHost: api.example.com\r\n\r\n')
reply = b''
while True:
    chunk = s.recv(512)
    if not chunk:
        break
    reply += chunk
s.close()
print(reply.split(b'\r\n')[0])
