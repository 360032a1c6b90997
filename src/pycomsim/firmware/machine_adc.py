"""`machine.ADC` and `machine.DAC` as the Pycom firmware implements them (`esp32/mods/pybadc.c`,
`pybdac.c`, 1.20.2); the hardware side is `chip/adc.py` and `chip/dac.py`.

ADC: a singleton (`pyb_adc_obj` is static) on ADC1; `ADC(id=0, *, bits=12)`, `init(*, bits)`, `deinit()`,
`vref([mV])`, `vref_to_pin(pin)` (P6, P21, P22 only), `channel(id=None, *, attn=ADC.ATTN_0DB, pin=None)`
with the firmware's pin map P13->0, P14->1, P15->2, P16->3, P19->4, P20->5, P18->6, P17->7. Channels are
static too: one object per channel. DAC: `DAC(pin)` on P22 (DAC 0) or P21 (DAC 1), `write(value)` (0..1),
`tone(freq, scale)`, `init()`, `deinit()`; its output is an analog level that an ADC on a wired pin reads.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .. import exc
from ..chip.adc import characterize, raw_to_voltage, read_raw, true_vref
from ..chip.dac import DacOutput
from ..sim.analog import net_voltage
from .args import get_float
from .pin import _parse

if TYPE_CHECKING:
    from ..board import Board

RESOURCE_NA = "resource not available"
ADC_PINS = ("P13", "P14", "P15", "P16", "P19", "P20", "P18", "P17")  # pyb_adc_channel_obj
ATTN_0DB, ATTN_2_5DB, ATTN_6DB, ATTN_11DB = 0, 1, 2, 3
VREF_PINS = (25, 26, 27)  # adc2_vref_to_gpio: GPIO25 (P22), GPIO26 (P21), GPIO27 (P6)
DAC_GPIOS = {25: 0, 26: 1}
_MISSING: Any = object()


def make_adc_classes(board: Board) -> tuple[type, type]:
    cost = board.costs.machine_call
    # the chip's own reference voltage, from its own generator: building the ADC must not shift the
    # board's random sequence (contact bounce, floating reads) for scripts that never use it
    chip_vref = true_vref(random.Random(f"adc vref {board.seed}"))
    state: dict[str, Any] = {"adc": None, "channels": {}, "dacs": {}}

    class ADCChannel:
        def __init__(self, index: int) -> None:
            self._index = index
            self._pin = board.pin(ADC_PINS[index])
            self._enabled = False
            self._attn = ATTN_0DB
            self._calibrate = False
            self._chars = None

        def _init(self) -> None:
            adc = state["adc"]
            if adc is None or not adc._enabled:  # pyb_adc_check_init
                raise OSError(exc.NOT_POSSIBLE)
            self._chars = characterize(self._attn, adc._width, adc._vref)
            self._enabled = True

        def init(self) -> None:
            board.advance(cost)
            self._init()

        def deinit(self) -> None:
            board.advance(cost)
            self._enabled = False

        def _check(self) -> None:
            if not self._enabled:
                raise OSError(exc.NOT_POSSIBLE)

        def _raw(self) -> int:
            volts = net_voltage(board, self._pin, board.now)
            return read_raw(volts, self._attn, state["adc"]._width, chip_vref, board.rng)

        def value(self) -> int:
            board.advance(cost)
            self._check()
            return self._raw()

        def __call__(self, *args: Any, **kwargs: Any) -> int:
            if args or kwargs:  # mp_arg_check_num(n_args, n_kw, 0, 0, false)
                raise exc.NO_KW_ERROR() if kwargs else exc.takes(0, len(args))
            return self.value()

        def voltage(self) -> int:
            board.advance(cost)
            self._check()
            if self._calibrate:
                self._calibrate = False
                self._chars = characterize(self._attn, state["adc"]._width, state["adc"]._vref)
            return raw_to_voltage(self._raw(), self._chars)

        def value_to_voltage(self, value: Any) -> int:
            board.advance(cost)
            self._check()
            return raw_to_voltage(exc.get_int(value), self._chars)

        def __repr__(self) -> str:
            if self._enabled:
                return f"ADCChannel({self._index}, pin={self._pin._name}, attn={self._attn})"
            return f"ADCChannel({self._index})"

    class ADC:
        ATTN_0DB = ATTN_0DB
        ATTN_2_5DB = ATTN_2_5DB
        ATTN_6DB = ATTN_6DB
        ATTN_11DB = ATTN_11DB

        def __new__(cls, *args: Any, **kwargs: Any) -> ADC:
            board.advance(cost)
            adc_id, bits = _parse(args, kwargs, ("id", "bits"), 1, (0, 12))
            if exc.get_int(adc_id) != 0:
                raise OSError(RESOURCE_NA)
            bits = exc.get_int(bits)
            if not 9 <= bits <= 12:
                raise ValueError(exc.INVALID_ARGS)
            self = state["adc"]
            if self is None:
                self = state["adc"] = object.__new__(cls)
                self._vref = 1100  # V_REF_NOM
                self._enabled = False
            self._width = bits
            self._enabled = True
            return self

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(cost)
            (bits,) = _parse(args, kwargs, ("bits",), 0, (12,))
            bits = exc.get_int(bits)
            if not 9 <= bits <= 12:
                raise ValueError(exc.INVALID_ARGS)
            self._width = bits
            self._enabled = True

        def deinit(self) -> None:
            board.advance(cost)
            self._enabled = False

        def vref(self, *args: Any) -> int | None:
            if len(args) > 1:
                raise exc.at_most(2, len(args) + 1)
            board.advance(cost)
            if not args:
                return self._vref
            self._vref = exc.get_int(args[0]) & 0xFFFF  # uint16_t vref
            for channel in state["channels"].values():
                channel._calibrate = True  # recharacterised at the next voltage()
            return None

        def vref_to_pin(self, pin: Any) -> None:
            board.advance(cost)
            found = board.Pin._find(pin)
            if found._info.gpio not in VREF_PINS:
                raise ValueError("only pins P6, P21 and P22 are able to output VREF")
            from ..sim.analog import ConstantSource

            ConstantSource(board, found._name, chip_vref / 1000, name="ADC Vref out")

        def channel(self, *args: Any, **kwargs: Any) -> ADCChannel:
            board.advance(cost)
            names = ("id", "attn", "pin")
            ch_id, attn, pin = _parse(args, kwargs, names, 1, (_MISSING, ATTN_0DB, None))
            if ch_id is not _MISSING:
                index = exc.get_int(ch_id)
                if not 0 <= index < 8:
                    raise ValueError(RESOURCE_NA)  # a ValueError with the OSError's words, as coded
                if pin is not None and board.Pin._find(pin)._name != ADC_PINS[index]:
                    raise ValueError(exc.INVALID_ARGS)
            else:
                found = board.Pin._find(pin)  # pin_find(None): invalid argument(s) value
                if found._name not in ADC_PINS:
                    raise OSError(RESOURCE_NA)
                index = ADC_PINS.index(found._name)
            attn = exc.get_int(attn)
            if not ATTN_0DB <= attn <= ATTN_11DB:
                raise ValueError(exc.INVALID_ARGS)
            channel = state["channels"].get(index)
            if channel is None:
                channel = state["channels"][index] = ADCChannel(index)
            channel._attn = attn
            channel._init()
            return channel

        def __repr__(self) -> str:
            return f"ADC(0, bits={self._width})" if self._enabled else "ADC(0)"

    class DAC:
        def __new__(cls, *args: Any, **kwargs: Any) -> DAC:
            board.advance(cost)
            (pin,) = _parse(args, kwargs, ("pin",), 1, (None,))
            if pin is None:
                raise OSError(RESOURCE_NA)
            found = board.Pin._find(pin)
            dac_id = DAC_GPIOS.get(found._info.gpio)
            if dac_id is None:
                raise OSError(RESOURCE_NA)
            self = state["dacs"].get(dac_id)
            if self is None:
                self = state["dacs"][dac_id] = object.__new__(cls)
                self._id = dac_id
                self._out = DacOutput(board, found._name, name=f"DAC {dac_id}")
            self._out.active = True
            return self

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def init(self) -> None:
            board.advance(cost)
            self._out.active = True

        def deinit(self) -> None:
            board.advance(cost)
            self._out.write(0)
            self._out.release()

        def write(self, value: Any) -> None:
            board.advance(cost)
            v = get_float(value)
            v = min(max(v, 0.0), 1.0)
            self._out.write(int(255 * v))  # (uint8_t)(0xff * 1.0f * value)

        def tone(self, *args: Any, **kwargs: Any) -> None:
            board.advance(cost)
            freq, scale = _parse(args, kwargs, ("freq", "scale"), 2, (_MISSING, _MISSING))
            for value, name in ((freq, "freq"), (scale, "scale")):
                if value is _MISSING:
                    raise TypeError(f"'{name}' argument required")
            tone = exc.get_int(freq) & 0xFFFF  # uint16_t tone
            if not 125 <= tone <= 20000:
                raise ValueError("tone frequency out of range")
            step = ((tone + 125) * (1 << 16)) // 8_000_000 - 1
            tone_scale = exc.get_int(scale) & 0xFFFF
            if tone_scale > 3:
                raise ValueError("tone scale out of range")
            self._out.tone(step & 0xFFFF, tone_scale)

        def __repr__(self) -> str:
            return "DAC()"  # dac_print formats the id with %q: qstr 0 and 1 are empty

    ADCChannel.__name__ = ADCChannel.__qualname__ = "ADCChannel"

    def reset() -> None:
        state["adc"] = None
        state["channels"].clear()
        for dac in state["dacs"].values():
            dac._out.release()
        state["dacs"].clear()

    board.peripheral_resets.append(reset)
    return ADC, DAC
