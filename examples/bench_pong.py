# Board "pong" of examples/bench.toml: waits for pulses from "ping" on P11, lights its LED while the
# pulse lasts and answers each one with a 5 ms pulse on P19 (wired to ping.P19).
import time

from machine import Pin

led = Pin('P9', mode=Pin.OUT, value=1)  # expansion LED, lit when low
line = Pin('P11', mode=Pin.IN, pull=Pin.PULL_DOWN)
reply = Pin('P19', mode=Pin.OUT, value=0)

seen = 0
while True:
    while not line():
        time.sleep_ms(1)
    seen += 1
    led(0)
    print("pong: pulse", seen, "at", time.ticks_ms(), "ms")
    reply(1)
    time.sleep_ms(5)
    reply(0)
    while line():
        time.sleep_ms(1)
    led(1)
