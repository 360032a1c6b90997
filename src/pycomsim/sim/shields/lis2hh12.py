"""LIS2HH12 3-axis accelerometer at I2C address 0x1E (ST LIS2HH12 datasheet, DocID027668: register map in
section 7, register descriptions in section 8, activity/inactivity in ACT_THS/ACT_DUR, 8.1-8.2).

The output registers (OUT_X_L 0x28 .. OUT_Z_H 0x2D, 16-bit two's complement, full scale FS/32768 g per
count with FS = 2, 4 or 8 g from CTRL4 bits 5:4) hold the sample of the last output-data-rate tick
(CTRL1 ODR bits 6:4, 10-800 Hz; power-down keeps the last values). The register pointer increments
after each byte while CTRL4's IF_ADD_INC is set (its reset value). TEMP_L/TEMP_H read the temperature
as 8 counts per °C around 25 °C.

Activity/inactivity (CTRL3 INT1_INACT, bit 5): when every axis stays below ACT_THS (FS/128 per count)
for ACT_DUR (8/ODR per count) the part is inactive and INT1 asserts; an axis above the threshold makes
it active again and INT1 releases. INT1 is push-pull active high at reset; CTRL5's H_LACTIVE makes it
active low and PP_OD open drain (the shields' line has a pull-up). The model checks the acceleration at
the output data rate, at most every 10 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i2c_bus import RegisterMap
from ..net import OFF, STRONG_HI, STRONG_LO

ADDRESS = 0x1E

TEMP_L, TEMP_H, WHO_AM_I, ACT_THS, ACT_DUR = 0x0B, 0x0C, 0x0F, 0x1E, 0x1F
CTRL1, CTRL2, CTRL3, CTRL4, CTRL5, CTRL6, CTRL7, STATUS = range(0x20, 0x28)
OUT_X_L, OUT_Z_H = 0x28, 0x2D
WHO_AM_I_VALUE = 0x41
RESETS = {CTRL1: 0x07, CTRL4: 0x04, CTRL6: 0x00, CTRL7: 0x00}
ODR_HZ = [0, 10, 50, 100, 200, 400, 800, 0]
FULL_SCALE_G = {0: 2, 2: 4, 3: 8}
IF_ADD_INC = 0x04
INT1_INACT = 0x20
H_LACTIVE, PP_OD = 0x02, 0x01
ZYXDA = 0x08
MIN_CHECK_NS = 10_000_000
SECOND = 1_000_000_000


def count(g: float, full_scale_g: int) -> int:
    return max(-32768, min(32767, round(g * 32768 / full_scale_g)))


class Lis2hh12(RegisterMap):
    """`acceleration(t)` -> (x, y, z) in g; `temperature(t)` in °C. `int1` is the interrupt line's
    driver (a net Driver) or None; `schedule(t, fn)`, `cancel(fn)` and `clock()` are the kernel's."""

    address = ADDRESS

    def __init__(
        self,
        acceleration: Callable[[int], tuple[float, float, float]],
        temperature: Callable[[int], float],
        *,
        schedule: Callable[[int, Callable[[Any], None]], None],
        cancel: Callable[[Callable[[Any], None]], None],
        clock: Callable[[], int],
        int1: Any = None,
        name: str = "LIS2HH12",
    ) -> None:
        super().__init__(name=name)
        self.acceleration = acceleration
        self.temperature = temperature
        self._schedule = schedule
        self._cancel = cancel
        self._clock = clock
        self.int1 = int1
        self.powered = True
        self.power_on(0)

    def power_on(self, t: int) -> None:
        self.registers[:] = bytes(len(self.registers))
        self.registers[WHO_AM_I] = WHO_AM_I_VALUE
        for reg, value in RESETS.items():
            self.registers[reg] = value
        self.sample_t: int | None = None  # the tick of the data in OUT_*
        self.read_tick: int | None = None
        self.inactive = False
        self.below_since: int | None = None
        self.checking = False
        self._drive_int1(t)

    def power_off(self, t: int) -> None:
        self.powered = False
        self._cancel(self._check)
        self.checking = False
        if self.int1 is not None:
            self.int1.set(OFF, t)

    def i2c_acks(self, read: bool, t: int) -> bool:
        return self.powered

    # ---- data ----
    def _odr(self) -> int:
        return ODR_HZ[self.registers[CTRL1] >> 4 & 0x7]

    def _full_scale(self) -> int:
        return FULL_SCALE_G.get(self.registers[CTRL4] >> 4 & 0x3, 2)

    def _tick(self, t: int) -> int | None:
        odr = self._odr()
        if not odr:
            return self.sample_t  # power-down: the last sample stays
        return t * odr // SECOND * SECOND // odr

    def read_register(self, reg: int, t: int) -> int:
        if OUT_X_L <= reg <= OUT_Z_H:
            tick = self._tick(t)
            self.sample_t = tick
            if tick is None:
                return 0
            fs = self._full_scale()
            axis = self.acceleration(tick)[(reg - OUT_X_L) // 2]
            value = count(axis, fs) & 0xFFFF
            if reg == OUT_Z_H:
                self.read_tick = tick
            return value >> 8 if reg & 1 else value & 0xFF
        if reg in (TEMP_L, TEMP_H):
            value = round((self.temperature(t) - 25) * 8) & 0xFFFF
            return value >> 8 if reg == TEMP_H else value & 0xFF
        if reg == STATUS:
            tick = self._tick(t)
            return ZYXDA if tick is not None and tick != self.read_tick else 0
        return self.registers[reg]

    def i2c_read(self, n: int, t: int) -> bytes:
        if self.registers[CTRL4] & IF_ADD_INC:
            return super().i2c_read(n, t)
        return bytes(self.read_register(self.pointer, t) & 0xFF for _ in range(n))

    def write_register(self, reg: int, value: int, t: int) -> None:
        if reg in (WHO_AM_I, STATUS, TEMP_L, TEMP_H) or OUT_X_L <= reg <= OUT_Z_H:
            return  # read-only
        if reg == CTRL1 and self._odr():
            self.sample_t = self._tick(t)  # entering power-down keeps the last sample
        self.registers[reg] = value
        if reg == CTRL5 and value & 0x40:  # SOFT_RESET
            self.power_on(t)
            return
        if reg in (CTRL1, CTRL3, CTRL5, ACT_THS, ACT_DUR):
            self._arm(t)

    # ---- activity / inactivity on INT1 ----
    def _arm(self, t: int) -> None:
        enabled = bool(self.registers[CTRL3] & INT1_INACT) and self._odr() > 0
        if not enabled:
            self.inactive, self.below_since = False, None
            if self.checking:
                self._cancel(self._check)
                self.checking = False
        elif not self.checking:
            self.checking = True
            self._schedule(t, self._check)
        self._drive_int1(t)

    def _check(self, _: Any) -> None:
        now = self._clock()
        fs = self._full_scale()
        threshold = (self.registers[ACT_THS] & 0x7F) * fs / 128
        duration = self.registers[ACT_DUR] * 8 * SECOND // max(1, self._odr())
        if all(abs(a) < threshold for a in self.acceleration(now)):
            if self.below_since is None:
                self.below_since = now
            if now - self.below_since >= duration:
                self.inactive = True
        else:
            self.below_since, self.inactive = None, False
        self._drive_int1(now)
        step = max(MIN_CHECK_NS, SECOND // max(1, self._odr()))
        self._schedule(now + step, self._check)

    def _drive_int1(self, t: int) -> None:
        if self.int1 is None or not self.powered:
            return
        ctrl5 = self.registers[CTRL5]
        asserted = self.inactive and bool(self.registers[CTRL3] & INT1_INACT)
        high = asserted != bool(ctrl5 & H_LACTIVE)
        code = (OFF if ctrl5 & PP_OD else STRONG_HI) if high else STRONG_LO
        self.int1.set(code, t)
