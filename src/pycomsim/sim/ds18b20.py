"""The Maxim DS18B20 1-Wire digital thermometer, at pin level: `DS18B20(board, "P10", temperature=21.5)`.

Everything here follows the Maxim DS18B20 datasheet (19-7487 Rev 6), section by section:

- 64-bit ROM code (Figure 5): family code 28h, a 48-bit serial number, CRC-8 of the first 7 bytes.
  Each sensor draws its serial from the board's seed, its pin and how many DS18B20s that pin already
  has, so a run with the same seed finds the same ROM codes; `rom=` sets one.
- ROM commands: SEARCH ROM F0h (each bit and its complement, then the master's choice; a device
  whose bit differs drops out until the next reset), READ ROM 33h, MATCH ROM 55h, SKIP ROM CCh,
  ALARM SEARCH ECh (only devices whose alarm flag is set take part).
- Function commands: CONVERT T 44h, WRITE SCRATCHPAD 4Eh (TH, TL, configuration), READ SCRATCHPAD BEh
  (9 bytes, the last the CRC of the other 8), COPY SCRATCHPAD 48h, RECALL E2 B8h, READ POWER SUPPLY B4h.
- Scratchpad (Figure 7) at power-up: temperature 85 degC (0550h), TH, TL and the configuration from the
  EEPROM, bytes 5-7 FFh, 0Ch, 10h. The factory EEPROM is TH 4Bh, TL 46h, configuration 7Fh (12 bits).
- Conversion time (tCONV max): 93.75 / 187.5 / 375 / 750 ms for 9 / 10 / 11 / 12 bits. While an
  externally powered sensor converts, read slots give 0; when it is done, 1. The value is the
  temperature at the end of the conversion, rounded to the resolution (bits below it read 0),
  limited to the sensor's -55..+125 degC. The alarm flag is set when the integer part (bits 11-4) is
  >= TH or <= TL.
- COPY SCRATCHPAD writes TH, TL and the configuration to the EEPROM (tWR max 10 ms); RECALL E2 copies
  them back at once (read slots after it give 1: recall done).

Parasite power (`parasite=True`, VDD tied to GND): READ POWER SUPPLY answers 0, and during CONVERT T and
COPY SCRATCHPAD the device draws its current from the data line. The datasheet asks the master to
"enable a strong pullup on the 1-Wire bus ... within 10 us (max) after" the command and to keep it for
tCONV (10 ms for a copy). The part holds the master to that: from 10 us after the end of the command's
last time slot until the operation ends, the line must be driven high by a push-pull output (on a Pycom
board `Pin.OUT` with value 1), not merely pulled up by a resistor. If it is not, the device browns out:
it forgets the transaction and comes back with its power-up scratchpad, so the master reads 85 degC
(the familiar symptom of a parasite sensor without a strong pull-up), and a COPY leaves the EEPROM as it
was. Ending the command's last slot by switching the pin to `Pin.OUT` with value 1 meets the 10 us.

The data line needs a pull-up: the datasheet's circuits have a 4.7 kOhm resistor to VPU. The part adds
one to the net (`pullup=True`, the default) unless the net has an external pull-up already (the
expansion board's on P10). Several DS18B20s on one pin share the bus, each answering as itself.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING, Any

from .net import EXT_HI, HIGH, STRONG_HI, Driver
from .onewire_slave import RECV, OneWireSlave, Send, Session, bits_of, crc8
from .part_catalogue import register_part
from .quantity import Quantity, as_quantity, option_value

if TYPE_CHECKING:
    from ..board import Board

FAMILY_CODE = 0x28
# ROM commands
SEARCH_ROM, READ_ROM, MATCH_ROM, SKIP_ROM, ALARM_SEARCH = 0xF0, 0x33, 0x55, 0xCC, 0xEC
# function commands
CONVERT_T, WRITE_SCRATCHPAD, READ_SCRATCHPAD = 0x44, 0x4E, 0xBE
COPY_SCRATCHPAD, RECALL_E2, READ_POWER_SUPPLY = 0x48, 0xB8, 0xB4

MS = 1_000_000
US = 1_000
CONVERSION_NS = {9: 93_750_000, 10: 187_500_000, 11: 375_000_000, 12: 750_000_000}  # tCONV max
COPY_NS = 10 * MS  # tWR max
STRONG_PULLUP_GRACE_NS = 10 * US  # "within 10 us (max) after this command is issued"
LAST_SLOT_END_NS = 120 * US  # a slot's low lasts at most 120 us: the command has ended by then
POWER_ON_RAW = 0x0550  # +85 degC
FACTORY_EEPROM = (0x4B, 0x46, 0x7F)  # TH, TL, configuration as the sensors ship
RESERVED = (0xFF, 0x0C, 0x10)  # scratchpad bytes 5, 6, 7
MIN_C, MAX_C = -55.0, 125.0
DEFAULT_TEMPERATURE = 20.0


def config_byte(resolution: int) -> int:
    """The configuration register for a resolution: 0 R1 R0 1 1 1 1 1 (Table 2)."""
    return (resolution - 9) << 5 | 0x1F


def resolution_of(config: int) -> int:
    return 9 + (config >> 5 & 3)


def quantise(celsius: float, resolution: int) -> int:
    """The temperature register (16-bit two's complement, 1/16 degC) for `celsius` at `resolution`
    bits: rounded to the resolution's step, the bits below it 0, limited to -55..+125 degC."""
    c = min(max(celsius, MIN_C), MAX_C)
    shift = 12 - resolution
    steps = math.floor(c * 16 / (1 << shift) + 0.5)
    return (steps << shift) & 0xFFFF


def celsius_of(raw: int) -> float:
    """What a temperature register reads as, in degC."""
    return (raw - 0x10000 if raw & 0x8000 else raw) / 16


def _signed8(value: int) -> int:
    return value - 256 if value & 0x80 else value


def make_rom(serial: int) -> bytes:
    """The 8 ROM bytes in the order they go on the bus: family code, serial LSB first, CRC."""
    body = bytes([FAMILY_CODE]) + serial.to_bytes(6, "little")
    return body + bytes([crc8(body)])


def parse_rom(value: Any) -> bytes:
    """`rom=`: 16 hex digits, the 8 bytes in bus order (family 28h first, CRC last; ':', '-' or spaces
    may separate them), or 12 hex digits, the 48-bit serial number as a number (the CRC is computed).
    ValueError names a bad one."""
    if isinstance(value, (bytes, bytearray)) and len(value) == 8:
        rom = bytes(value)
    elif isinstance(value, str):
        digits = "".join(ch for ch in value if ch not in ":- ").lower()
        if digits.startswith("0x"):
            digits = digits[2:]
        if len(digits) not in (12, 16) or any(ch not in "0123456789abcdef" for ch in digits):
            raise ValueError(
                f"bad ds18b20 rom {value!r}: expected 16 hex digits (8 bytes, family 28 first) "
                "or 12 (the 48-bit serial)"
            )
        if len(digits) == 12:
            return make_rom(int(digits, 16))
        rom = bytes.fromhex(digits)
    else:
        raise ValueError(f"bad ds18b20 rom {value!r}: expected a string of hex digits")
    if rom[0] != FAMILY_CODE:
        raise ValueError(
            f"bad ds18b20 rom {value!r}: the family code (first byte) is 28, not {rom[0]:02x}"
        )
    if crc8(rom[:7]) != rom[7]:
        raise ValueError(
            f"bad ds18b20 rom {value!r}: its CRC byte is {rom[7]:02x}, the first 7 bytes give "
            f"{crc8(rom[:7]):02x}"
        )
    return rom


def parse_resolution(value: Any) -> int:
    text = str(value).strip().lower().removesuffix("bit").removesuffix("-").strip()
    if isinstance(value, bool) or text not in ("9", "10", "11", "12"):
        raise ValueError(f"bad ds18b20 resolution {value!r}: expected 9, 10, 11 or 12 (bits)")
    return int(text)


def parse_flag(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"bad ds18b20 {what} {value!r}: expected true or false")


def _serial_for(board: Board, pin: str, index: int) -> int:
    # random.Random of a str seeds through SHA-512: the same board, pin and index give the same serial
    rng = random.Random(f"ds18b20 {board.seed} {board.name} {pin} {index}")
    return rng.getrandbits(48)


class DS18B20:
    """A DS18B20 on the 1-Wire bus at `pin` (see the module docstring). `temperature` is a Quantity
    spec (a number, a time series, a walk; `sensor.temperature.set(30)` from Python). `rom`, `resolution`
    (what its EEPROM holds at power-up), `parasite` and `pullup` are as in the module docstring."""

    kind = "ds18b20"

    def __init__(
        self,
        board: Board,
        pin: str,
        *,
        temperature: Any = DEFAULT_TEMPERATURE,
        rom: Any = None,
        resolution: Any = 12,
        parasite: Any = False,
        pullup: Any = True,
    ) -> None:
        self.board = board
        self.kernel = board.kernel
        pad = board.pad(pin)
        sensors = _sensors(board).setdefault(pad.name, [])
        self.rom = (
            parse_rom(rom)
            if rom is not None
            else make_rom(_serial_for(board, pad.name, len(sensors)))
        )
        self.name = "ds18b20 " + self.rom_name
        self.parasite = parse_flag(parasite, "parasite")
        self.temperature: Quantity = as_quantity(
            option_value(temperature, "temperature"),
            name="temperature",
            unit="°C",
            seed=_quantity_seed(self.rom),
            limits=(MIN_C, MAX_C),
        ).bind(board.scheduler.time_now)
        self.eeprom = [
            FACTORY_EEPROM[0],
            FACTORY_EEPROM[1],
            config_byte(parse_resolution(resolution)),
        ]
        if parse_flag(pullup, "pullup") and not any(d.code == EXT_HI for d in pad.net.drivers):
            self.pullup: Driver | None = Driver(f"{board.name}.{pad.name} 1-Wire 4.7k pull-up")
            board.world.attach(pad, self.pullup, EXT_HI)
        else:
            self.pullup = None
        self.conversions = 0  # finished temperature conversions
        self.brownouts = 0  # parasite operations that lacked the strong pull-up
        self.commands: list[tuple[int, int]] = []  # (t, command byte) as the device received them
        self._operation = 0  # bumped to cancel a pending conversion or copy
        # parasite power: the strong pull-up is needed from _power_deadline until _power_until
        # (-1: no operation), watched (_power_watch) once the deadline has passed
        self._power_until = -1
        self._power_deadline = -1
        self._power_watch = False
        self._power_on()
        self.slave = OneWireSlave(
            board, pad.name, name=self.name, session=self._session, log=self._log
        )
        self.slave.net.watchers.append(self._line_changed)
        self.slave.net.drive_watchers.append(self._drive_changed)
        sensors.append(self)

    # ---- state ----
    def _power_on(self) -> None:
        """The power-up state: 85 degC, TH/TL/configuration recalled from the EEPROM, no alarm."""
        self.raw = POWER_ON_RAW
        self.th, self.tl, self.config = self.eeprom
        self.alarm = False
        self.busy_until = 0  # the end of a conversion or copy in progress
        self._operation += 1  # a pending conversion or copy is lost
        self._operation_over()

    @property
    def resolution(self) -> int:
        return resolution_of(self.config)

    @property
    def rom_name(self) -> str:
        """'28-0000055f8a2b': the family code and the serial number, as Linux's w1 driver names it."""
        return f"28-{int.from_bytes(self.rom[1:7], 'little'):012x}"

    @property
    def celsius(self) -> float:
        """What the temperature register holds now, in degC (85.0 until the first conversion)."""
        return celsius_of(self.raw)

    def scratchpad(self) -> bytes:
        """The 9 scratchpad bytes as READ SCRATCHPAD sends them, CRC last."""
        body = bytes([self.raw & 0xFF, self.raw >> 8, self.th, self.tl, self.config, *RESERVED])
        return body + bytes([crc8(body)])

    # ---- the protocol (runs in the slave's time slots) ----
    def _session(self) -> Session:
        command = yield from self._recv_byte()
        if command == READ_ROM:
            yield from self._send_bytes(self.rom)
        elif command == MATCH_ROM:
            for bit in bits_of(self.rom):
                if (yield RECV) != bit:
                    return  # another device's ROM: wait for the next reset
        elif command in (SEARCH_ROM, ALARM_SEARCH):
            if command == ALARM_SEARCH and not self.alarm:
                return
            for bit in bits_of(self.rom):
                yield Send(bit)
                yield Send(bit ^ 1)
                if (yield RECV) != bit:
                    return  # the master went the other way: out until the next reset
            return  # after a search the master starts over with a reset
        elif command != SKIP_ROM:
            return  # not a ROM command: the device waits for a reset
        yield from self._function()

    def _function(self) -> Session:
        command = yield from self._recv_byte()
        now = self.slave.t
        if command == CONVERT_T:
            self._start(now, CONVERSION_NS[self.resolution], self._conversion_done)
            while True:
                yield Send(self._done_bit)
        elif command == READ_SCRATCHPAD:
            yield from self._send_bytes(self.scratchpad())
        elif command == WRITE_SCRATCHPAD:
            self.th = yield from self._recv_byte()
            self.tl = yield from self._recv_byte()
            config = yield from self._recv_byte()
            self.config = config & 0x60 | 0x1F  # only R1 R0 are writable
        elif command == COPY_SCRATCHPAD:
            self._start(now, COPY_NS, self._copy_done)
        elif command == RECALL_E2:
            self.th, self.tl, self.config = self.eeprom
            while True:
                yield Send(1)  # recall done
        elif command == READ_POWER_SUPPLY:
            while True:
                yield Send(0 if self.parasite else 1)

    def _recv_byte(self) -> Session:
        value = 0
        for i in range(8):
            value |= (yield RECV) << i  # type: ignore[operator]
        self.commands.append((self.slave.t, value))
        return value  # type: ignore[return-value]

    def _send_bytes(self, data: bytes) -> Session:
        for bit in bits_of(data):
            yield Send(bit)

    def _done_bit(self, t: int) -> int:
        return 0 if t < self.busy_until else 1

    # ---- conversions and copies ----
    def _start(self, now: int, duration: int, done: Any) -> None:
        self._operation += 1
        self.busy_until = now + duration
        self.kernel.schedule(self.busy_until, done, self._operation)
        if not self.parasite:
            return
        # The strong pull-up must be on 10 us after the command's last slot ends (its rising edge, or
        # 120 us after its falling edge at the latest) and stay on until the operation ends.
        slave = self.slave
        deadline = slave.slot_fall + LAST_SLOT_END_NS + STRONG_PULLUP_GRACE_NS
        if slave.net.level == HIGH and slave.last_rise >= slave.slot_fall:
            deadline = min(deadline, slave.last_rise + STRONG_PULLUP_GRACE_NS)
        self._power_until = self.busy_until
        self._power_watch = False
        self._power_deadline = deadline
        self.kernel.schedule(deadline, self._power_check, self._operation)

    def _power_check(self, operation: int) -> None:
        if operation != self._operation or self._power_watch:
            return
        if self.kernel.now != self._power_deadline:
            return  # an earlier rising edge moved the deadline
        self._power_watch = True
        self._check_power(self.kernel.now)

    def _powered(self) -> bool:
        net = self.slave.net
        return net.level == HIGH and net.counts[STRONG_HI] > 0

    def _check_power(self, t: int) -> None:
        if t < self._power_until and not self._powered():
            self._brownout(t)

    def _line_changed(self, old: int, new: int, t: int) -> None:
        if self._power_until < 0:
            return
        if self._power_watch:
            self._check_power(t)
        elif new == HIGH and t + STRONG_PULLUP_GRACE_NS < self._power_deadline:
            self._power_deadline = t + STRONG_PULLUP_GRACE_NS  # the command's last slot ended
            self.kernel.schedule(self._power_deadline, self._power_check, self._operation)

    def _drive_changed(self, t: int) -> None:
        if self._power_watch:
            self._check_power(t)

    def _operation_over(self) -> None:
        self._power_until = -1
        self._power_watch = False

    def _brownout(self, t: int) -> None:
        self.brownouts += 1
        self._log(t, "brown-out", "no strong pull-up on the line (parasite power)")
        self._power_on()
        self.slave.drop(t)

    def _conversion_done(self, operation: int) -> None:
        if operation != self._operation:
            return
        self._operation_over()
        t = self.kernel.now
        self.raw = quantise(self.temperature.at(t), self.resolution)
        whole = celsius_of(self.raw) // 1  # bits 11-4
        self.alarm = whole >= _signed8(self.th) or whole <= _signed8(self.tl)
        self.conversions += 1
        self._log(t, "conversion", f"{self.celsius:g} °C")

    def _copy_done(self, operation: int) -> None:
        if operation != self._operation:
            return
        self._operation_over()
        self.eeprom = [self.th, self.tl, self.config]

    def _log(self, t: int, what: str, text: str) -> None:
        """An event of kind 'ds18b20' (name, what, text): conversions, brown-outs, timing violations."""
        self.board.world.recorder.event(t, self.board.name, self.kind, (self.name, what, text))

    def __repr__(self) -> str:
        return f"<DS18B20 {self.rom_name} on {self.slave.driver.name.split()[0]}>"


def _sensors(board: Board) -> dict[str, list[DS18B20]]:
    found = board.__dict__.get("_ds18b20s")
    if found is None:
        found = board.__dict__["_ds18b20s"] = {}
    return found


def _quantity_seed(rom: bytes) -> int:
    return int.from_bytes(rom[1:7], "little")


OPTIONS = {
    "temperature": "degC it reads: a number, a series [[time, value], ...] or {walk = {...}} "
    f"(default {DEFAULT_TEMPERATURE:g}; -55..125)",
    "rom": "its 64-bit ROM code: 16 hex digits in bus order (28 ... CRC), or the 12-digit serial "
    "(default: drawn from the seed, distinct per sensor)",
    "resolution": "9, 10, 11 or 12 bits in its EEPROM at power-up (default 12: 750 ms conversions)",
    "parasite": "true: powered from the data line (VDD to GND); conversions need a strong pull-up "
    "(Pin.OUT high) or read 85 degC (default false)",
    "pullup": "false: no 4.7 kOhm pull-up resistor on the line (default true, unless the net "
    "has one)",
}


def make_ds18b20(board: Board, pins: list[str], options: dict[str, Any]) -> DS18B20:
    """The catalogue's factory: `--part ds18b20@P10[:temperature=...]`, `[[part]]`, `board.add_part`."""
    return DS18B20(board, pins[0], **options)


register_part(
    "ds18b20",
    make_ds18b20,
    pins=("data",),
    options=OPTIONS,
    datasheet="Maxim DS18B20 Programmable Resolution 1-Wire Digital Thermometer, 19-7487 Rev 6: "
    "1-Wire signaling (reset/presence, time slots), ROM and function commands, tCONV by resolution, "
    "parasite power, CRC (application note 27)",
    summary="1-Wire digital thermometer; several on one pin share the bus",
)
