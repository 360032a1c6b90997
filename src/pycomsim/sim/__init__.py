"""The simulation engine: kernel (clock, events, tasks), nets, recorder, worlds of boards."""
