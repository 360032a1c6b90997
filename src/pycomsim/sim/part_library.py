"""Every part module that registers a kind in the part catalogue (sim/part_catalogue.py).

board.py imports this module, so a board knows every kind; a new part module adds its import here.
"""

from __future__ import annotations

from . import (
    dht,  # noqa: F401 - dht11, dht22
    ds18b20,  # noqa: F401
    hcsr04,  # noqa: F401 - hcsr04
)
from .shields import kinds  # noqa: F401 - pysense, pysense2, pytrack, pytrack2
