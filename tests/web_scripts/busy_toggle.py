# A loop that never sleeps: the page must still see it in paced slices.
from machine import Pin

p = Pin("P11", Pin.OUT)
while True:
    p.toggle()
