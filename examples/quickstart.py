# The Pycom docs' quick example, extended: blink the expansion-board LED (P9, lit when low) and count
# presses of the expansion-board button (P10, reads 0 while pressed). A real button bounces, so the
# handler counts the first falling edge and then ignores the button until the main loop sees it released.
from machine import Pin
import time

led = Pin('P9', mode=Pin.OUT, value=1)  # start dark: the LED lights when P9 is low
button = Pin('P10', mode=Pin.IN, pull=Pin.PULL_UP)

presses = 0
armed = True


def on_press(pin):
    global presses, armed
    if armed:
        armed = False
        presses += 1
        print("button pressed at %d ms (press %d)" % (time.ticks_ms(), presses))


button.callback(Pin.IRQ_FALLING, on_press)

for i in range(10):
    led.toggle()
    print("LED", "on" if led() == 0 else "off", "at", time.ticks_ms(), "ms")
    time.sleep_ms(250)
    if not armed and button() == 1:
        armed = True  # released (and the bounce is long over): count the next press

print("done: %d press(es), button reads %d" % (presses, button()))
