"""Quectel L76-L GNSS receiver on I2C at address 0x10 (Quectel L76-L hardware design and I2C application
note: NMEA is read from the module's output buffer; a read finds 0x0A <LF> bytes where the buffer has
no data, which Pycom's L76GNSS library strips).

The receiver powers up sending `$PMTK011,MTKGPS` and `$PMTK010,001` (start-up), then one burst of NMEA
each UTC second (`nmea.burst`). It has no fix until `ttff` after its power-up; from then on the
sentences carry the scenario's position at that second. When it loses its main supply with its
back-up supply kept (the shields keep it through a sleep when the library asks) it keeps its almanac,
ephemeris and time: if it had a fix, the next power-up is a hot start, `ttff_hot` to the fix. UTC is `utc_start` plus the virtual time.
The buffer keeps the newest 2048 bytes when the host reads too slowly (a modelling choice: the module's
buffer size is not published). A `$PMTK...*CS` command written to it is acknowledged with
`$PMTK001,<cmd>,3` (valid, done); the commands change nothing else here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..i2c_bus import I2CDevice
from . import nmea

ADDRESS = 0x10
SECOND = 1_000_000_000
BUFFER_BYTES = 2048
STARTUP = nmea.sentence("PMTK011,MTKGPS") + nmea.sentence("PMTK010,001")
EMPTY = 0x0A


class L76Gnss(I2CDevice):
    """`position(t)` -> (lat, lon, alt) or None (no signal); `ttff_ns` the time to first fix."""

    address = ADDRESS

    def __init__(
        self,
        position: Callable[[int], tuple[float, float, float] | None],
        *,
        utc_start: datetime,
        ttff_ns: int,
        ttff_hot_ns: int,
        satellites: int = 8,
        hdop: float = 1.0,
        name: str = "L76-L",
    ) -> None:
        super().__init__(name=name)
        self.position = position
        self.utc_start = utc_start
        self.ttff_ns = ttff_ns
        self.ttff_hot_ns = ttff_hot_ns
        self.hot = False  # the back-up supply kept what a hot start needs
        self.satellites = satellites
        self.hdop = hdop
        self.powered = True
        self.power_on(0)

    def power_on(self, t: int) -> None:
        self.powered_at = t
        self.first_fix_ns = self.ttff_hot_ns if self.hot else self.ttff_ns
        self.hot = False
        self.buffer = bytearray(STARTUP)
        self.next_second = t // SECOND + 1  # the first whole UTC second after power-up
        self.command = bytearray()

    def power_off(self, t: int, backup: bool = False) -> None:
        """The main supply goes; with `backup` kept, a fix it had makes the next start a hot one."""
        self.hot = backup and self.fix_at(t) is not None
        self.powered = False
        self.buffer.clear()

    def fix_at(self, t: int) -> nmea.Fix | None:
        if t - self.powered_at < self.first_fix_ns:
            return None
        where = self.position(t)
        if where is None:
            return None
        lat, lon, alt = where
        return nmea.Fix(lat, lon, alt, self.satellites, self.hdop)

    def _fill(self, t: int) -> None:
        last = t // SECOND
        if last < self.next_second:
            return
        first = max(self.next_second, last - BUFFER_BYTES // 300)  # older seconds would fall out
        for second in range(first, last + 1):
            at = second * SECOND
            self.buffer += nmea.burst(self.utc_start + timedelta(seconds=second), self.fix_at(at))
        self.next_second = last + 1
        del self.buffer[:-BUFFER_BYTES]

    def i2c_acks(self, read: bool, t: int) -> bool:
        return self.powered

    def i2c_read(self, n: int, t: int) -> bytes:
        self._fill(t)
        out = bytes(self.buffer[:n])
        del self.buffer[:n]
        return out + bytes([EMPTY]) * (n - len(out))

    def i2c_write(self, data: bytes, t: int) -> None:
        self._fill(t)
        self.command += data
        while b"\n" in self.command:
            line, _, rest = bytes(self.command).partition(b"\n")
            self.command = bytearray(rest)
            self._answer(line.strip(b"\r\x00 "))
        if len(self.command) > 256:
            self.command.clear()  # noise, not a command

    def _answer(self, line: bytes) -> None:
        text = line.decode("ascii", "replace").lstrip("\x00")
        if not text.startswith("$PMTK") or "*" not in text:
            return
        body, _, given = text[1:].partition("*")
        if given.upper() != nmea.checksum(body):
            return
        command = body[4:].split(",")[0]
        self.buffer += nmea.sentence(f"PMTK001,{command},3")
