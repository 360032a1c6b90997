"""Testing Pycom scripts with pycomsim: waveform assertions, running until a condition, the pytest plugin."""

from ..sim.run_until import run_until
from .buses import assert_i2c, assert_spi, i2c_log, spi_log
from .waveform import assert_waveform, parse_waveform

__all__ = [
    "assert_i2c",
    "assert_spi",
    "assert_waveform",
    "i2c_log",
    "parse_waveform",
    "run_until",
    "spi_log",
]
