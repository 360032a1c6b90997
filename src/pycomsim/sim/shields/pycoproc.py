"""The shields' coprocessor at I2C address 0x08: a PIC16F1459 that owns the shield's power switches.

Its protocol, as Pycom's shield libraries (pycoproc_1.py, pycoproc_2.py) drive it:

- a write transfer is one command: its first byte is the command, then its arguments;
- a read transfer returns a status byte (0xFF: the last command is done) then the command's answer;
- PEEK (0x00, addr lo, addr hi) answers the byte at a data-memory address of the PIC; POKE (0x01, lo,
  hi, value) writes it; MAGIC (0x02, lo, hi, and, or, xor) writes ((byte & and) | or) ^ xor and
  answers the new byte; HW_VER, FW_VER, PROD_ID (0x10-0x12) answer 16 bits, little-endian;
- SETUP_SLEEP (0x20, 24-bit seconds, little-endian) arms the sleep timer; GO_SLEEP (0x21, the first
  shields) sleeps and switches the module, the sensors and, unless its interrupt-on-change is armed,
  the accelerometer off; GO_NAP (0x23, options, the second shields) sleeps switching off what the
  options say (SD card 1, sensors 2, accelerometer 4, module 8);
- CALIBRATE (0x22): the real PIC then toggles SCL so the library can measure its clock; this model's
  clock is exact, so it sends no pulses and the library keeps its calibration factor of 1.

The sleeping PIC does not answer its address. It wakes when the timer runs out (wake reason 4), the
shield's button on RA3 is pressed (2), the accelerometer's interrupt line (RA5, also the module's
P13) changes in a direction armed in IOCAP/IOCAN bit 5 (1), or its INT pin RC1 sees the edge that
OPTION_REG bit 6 selects while INTCON's INTE is set (8). It then writes the wake reason at 0x064C
and the seconds left at 0x064D-0x064F (what `get_wake_reason` and `get_sleep_remaining` read) and
switches everything back on; a module it switched off boots with a power-on reset.

The battery is measured on AN6 (RC2) through a 100k/180k divider (the libraries' 180/280) and a FET
that drops 10 mV; the ADC is the PIC's 10-bit converter referenced to its 3.3 V supply, left- or
right-justified by ADCON1's ADFM bit (PIC16(L)F1454/5/9 datasheet, DS40001639, section 22).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i2c_bus import I2CDevice

ADDRESS = 0x08

CMD_PEEK, CMD_POKE, CMD_MAGIC = 0x00, 0x01, 0x02
CMD_HW_VER, CMD_FW_VER, CMD_PROD_ID = 0x10, 0x11, 0x12
CMD_SETUP_SLEEP, CMD_GO_SLEEP, CMD_CALIBRATE, CMD_GO_NAP = 0x20, 0x21, 0x22, 0x23
CMD_RESET = 0x40
DONE = 0xFF  # the status byte of a finished command

# GO_NAP options (pycoproc_2.py)
NAP_SD_CARD_OFF, NAP_SENSORS_OFF, NAP_ACCELEROMETER_OFF, NAP_MODULE_OFF = 1, 2, 4, 8

# wake reasons the PIC stores at WAKE_REASON
WAKE_ACCELEROMETER, WAKE_BUTTON, WAKE_TIMER, WAKE_INT_PIN = 1, 2, 4, 8

# PIC16F1459 special function registers (linear data-memory addresses, DS40001639 table 3-3)
PORTA, PORTC, INTCON = 0x00C, 0x00E, 0x00B
TRISA, TRISB, TRISC = 0x08C, 0x08D, 0x08E
OPTION_REG = 0x095
ADRESL, ADRESH, ADCON0, ADCON1 = 0x09B, 0x09C, 0x09D, 0x09E
ANSELA, ANSELB, ANSELC = 0x18C, 0x18D, 0x18E
IOCAP, IOCAN = 0x391, 0x392
WAKE_REASON = (
    0x064C  # in the PIC firmware's RAM: reason, then seconds left (24 bits, little-endian)
)

ADCON0_GO, ADCON0_ADON = 0x02, 0x01
ADCON1_ADFM = 0x80
BATTERY_CHANNEL = 6  # AN6 on RC2
DIVIDER = 180 / 280  # battery -> AN6
FET_DROP_V = 0.01
VREF_V = 3.3
# 11.5 TAD at Fosc/64 on the 16 MHz clock (TAD = 4 us): DS40001639, A/D conversion timing
ADC_CONVERSION_NS = 46_000
# after GO_SLEEP / GO_NAP the PIC switches the module's regulator off: not in any datasheet (the PIC
# firmware is not published); a module sees its supply fall a moment after the command
POWER_OFF_DELAY_NS = 100_000
PORTA_BUTTON = 1 << 3  # RA3, pulled up (WPUA): 0 while the button is pressed
BIT5 = 1 << 5  # RA5 interrupt-on-change: the accelerometer's interrupt line
INTCON_INTE, INTCON_INTF = 1 << 4, 1 << 1
OPTION_INTEDG = 1 << 6


class Pycoproc(I2CDevice):
    """The coprocessor. `power_module(on)`, `power_sensors(on)`, `power_accelerometer(on)` are the
    shield's switches; `schedule(t, fn)` the kernel's; `battery_volts(t)` the battery."""

    address = ADDRESS

    def __init__(
        self,
        *,
        generation: int,
        product_id: int,
        fw_version: int,
        hw_version: int,
        battery_volts: Callable[[int], float],
        schedule: Callable[[int, Callable[[Any], None]], None],
        cancel: Callable[[Callable[[Any], None]], None],
        power_module: Callable[[bool], None],
        power_sensors: Callable[[bool], None],
        power_accelerometer: Callable[[bool], None],
        record: Callable[[int, str, Any], None],
        name: str = "pycoproc",
    ) -> None:
        super().__init__(name=name)
        self.generation = generation
        self.product_id = product_id
        self.fw_version = fw_version
        self.hw_version = hw_version
        self.battery_volts = battery_volts
        self._schedule = schedule
        self._cancel = cancel
        self._power_module = power_module
        self._power_sensors = power_sensors
        self._power_accelerometer = power_accelerometer
        self._record = record
        self.memory = bytearray(0x10000)
        self.reset()

    # ---- the PIC's own state ----
    def reset(self) -> None:
        """Power-on values of the registers the libraries touch (DS40001639 table 3-4: TRIS and
        ANSEL set, the rest clear)."""
        self.memory[:] = bytes(len(self.memory))
        for reg in (TRISA, TRISB, TRISC, ANSELA, ANSELB, ANSELC):
            self.memory[reg] = 0xFF
        self.memory[OPTION_REG] = 0xFF
        self.answer = b""
        self.sleep_seconds = 0
        self.asleep = False
        self.module_off = False
        self.sleep_until: int | None = None
        self.adc_done_at: int | None = None
        self.adc_code = 0
        self.button_down = False
        self.int_pin_level = 0  # RC1 as the PIC sees it
        self.accel_line = 1  # RA5

    def read(self, addr: int, t: int) -> int:
        self._finish_adc(t)
        value = self.memory[addr]
        if addr == PORTA:
            value = (value & ~(PORTA_BUTTON | BIT5)) | (0 if self.button_down else PORTA_BUTTON)
            value |= BIT5 if self.accel_line else 0
        return value

    def write(self, addr: int, value: int, t: int) -> None:
        self._finish_adc(t)
        value &= 0xFF
        if addr == ADCON0:
            starting = value & ADCON0_GO and value & ADCON0_ADON and self.adc_done_at is None
            if starting:
                self._start_adc(value, t)
            elif not value & ADCON0_GO:
                self.adc_done_at = None  # clearing GO aborts a conversion
        self.memory[addr] = value

    def _start_adc(self, adcon0: int, t: int) -> None:
        channel = (adcon0 >> 2) & 0x1F
        volts = 0.0
        if channel == BATTERY_CHANNEL:
            volts = max(0.0, (self.battery_volts(t) - FET_DROP_V) * DIVIDER)
        self.adc_code = max(0, min(1023, round(volts / VREF_V * 1023)))
        self.adc_done_at = t + ADC_CONVERSION_NS

    def _finish_adc(self, t: int) -> None:
        if self.adc_done_at is None or t < self.adc_done_at:
            return
        self.adc_done_at = None
        code = self.adc_code
        if self.memory[ADCON1] & ADCON1_ADFM:  # right-justified
            self.memory[ADRESH], self.memory[ADRESL] = code >> 8, code & 0xFF
        else:
            self.memory[ADRESH], self.memory[ADRESL] = code >> 2, (code & 0x3) << 6
        self.memory[ADCON0] &= ~ADCON0_GO & 0xFF

    def gps_backup(self) -> bool:
        """Does the GNSS receiver keep its back-up supply? As the libraries' go_to_sleep(gps=True)
        sets it: PORTC bit 7 on a 1.0 Pytrack, RC4 left an input (TRISC bit 4) on a 2.0."""
        if self.generation == 1:
            return bool(self.memory[PORTC] & 0x80)
        return bool(self.memory[TRISC] & 0x10)

    # ---- the I2C side ----
    def i2c_acks(self, read: bool, t: int) -> bool:
        return not self.asleep

    def i2c_write(self, data: bytes, t: int) -> None:
        if not data:
            return
        cmd, args = data[0], data[1:]
        self.answer = b""
        if cmd in (CMD_PEEK, CMD_POKE, CMD_MAGIC) and len(args) >= 2:
            addr = args[0] | args[1] << 8
            if cmd == CMD_PEEK:
                self.answer = bytes([self.read(addr, t)])
            elif cmd == CMD_POKE and len(args) >= 3:
                self.write(addr, args[2], t)
            elif cmd == CMD_MAGIC and len(args) >= 5:
                value = ((self.read(addr, t) & args[2]) | args[3]) ^ args[4]
                self.write(addr, value, t)
                self.answer = bytes([self.read(addr, t)])
        elif cmd in (CMD_HW_VER, CMD_FW_VER, CMD_PROD_ID):
            value = {CMD_HW_VER: self.hw_version, CMD_FW_VER: self.fw_version}.get(
                cmd, self.product_id
            )
            self.answer = value.to_bytes(2, "little")
        elif cmd == CMD_SETUP_SLEEP and len(args) >= 3:
            self.sleep_seconds = int.from_bytes(args[:3], "little")
        elif cmd == CMD_GO_SLEEP:
            accel_wakes = bool((self.memory[IOCAP] | self.memory[IOCAN]) & BIT5)
            self.go_to_sleep(t, module=True, sensors=True, accelerometer=not accel_wakes)
        elif cmd == CMD_GO_NAP and args:
            options = args[0]
            self.go_to_sleep(
                t,
                module=bool(options & NAP_MODULE_OFF),
                sensors=bool(options & NAP_SENSORS_OFF),
                accelerometer=bool(options & NAP_ACCELEROMETER_OFF),
            )
        elif cmd == CMD_RESET:
            self.reset()
        self._record(t, "command", f"0x{cmd:02x} {bytes(args).hex(' ')}".strip())

    def i2c_read(self, n: int, t: int) -> bytes:
        out = bytes([DONE]) + self.answer
        return (out + b"\xff" * n)[:n]

    # ---- sleep and wake ----
    def go_to_sleep(self, t: int, *, module: bool, sensors: bool, accelerometer: bool) -> None:
        self.asleep = True
        self._record(t, "sleep", self.sleep_seconds)
        if self.sleep_seconds:
            self.sleep_until = t + self.sleep_seconds * 1_000_000_000
            self._schedule(self.sleep_until, self._timer_ran_out)
        else:
            self.sleep_until = None
        off_at = t + POWER_OFF_DELAY_NS

        def switch_off(_: Any) -> None:
            if not self.asleep:
                return  # woken within the delay
            if sensors:
                self._power_sensors(False)
            if accelerometer:
                self._power_accelerometer(False)
            if module:
                self.module_off = True
                self._power_module(False)

        self._schedule(off_at, switch_off)

    def _timer_ran_out(self, _: Any) -> None:
        if self.asleep and self.sleep_until is not None:
            self.wake(self.sleep_until, WAKE_TIMER)

    def wake(self, t: int, reason: int) -> None:
        if not self.asleep:
            return
        self.asleep = False
        left = 0
        if self.sleep_until is not None:
            left = max(0, (self.sleep_until - t) // 1_000_000_000)
            self._cancel(self._timer_ran_out)
        self.sleep_until = None
        self.memory[WAKE_REASON] = reason
        self.memory[WAKE_REASON + 1 : WAKE_REASON + 4] = min(left, 0xFFFFFF).to_bytes(3, "little")
        self._record(t, "wake", reason)
        self._power_sensors(True)
        self._power_accelerometer(True)
        if self.module_off:
            self.module_off = False
            self._power_module(True)

    def button(self, down: bool, t: int) -> None:
        """The shield's button (RA3) pressed or released."""
        self.button_down = down
        if down:
            self.wake(t, WAKE_BUTTON)

    def accelerometer_line(self, level: int, t: int) -> None:
        """The accelerometer's interrupt line (RA5) changed: interrupt-on-change wakes the PIC."""
        old, self.accel_line = self.accel_line, level
        armed = self.memory[IOCAP] if level > old else self.memory[IOCAN] if level < old else 0
        if armed & BIT5:
            self.wake(t, WAKE_ACCELEROMETER)

    def int_pin(self, level: int, t: int) -> None:
        """RC1, the INT pin: with INTE set, the edge OPTION_REG's INTEDG selects wakes the PIC."""
        old, self.int_pin_level = self.int_pin_level, level
        if level == old or not self.memory[INTCON] & INTCON_INTE:
            return
        rising = bool(self.memory[OPTION_REG] & OPTION_INTEDG)
        if (level > old) == rising:
            self.memory[INTCON] |= INTCON_INTF
            self.wake(t, WAKE_INT_PIN)
