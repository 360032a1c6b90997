"""Testing helpers: the pytest plugin and waveform assertions."""
