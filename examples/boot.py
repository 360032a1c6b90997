# boot.py -- the boot.py Pycom shipped on every board: UART0 at 115200 baud is the REPL console
from machine import UART
import os
uart = UART(0, 115200)
os.dupterm(uart)
