# Raw LoRa pong: answer every PING with a PONG carrying the same number.
from network import LoRa
import socket

lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868, sf=7)
s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
while True:
    msg = s.recv(64)
    if msg.startswith(b'PING'):
        s.send(b'PONG' + msg[4:])
