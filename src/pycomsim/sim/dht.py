"""DHT11 and DHT22 (AM2302) humidity and temperature sensors on one open-drain data line.

Sources: Aosong, "Temperature and humidity module DHT11 Product Manual" and Aosong, "Digital-output
relative humidity & temperature sensor/module AM2302 (DHT22)" (both www.aosong.com). What they say and
what this part does:

- The line idles high through a pull-up (the module's own, `pullup=True`, or one the board adds). The
  sensor only ever pulls the line low or lets it go (open drain).
- The host starts a read by holding the line low: at least 18 ms for the DHT11, at least 0.8 ms
  (typically 1 ms) for the DHT22 (its T_be). A shorter low is ignored. When the host lets go, the
  sensor answers after ~30 us (T_go, 20-40 us DHT11, 20-200 us DHT22): 80 us low, 80 us high
  (T_rel, T_reh), then 40 bits, MSB first. Each bit is 50 us low (T_low) and then high for 26 us
  (a 0, T_h0 26-28 us) or 70 us (a 1, T_h1). After the last bit the sensor holds the line low 50 us
  (T_en) and lets go.
- Data: humidity (16 bits), temperature (16 bits), checksum = the low 8 bits of the sum of the four
  data bytes. DHT11: integral RH, decimal RH (0), integral T, decimal T (0), so whole units only.
  DHT22: RH x 10 and T x 10, the top bit of the temperature set when it is below 0 degC.
- Both datasheets: "the host always reads the previous measurement": the sensor measures after it has
  sent its data (and once when powered). So the first read after a change returns the old value; the
  second one returns the new value.
- Power-on: no command for the first 1 s (DHT11) / 2 s (DHT22) while the sensor settles. Reads less
  than 1 s (DHT11) / 2 s (DHT22) apart: the AM2302 datasheet says they "may cause ... communication
  is unsuccessful"; here a start signal that comes too soon gets no answer at all (the sensor is
  still measuring), and the host's read times out. Both cases are in the event log ("busy").

The values are Quantities (sim/quantity.py): a constant, a time series, a seeded walk, or set from
Python and the web UI (`sensor.humidity.set(55)`). Values outside the sensor's range saturate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .net import EXT_HI, LOW, OFF, STRONG_LO, Driver
from .part_catalogue import register_part
from .quantity import Quantity, as_quantity, option_value

if TYPE_CHECKING:
    from ..board import Board

US = 1_000
MS = 1_000_000
S = 1_000_000_000

IDLE, ANSWERING = 0, 1


class DhtSensor:
    """The DHT protocol; subclasses give the timing and data format of one model."""

    kind = "dht"
    start_low_min_ns = 18 * MS
    settle_ns = 1 * S  # after power-on: no answer
    min_interval_ns = 1 * S  # after a read: no answer
    humidity_range = (20.0, 90.0)
    temperature_range = (0.0, 50.0)
    # the sensor's answer (the same in both datasheets)
    answer_delay_ns = 30 * US  # T_go: from the host letting go to the response
    response_low_ns = 80 * US
    response_high_ns = 80 * US
    bit_low_ns = 50 * US
    bit0_high_ns = 26 * US
    bit1_high_ns = 70 * US
    end_low_ns = 50 * US

    def __init__(
        self,
        board: Board,
        pin: str,
        *,
        humidity: Any = 50.0,
        temperature: Any = 21.0,
        pullup: bool = True,
        name: str | None = None,
    ) -> None:
        self.board = board
        self.pad = board.pad(pin)
        self.name = name or f"{self.kind} on {self.pad.name}"
        clock = board.scheduler.time_now
        self.humidity: Quantity = as_quantity(
            option_value(humidity, "humidity"), name="humidity", unit="%", seed=board.seed,
            limits=(0.0, 100.0),
        ).bind(clock)  # fmt: skip
        self.temperature: Quantity = as_quantity(
            option_value(temperature, "temperature"), name="temperature", unit="°C",
            seed=board.seed, limits=(-40.0, 125.0),
        ).bind(clock)  # fmt: skip
        self.driver = Driver(f"{board.name}.{self.pad.name} {self.name}")
        board.world.attach(self.pad, self.driver, OFF)
        self.pullup: Driver | None = None
        if pullup:
            self.pullup = Driver(f"{board.name}.{self.pad.name} {self.name} pull-up")
            board.world.attach(self.pad, self.pullup, EXT_HI)
        now = board.kernel.now
        self.state = IDLE
        self.busy_until = now + self.settle_ns
        # the measurement a read sends: taken once settled after power-on, then after each read
        self.measured_at = now + self.settle_ns
        self.reads = 0
        self._low_since: int | None = None
        self.unwatch = self.pad.watch(self._line)
        board.added_parts.append(self)  # the web UI's fields, made with add_part or not

    # ---- the line ----
    def _line(self, old: int, new: int, t: int) -> None:
        if self.state != IDLE:
            return  # the sensor's own answer
        if new == LOW:
            self._low_since = t
            return
        if self._low_since is None:
            return
        low_ns, self._low_since = t - self._low_since, None
        if low_ns < self.start_low_min_ns:
            return  # not a start signal: too short for this sensor
        if t < self.busy_until:
            self._event(t, "busy", "read too soon: no answer")
            return
        self._answer(t)

    def _answer(self, released: int) -> None:
        """The response and the 40 bits, as kernel events from the host's release at `released`."""
        self.state = ANSWERING
        data = self.frame(self.measured_at)
        t = released + self.answer_delay_ns
        edges = [(t, STRONG_LO), (t + self.response_low_ns, OFF)]
        t += self.response_low_ns + self.response_high_ns
        for byte in data:
            for bit in range(7, -1, -1):
                edges.append((t, STRONG_LO))
                t += self.bit_low_ns
                edges.append((t, OFF))
                t += self.bit1_high_ns if byte >> bit & 1 else self.bit0_high_ns
        edges.append((t, STRONG_LO))
        edges.append((t + self.end_low_ns, OFF))
        kernel = self.board.kernel
        for when, code in edges:
            kernel.schedule(when, self._drive, code)
        kernel.schedule(t + self.end_low_ns, self._done)
        self._event(released, "read", self.decode(data))

    def _drive(self, code: int) -> None:
        self.driver.set(code, self.board.kernel.now)

    def _done(self, _: Any) -> None:
        t = self.board.kernel.now
        self.state = IDLE
        self.reads += 1
        self.measured_at = t  # it measures now, after sending (the next read sends this)
        self.busy_until = t + self.min_interval_ns

    def _event(self, t: int, what: str, detail: Any) -> None:
        self.board.world.recorder.event(t, self.board.name, self.kind, (self.name, what, detail))

    # ---- the data ----
    def values_at(self, t: int) -> tuple[float, float]:
        """(humidity, temperature) the sensor measures at `t`, saturated to its range."""
        h = min(max(self.humidity.at(t), self.humidity_range[0]), self.humidity_range[1])
        c = min(max(self.temperature.at(t), self.temperature_range[0]), self.temperature_range[1])
        return h, c

    def frame(self, t: int) -> bytes:
        """The 5 bytes a read sends for the measurement taken at `t`: four data bytes, checksum."""
        data = self.encode(*self.values_at(t))
        return bytes([*data, sum(data) & 0xFF])

    def encode(self, humidity: float, temperature: float) -> bytes:
        raise NotImplementedError

    def decode(self, frame: bytes) -> tuple[float, float]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.board.name}.{self.pad.name}>"


class Dht11(DhtSensor):
    """DHT11: whole %RH and degC, 20-90 %RH and 0-50 degC, start low >= 18 ms, reads >= 1 s apart."""

    kind = "dht11"

    def encode(self, humidity: float, temperature: float) -> bytes:
        return bytes([round(humidity), 0, round(temperature), 0])

    def decode(self, frame: bytes) -> tuple[float, float]:
        return float(frame[0]), float(frame[2])


class Dht22(DhtSensor):
    """DHT22 / AM2302: tenths of %RH and degC, 0-100 %RH and -40-80 degC, start low >= 0.8 ms,
    reads >= 2 s apart."""

    kind = "dht22"
    start_low_min_ns = 800 * US
    settle_ns = 2 * S
    min_interval_ns = 2 * S
    humidity_range = (0.0, 100.0)
    temperature_range = (-40.0, 80.0)

    def encode(self, humidity: float, temperature: float) -> bytes:
        h = round(humidity * 10)
        c = round(abs(temperature) * 10) | (0x8000 if temperature < 0 else 0)
        return bytes([h >> 8, h & 0xFF, c >> 8, c & 0xFF])

    def decode(self, frame: bytes) -> tuple[float, float]:
        c = (frame[2] & 0x7F) << 8 | frame[3]
        return (frame[0] << 8 | frame[1]) / 10, (-c if frame[2] & 0x80 else c) / 10


def option_bool(value: Any, name: str) -> bool:
    """true/false from Python or TOML, or 'true'/'false'/'1'/'0'/'yes'/'no' from the command line."""
    if isinstance(value, bool):
        return value
    words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    raise ValueError(f"bad {name} {value!r}: expected true or false")


def _factory(cls: type[DhtSensor]) -> Any:
    def make(board: Board, pins: list[str], options: dict[str, Any]) -> DhtSensor:
        if "pullup" in options:
            options = {**options, "pullup": option_bool(options["pullup"], "pullup")}
        return cls(board, pins[0], **options)

    make.__name__ = f"make_{cls.kind}"
    return make


_OPTIONS = {
    "humidity": "relative humidity in %: a number, a series or a walk (default 50)",
    "temperature": "temperature in °C: a number, a series or a walk (default 21)",
    "pullup": "the module's pull-up on the data line (default true; false: the board must pull up)",
    "name": "the name in the event log and the web UI (default 'KIND on PIN')",
}
make_dht11 = _factory(Dht11)
make_dht22 = _factory(Dht22)
register_part(
    "dht11",
    make_dht11,
    pins=("data",),
    options=_OPTIONS,
    datasheet="Aosong DHT11 Product Manual: start low >= 18 ms, response 80 us + 80 us, bits 50 us "
    "low + 26-28 us (0) / 70 us (1) high; whole %RH and degC; 1 s settling, reads >= 1 s apart",
    summary="humidity and temperature, whole units, on one open-drain line",
)
register_part(
    "dht22",
    make_dht22,
    pins=("data",),
    options=_OPTIONS,
    datasheet="Aosong AM2302 (DHT22) datasheet: start low >= 0.8 ms (T_be), response 80 us + 80 us, "
    "bits 50 us low + 26-28 us (0) / 70 us (1) high; tenths, sign bit; reads >= 2 s apart",
    summary="humidity and temperature in tenths (AM2302), on one open-drain line",
)
