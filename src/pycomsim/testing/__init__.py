"""Testing Pycom scripts with pycomsim: waveform assertions, running until a condition, the pytest plugin."""

from ..sim.run_until import run_until
from .waveform import assert_waveform, parse_waveform

__all__ = ["assert_waveform", "parse_waveform", "run_until"]
