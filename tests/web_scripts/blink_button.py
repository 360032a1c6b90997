# The live-page test script: the user LED (P9, lit when low) follows the button, which counts presses.
import time
from machine import Pin

led = Pin("P9", Pin.OUT, value=1)
button = Pin("P10", Pin.IN)
presses = 0


def on_press(pin):
    global presses
    presses += 1
    print("pressed", presses)


button.callback(Pin.IRQ_FALLING, on_press)
print("ready")
time.sleep_ms(300)
led(0)
print("led on")
while True:
    time.sleep_ms(100)
