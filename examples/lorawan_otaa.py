# LoRaWAN OTAA (EU868): join, send a reading every 30 s on port 2, print what the network sends back.
from network import LoRa
import socket
import time
import ubinascii

lora = LoRa(mode=LoRa.LORAWAN, region=LoRa.EU868)
app_eui = ubinascii.unhexlify('70B3D57ED0000001')
app_key = ubinascii.unhexlify('2B7E151628AED2A6ABF7158809CF4F3C')
print('DevEUI', ubinascii.hexlify(lora.mac()).decode())

lora.join(activation=LoRa.OTAA, auth=(app_eui, app_key), timeout=0)
while not lora.has_joined():
    time.sleep(2.5)
    print('Not yet joined...')
print('Joined')

s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
s.setsockopt(socket.SOL_LORA, socket.SO_DR, 5)
for reading in range(3):
    s.setblocking(True)
    s.send(bytes([reading, 21 + reading]))
    s.setblocking(False)
    data, port = s.recvfrom(64)
    if data:
        print('downlink on port', port, data)
    print('uplink', reading, 'counter', lora.stats().tx_counter)
    time.sleep(30)
