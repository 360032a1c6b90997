"""Pycom's shields as parts: Pysense 1/2 and Pytrack 1/2 on a board's I2C pins (P22 SDA, P21 SCL).

One module per chip (`pycoproc.py`, `si7006.py`, `ltr329.py`, `mpl3115a2.py`, `lis2hh12.py`,
`l76gnss.py` with `nmea.py`), one that assembles a shield from them (`shield.py`), and the catalogue
entries (`kinds.py`). docs/shields.md is the user's guide.
"""
