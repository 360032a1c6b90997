# The Pycom docs' quick example, extended: blink the expansion-board LED (P9, lit when low) and count
# presses of the expansion-board button (P10, reads 0 while pressed) with a debounced callback.
from machine import Pin
import time

led = Pin('P9', mode=Pin.OUT, value=1)  # start dark: the LED lights when P9 is low
button = Pin('P10', mode=Pin.IN, pull=Pin.PULL_UP)

presses = 0
last_press_ms = -1000


def on_press(pin):
    global presses, last_press_ms
    now = time.ticks_ms()
    if time.ticks_diff(now, last_press_ms) > 50:  # ignore contact bounce
        presses += 1
        print("button pressed at %d ms (press %d)" % (now, presses))
    last_press_ms = now


button.callback(Pin.IRQ_FALLING, on_press)

for i in range(10):
    led.toggle()
    print("LED", "on" if led() == 0 else "off", "at", time.ticks_ms(), "ms")
    time.sleep_ms(250)

print("done: %d press(es), button reads %d" % (presses, button()))
