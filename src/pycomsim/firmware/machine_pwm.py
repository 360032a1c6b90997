"""`machine.PWM` as the Pycom firmware implements it (`esp32/mods/machpwm.c`, 1.20.2), one class per
board; the hardware is `chip/ledc.py`.

- `PWM(timer, frequency)`: timer 0-3 (else `OSError('resource not available')`), frequency up to 78000
  (else `ValueError('invalid frequency %d')`, negative values included since the check is unsigned).
  There is one object per timer; calling `PWM(timer, f)` again or `init(frequency=f)` reconfigures it,
  and channels already on that timer keep their duty in counts (a new resolution changes their duty).
  There is no `deinit` (it is commented out of the method table).
- `pwm.channel(id, *, pin, duty_cycle=0.5)`: id 0-7 (else `OSError('resource not available')`). The eight
  LEDC channels are shared by the four timers: channel 0 of timer 1 is the same hardware as channel 0 of
  timer 0, so configuring it again moves it; the pad it drove before keeps the channel's signal
  (ESP-IDF never unroutes it). The Pin object's fields are left as they were (ledc_channel_config only
  sets the pad's direction and routing). An input-only pad raises `ValueError('PWM channel configuration
  failed')`.
- `channel.duty_cycle(x)` clamps to [0, 1] and truncates to the resolution in single precision; 0.999
  and up stops the LEDC with the output held high. It only sets: there is no getter.

Frequency 0 is not rejected by the firmware; ESP-IDF's ledc_timer_config refuses it and the timer never
runs, so the channels stay low.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc
from ..chip.ledc import Ledc, scaled_duty
from .args import get_float
from .pin import _parse

if TYPE_CHECKING:
    from ..board import Board

RESOURCE_NA = "resource not available"
_MISSING: Any = object()


def _required(values: list, names: tuple[str, ...]) -> None:
    for value, name in zip(values, names, strict=True):
        if value is _MISSING:
            raise TypeError(f"'{name}' argument required")  # mp_arg_parse_all


def _frequency(value: Any) -> int:
    freq = exc.get_int(value) & 0xFFFFFFFF
    if freq > 78000:
        signed = freq - (1 << 32) if freq >= 1 << 31 else freq
        raise ValueError(f"invalid frequency {signed}")
    return freq


def make_pwm_class(board: Board) -> tuple[type, Ledc]:
    ledc = Ledc(board)
    timers: dict[int, Any] = {}
    cost = board.costs.machine_call

    class channel:  # noqa: N801 - the firmware's type name (mach_pwm_channel_type)
        def __init__(self, pwm: PWM, index: int) -> None:
            self._pwm = pwm
            self._index = index

        def duty_cycle(self, duty: Any) -> None:
            board.advance(cost)
            value = get_float(duty)
            hw = ledc.channels[self._index]
            timer = ledc.timers[self._pwm._timer]  # this object's timer (config.timer_sel)
            hw.timer = timer
            scaled = scaled_duty(value, timer.bits)
            hw.held_high = scaled == (1 << timer.bits) - 1
            hw.duty = scaled
            hw.update(board.now)

        def __repr__(self) -> str:
            return f"<channel object at 0x{id(self) & 0xFFFFFF:x}>"

    class PWM:
        def __new__(cls, *args: Any, **kwargs: Any) -> PWM:
            board.advance(cost)
            names = ("timer", "frequency")
            values = _parse(args, kwargs, names, 2, (_MISSING, _MISSING))
            _required(values, names)
            timer_id = exc.get_int(values[0]) & 0xFFFFFFFF
            freq = exc.get_int(values[1])
            if timer_id > 3:
                raise OSError(RESOURCE_NA)
            self = timers.get(timer_id)
            if self is None:
                self = timers[timer_id] = object.__new__(cls)
                self._timer = timer_id
                self._channels: dict[int, channel] = {}
            self._configure(freq)
            return self

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def _configure(self, freq: Any) -> None:
            ledc.configure_timer(self._timer, _frequency(freq), board.now)

        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(cost)
            (freq,) = _parse(args, kwargs, ("frequency",), 1, (_MISSING,))
            _required([freq], ("frequency",))
            self._configure(freq)

        def channel(self, *args: Any, **kwargs: Any) -> channel:
            board.advance(cost)
            names = ("id", "pin", "duty_cycle")
            index, pin_ref, duty = _parse(args, kwargs, names, 1, (_MISSING, _MISSING, None))
            _required([index, pin_ref], ("id", "pin"))
            index = exc.get_int(index) & 0xFFFFFFFF
            if index > 7:
                raise OSError(RESOURCE_NA)
            pin = board.Pin._find(pin_ref)
            obj = self._channels.get(index)
            if obj is None:
                obj = self._channels[index] = channel(self, index)
            value = 0.5 if duty is None else get_float(duty)
            hw = ledc.channels[index]
            timer = ledc.timers[self._timer]
            scaled = scaled_duty(value, timer.bits)
            if pin._info.input_only:  # ledc_channel_config: GPIO_IS_VALID_OUTPUT_GPIO
                raise ValueError("PWM channel configuration failed")
            hw.timer = timer
            hw.duty = scaled
            hw.held_high = scaled == (1 << timer.bits) - 1
            hw.signal.claim_pad(pin)
            hw.update(board.now)
            return obj

        def __repr__(self) -> str:
            return f"<PWM object at 0x{id(self) & 0xFFFFFF:x}>"  # the type has no print function

    PWM.__name__ = PWM.__qualname__ = "PWM"

    def reset() -> None:
        timers.clear()
        ledc.reset()

    board.peripheral_resets.append(reset)
    return PWM, ledc
