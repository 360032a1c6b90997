# Count presses of the expansion-board button (P10) with a software debounce: edges closer than
# DEBOUNCE_US to the previous one are contact bounce. The lockout is shorter than a long bounce, so
# for some contact-bounce seeds one press counts twice; `pycomsim sweep` finds those seeds.
from machine import Pin
import time

DEBOUNCE_US = 1500

presses = 0
last = None


def pressed(pin):
    global presses, last
    now = time.ticks_us()
    if last is None or time.ticks_diff(now, last) > DEBOUNCE_US:
        presses += 1
    last = now


button = Pin('P10', mode=Pin.IN, pull=Pin.PULL_UP)
button.callback(Pin.IRQ_FALLING, pressed)
time.sleep_ms(20)
print('presses:', presses)
if presses != 1:
    raise AssertionError('one press counted %d times' % presses)
