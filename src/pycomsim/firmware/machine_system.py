"""The rest of `machine` (`esp32/mods/modmachine.c`, `esp32/util/random.c`, `extmod/machine_mem.c`):
rng, temperature, light sleep, remaining_sleep_time, info, main, mem8/16/32, flash_encrypt, secure_boot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenlet import getcurrent

from .. import exc

if TYPE_CHECKING:
    from ..board import Board

MASK32 = 0xFFFFFFFF
LFSR_TAPS = 0x00E10000  # random.c lfsr
TSENS_DELAY_NS = 105_000  # machine_temperature: ets_delay_us(100) + ets_delay_us(5), busy


# ---- rng (esp32/util/random.c) ----
def rng_seed(mac: bytes, rtc_us: int) -> int:
    """rng_init0: the 48-bit MAC flattened to 24 bits, plus the RTC's microseconds; never 0."""
    b = bytearray(mac[:6])
    b[0] ^= b[4]  # juggler.id16[0] ^= juggler.id16[2] (little-endian halves)
    b[1] ^= b[5]
    b[0] ^= b[3]  # then id8[0..2] ^= id8[3..5]
    b[1] ^= b[4]
    b[2] ^= b[5]
    seed = (int.from_bytes(bytes(b[:4]), "little") & 0x00FFFFFF) + (rtc_us & MASK32)
    seed &= MASK32
    return seed or 1


def lfsr(value: int) -> int:
    return (value >> 1) ^ (-(value & 1) & LFSR_TAPS) & MASK32


# ---- temperature ----
def tsens_reading(celsius: float) -> int:
    """What temprature_sens_read() gives for a die at `celsius`: the uncalibrated ESP32 sensor reads
    roughly degrees Fahrenheit, an 8-bit value."""
    return max(0, min(255, round(celsius * 9 / 5 + 32)))


# ---- machine.info() ----
def info_text(board: Board, free_heap: int) -> str:
    """machine_info: FreeRTOS stack high-water marks (words left; typical figures) and the heap."""
    board_type = board.type
    lines = [
        "---------------------------------------------",
        "System memory info (in bytes)",
        "---------------------------------------------",
        "MPTask stack water mark: 7300",
        "ServersTask stack water mark: 1032",
    ]
    if board_type in ("lopy", "lopy4", "fipy"):
        lines.append("LoRaTask stack water mark: 1344")
    if board_type in ("sipy", "lopy4", "fipy"):
        lines.append("SigfoxTask stack water mark: 2560")
    lines += [
        "TimerTask stack water mark: 2156",
        "IdleTask stack water mark: 580",
        f"System free heap: {free_heap}",
        "---------------------------------------------",
    ]
    return "\n".join(lines) + "\n"


# ---- mem8/16/32 (extmod/machine_mem.c) ----
# Memory the board's RAM holds (the rest are peripheral registers, ROM and flash caches).
RAM_REGIONS = ((0x3FFAE000, 0x40000000, "DRAM"), (0x50000000, 0x50002000, "RTC slow memory"))


class MachineMem:
    """`machine.mem8[addr]` and friends over a sparse model of the chip's RAM."""

    def __init__(self, board: Board, width: int) -> None:
        self._board = board
        self._width = width
        self._name = f"mem{8 * width}"

    def _addr(self, index: Any) -> int:
        if not isinstance(index, int):
            raise TypeError(f"can't convert {type(index).__name__} to int")
        addr = index & MASK32  # mp_obj_get_int_truncated
        if addr & (self._width - 1):
            raise ValueError(f"address {addr:08x} is not aligned to {self._width} bytes")
        for start, end, _ in RAM_REGIONS:
            if start <= addr and addr + self._width <= end:
                return addr
        raise NotImplementedError(
            f"machine.{self._name}[0x{addr:08x}]: the chip's registers, ROM and flash are not "
            "simulated by pycomsim (only RAM is)"
        )

    def __getitem__(self, index: Any) -> int:
        addr = self._addr(index)
        ram = self._board.system.ram
        return int.from_bytes(bytes(ram.get(addr + i, 0) for i in range(self._width)), "little")

    def __setitem__(self, index: Any, value: Any) -> None:
        addr = self._addr(index)
        raw = (exc.get_int(value) & ((1 << (8 * self._width)) - 1)).to_bytes(self._width, "little")
        ram = self._board.system.ram
        for i, byte in enumerate(raw):
            ram[addr + i] = byte

    def __repr__(self) -> str:
        return f"<{8 * self._width}-bit memory>"


# ---- light sleep (machine_sleep) ----
class LightSleep:
    """esp_light_sleep_start: the CPU stops; the timer group's clock (alarms, Chrono, the watchdog)
    is gated; GPIO interrupts are not seen; the RTC counts on. It ends on the timer, or on the wake
    pins `pin_sleep_wakeup` configured (ext1), and the script goes on after `machine.sleep()`."""

    def __init__(self, board: Board, sleep_ns: int | None) -> None:
        self.board = board
        self.sleep_ns = sleep_ns
        self.done = False
        self.task: Any = None
        self._unwatch: list[Callable[[], None]] = []

    def run(self) -> None:
        board = self.board
        cpu = board.scheduler
        if not cpu.in_task():  # host code: just let the time pass
            board.sleep_ns(self.sleep_ns or 0)
            return
        t0 = board.now
        system = board.system
        irq = board.irq
        was_masked = irq.masked
        latched = {pin for pin in board.pins if pin._latched}
        irq.masked = True  # GPIO edges during the sleep are not kept: see below
        system.timers.suspend()
        system.wdt.suspend()
        board.world.recorder.event(t0, board.name, "lightsleep", self.sleep_ns)
        if board.wake_pins:
            for pin in board.wake_pins[0]:
                self._unwatch.append(pin._pad.watch(self._pin_changed))
            self._check_pins(t0)  # a wake condition that already holds ends the sleep at once
        if not self.done:
            self.task = getcurrent()
            if self.sleep_ns is None:
                cpu.block()  # only a wake pin can end it: the run does not wait for it
            else:
                board.kernel.schedule(t0 + self.sleep_ns, self._on_timer)
                cpu.suspend(certain=True)
        slept = board.now - t0
        system.timers.pause(slept)
        system.wdt.pause(slept)
        for pin in board.pins:
            if pin not in latched:
                pin._latched = False
        irq.masked = was_masked
        if not was_masked:
            irq.unmask()

    def _pin_changed(self, old: int, new: int, t: int) -> None:
        self._check_pins(t)

    def _check_pins(self, t: int) -> None:
        pins, mode, _ = self.board.wake_pins
        levels = [pin._pad.read() for pin in pins]
        if (mode == 0 and all(v == 0 for v in levels)) or (mode == 1 and 1 in levels):
            self._wake(t)

    def _on_timer(self, _: object) -> None:
        self._wake(self.board.kernel.now)

    def _wake(self, t: int) -> None:
        if self.done:
            return
        self.done = True
        for unwatch in self._unwatch:
            unwatch()
        if self.task is None:
            return  # woken before it slept
        cpu = self.board.scheduler
        if self.sleep_ns is None:
            cpu.wake(self.task)
        else:
            self.board.kernel.schedule(t, cpu.resume_when_free, self.task)
