"""MPL3115A2 pressure/altitude and temperature sensor at I2C address 0x60 (NXP MPL3115A2 data sheet,
rev. 4: register map in section 14, conversion times in table 22 of CTRL_REG1's OS bits).

CTRL_REG1 picks barometer or altimeter (ALT, bit 7), the oversampling OS (bits 5:3: 6 ms for one sample
up to 512 ms for 128) and standby or active (SBYB, bit 0). Active, the part converts every 2^ST seconds
(CTRL_REG2 bits 3:0, at least the conversion time); in standby, OST (bit 1) starts one conversion and
clears itself when it is done. A finished conversion sets PDR, TDR and PTDR in DR_STATUS (also at 0x00
while the FIFO is off) and the overwrite flags when the last data was not read; reading OUT_P_MSB clears
PDR, reading OUT_T_MSB clears TDR.

Data: pressure in Pa as Q18.2 in OUT_P bits 23:4, altitude in m as signed Q16.4, temperature in °C as
signed Q8.4, each with its offset register (OFF_P 4 Pa, OFF_T 1/16 °C, OFF_H 1 m per count). Altitude
follows the data sheet's formula h = 44330.77 * (1 - (p / p0) ^ 0.1902632), p0 from BAR_IN (2 Pa per
count, 101326 Pa at reset). RAW mode is not modelled: its data reads as the compensated data.
"""

from __future__ import annotations

from collections.abc import Callable

from ..i2c_bus import RegisterMap

ADDRESS = 0x60

STATUS, OUT_P_MSB, OUT_T_MSB, DR_STATUS = 0x00, 0x01, 0x04, 0x06
WHO_AM_I, SYSMOD, PT_DATA_CFG, BAR_IN_MSB, BAR_IN_LSB = 0x0C, 0x11, 0x13, 0x14, 0x15
CTRL_REG1, CTRL_REG2 = 0x26, 0x27
OFF_P, OFF_T, OFF_H = 0x2B, 0x2C, 0x2D
WHO_AM_I_VALUE = 0xC4
BAR_IN_RESET = 101326 // 2  # 0xC5E7

SBYB, OST, RST, ALT = 0x01, 0x02, 0x04, 0x80
TDR, PDR, PTDR, TOW, POW, PTOW = 0x02, 0x04, 0x08, 0x20, 0x40, 0x80
# conversion time by OS[2:0] (1 to 128 samples)
CONVERSION_NS = [ms * 1_000_000 for ms in (6, 10, 18, 34, 66, 130, 258, 512)]
SECOND = 1_000_000_000
STANDARD_SEA_LEVEL_PA = 101326.0


def altitude_m(pressure_pa: float, sea_level_pa: float) -> float:
    """The data sheet's altitude for a pressure (the US standard atmosphere)."""
    return 44330.77 * (1 - (max(pressure_pa, 1.0) / sea_level_pa) ** 0.1902632)


def pressure_pa(altitude: float, sea_level_pa: float = STANDARD_SEA_LEVEL_PA) -> float:
    """The pressure at which the part reads `altitude` (the formula above, inverted)."""
    return sea_level_pa * max(0.0, 1 - altitude / 44330.77) ** (1 / 0.1902632)


def _signed8(value: int) -> int:
    return value - 256 if value > 127 else value


class Mpl3115a2(RegisterMap):
    """`pressure(t)` in Pa and `temperature(t)` in °C are the air around the sensor."""

    address = ADDRESS

    def __init__(
        self,
        pressure: Callable[[int], float],
        temperature: Callable[[int], float],
        *,
        name: str = "MPL3115A2",
    ) -> None:
        super().__init__(name=name)
        self.pressure = pressure
        self.temperature = temperature
        self.powered = True
        self.power_on(0)

    def power_on(self, t: int) -> None:
        regs = self.registers
        regs[:] = bytes(len(regs))
        regs[WHO_AM_I] = WHO_AM_I_VALUE
        regs[BAR_IN_MSB], regs[BAR_IN_LSB] = BAR_IN_RESET >> 8, BAR_IN_RESET & 0xFF
        self.next_conversion: int | None = None  # when the conversion under way finishes
        self.one_shot = False

    def i2c_acks(self, read: bool, t: int) -> bool:
        return self.powered

    def _conversion_ns(self) -> int:
        return CONVERSION_NS[self.registers[CTRL_REG1] >> 3 & 0x7]

    def _period_ns(self) -> int:
        return max(SECOND << (self.registers[CTRL_REG2] & 0x0F), self._conversion_ns())

    def _update(self, t: int) -> None:
        """Finish every conversion due by `t` (only the last one's data is left in the registers)."""
        while self.next_conversion is not None and self.next_conversion <= t:
            done = self.next_conversion
            self._convert(done)
            if self.one_shot:
                self.one_shot = False
                self.next_conversion = None
                self.registers[CTRL_REG1] &= ~OST & 0xFF
            else:
                period = self._period_ns()
                skipped = (t - done) // period  # conversions between: their data was overwritten
                if skipped:
                    self._convert(done + skipped * period)
                self.next_conversion = done + (skipped + 1) * period

    def _convert(self, t: int) -> None:
        regs = self.registers
        status = regs[DR_STATUS]
        overwrite = (POW if status & PDR else 0) | (TOW if status & TDR else 0)
        overwrite |= PTOW if overwrite else 0
        pressure = self.pressure(t) + _signed8(regs[OFF_P]) * 4
        if regs[CTRL_REG1] & ALT:
            sea_level = (regs[BAR_IN_MSB] << 8 | regs[BAR_IN_LSB]) * 2
            code = round((altitude_m(pressure, sea_level) + _signed8(regs[OFF_H])) * 16)
        else:
            code = round(max(0.0, pressure) * 4)
        code &= 0xFFFFF
        regs[OUT_P_MSB : OUT_P_MSB + 3] = bytes([code >> 12, code >> 4 & 0xFF, (code & 0xF) << 4])
        celsius = self.temperature(t) + _signed8(regs[OFF_T]) / 16
        tcode = round(celsius * 16) & 0xFFF
        regs[OUT_T_MSB : OUT_T_MSB + 2] = bytes([tcode >> 4, (tcode & 0xF) << 4])
        regs[DR_STATUS] = status | overwrite | PDR | TDR | PTDR

    def write_register(self, reg: int, value: int, t: int) -> None:
        self._update(t)
        regs = self.registers
        if reg == CTRL_REG1:
            if value & RST:
                self.power_on(t)
                return
            was_active = regs[CTRL_REG1] & SBYB
            regs[CTRL_REG1] = value
            if value & SBYB and not was_active:
                self.one_shot = False
                self.next_conversion = t + self._conversion_ns()
            elif not value & SBYB:
                if value & OST and self.next_conversion is None:
                    self.one_shot = True
                    self.next_conversion = t + self._conversion_ns()
                elif not self.one_shot:
                    self.next_conversion = None  # standby stops the acquisition
            regs[SYSMOD] = value & SBYB
        elif reg in (STATUS, DR_STATUS, WHO_AM_I, SYSMOD) or 0x01 <= reg <= 0x05:
            return  # read-only
        else:
            regs[reg] = value

    def read_register(self, reg: int, t: int) -> int:
        self._update(t)
        regs = self.registers
        if reg == STATUS:
            reg = DR_STATUS  # the FIFO is off: 0x00 reads DR_STATUS
        value = regs[reg]
        if reg == OUT_P_MSB:
            regs[DR_STATUS] &= ~(PDR | POW | PTDR | PTOW) & 0xFF
        elif reg == OUT_T_MSB:
            regs[DR_STATUS] &= ~(TDR | TOW | PTDR | PTOW) & 0xFF
        return value
