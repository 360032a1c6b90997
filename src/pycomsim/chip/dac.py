"""The ESP32's two 8-bit DACs (GPIO25 = P22, GPIO26 = P21), hardware side: a DC level or the cosine
generator, as an analog source on the pad's net.

DC: `VDD * value / 255` (ESP-IDF's dac_output_voltage). Tone: the cosine generator runs at
`8 MHz * (step + 1) / 65536` (the firmware's comment in pybdac.c dac_tone); its output swings around VDD/2
with amplitude VDD/2 divided by 2**scale (SENS_DAC_SCALE: 1, 1/2, 1/4, 1/8).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..sim.analog import VDD, AnalogSource

if TYPE_CHECKING:
    from ..board import Board

TONE_CLOCK_HZ = 8_000_000


class DacOutput(AnalogSource):
    kind = "DAC"

    def __init__(self, board: Board, pin: str, **kw: Any) -> None:
        super().__init__(board, pin, **kw)
        self.dc = 0
        self.tone_step: int | None = None
        self.scale = 0
        self._t0 = 0
        self.trace.add(self._now(), 0.0)

    def write(self, value: int) -> None:
        self.active = True
        self.tone_step = None
        self.dc = value
        self.trace.flusher = None
        self.trace.add(self._now(), self.voltage(self._now()))

    def tone(self, step: int, scale: int) -> None:
        self.active = True
        self.tone_step, self.scale = step, scale
        self._t0 = self._now()
        self._done = self._t0
        self.trace.flusher = self._flush

    def frequency(self) -> float:
        return 0.0 if self.tone_step is None else TONE_CLOCK_HZ * (self.tone_step + 1) / 65536

    def voltage(self, t: int) -> float:
        if self.tone_step is None:
            return VDD * self.dc / 255
        phase = 2 * math.pi * self.frequency() * (t - self._t0) / 1e9
        return VDD / 2 + VDD / 2 / (1 << self.scale) * math.cos(phase)

    def _flush(self) -> None:
        if self.tone_step is None or not self.active:
            return
        step = max(1, round(1e9 / self.frequency() / 32))
        now = self.board.kernel.now
        t = self._done
        while t <= now:
            self.trace.add(t, self.voltage(t))
            t += step
        self._done = t
