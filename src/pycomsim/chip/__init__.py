"""The ESP32 chip: pads (the only code that touches nets), the GPIO matrix, the boot and sleep state of the
pads."""
