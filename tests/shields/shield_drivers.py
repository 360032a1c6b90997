"""Board-side drivers for the shields' chips, written here from their datasheets the way a user would
(MicroPython 1.11 code: it runs on the simulated board, copied to the script's lib/ folder)."""

DRIVERS = r'''
import time
import struct
from machine import I2C


def bus():
    return I2C(0, mode=I2C.MASTER, pins=('P22', 'P21'))


class Coproc:
    """The shield's PIC at 0x08: one command per write, reads start with a status byte (0xFF: done)."""

    def __init__(self, i2c):
        self.i2c = i2c

    def cmd(self, data, n=0):
        self.i2c.writeto(8, bytes(data))
        while self.i2c.readfrom(8, 1)[0] != 0xFF:
            time.sleep_us(100)
        return self.i2c.readfrom(8, n + 1)[1:]

    def word(self, c):
        d = self.cmd([c], 2)
        return d[0] | d[1] << 8

    def peek(self, addr):
        return self.cmd([0, addr & 0xFF, addr >> 8], 1)[0]

    def poke(self, addr, value):
        self.cmd([1, addr & 0xFF, addr >> 8, value])

    def battery(self):
        self.poke(0x18E, 1 << 2)        # ANSELC: RC2 analog
        self.poke(0x9E, 0x60)           # ADCON1: Fosc/64, left-justified, VDD reference
        self.poke(0x9D, 6 << 2 | 3)     # ADCON0: AN6, ADON, GO
        while self.peek(0x9D) & 2:
            time.sleep_us(20)
        code = self.peek(0x9C) << 2 | self.peek(0x9B) >> 6
        return code * 3.3 / 1023 * 280 / 180 + 0.01

    def sleep(self, seconds):
        self.cmd([0x20, seconds & 0xFF, seconds >> 8 & 0xFF, seconds >> 16])
        self.i2c.writeto(8, bytes([0x21]))

    def wake_reason(self):
        return self.peek(0x64C), self.peek(0x64D) | self.peek(0x64E) << 8 | self.peek(0x64F) << 16


def crc8(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x31) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def si7006(i2c, command):
    """A no-hold-master measurement: poll the address until the conversion is done."""
    i2c.writeto(0x40, bytes([command]))
    while True:
        try:
            data = i2c.readfrom(0x40, 3)
            break
        except OSError:
            time.sleep_ms(1)
    if crc8(data[:2]) != data[2]:
        raise ValueError('CRC')
    return data[0] << 8 | data[1]


def temperature(i2c):
    return 175.72 * si7006(i2c, 0xF3) / 65536 - 46.85


def humidity(i2c):
    return 125 * si7006(i2c, 0xF5) / 65536 - 6


def light(i2c):
    """LTR-329: gain 1, 100 ms; wait for new data, read CH1 then CH0; lux by Appendix A."""
    i2c.writeto_mem(0x29, 0x85, bytes([0x03]))
    i2c.writeto_mem(0x29, 0x80, bytes([0x01]))
    while not i2c.readfrom_mem(0x29, 0x8C, 1)[0] & 0x04:
        time.sleep_ms(10)
    d = i2c.readfrom_mem(0x29, 0x88, 4)
    ch1, ch0 = d[0] | d[1] << 8, d[2] | d[3] << 8
    ratio = ch1 / (ch0 + ch1)
    if ratio < 0.45:
        return 1.7743 * ch0 + 1.1059 * ch1
    if ratio < 0.64:
        return 4.2785 * ch0 - 1.9548 * ch1
    return 0.5926 * ch0 + 0.1185 * ch1


def barometer(i2c, altitude=False):
    """MPL3115A2 one-shot: OS 128, OST, wait for PDR, read OUT_P and OUT_T in one go."""
    mode = 0xB8 if altitude else 0x38
    i2c.writeto_mem(0x60, 0x26, bytes([mode]))
    i2c.writeto_mem(0x60, 0x13, bytes([0x07]))
    i2c.writeto_mem(0x60, 0x26, bytes([mode | 0x02]))
    while not i2c.readfrom_mem(0x60, 0x00, 1)[0] & 0x04:
        time.sleep_ms(10)
    d = i2c.readfrom_mem(0x60, 0x01, 5)
    code = d[0] << 12 | d[1] << 4 | d[2] >> 4
    if altitude:
        value = (code - (1 << 20) if code & 0x80000 else code) / 16
    else:
        value = code / 4
    t = d[3] << 4 | d[4] >> 4
    return value, (t - 4096 if t & 0x800 else t) / 16


def acceleration(i2c):
    """LIS2HH12 at 100 Hz, +-2 g: three little-endian 16-bit counts of 2 g / 32768."""
    if i2c.readfrom_mem(0x1E, 0x0F, 1)[0] != 0x41:
        raise OSError('no LIS2HH12')
    i2c.writeto_mem(0x1E, 0x20, bytes([0x37]))
    time.sleep_ms(20)
    x, y, z = struct.unpack('<hhh', i2c.readfrom_mem(0x1E, 0x28, 6))
    return x * 2 / 32768, y * 2 / 32768, z * 2 / 32768


def nmea(i2c, want, timeout_s=60):
    """Read the L76's NMEA stream until a `want` sentence (e.g. 'GNGGA') with a good checksum."""
    text = ''
    start = time.time()
    while time.time() - start < timeout_s:
        text += i2c.readfrom(0x10, 128).decode().replace('\n', ' ').replace('\r', '\n')
        while '\n' in text:
            line, text = text.split('\n', 1)
            line = line.strip()
            if not line.startswith('$' + want):
                continue
            body, cs = line[1:].split('*')
            x = 0
            for ch in body:
                x ^= ord(ch)
            if x == int(cs, 16):
                return body.split(',')
        time.sleep_ms(100)
    return None
'''
