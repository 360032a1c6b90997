"""The ESP32's I2C masters, hardware side: transfers with the devices on the SDA/SCL nets, and the bus
levels they make on those nets.

Buses 0 and 1 are the I2C controllers (I2CEXT0/1 signals routed through the GPIO matrix, open drain
with the pads' pull-ups, as ESP-IDF's `i2c_param_config` sets them up): one SCL period per bit, 9 per
byte, one for START and one for STOP (ESP-IDF sets the START/STOP setup and hold times to half a period
each). Bus 2 is `machine_i2c.c`'s software master: the firmware toggles the pads itself with
`ets_delay_us(500000 / baudrate)` between steps, and its timing here follows that code step by step
(3 delays for START, 20 per byte, 4 for STOP).

Who answers is decided from the devices on the nets (`sim/i2c_bus.py`) when the call is made; the
levels (master SDA/SCL and each device's SDA driver) are then played as kernel events at their times, so
the trace, the VCD and sigrok's `i2c` decoder see the real waveform. `board.bus_levels = False`
(`pycomsim run --no-bus-levels`) skips the waveform; transfers, timing and the event log stay the same.
Each transfer is recorded as an event of kind 'i2c' whose detail is an `I2CTransfer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..sim import i2c_bus
from ..sim.i2c_bus import I2CAttachment, I2CNack, I2CTransfer
from .matrix import OPEN_DRAIN, PULL_UP, OutputSignal, pin_config, pin_deassign

if TYPE_CHECKING:
    from ..board import Board
    from ..firmware.pin import PinBase

# soc/gpio_sig_map.h: I2CEXT0_SDA_OUT_IDX, I2CEXT0_SCL_OUT_IDX; I2CEXT1_...
SIGNALS = {0: (30, 29), 1: (96, 95)}
SOFTWARE_BUS = 2
Setter = Callable[[int], None]


class _Cycle:
    """One call's bus activity from `t`: the master's SDA/SCL levels and the devices' SDA drivers,
    kept as (time, order, what, level) and handed to the kernel at the end. A level that does not
    change is not kept."""

    def __init__(self, t: int) -> None:
        self.t = t
        self.scl = 1  # the level the master leaves SCL at (idle: released)
        self.edges: list[tuple[int, int, object, int]] = []  # (t, order, target, level)
        self.levels: dict[object, int] = {"sda": 1, "scl": 1}  # target -> its last level
        self.devices: dict[object, int] = {}  # device SDA driver -> its level (1: released)
        self.records: list[tuple[int, I2CTransfer]] = []

    def _put(self, dt: int, target: object, level: int) -> None:
        if self.levels.get(target, 1) != level:
            self.levels[target] = level
            self.edges.append((self.t + dt, len(self.edges), target, level))

    def sda(self, dt: int, level: int) -> None:
        self._put(dt, "sda", level)

    def set_scl(self, dt: int, level: int) -> None:
        self.scl = level
        self._put(dt, "scl", level)

    def dev(self, dt: int, levels: dict[object, int]) -> None:
        """Device drivers to new levels (every other driving device lets go)."""
        for driver in set(self.devices) | set(levels):
            level = levels.get(driver, 1)
            self.devices[driver] = level
            self._put(dt, driver, level)


class _HardwareTiming:
    """The I2C controller: a bit is one SCL period (SDA changes a quarter period into the low half)."""

    def __init__(self, baudrate: int) -> None:
        self.period = max(1, round(1e9 / baudrate))

    def start(self, c: _Cycle) -> None:
        p = self.period
        h = p // 2
        if c.scl:  # from idle: SDA falls while SCL is high
            c.sda(h, 0)
            c.set_scl(p, 0)
            c.t += p
        else:  # a repeated START: release SDA, raise SCL, then SDA falls
            c.sda(p // 4, 1)
            c.dev(p // 4, {})
            c.set_scl(h, 1)
            c.sda(p, 0)
            c.set_scl(p + h, 0)
            c.t += p + h

    def bit(self, c: _Cycle, master: int, devices: dict[object, int]) -> None:
        p = self.period
        c.sda(p // 4, master)
        c.dev(p // 4, devices)
        c.set_scl(p // 2, 1)
        c.set_scl(p, 0)
        c.t += p

    def write_byte(self, c: _Cycle, value: int, ack: dict[object, int]) -> None:
        for i in range(7, -1, -1):
            self.bit(c, (value >> i) & 1, {})
        self.bit(c, 1, ack)

    def read_byte(self, c: _Cycle, bits: dict[object, int], nack: bool) -> None:
        for i in range(7, -1, -1):
            self.bit(c, 1, {d: (v >> i) & 1 for d, v in bits.items()})
        self.bit(c, 1 if nack else 0, {})

    def stop(self, c: _Cycle) -> None:
        p = self.period
        c.sda(p // 4, 0)
        c.dev(p // 4, {})
        c.set_scl(p // 2, 1)
        c.sda(p, 1)
        c.t += p


class _SoftwareTiming:
    """machine_i2c.c's bit-banged master (bus 2), delay by delay: mp_hal_i2c_start, _write_byte,
    _read_byte and _stop, with `us_delay = 500000 / baudrate` (at least 1 us)."""

    def __init__(self, baudrate: int) -> None:
        self.d = max(1, 500_000 // baudrate) * 1000

    def start(self, c: _Cycle) -> None:
        d = self.d
        c.sda(0, 1)
        c.set_scl(d, 1)
        c.sda(2 * d, 0)
        c.t += 3 * d

    def write_byte(self, c: _Cycle, value: int, ack: dict[object, int]) -> None:
        d = self.d
        c.t += d
        for i in range(7, -1, -1):
            c.set_scl(0, 0)
            c.sda(0, (value >> i) & 1)
            c.set_scl(d, 1)
            c.t += 2 * d
        c.set_scl(0, 0)
        c.sda(0, 1)
        c.dev(0, ack)
        c.set_scl(d, 1)
        c.set_scl(3 * d, 0)
        c.dev(3 * d, {})
        c.t += 3 * d

    def read_byte(self, c: _Cycle, bits: dict[object, int], nack: bool) -> None:
        d = self.d
        c.t += d
        for i in range(7, -1, -1):
            c.set_scl(0, 0)
            c.dev(0, {dv: (v >> i) & 1 for dv, v in bits.items()})
            c.set_scl(d, 1)
            c.t += 2 * d
        c.set_scl(0, 0)
        c.dev(0, {})
        if not nack:
            c.sda(2 * d, 0)
        c.set_scl(2 * d, 1)
        c.set_scl(3 * d, 0)
        c.sda(3 * d, 1)
        c.t += 3 * d

    def stop(self, c: _Cycle) -> None:
        d = self.d
        c.sda(d, 0)
        c.set_scl(2 * d, 1)
        c.sda(3 * d, 1)
        c.t += 4 * d


class I2CController:
    """One I2C master of one board: `configure(sda_pin, scl_pin, baudrate)`, then transfers. Each
    transfer method takes the start time and returns (result, end time); the firmware waits until
    the end time."""

    def __init__(self, board: Board, bus: int) -> None:
        self.board = board
        self.bus = bus
        self.sda_pin: PinBase | None = None
        self.scl_pin: PinBase | None = None
        self.timing: _HardwareTiming | _SoftwareTiming | None = None
        self.installed = False  # the ESP-IDF driver (buses 0 and 1): deleted by deinit
        self._gen = 0
        self._touched: set = set()  # device SDA drivers this master's transfers moved
        self._signals: tuple[OutputSignal, OutputSignal] | None = None
        if bus in SIGNALS:
            sda_idx, scl_idx = SIGNALS[bus]
            self._signals = (
                OutputSignal(board, sda_idx, f"I2CEXT{bus}_SDA"),
                OutputSignal(board, scl_idx, f"I2CEXT{bus}_SCL"),
            )

    # ---- configuration ----
    def configure(self, sda: PinBase | None, scl: PinBase | None, baudrate: int) -> None:
        """i2c_param_config + i2c_driver_install (buses 0, 1) or mp_hal_i2c_init (bus 2)."""
        self._gen += 1
        self.sda_pin, self.scl_pin = sda, scl
        if self._signals is None:
            self.timing = _SoftwareTiming(baudrate)
            for pin in (scl, sda):
                if pin is not None:  # GPIO_MODE_INPUT_OUTPUT_OD, pull-up, value 1
                    pin_config(pin, -1, -1, OPEN_DRAIN, PULL_UP, 1)
        else:
            self.timing = _HardwareTiming(baudrate)
            self.installed = True
            for signal, pin in zip(self._signals, (sda, scl), strict=True):
                signal.set(1, self.board.now)
                if pin is not None:
                    signal.claim(pin, pull=PULL_UP, mode=OPEN_DRAIN)

    def release(self) -> None:
        """i2c_driver_delete + i2c_deassign_pins_af: the pads go back to the GPIO latch (value 1,
        pull-up off); the software bus keeps its pads."""
        self._gen += 1
        self.installed = False
        if self._signals is not None:
            for signal in self._signals:
                signal.release_all()
            for pin in (self.sda_pin, self.scl_pin):
                if pin is not None:
                    pin_deassign(pin)
            self.sda_pin = self.scl_pin = None

    def reset(self) -> None:
        """A reboot: scheduled levels are dropped and the signals let go (the boot resets the pads);
        a device cut off in the middle of a byte lets SDA go."""
        self._gen += 1
        for driver in self._touched:
            i2c_bus.drive_line(driver, 1, self.board.kernel.now)
        self._touched.clear()
        self.installed = False
        if self._signals is not None:
            for signal in self._signals:
                signal.release_all()
        self.sda_pin = self.scl_pin = None
        self.timing = None

    # ---- who is on the bus ----
    def _devices(self) -> list[I2CAttachment]:
        if self.sda_pin is None or self.scl_pin is None:
            return []
        return i2c_bus.devices_on(self.board.world, self.sda_pin._pad, self.scl_pin._pad)

    @property
    def ready(self) -> bool:
        """The hardware driver is installed (software bus: always, once configured)."""
        return self.timing is not None and (self._signals is None or self.installed)

    # ---- transfers: a list of steps, each a (kind, ...) tuple ----
    def run(self, t: int, steps: list[tuple]) -> tuple[bool, bytes, int]:
        """Play `steps` from time `t`: ('start',), ('addr', address, read), ('write', data),
        ('read', n), ('stop',). A NACK ends the steps with a STOP. Returns (all acknowledged,
        the bytes read, the end time)."""
        timing = self.timing
        assert timing is not None
        c = _Cycle(t)
        items = self._devices()
        chosen: list[I2CAttachment] = []
        read_out = bytearray()
        transfer: list | None = None  # [t, address, read, data, ack, nack_at]
        ok = True
        t_start = t  # when the current transfer's START began

        def close(stopped: bool) -> None:
            nonlocal transfer
            if transfer is not None:
                c.records.append((transfer[0], I2CTransfer(self.bus, *transfer[1:])))
                if stopped:
                    for a in chosen:
                        a.device.i2c_stop(c.t)
            transfer = None

        for step in steps:
            kind = step[0]
            if kind == "start":
                close(False)
                t_start = c.t
                timing.start(c)
            elif kind == "addr":
                address, read = step[1], step[2]
                chosen = [
                    a
                    for a in i2c_bus.at_address(items, address)
                    if a.device.i2c_acks(read, t_start)
                ]
                byte = (address << 1 | read) & 0xFF
                timing.write_byte(c, byte, {a.sda: 0 for a in chosen})
                transfer = [t_start, address, bool(read), b"", bool(chosen), None]
                if not chosen:
                    ok = False
                    break
            elif kind == "write":
                data = bytes(step[1])
                nack_at = None
                for a in chosen:
                    try:
                        a.device.i2c_write(data, transfer[0])  # type: ignore[index]
                    except I2CNack as nack:
                        index = max(0, nack.index)
                        nack_at = index if nack_at is None else min(nack_at, index)
                sent = data if nack_at is None else data[: nack_at + 1]
                for i, value in enumerate(sent):
                    acking = {} if i == nack_at else {a.sda: 0 for a in chosen}
                    timing.write_byte(c, value, acking)
                transfer[3] = sent  # type: ignore[index]
                transfer[5] = nack_at  # type: ignore[index]
                if nack_at is not None:
                    ok = False
                    break
            elif kind == "read":
                n = step[1]
                answers = {}
                for a in chosen if n else ():
                    got = bytes(a.device.i2c_read(n, transfer[0]))[:n]  # type: ignore[index]
                    answers[a.sda] = got + b"\xff" * (n - len(got))
                for i in range(n):
                    bits = {d: v[i] for d, v in answers.items()}
                    value = 0xFF
                    for v in bits.values():
                        value &= v  # wired-AND of every device driving the line
                    read_out.append(value)
                    timing.read_byte(c, bits, nack=i == n - 1)
                transfer[3] = bytes(read_out)  # type: ignore[index]
            elif kind == "read_dummy":  # ESP-IDF reads one byte (NACK) even for an empty buffer
                for a in chosen:
                    a.device.i2c_read(1, transfer[0])  # type: ignore[index]
                timing.read_byte(c, {}, nack=True)
            elif kind == "stop":
                timing.stop(c)
                close(True)
        if not ok:
            timing.stop(c)
            close(True)
        elif transfer is not None:
            close(False)  # writeto(stop=False): the bus stays taken, no STOP
        self._play(c)
        return ok, bytes(read_out), c.t

    # ---- the levels and the event log, as kernel events ----
    def _play(self, c: _Cycle) -> None:
        board = self.board
        kernel = board.kernel
        gen = self._gen
        name = board.name
        recorder = board.world.recorder
        for t, transfer in c.records:
            kernel.schedule(t, self._record, (gen, recorder, name, transfer))
        if not getattr(board, "bus_levels", True) or self.sda_pin is None or self.scl_pin is None:
            return
        # one kernel event per instant, all queued now: they come before the caller's own wake-up at
        # the end of the call, so a run that stops when the board is idle has played every level
        edges = sorted(c.edges, key=lambda e: (e[0], e[1]))
        start = 0
        for i in range(1, len(edges) + 1):
            if i == len(edges) or edges[i][0] != edges[start][0]:
                kernel.schedule(edges[start][0], self._step, (gen, edges[start:i]))
                start = i

    def _record(self, arg: tuple) -> None:
        _gen, recorder, name, transfer = arg  # what happened is logged even if a reset followed
        recorder.event(self.board.kernel.now, name, "i2c", transfer)

    def _step(self, arg: tuple) -> None:
        """Play the levels of one instant."""
        gen, edges = arg
        if gen != self._gen:
            return
        t = self.board.kernel.now
        for _t, _order, target, level in edges:
            if target == "sda" or target == "scl":
                self._master_level(target, level, t)
            else:
                self._touched.add(target)
                i2c_bus.drive_line(target, level, t)  # a device's SDA: open drain

    def _master_level(self, line: str, level: int, t: int) -> None:
        if self._signals is not None:
            self._signals[0 if line == "sda" else 1].set(level, t)
            return
        pin = self.sda_pin if line == "sda" else self.scl_pin
        if pin is None:
            return
        pin._latch = level  # mp_hal_i2c_sda_low/_release: the Pin's value, then the pad
        pin._pad.write(level, t)
