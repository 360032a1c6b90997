# A board on the shared "ready" line of examples/bus.toml. The line is open drain with one pull-up:
# a board holds it low while it is busy, so it reads high only when every board is ready (wired-AND).
# Each board works for a time that depends on its name, then waits for everyone.
import os
import time

from machine import Pin

ready = Pin('P22', mode=Pin.OPEN_DRAIN, value=0)  # busy: hold the line low
me = os.uname().sysname
work_ms = 30 if me == 'LoPy4' else 70

for n in range(3):
    ready(0)
    time.sleep_ms(work_ms)          # work
    ready(1)                        # done: let go of the line
    start = time.ticks_ms()
    while not ready():              # everyone else still busy?
        time.sleep_ms(1)
    print("round", n + 1, "all ready at", time.ticks_ms(), "ms, waited",
          time.ticks_diff(time.ticks_ms(), start), "ms")
    time.sleep_ms(5)
