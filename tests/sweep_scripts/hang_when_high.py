# Hangs for the seeds where the floating input P11 reads 1: the loop never ends in wall time (with
# or without statement timing: there is no --until, so virtual time has no end either).
from machine import Pin

if Pin("P11", mode=Pin.IN)() == 1:
    while True:
        pass
print("done")
