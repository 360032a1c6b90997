# A 1-Wire master and DS18B20 driver as a Pycom user writes one from the Maxim DS18B20 datasheet
# ("1-Wire Signaling", "ROM Commands", "Function Commands"): the pin in open drain, time.sleep_us for
# the slots, interrupts off while a slot's timing matters. The ROM search is Maxim application note
# 187's algorithm. It runs on the board (MicroPython 1.11).
import time

import machine
from machine import Pin

SEARCH_ROM = 0xF0
READ_ROM = 0x33
MATCH_ROM = 0x55
SKIP_ROM = 0xCC
ALARM_SEARCH = 0xEC
CONVERT_T = 0x44
WRITE_SCRATCHPAD = 0x4E
READ_SCRATCHPAD = 0xBE
COPY_SCRATCHPAD = 0x48
RECALL_E2 = 0xB8
READ_POWER_SUPPLY = 0xB4


_CRC_TABLE = None


def crc8(data):
    # the Dallas/Maxim CRC-8 by table (application note 27): x^8 + x^5 + x^4 + 1, reflected (8Ch)
    global _CRC_TABLE
    if _CRC_TABLE is None:
        _CRC_TABLE = bytearray(256)
        for i in range(256):
            value = i
            for _ in range(8):
                value = (value >> 1) ^ (0x8C if value & 1 else 0)
            _CRC_TABLE[i] = value
    crc = 0
    for byte in data:
        crc = _CRC_TABLE[crc ^ byte]
    return crc


class OneWire:
    def __init__(self, pin):
        self.pin = pin
        pin.init(Pin.OPEN_DRAIN, pull=Pin.PULL_UP, value=1)

    def reset(self):
        # reset pulse >= 480 us; the presence pulse starts 15-60 us after the release and lasts 60-240 us
        pin = self.pin
        sleep_us = time.sleep_us
        pin(0)
        sleep_us(500)
        irq = machine.disable_irq()
        pin(1)
        sleep_us(70)
        present = pin() == 0
        machine.enable_irq(irq)
        sleep_us(420)
        return present

    def write_bit(self, bit):
        # low >= 1 us; a 1 releases at once (before 15 us), a 0 stays low for 60 us
        pin = self.pin
        irq = machine.disable_irq()
        pin(0)
        pin(bit)
        time.sleep_us(60)
        pin(1)
        machine.enable_irq(irq)
        time.sleep_us(2)

    def read_bit(self):
        # low >= 1 us, release, sample within 15 us of the falling edge
        pin = self.pin
        irq = machine.disable_irq()
        pin(0)
        pin(1)
        bit = pin()
        machine.enable_irq(irq)
        time.sleep_us(60)
        return bit

    def write_byte(self, value):
        for _ in range(8):
            self.write_bit(value & 1)
            value >>= 1

    def read_byte(self):
        value = 0
        for i in range(8):
            value |= self.read_bit() << i
        return value

    def write(self, data):
        for byte in data:
            self.write_byte(byte)

    def read(self, count):
        return bytes([self.read_byte() for _ in range(count)])

    def select(self, rom):
        # reset, then MATCH ROM with the 8 ROM bytes (or SKIP ROM for rom None); True if anyone answered
        if not self.reset():
            return False
        if rom is None:
            self.write_byte(SKIP_ROM)
        else:
            self.write_byte(MATCH_ROM)
            self.write(rom)
        return True

    def search(self, command=SEARCH_ROM):
        # application note 187: walk the ROM tree, taking the 1 branch at the last discrepancy
        roms = []
        rom = bytearray(8)
        last_discrepancy = 0
        while True:
            if not self.reset():
                return roms
            self.write_byte(command)
            discrepancy = 0
            for index in range(64):
                bit = self.read_bit()
                complement = self.read_bit()
                if bit and complement:
                    return roms  # nobody answered
                byte, mask = index // 8, 1 << (index % 8)
                if bit == complement:  # both 0: devices differ here
                    if index + 1 == last_discrepancy:
                        choice = 1
                    elif index + 1 > last_discrepancy:
                        choice = 0
                    else:
                        choice = 1 if rom[byte] & mask else 0
                    if choice == 0:
                        discrepancy = index + 1
                else:
                    choice = bit
                if choice:
                    rom[byte] |= mask
                else:
                    rom[byte] &= ~mask
                self.write_bit(choice)
            roms.append(bytes(rom))
            last_discrepancy = discrepancy
            if last_discrepancy == 0:
                return roms


class DS18B20:
    CONVERSION_MS = {9: 94, 10: 188, 11: 375, 12: 750}

    def __init__(self, bus):
        self.bus = bus

    def convert(self, rom=None):
        self.bus.select(rom)
        self.bus.write_byte(CONVERT_T)

    def wait(self):
        # externally powered: read slots give 0 while converting, 1 when done
        start = time.ticks_ms()
        while not self.bus.read_bit():
            pass
        return time.ticks_diff(time.ticks_ms(), start)

    def scratchpad(self, rom=None):
        self.bus.select(rom)
        self.bus.write_byte(READ_SCRATCHPAD)
        return self.bus.read(9)

    def temperature(self, rom=None):
        data = self.scratchpad(rom)
        if crc8(data[:8]) != data[8]:
            raise ValueError("scratchpad CRC error")
        raw = data[1] << 8 | data[0]
        if raw & 0x8000:
            raw -= 0x10000
        return raw / 16

    def read_temperature(self, rom=None):
        self.convert(rom)
        self.wait()
        return self.temperature(rom)

    def configure(self, th, tl, bits, rom=None):
        self.bus.select(rom)
        self.bus.write_byte(WRITE_SCRATCHPAD)
        self.bus.write(bytes([th & 0xFF, tl & 0xFF, (bits - 9) << 5 | 0x1F]))

    def power_supply(self, rom=None):
        # 1: powered from VDD, 0: parasite power
        self.bus.select(rom)
        self.bus.write_byte(READ_POWER_SUPPLY)
        return self.bus.read_bit()
