"""The lab bench: the parts and instruments a test or a tool puts on a board's pins, and what it reads
back. `Board` inherits these helpers (board.py only assembles); each one builds a part of `sim/` on the
board's pads. A helper for a new part belongs here, next to the others."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import (
    analog,
    i2c_bus,
    part_catalogue,
    part_library,  # noqa: F401 - registers every part kind in the catalogue
    parts,
    spi_bus,
    stimuli,
)
from .run_until import run_until
from .serial_device import SerialDevice
from .trace import PinTrace

if TYPE_CHECKING:
    from ..board import Board


class Bench:
    """Parts on pins, for tests and tools: `board.button("P10")`, `board.generator("P10", 1000)`,
    `board.trace("P9")`, ..."""

    added_parts: list[Any]

    def trace(
        self: Board, pin: str, start: int | str = 0, end: int | str | None = None
    ) -> PinTrace:
        """What pad `pin` did so far: `.edges()`, `.value_at('12ms')`, `.frequency()`, ..."""
        return PinTrace(self, pin, start, end)

    def run_until(
        self: Board, condition: Any, timeout: int | str = "10s", poll: int | str = "100us"
    ) -> int:
        """Run the world until `condition()` is true (checked every `poll` of virtual time); return
        that time. TimeoutError after `timeout` of virtual time."""
        return run_until(self, condition, timeout=timeout, poll=poll)

    def button(self: Board, pin: str, **options: Any) -> parts.Button:
        """The push button on `pin` (to GND): the expansion board's for P10 when it is on, else one
        made on first use. `board.button("P10").press(at="100ms", hold="50ms")`; `bounce=False` turns
        contact bounce off."""
        return parts.button_for(self, pin, **options)

    def led(self: Board, pin: str, **options: Any) -> parts.Led:
        """The LED on `pin` (the expansion board's for P9 when it is on); `active_low=True` lights on low."""
        return parts.led_for(self, pin, **options)

    def pull(self: Board, pin: str, up: bool = True) -> parts.PullResistor:
        """An external pull resistor on `pin`, to 3V3 (`up`) or to GND."""
        return parts.PullResistor(self, pin, up=up)

    def generator(
        self: Board, pin: str, freq: float, duty: float = 0.5, **options: Any
    ) -> stimuli.SignalGenerator:
        """A square-wave generator driving `pin` (`start`, `stop`, `open_drain` as options)."""
        return stimuli.SignalGenerator(self, pin, freq=freq, duty=duty, **options)

    def levels(
        self: Board, pin: str, levels: Iterable[Any], **options: Any
    ) -> stimuli.LevelSequence:
        """Drive `pin` through timed levels: `[("0ms", 1), ("5ms", 0), ("9ms", "z")]`."""
        return stimuli.LevelSequence(self, pin, levels, **options)

    def analog(self: Board, pin: str, volts: float, **options: Any) -> analog.ConstantSource:
        """A constant voltage on `pin` (sim/analog.py): what an ADC on it reads."""
        return analog.ConstantSource(self, pin, volts, **options)

    def potentiometer(
        self: Board, pin: str, volts: float = 0.0, **options: Any
    ) -> analog.Potentiometer:
        """A voltage to turn while the run goes: `.set(volts, at=None)`, `.turn(fraction)`."""
        return analog.Potentiometer(self, pin, volts, **options)

    def waveform(self: Board, pin: str, shape: str, **options: Any) -> analog.AnalogSource:
        """An analog waveform: 'sine' or 'ramp' (`freq`, `low`, `high`), or 'steps' (`levels`)."""
        return analog.waveform(self, pin, shape, **options)

    def analog_csv(self: Board, pin: str, path: Any, **options: Any) -> analog.CsvSource:
        """Volts on `pin` from a CSV of time,volts rows, interpolated between rows."""
        return analog.CsvSource(self, pin, path, **options)

    def serial_device(self: Board, **options: Any) -> SerialDevice:
        """A serial device on this board's pins: `drive` (the board's RX), `listen` (its TX),
        `baudrate`, `bits`, `parity`, `stop` (sim/serial_device.py)."""
        return SerialDevice(self, **options)

    def attach_i2c(
        self: Board, device: i2c_bus.I2CDevice, sda: str = "P9", scl: str = "P10"
    ) -> Any:
        """Put an I2C device (sim/i2c_bus.py) on the nets of pins `sda` and `scl`: any machine.I2C
        whose pins are on those nets (wires count) talks to it. Returns the device."""
        i2c_bus.attach(self.world, device, self.pad(sda), self.pad(scl), self.name)
        return device

    def attach_spi(
        self: Board,
        device: spi_bus.SPIDevice,
        cs: str | None,
        sck: str = "P10",
        mosi: str = "P11",
        miso: str = "P14",
    ) -> Any:
        """Put an SPI device (sim/spi_bus.py) on these pins' nets (the defaults are SPI 0's default
        pins); it is selected while the `cs` net is low (`cs=None`: always). Returns the device."""
        pad = self.pad
        spi_bus.attach(
            self.world,
            device,
            cs=None if cs is None else pad(cs),
            sck=pad(sck),
            mosi=pad(mosi),
            miso=pad(miso),
            board=self.name,
        )
        return device

    def spi_transfers(self: Board) -> list[Any]:
        """The SPI transfers this board's masters made so far, as (t, SPITransfer) pairs."""
        return spi_bus.transfers(self.world, self.name)

    def i2c_transfers(self: Board, address: int | None = None) -> list[Any]:
        """The I2C transfers this board's masters made so far, as (t, I2CTransfer) pairs, optionally
        only those to `address`."""
        return i2c_bus.transfers(self.world, self.name, address)

    def add_part(self: Board, kind: str, *pins: str, **options: Any) -> Any:
        """A part from the catalogue (docs/parts.md) on `pins`: `board.add_part("dht22", "P11",
        humidity=40)`, `board.add_part("hcsr04", "P20", "P21", distance="1.5m")`."""
        part = part_catalogue.add_part(self, kind, pins, options)
        if not any(p is part for p in self.added_parts):  # a part class may list itself
            self.added_parts.append(part)
        return part

    def add_shield(self: Board, kind: str, **options: Any) -> Any:
        """A Pycom shield (docs/shields.md) on P21/P22: `board.add_shield("pysense", temperature=21.5)`,
        the same as `add_part` for pysense, pysense2, pytrack and pytrack2."""
        if kind not in ("pysense", "pysense2", "pytrack", "pytrack2"):
            raise ValueError(
                f"unknown shield {kind!r} (shields: pysense, pysense2, pytrack, pytrack2)"
            )
        return self.add_part(kind, **options)
