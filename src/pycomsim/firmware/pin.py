"""`machine.Pin` as the Pycom firmware implements it (`esp32/mods/machpin.c`), one class per board.

A Pin object holds the firmware's fields (mode, pull, latch, alternate functions, trigger, handler) and the
pad's hardware configuration separately, because they can differ: an input-only pin set to OUT reports
OUT while its pad stays an input (`gpio_config` refuses the whole call), and a held pad keeps its state
while the fields change. The pad is a driver on a net; reads come back from the net.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc
from ..core.pinmap import PinInfo
from ..sim.net import OFF, STRONG_HI, STRONG_LO, WEAK_HI, WEAK_LO, Driver, resolve

if TYPE_CHECKING:
    from ..board import Board

IN, OUT, OPEN_DRAIN = 1, 2, 7
PULL_UP, PULL_DOWN = 1, 2
IRQ_RISING, IRQ_FALLING, IRQ_LOW_LEVEL, IRQ_HIGH_LEVEL = 1, 2, 4, 5
_MISSING: Any = object()
# what the pad's output stage does with the latch, by pad mode: (code for 0, code for 1)
_DRIVE_CODES = {OUT: (STRONG_LO, STRONG_HI), OPEN_DRAIN: (STRONG_LO, OFF)}
_MODE_NAMES = {IN: "IN", OUT: "OUT", OPEN_DRAIN: "OPEN_DRAIN"}


class _NamedType(type):
    """Classes print as MicroPython prints them: `<class 'Pin'>`, `<class 'cpu'>`."""

    def __repr__(cls) -> str:
        return f"<class '{cls.__name__}'>"


class _PinType(_NamedType):
    def __call__(cls, *args: Any, **kwargs: Any) -> PinBase:
        # pin_make_new: mp_arg_check_num(n_args, n_kw, 1, MAX, true), then pin_find, then init always
        if not args:
            raise exc.missing_args(1)
        pin = cls._find(args[0])
        pin._init(args[1:], kwargs)
        return pin


class PinBase(metaclass=_PinType):
    __slots__ = (
        "_b",
        "_info",
        "_name",
        "_mode",
        "_pull",
        "_latch",
        "_af_in",
        "_af_out",
        "_hold",
        "_trigger",
        "_handler",
        "_arg",
        "_out",
        "_pullres",
        "_drive",
        "_pad_mode",
        "_pad_pull",
        "_pad_trigger",
        "_pad_frozen",
        "_input_on",
        "_latched",
        "_float_warned",
        "__weakref__",
    )
    _board: Board
    _by_name: dict[str, PinBase]

    IN = IN
    OUT = OUT
    OPEN_DRAIN = OPEN_DRAIN
    PULL_UP = PULL_UP
    PULL_DOWN = PULL_DOWN
    IRQ_RISING = IRQ_RISING
    IRQ_FALLING = IRQ_FALLING
    IRQ_LOW_LEVEL = IRQ_LOW_LEVEL
    IRQ_HIGH_LEVEL = IRQ_HIGH_LEVEL

    # ---- construction (by the board, not by scripts) ----
    @classmethod
    def _create(cls, board: Board, info: PinInfo) -> PinBase:
        self = object.__new__(cls)
        self._b = board
        self._info = info
        self._name = info.name
        self._out = Driver(f"{board.name}.{info.name}", owner=self)
        self._pullres = Driver(f"{board.name}.{info.name} pull")
        self._latched = False
        self._float_warned = False
        self._hold = False
        self._pad_frozen = False
        self._handler = None
        self._arg = None
        self._static_state()
        return self

    def _static_state(self) -> None:
        """The `PIN()` initialiser in esp32_prefix.c: IN, no pull, latch 0, no alt, no trigger."""
        self._mode = IN
        self._pull = None
        self._latch = 0
        self._af_in = self._af_out = -1
        self._trigger = 0
        self._hold = False
        self._handler = None
        self._arg = None
        self._latched = False

    @classmethod
    def _find(cls, ident: object) -> PinBase:
        # pin_find: a Pin object of this board, else an expansion-board name, else a module name
        if type(ident) is cls:
            return ident  # type: ignore[return-value]
        if isinstance(ident, str):
            pin = cls._by_name.get(ident)
            if pin is not None:
                return pin
        raise ValueError(exc.INVALID_ARGS)

    # ---- init (pin_obj_init_helper) ----
    def init(self, *args: Any, **kwargs: Any) -> None:
        self._init(args, kwargs)

    def _init(self, args: tuple, kwargs: dict) -> None:
        b = self._b
        b.advance(b.costs.pin_config)
        mode, pull, value, alt = _parse_init(args, kwargs)
        mode = IN if mode is _MISSING else _valid_mode(mode)
        pull = _valid_pull(pull)
        af = -1 if alt is None else exc.get_int(alt)
        if af > 255:
            raise ValueError(exc.INVALID_ARGS)
        # pin_config: fields first, the value before the pad (no glitch), and the trigger is cleared
        self._mode = mode
        self._pull = pull
        self._af_in = af if mode in (IN, OPEN_DRAIN) else -1
        self._af_out = af if mode in (OUT, OPEN_DRAIN) else -1
        if value is not _MISSING:
            self._latch = 1 if value else 0
        self._trigger = 0
        self._configure()
        if mode != OUT and b.input_notes:  # a pin whose input surprises people (chip/boot.py)
            note = b.input_notes.pop(self._name, None)
            if note is not None:
                note()

    # ---- pin_obj_configure: push the fields to the pad ----
    def _configure(self) -> None:
        if self._pad_frozen:
            return  # gpio_pad_hold: the pad ignores everything until released
        mode = self._mode
        if self._info.input_only and mode != IN:
            return  # gpio_config refuses output modes on GPIO34-39 and configures nothing
        self._b.release_peripheral(self)  # gpio_matrix_out: a peripheral no longer routed lets go
        self._pad_mode = mode
        self._pad_pull = self._pull
        self._pad_trigger = self._trigger & 7  # the intr_type bit field is 3 bits wide
        self._input_on = mode != OUT
        routed_out = self._af_out >= 0 and mode != IN  # pad driven by a peripheral, not the latch
        self._drive = None if routed_out else _DRIVE_CODES.get(mode)
        t = self._b.now
        pull_code = OFF
        if not self._info.input_only:  # GPIO34-39 have no pull resistors
            pull_code = (
                WEAK_HI if self._pull == PULL_UP else WEAK_LO if self._pull == PULL_DOWN else OFF
            )
        drive = self._drive
        out_code = OFF if drive is None else drive[self._latch]
        if out_code != self._out.code or pull_code != self._pullres.code:
            self._out.net.change_many(((self._out, out_code), (self._pullres, pull_code)), t)
        self._b.irq.pin_configured(self)

    # ---- reading and writing: the hot path ----
    def value(self, v: Any = _MISSING, /, *rest: Any, **kw: Any) -> int | None:
        if rest or kw:
            raise exc.NO_KW_ERROR() if kw else exc.at_most(2, 2 + len(rest))
        b = self._b
        if v is _MISSING:
            t = b.now = b.now + b.cost_read
            if t >= b.kernel.next_time:
                b.sync()
            if self._mode == OUT:
                return self._latch
            level = self._out.net.level
            return level if level < 2 else b.undefined_read(self, level)
        t = b.now = b.now + b.cost_write
        if t >= b.kernel.next_time:
            b.sync()
            t = b.now
        v = self._latch = 1 if v else 0
        drive = self._drive
        if drive is not None:
            out = self._out
            code = drive[v]
            was = out.code
            if was != code:
                # Net.change inlined (a call is a fifth of a write's cost): keep the two in step;
                # tests/test_bench_fast_path.py checks they agree. Literal codes save global
                # lookups: 1 = STRONG_LO, 2 = STRONG_HI, 3 = CONTENTION.
                net = out.net
                c = net.counts
                c[was] -= 1
                c[code] += 1
                out.code = code
                if c[2] and not c[1]:
                    level = 1
                elif c[1] and not c[2]:
                    level = 0
                else:
                    level = resolve(c)
                old = net.level
                if level != old:
                    net.level = level
                    record = net._record
                    if record is not None:
                        record(t << 2 | level)
                    watchers = net.watchers
                    if watchers:
                        for watch in watchers:
                            watch(old, level, t)
                    if level == 3 and net.on_fault is not None:
                        net.on_fault(net, net.strong_drivers(), t)
                elif net.drive_watchers:
                    for fn in net.drive_watchers:
                        fn(t)
        return None

    def __call__(self, v: Any = _MISSING, /, *rest: Any, **kw: Any) -> int | None:
        if kw:
            raise exc.NO_KW_ERROR()
        if rest:
            raise exc.at_most(1, 1 + len(rest))
        return self.value(v) if v is not _MISSING else self.value()

    def toggle(self, *args: Any) -> None:
        if args:
            raise exc.takes(1, 1 + len(args))
        b = self._b
        t = b.now = b.now + b.cost_toggle
        if t >= b.kernel.next_time:
            b.sync()
        v = self._latch = 1 - self._latch
        drive = self._drive
        if drive is not None:
            out = self._out
            code = drive[v]
            if out.code != code:
                out.net.change(out, code, b.now)

    # ---- configuration queries ----
    def id(self, *args: Any) -> str:
        if args:
            raise exc.takes(1, 1 + len(args))
        self._b.advance(self._b.costs.pin_query)
        return self._name

    def _setting(self, args: tuple) -> bool:
        """The firmware's getter/setters take one optional argument (FUN_OBJ_VAR_BETWEEN(1, 2)):
        check that and charge a read or a reconfiguration; True when `args` sets a value."""
        if len(args) > 1:
            raise exc.at_most(2, 1 + len(args))
        b = self._b
        b.advance(b.costs.pin_config if args else b.costs.pin_query)
        return bool(args)

    def mode(self, *args: Any) -> int | None:
        if not self._setting(args):
            return self._mode
        self._mode = _valid_mode(args[0])  # the trigger is kept: only init clears it
        self._configure()
        return None

    def pull(self, *args: Any) -> int | None:
        if not self._setting(args):
            return self._pull
        self._pull = _valid_pull(args[0])
        self._configure()
        return None

    def hold(self, *args: Any) -> bool | None:
        if not self._setting(args):
            return self._hold
        self._hold = bool(args[0])  # set first: the flag stays set even when the pin can't hold
        if not self._info.rtc:
            raise OSError(exc.HOLD_NOT_RTC)
        if self._hold:
            self._pad_frozen = True
            self._drive = None  # writes update the latch but no longer reach the pad
        else:
            self._pad_frozen = False
            self._configure()
        return None

    def callback(self, *args: Any, **kwargs: Any) -> None:
        b = self._b
        b.advance(b.costs.pin_callback)
        trigger, handler, arg = _parse_callback(args, kwargs)
        if trigger != 0 and handler is not None:
            self._handler = handler
            self._arg = self if arg is None else arg
            self._trigger = trigger
        else:
            self._handler = None  # mp_irq_remove + INTERRUPT_OBJ_CLEAN: queued entries do nothing
            self._arg = None
            self._trigger = 0
        self._configure()

    def __repr__(self) -> str:
        pull = (
            "None"
            if self._pull is None
            else ("Pin.PULL_UP" if self._pull == PULL_UP else "Pin.PULL_DOWN")
        )
        alt = self._af_in if self._af_in >= 0 else self._af_out
        return f"Pin('{self._name}', mode=Pin.{_MODE_NAMES[self._mode]}, pull={pull}, alt={alt})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("Pin objects belong to a board and cannot be pickled")


def _valid_mode(value: Any) -> int:
    """pin_validate_mode: an int that is IN, OUT or OPEN_DRAIN."""
    mode = exc.get_int(value)
    if mode not in _MODE_NAMES:
        raise ValueError(exc.INVALID_ARGS)
    return mode


def _valid_pull(value: Any) -> int | None:
    """pin_validate_pull: None, PULL_UP or PULL_DOWN (0 is not 'no pull')."""
    if value is None:
        return None
    pull = exc.get_int(value)
    if pull not in (PULL_UP, PULL_DOWN):
        raise ValueError(exc.INVALID_ARGS)
    return pull


def _parse(args: tuple, kwargs: dict, names: tuple[str, ...], n_pos: int, defaults: tuple) -> list:
    """`mp_arg_parse_all`: the first `n_pos` names may be positional, the rest keyword-only."""
    out = list(defaults)
    found_kw = 0
    if len(args) > n_pos:
        raise TypeError(exc.EXTRA_POS)
    for i, name in enumerate(names):
        if i < len(args):
            out[i] = args[i]
        elif name in kwargs:
            out[i] = kwargs[name]
            found_kw += 1
    if found_kw < len(kwargs):
        raise TypeError(exc.EXTRA_KW)
    return out


def _parse_init(args: tuple, kwargs: dict) -> list:
    return _parse(
        args, kwargs, ("mode", "pull", "value", "alt"), 2, (_MISSING, None, _MISSING, None)
    )


def _parse_callback(args: tuple, kwargs: dict) -> tuple[int, Any, Any]:
    names = ("trigger", "handler", "arg")
    trigger, handler, arg = _parse(args, kwargs, names, 3, (0, None, None))
    return exc.get_int(trigger), handler, arg


def named_pins_class(name: str, pins: dict[str, PinBase]) -> type:
    """`Pin.module` (`cpu`) and `Pin.exp_board` (`board`): classes whose attributes are the pins."""
    return _NamedType(name, (), dict(pins))


def make_pin_class(board: Board) -> type[PinBase]:
    return _PinType("Pin", (PinBase,), {"__slots__": (), "_board": board, "_by_name": {}})
