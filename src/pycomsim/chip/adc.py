"""The ESP32's ADC1, hardware side: from the volts on a pad to the raw reading, and the firmware's
calibration from a raw reading back to millivolts.

The calibration is ESP-IDF 3.3's `esp_adc_cal.c` (what `esp_adc_cal_characterize` and
`esp_adc_cal_raw_to_voltage` compute), in the branch a module without eFuse calibration values takes: the
default Vref the firmware passes (`adc.vref()`, 1100 mV). The line is `mV = coeff_a * raw / 65536 +
coeff_b` with `coeff_a = vref * atten_scale / 4096` and `coeff_b` the attenuation's offset; at 11 dB the
readings from 2880 up use the file's 20-point lookup table, bilinear in Vref between the 1000 mV and
1200 mV curves.

The conversion itself (volts to raw) is that same curve, inverted, at the chip's *true* reference
voltage, which differs from 1100 mV by a few percent per chip (seeded per board): that is why
`vref()` and `vref_to_pin()` exist. The curve makes the ADC non-linear at both rails as the real one is:
below the attenuation's offset (75-142 mV) it reads 0, at 11 dB it steepens above raw 2880 (about 2.5 V:
more counts per mV, as the lookup table says), and it saturates at 4095. Noise is Gaussian, 2 counts (12-bit) RMS, from the board's
seeded random generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# esp_adc_cal.c, ADC1
VREF_ATTEN_SCALE = (57431, 76236, 105481, 196602)
VREF_ATTEN_OFFSET = (75, 78, 107, 142)
LUT_LOW = (2240, 2297, 2352, 2405, 2457, 2512, 2564, 2616, 2664, 2709,
           2754, 2795, 2832, 2868, 2903, 2937, 2969, 3000, 3030, 3060)  # fmt: skip
LUT_HIGH = (2667, 2706, 2745, 2780, 2813, 2844, 2873, 2901, 2928, 2956,
            2982, 3006, 3032, 3059, 3084, 3110, 3135, 3160, 3184, 3209)  # fmt: skip
LUT_VREF_LOW, LUT_VREF_HIGH = 1000, 1200
LUT_STEP = 64
LUT_LOW_THRESH = 2880
LUT_HIGH_THRESH = LUT_LOW_THRESH + LUT_STEP
ATTN_11DB = 3
NOISE_COUNTS = 2.0


@dataclass(frozen=True)
class Characteristics:
    """esp_adc_cal_characteristics_t for ADC1 with a given Vref."""

    atten: int
    width: int  # bits, 9..12
    vref: int  # mV
    coeff_a: int
    coeff_b: int


def characterize(atten: int, width: int, vref: int) -> Characteristics:
    """characterize_using_vref (the default-Vref branch)."""
    vref &= 0xFFFFFFFF
    coeff_a = (vref * VREF_ATTEN_SCALE[atten]) // 4096 & 0xFFFFFFFF
    return Characteristics(atten, width, vref, coeff_a, VREF_ATTEN_OFFSET[atten])


def _linear(raw: int, c: Characteristics) -> int:
    return ((c.coeff_a * raw + 32768) // 65536 + c.coeff_b) & 0xFFFFFFFF


def _lut(raw: int, vref: int) -> int:
    i = (raw - LUT_LOW_THRESH) // LUT_STEP
    i = min(i, len(LUT_LOW) - 2)
    x2 = LUT_VREF_HIGH - vref
    x1 = vref - LUT_VREF_LOW
    y2 = (i + 1) * LUT_STEP + LUT_LOW_THRESH - raw
    y1 = raw - (i * LUT_STEP + LUT_LOW_THRESH)
    v = (
        LUT_LOW[i] * x2 * y2
        + LUT_HIGH[i] * x1 * y2
        + LUT_LOW[i + 1] * x2 * y1
        + LUT_HIGH[i + 1] * x1 * y1
    )
    v += (LUT_VREF_HIGH - LUT_VREF_LOW) * LUT_STEP // 2
    return int(v / ((LUT_VREF_HIGH - LUT_VREF_LOW) * LUT_STEP)) & 0xFFFFFFFF  # C int division


def raw_to_voltage(raw: int, c: Characteristics) -> int:
    """esp_adc_cal_raw_to_voltage: mV from a reading at the channel's width."""
    raw = (raw & 0xFFFFFFFF) << (12 - c.width) & 0xFFFFFFFF
    raw = min(raw, 4095)
    if c.atten == ATTN_11DB and raw >= LUT_LOW_THRESH:
        lut = _lut(raw, c.vref)
        if raw <= LUT_HIGH_THRESH:
            lin = _linear(raw, c)
            x = raw - LUT_LOW_THRESH
            return (lin * LUT_STEP + lut * x - lin * x + LUT_STEP // 2) // LUT_STEP
        return lut
    return _linear(raw, c)


def true_vref(rng: random.Random) -> int:
    """A chip's own reference voltage, mV: 1100 nominal, about 1000-1200 across chips."""
    return max(1000, min(1200, round(rng.gauss(1100, 35))))


def read_raw(volts: float, atten: int, width: int, vref: int, rng: random.Random) -> int:
    """The raw reading of `volts` on the pad: the calibration curve at the chip's true `vref`,
    inverted, plus noise, saturating at both ends."""
    curve = characterize(atten, 12, vref)
    mv = volts * 1000.0
    lo, hi = 0, 4095  # the largest raw whose voltage is at most mv (the curve rises)
    if raw_to_voltage(0, curve) > mv:
        raw = 0.0
    else:
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if raw_to_voltage(mid, curve) <= mv:
                lo = mid
            else:
                hi = mid - 1
        raw = float(lo)
        if lo < 4095:  # between two codes: where in the step
            v0, v1 = raw_to_voltage(lo, curve), raw_to_voltage(lo + 1, curve)
            if v1 > v0:
                raw += (mv - v0) / (v1 - v0)
    if 0 < raw < 4095:  # a saturated reading has no noise: the converter is at its end
        raw = min(4094.0, max(0.0, raw + rng.gauss(0.0, NOISE_COUNTS)))
    raw12 = int(raw)
    return raw12 >> (12 - width)
