"""The board's firmware modules: what a script imports (machine, time, pycom, the MicroPython language).

They own no electrical state: they reach the outside only through the chip (pads, GPIO matrix) and the
scheduler.
"""
