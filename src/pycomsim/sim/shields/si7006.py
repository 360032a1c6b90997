"""SI7006-A20 humidity and temperature sensor at I2C address 0x40 (Silicon Labs Si7006-A20 datasheet,
rev. 1.2: section 5 "I2C Interface", table 11 "I2C Command Table", table 2 conversion times).

Commands are single writes; a measurement answers MSB, LSB and a CRC-8 (polynomial x^8+x^5+x^4+1,
initial 0x00). "No hold master" measurements (0xF5, 0xF3) NACK the read address until the conversion is
done; "hold master" ones (0xE5, 0xE3) stretch the clock, which this model does not time: their result
is there at once. A humidity measurement also measures the temperature, which 0xE0 reads back
without a new conversion (and without a CRC).

Codes: RH = 125 * code / 65536 - 6, T = 175.72 * code / 65536 - 46.85 (datasheet section 5.1.1, 5.1.2).
"""

from __future__ import annotations

from collections.abc import Callable

from ..i2c_bus import I2CDevice

ADDRESS = 0x40

MEASURE_RH_HOLD, MEASURE_RH = 0xE5, 0xF5
MEASURE_T_HOLD, MEASURE_T = 0xE3, 0xF3
READ_T_FROM_RH = 0xE0
RESET = 0xFE
WRITE_USER_REG1, READ_USER_REG1 = 0xE6, 0xE7
WRITE_HEATER, READ_HEATER = 0x51, 0x11
USER_REG1_RESET = 0x3A  # table 13: RES 00 (12-bit RH, 14-bit T), VDDS 0, HTRE 0
USER_REG1_WRITABLE = 0b1000_0101  # RES1, HTRE, RES0; VDDS and the reserved bits are not
DEVICE_ID = 0x06  # SNB_3 of a Si7006
FIRMWARE_2_0 = 0x20

# max conversion times (table 2), by measurement resolution RES[1:0] of user register 1
RH_NS = {0: 12_000_000, 1: 3_100_000, 2: 4_500_000, 3: 7_000_000}
T_NS = {0: 10_800_000, 1: 3_800_000, 2: 6_200_000, 3: 2_400_000}
RESET_NS = 15_000_000  # powerup / soft reset time, table 2


def crc8(data: bytes) -> int:
    """The Si7006's checksum: CRC-8, polynomial 0x31, initial 0x00, MSB first (section 5.1.3)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x31) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def rh_code(percent: float) -> int:
    return max(0, min(0xFFFF, round((min(100.0, max(0.0, percent)) + 6) * 65536 / 125)))


def t_code(celsius: float) -> int:
    return max(0, min(0xFFFF, round((celsius + 46.85) * 65536 / 175.72)))


def with_crc(code: int) -> bytes:
    word = code.to_bytes(2, "big")
    return word + bytes([crc8(word)])


class Si7006(I2CDevice):
    """`humidity(t)` in %RH and `temperature(t)` in °C are the air the sensor measures."""

    address = ADDRESS

    def __init__(
        self,
        humidity: Callable[[int], float],
        temperature: Callable[[int], float],
        *,
        serial: int = 0x0123_4567_89AB_CDEF,
        name: str = "SI7006-A20",
    ) -> None:
        super().__init__(name=name)
        self.humidity = humidity
        self.temperature = temperature
        self.serial = serial
        self.powered = True
        self.power_on(0)

    def power_on(self, t: int) -> None:
        self.user_reg1 = USER_REG1_RESET
        self.heater = 0
        self.answer = b""
        self.ready_at = t + RESET_NS
        self.last_t_code = t_code(self.temperature(t))

    def i2c_acks(self, read: bool, t: int) -> bool:
        return self.powered and not (read and t < self.ready_at)

    def i2c_write(self, data: bytes, t: int) -> None:
        if not data:
            return
        cmd = data[0]
        resolution = (self.user_reg1 >> 6 & 0b10) | (self.user_reg1 & 0b01)
        if cmd in (MEASURE_RH, MEASURE_RH_HOLD):
            done = t + RH_NS[resolution] + T_NS[resolution]
            self.last_t_code = t_code(self.temperature(done))
            self._measured(
                with_crc(rh_code(self.humidity(done))), done, hold=cmd == MEASURE_RH_HOLD
            )
        elif cmd in (MEASURE_T, MEASURE_T_HOLD):
            done = t + T_NS[resolution]
            self.last_t_code = t_code(self.temperature(done))
            self._measured(with_crc(self.last_t_code), done, hold=cmd == MEASURE_T_HOLD)
        elif cmd == READ_T_FROM_RH:
            self.answer = self.last_t_code.to_bytes(2, "big")
        elif cmd == READ_USER_REG1:
            self.answer = bytes([self.user_reg1])
        elif cmd == WRITE_USER_REG1 and len(data) > 1:
            self.user_reg1 = (data[1] & USER_REG1_WRITABLE) | (
                USER_REG1_RESET & ~USER_REG1_WRITABLE
            )
        elif cmd == READ_HEATER:
            self.answer = bytes([self.heater])
        elif cmd == WRITE_HEATER and len(data) > 1:
            self.heater = data[1] & 0x0F
        elif cmd == RESET:
            self.power_on(t)
        elif data[:2] == b"\xfa\x0f":  # electronic ID, first access: SNA_3..0, each with a CRC
            sna = (self.serial >> 32).to_bytes(4, "big")
            out, run = bytearray(), bytearray()
            for byte in sna:
                run.append(byte)
                out += bytes([byte, crc8(bytes(run))])
            self.answer = bytes(out)
        elif (
            data[:2] == b"\xfc\xc9"
        ):  # second access: SNB_3 (device id), SNB_2, CRC, SNB_1, SNB_0, CRC
            snb = bytes([DEVICE_ID]) + (self.serial & 0xFFFFFF).to_bytes(3, "big")
            self.answer = snb[:2] + bytes([crc8(snb[:2])]) + snb[2:] + bytes([crc8(snb)])
        elif data[:2] == b"\x84\xb8":  # firmware revision
            self.answer = bytes([FIRMWARE_2_0])
        else:
            self.answer = b""

    def _measured(self, answer: bytes, done: int, hold: bool) -> None:
        self.answer = answer
        if not hold:
            self.ready_at = done

    def i2c_read(self, n: int, t: int) -> bytes:
        return (self.answer + b"\xff" * n)[:n]
