"""The ESP32's LED PWM controller (LEDC), high-speed half, hardware side: four timers and eight channels.

Timers (`machpwm.c` mach_pwm_timer_init_helper, ESP-IDF 3.3 `ledc_timer_config`): the duty resolution
follows the frequency (14 bits below 4 kHz, 13 below 8 kHz, 12 below 16 kHz, 11 below 32 kHz, else 10),
and the divider is `div = (80 MHz << 8) / freq / 2**bits`, a 10.8 fixed-point number; when it falls outside
256..0x3FFFF the 1 MHz REF_TICK clock is used instead. The real period is `div / 256 * 2**bits` clock
ticks, so 78 kHz at 10 bits really runs at 78125 Hz. Channels on one timer share its phase: each period
starts high (hpoint 0) and falls after `duty / 2**bits` of it.

A steady PWM output nobody listens to is kept compact (`SteadyWave`): no kernel event per edge. Its edges
are written into the net's trace in blocks when anything reads the trace, at a guard event every
10 ms of virtual time (which also bounds memory: the recorder spills those blocks like any trace),
and before anything else touches the pad's net (a Pin reconfiguration, a wire, a part). When the net has
anything that must see each edge (an interrupt watcher, an LED, a UART receiver, another pad), the wave
runs as one kernel event per edge instead. docs/pwm.md explains the choice and `make bench` measures it.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import TYPE_CHECKING

from .matrix import OutputSignal

if TYPE_CHECKING:
    from ..board import Board

APB_HZ = 80_000_000
REF_TICK_HZ = 1_000_000
DIV_MAX = 0x3FFFF  # LEDC_DIV_NUM_HSTIMER0_V
LEDC_HS_SIG_OUT0_IDX = 71  # soc/gpio_sig_map.h; channel n is 71 + n
GUARD_NS = 10_000_000  # compact waves check their net and write out their edges this often


def duty_resolution(freq: int) -> int:
    """machpwm.c mach_pwm_timer_init_helper."""
    for limit, bits in ((4000, 14), (8000, 13), (16000, 12), (32000, 11)):
        if freq < limit:
            return bits
    return 10


def timer_period(freq: int, bits: int) -> int | None:
    """The real period in ns (ledc_timer_config's divider), None when no clock can reach `freq`. It is
    always a whole number of ns: div/256 * 2**bits ticks of 12.5 ns (bits >= 10) or of 1 us."""
    if freq <= 0:
        return None
    for clk in (APB_HZ, REF_TICK_HZ):
        div = (clk << 8) // freq // (1 << bits)
        if 256 <= div <= DIV_MAX:
            return div * (1 << bits) * 1_000_000_000 // (clk * 256)
    return None


def f32(x: float) -> float:
    """Round to single precision, as the firmware's float maths does."""
    import struct

    return struct.unpack("f", struct.pack("f", x))[0]


def scaled_duty(duty: float, bits: int) -> int:
    """pwm_channel_duty: clamp to [0, 1]; 0.999 and up is the maximum (the output is then held high)."""
    duty = f32(duty)
    duty = min(max(duty, 0.0), 1.0)
    max_duty = (1 << bits) - 1
    if duty >= f32(0.999):
        return max_duty
    return int(f32(f32(max_duty * 1.0) * duty))


class LedcTimer:
    def __init__(self, index: int) -> None:
        self.index = index
        self.freq = 0
        self.bits = 10
        self.period: int | None = None
        self.t0 = 0  # a period start: channels rise at t0 + k * period

    def configure(self, freq: int, t: int) -> None:
        self.freq = freq
        self.bits = duty_resolution(freq)
        self.period = timer_period(freq, self.bits)
        self.t0 = t  # ledc_timer_config resets the counter


class SteadyWave:
    """A periodic square wave on one output signal: rising at start + k * period, high for `high` ns;
    a constant level when `period` is None. Edge e is the rise of period e // 2 (even e) or its fall."""

    def __init__(self, board: Board, signal: OutputSignal) -> None:
        self.board = board
        self.signal = signal
        self.period: int | None = None
        self.high = 0
        self.start = 0
        self.const = 0
        self.compact = False
        self._gen = 0
        self._next_edge = 0  # compact: the first edge not yet in the trace
        self._seen: tuple[int, ...] = ()  # the net as the last compact check saw it

    # ---- the wave ----
    def edge_time(self, e: int) -> int:
        return self.start + (e >> 1) * self.period + (self.high if e & 1 else 0)  # type: ignore[operator]

    def edge_after(self, t: int) -> int:
        """The index of the first edge strictly after `t`."""
        k = (t - self.start) // self.period  # type: ignore[operator]
        return 2 * k + 1 if t - (self.start + k * self.period) < self.high else 2 * k + 2  # type: ignore[operator]

    def level_at(self, t: int) -> int:
        if self.period is None:
            return self.const
        return self.edge_after(t) & 1  # before a fall it is high

    # ---- (re)starting ----
    def set(self, period: int | None, high: int, start: int, const: int, t: int) -> None:
        """From `t` on, the wave is this one (`start`, its phase origin, is at or before `t`)."""
        self.stop(t)
        if period is not None and not 0 < high < period:
            const, period = (1 if high > 0 else 0), None
        self.period, self.high, self.start, self.const = period, high, start, const
        self._gen += 1
        level = self.level_at(t)
        self.signal.set(level, t)
        if period is None:
            return
        if self._can_be_compact():
            self._make_compact(t)
        else:
            self._schedule(self.edge_after(t))

    def stop(self, t: int) -> None:
        """End the current wave at `t`: its edges up to `t` are in the trace."""
        if self.compact:
            self.flush(t)
            self._uncompact()
        self._gen += 1
        self.period = None

    # ---- one kernel event per edge ----
    def _schedule(self, e: int) -> None:
        self.board.kernel.schedule(self.edge_time(e), self._edge, (self._gen, e))

    def _edge(self, arg: tuple[int, int]) -> None:
        gen, e = arg
        if gen == self._gen:
            self.signal.set(1 - (e & 1), self.board.kernel.now)
            self._schedule(e + 1)

    # ---- compact: edges written into the trace in blocks ----
    def _pad_name(self) -> str | None:
        pads = list(self.signal.pads)
        return pads[0] if len(pads) == 1 else None

    def _can_be_compact(self) -> bool:
        """Nothing on the pad's net needs to see each edge: no watcher, no other pad."""
        name = self._pad_name()
        return name is not None and self.signal.drives(name) and self.signal.pads[name].unobserved()

    def _make_compact(self, t: int) -> None:
        self.compact = True
        self._seen = self._signature()
        self._next_edge = self.edge_after(t)
        name = self._pad_name()
        assert name is not None
        self.board.world.steady_waves.add(self)
        self.board.matrix.waves.setdefault(name, set()).add(self)
        self.signal.pads[name].set_trace_flusher(self.flush)
        self.board.kernel.schedule(t + GUARD_NS, self._guard, self._gen)

    def _uncompact(self) -> None:
        self.compact = False
        self.board.world.steady_waves.discard(self)
        name = self._pad_name()
        if name is not None:
            self.board.matrix.waves.get(name, set()).discard(self)
            pad = self.signal.pads[name]
            if pad.trace_flusher() == self.flush:
                pad.set_trace_flusher(None)

    def flush(self, t: int | None = None) -> None:
        """Write the wave's edges up to `t` (default: the kernel clock) into the trace, and leave the
        net at the wave's level at `t` without recording it again."""
        if not self.compact:
            return
        if t is None:
            t = self.board.kernel.now
        e, end = self._next_edge, self.edge_after(t)  # write edges e .. end - 1
        if e >= end:
            return
        name = self._pad_name()
        assert name is not None
        period4, high4 = self.period << 2, self.high << 2  # type: ignore[operator]
        blocks: list[Iterable[int]] = []
        if e & 1:  # a fall first
            blocks.append((self.edge_time(e) << 2,))
            e += 1
        pairs = (end - e) >> 1
        if pairs:
            rise = self.edge_time(e) << 2 | 1
            rises = range(rise, rise + pairs * period4, period4)
            falls = range(rise - 1 + high4, rise - 1 + high4 + pairs * period4, period4)
            blocks.append(chain.from_iterable(zip(rises, falls, strict=True)))  # C speed
            e += 2 * pairs
        if e < end:  # a last rise
            blocks.append((self.edge_time(e) << 2 | 1,))
            e += 1
        self._next_edge = e
        level = e & 1  # after a rise (even edge) the level is 1
        self.signal.level = level
        self.signal.pads[name].write_signal_block(self.signal.name, chain(*blocks), level)

    def _guard(self, gen: int) -> None:
        if gen != self._gen or not self.compact:
            return
        now = self.board.kernel.now
        self.flush(now)
        self.recheck(now)
        if self.compact:
            self.board.kernel.schedule(now + GUARD_NS, self._guard, gen)

    def _signature(self) -> tuple[int, ...]:
        name = self._pad_name()
        return () if name is None else self.signal.pads[name].observers()

    def recheck(self, t: int | None = None, *, force: bool = False) -> None:
        """Something may listen to the net now, or the pad was reconfigured: if so, go on with one
        kernel event per edge."""
        if not self.compact:
            return
        signature = self._signature()
        if signature == self._seen and signature and not force:
            return  # nothing was added to the net since the last look
        self._seen = signature
        if self._can_be_compact():
            return
        if t is None:
            t = self.board.kernel.now
        self.flush(t)
        self._uncompact()
        self._gen += 1
        self._schedule(self.edge_after(t))


class LedcChannel:
    """One high-speed LEDC channel: the timer it follows, its duty in counts, its output signal."""

    def __init__(self, board: Board, index: int) -> None:
        self.index = index
        self.signal = OutputSignal(board, LEDC_HS_SIG_OUT0_IDX + index, f"LEDC channel {index}")
        self.signal.level = 0
        self.wave = SteadyWave(board, self.signal)
        self.timer: LedcTimer | None = None
        self.duty = 0  # counts of 2**timer.bits
        self.held_high = False  # ledc_stop(..., idle_level=1)

    def update(self, t: int) -> None:
        """Put the channel's current settings on its output from `t`."""
        timer = self.timer
        if timer is None:
            return
        if self.held_high:
            self.wave.set(None, 0, t, 1, t)
        elif timer.period is None:
            self.wave.set(None, 0, t, 0, t)  # the timer never started: the output stays low
        else:
            high = timer.period * self.duty >> timer.bits
            self.wave.set(timer.period, high, timer.t0, 0, t)

    def frequency(self) -> float:
        """The real output frequency in Hz (0.0 when held or stopped)."""
        if self.timer is None or self.timer.period is None or self.held_high:
            return 0.0
        return 1e9 / self.timer.period


class Ledc:
    """The board's LEDC: timers and channels, and a reset that stops them all."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.timers = [LedcTimer(i) for i in range(4)]
        self.channels = [LedcChannel(board, i) for i in range(8)]

    def configure_timer(self, index: int, freq: int, t: int) -> None:
        timer = self.timers[index]
        timer.configure(freq, t)
        for channel in self.channels:
            if channel.timer is timer:
                channel.update(t)

    def reset(self) -> None:
        t = self.board.now
        for channel in self.channels:
            channel.wave.stop(t)
            channel.signal.release_all()
            channel.timer = None
            channel.held_high = False
            channel.duty = 0
        for timer in self.timers:
            timer.freq, timer.period = 0, None

    def pin_states(self) -> dict[str, dict[str, float]]:
        """Pads driven by a channel now: frequency (Hz) and duty (fraction high), for UIs."""
        out = {}
        for ch in self.channels:
            if ch.timer is None:
                continue
            duty = 1.0 if ch.held_high else ch.duty / (1 << ch.timer.bits)
            for name in ch.signal.pads:
                if ch.signal.drives(name):
                    out[name] = {"channel": ch.index, "frequency": ch.frequency(), "duty": duty}
        return out
