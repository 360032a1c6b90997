"""LTR-329ALS-01 ambient light sensor at I2C address 0x29 (Lite-On LTR-329ALS-01 datasheet, DS86-2014-0006:
register map in section 6, timing in section 5, the lux formula in Appendix A).

Two photodiode channels: CH0 sees visible and infrared light, CH1 infrared only. The scenario gives the
light in lux and the infrared share `ir_ratio` = CH1 / (CH0 + CH1); the counts are what Appendix A's
formula turns back into that lux at the gain (ALS_CONTR bits 4:2) and integration time (ALS_MEAS_RATE
bits 5:3) in use, saturating at 65535.

The sensor powers up in standby. Set active, it wakes in 10 ms, then measures for the integration time
and repeats at the measurement rate (never faster than the integration time); the data registers hold
the last finished measurement, 0 before the first. Reading CH1's low byte (0x88) locks the four data
registers until CH0's high byte (0x8B) is read, so a reading never mixes two measurements.
"""

from __future__ import annotations

from collections.abc import Callable

from ..i2c_bus import RegisterMap

ADDRESS = 0x29

ALS_CONTR, ALS_MEAS_RATE, PART_ID, MANUFAC_ID = 0x80, 0x85, 0x86, 0x87
DATA_CH1_0, DATA_CH1_1, DATA_CH0_0, DATA_CH0_1, ALS_STATUS = 0x88, 0x89, 0x8A, 0x8B, 0x8C
PART_ID_VALUE, MANUFAC_ID_VALUE = 0xA0, 0x05
MEAS_RATE_RESET = 0x03  # 100 ms integration, 500 ms rate

GAINS = {0: 1, 1: 2, 2: 4, 3: 8, 6: 48, 7: 96}
INTEGRATION_MS = {0: 100, 1: 50, 2: 200, 3: 400, 4: 150, 5: 250, 6: 300, 7: 350}
RATE_MS = {0: 50, 1: 100, 2: 200, 3: 500, 4: 1000, 5: 2000, 6: 2000, 7: 2000}
WAKEUP_NS = 10_000_000  # standby -> active (section 5, "Wakeup time from standby")
MS = 1_000_000


def counts(lux: float, ir_ratio: float, gain: int, integration_ms: int) -> tuple[int, int]:
    """(CH0, CH1) counts that Appendix A's formula reads as `lux`."""
    r = min(1.0, max(0.0, ir_ratio))
    if r < 0.45:
        per_count = 1.7743 * (1 - r) + 1.1059 * r
    elif r < 0.64:
        per_count = 4.2785 * (1 - r) - 1.9548 * r
    else:  # from 0.85 on the formula says 0 lux: the counts still follow the light
        per_count = 0.5926 * (1 - r) + 0.1185 * r
    total = max(0.0, lux) * gain * integration_ms / 100 / per_count
    ch0, ch1 = total * (1 - r), total * r
    return min(0xFFFF, round(ch0)), min(0xFFFF, round(ch1))


class Ltr329(RegisterMap):
    """`light(t)` in lux and `ir_ratio(t)` (0..1) are the light on the sensor."""

    address = ADDRESS

    def __init__(
        self,
        light: Callable[[int], float],
        ir_ratio: Callable[[int], float],
        *,
        name: str = "LTR-329ALS-01",
    ) -> None:
        super().__init__(name=name)
        self.light = light
        self.ir_ratio = ir_ratio
        self.powered = True
        self.power_on(0)

    def power_on(self, t: int) -> None:
        self.registers[:] = bytes(len(self.registers))
        self.registers[ALS_MEAS_RATE] = MEAS_RATE_RESET
        self.registers[PART_ID] = PART_ID_VALUE
        self.registers[MANUFAC_ID] = MANUFAC_ID_VALUE
        self.active_since: int | None = None
        self.data = (0, 0)  # (CH0, CH1) of the last finished measurement
        self.measured = -1  # its index since activation
        self.read_index = -1  # the index last read out (new-data flag)
        self.locked: tuple[int, int] | None = None

    def i2c_acks(self, read: bool, t: int) -> bool:
        return self.powered

    def _period_ns(self) -> tuple[int, int]:
        rate = self.registers[ALS_MEAS_RATE]
        integration = INTEGRATION_MS[rate >> 3 & 0x7]
        return integration * MS, max(RATE_MS[rate & 0x7], integration) * MS

    def _update(self, t: int) -> None:
        if self.active_since is None:
            return
        integration, period = self._period_ns()
        first = self.active_since + WAKEUP_NS + integration
        if t < first:
            return
        index = (t - first) // period
        if index != self.measured:
            done = first + index * period
            contr = self.registers[ALS_CONTR]
            gain = GAINS.get(contr >> 2 & 0x7, 1)
            self.data = counts(self.light(done), self.ir_ratio(done), gain, integration // MS)
            self.measured = index

    def write_register(self, reg: int, value: int, t: int) -> None:
        self._update(t)
        if reg == ALS_CONTR:
            if value & 0x02:  # SW reset
                self.power_on(t)
                return
            was_active = self.registers[ALS_CONTR] & 0x01
            self.registers[reg] = value & 0x1D
            if value & 0x01 and not was_active:
                self.active_since, self.measured, self.read_index = t, -1, -1
            elif not value & 0x01:
                self.active_since = None
        elif reg == ALS_MEAS_RATE:
            self.registers[reg] = value & 0x3F
        # the data, status and id registers are read-only

    def read_register(self, reg: int, t: int) -> int:
        self._update(t)
        if reg == DATA_CH1_0:
            self.locked = self.data
        ch0, ch1 = self.locked or self.data
        if reg in (DATA_CH1_0, DATA_CH1_1, DATA_CH0_0, DATA_CH0_1):
            value = {DATA_CH1_0: ch1 & 0xFF, DATA_CH1_1: ch1 >> 8, DATA_CH0_0: ch0 & 0xFF}.get(
                reg, ch0 >> 8
            )
            if reg == DATA_CH0_1:
                self.locked = None
                self.read_index = self.measured
            return value
        if reg == ALS_STATUS:
            gain_bits = self.registers[ALS_CONTR] & 0x1C
            invalid = 0x80 if self.measured < 0 else 0
            new = 0x04 if self.measured > self.read_index else 0
            return invalid | gain_bits << 2 | new
        return self.registers[reg]
