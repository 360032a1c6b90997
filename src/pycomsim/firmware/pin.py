"""`machine.Pin` as the Pycom firmware implements it (`esp32/mods/machpin.c`), one class per board.

A Pin object holds the firmware's fields (mode, pull, latch, alternate functions, trigger, handler) and the
pad's hardware configuration separately, because they can differ: an input-only pin set to OUT reports
OUT while its pad stays an input (`gpio_config` refuses the whole call), and a held pad keeps its state
while the fields change. The pad is a driver on a net; reads come back from the net.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc
from ..chip.pads import OPEN_DRAIN as PAD_OPEN_DRAIN
from ..chip.pads import OUTPUT_OFF, PULL_NONE, PUSH_PULL, Pad, X
from ..chip.pads import PULL_DOWN as PAD_PULL_DOWN
from ..chip.pads import PULL_UP as PAD_PULL_UP
from ..core.pinmap import PinInfo

if TYPE_CHECKING:
    from ..board import Board

IN, OUT, OPEN_DRAIN = 1, 2, 7
PULL_UP, PULL_DOWN = 1, 2
IRQ_RISING, IRQ_FALLING, IRQ_LOW_LEVEL, IRQ_HIGH_LEVEL = 1, 2, 4, 5
_MISSING: Any = exc.MISSING
# what the pad's output stage does, by pin mode
_PAD_OUTPUT = {IN: OUTPUT_OFF, OUT: PUSH_PULL, OPEN_DRAIN: PAD_OPEN_DRAIN}
_PAD_PULL = {None: PULL_NONE, PULL_UP: PAD_PULL_UP, PULL_DOWN: PAD_PULL_DOWN}
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
        "_board",
        "_cpu",
        "_costs",
        "_pad",
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
        "_pad_mode",
        "_pad_pull",
        "_pad_trigger",
        "_latched",
        "_float_warned",
        "__weakref__",
    )
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
    def _create(cls, board: Board, info: PinInfo, pad: Pad) -> PinBase:
        self = object.__new__(cls)
        self._board = board
        self._cpu = board.scheduler
        self._costs = board.costs
        self._pad = pad
        self._info = info
        self._name = info.name
        self._latched = False
        self._float_warned = False
        self._hold = False
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
        self._cpu.advance(self._costs.pin_config)
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
        notes = self._board.input_notes
        if mode != OUT and notes:  # a pin whose input surprises people (board.py: P12)
            note = notes.pop(self._name, None)
            if note is not None:
                note()

    # ---- pin_obj_configure: push the fields to the pad ----
    def _configure(self) -> None:
        pad = self._pad
        if pad.frozen:
            return  # gpio_pad_hold: the pad ignores everything until released
        mode = self._mode
        if self._info.input_only and mode != IN:
            return  # gpio_config refuses output modes on GPIO34-39 and configures nothing
        routed_out = self._af_out >= 0 and mode != IN  # pad driven by a peripheral, not the latch
        board = self._board
        matrix = board.matrix
        matrix.pin_configuring(self, mode != IN)  # gpio_matrix_out: the latch or the `alt` signal
        self._pad_mode = mode
        self._pad_pull = self._pull
        self._pad_trigger = self._trigger & 7  # the intr_type bit field is 3 bits wide
        pad.configure(
            _PAD_OUTPUT[mode],
            _PAD_PULL[self._pull],
            mode != OUT,
            self._latch,
            latch_drives=not routed_out,
        )
        matrix.pin_configured(self)
        board.irq.pin_configured(self)

    # ---- reading and writing (the portable path; chip/fast_pin.py has the simulated pads' one) ----
    def value(self, v: Any = _MISSING, /, *rest: Any, **kw: Any) -> int | None:
        if rest or kw:
            raise exc.NO_KW_ERROR() if kw else exc.at_most(2, 2 + len(rest))
        if v is _MISSING:
            self._cpu.advance(self._costs.pin_read)
            if self._mode == OUT:
                return self._latch  # an OUT pin reads its latch, not the pad
            level = self._pad.read()
            return level if level < 2 else undefined_read(self, level)
        self._cpu.advance(self._costs.pin_write)
        v = self._latch = 1 if v else 0
        self._pad.write(v)
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
        self._cpu.advance(self._costs.pin_toggle)
        v = self._latch = 1 - self._latch
        self._pad.write(v)

    # ---- configuration queries ----
    def id(self, *args: Any) -> str:
        if args:
            raise exc.takes(1, 1 + len(args))
        self._cpu.advance(self._costs.pin_query)
        return self._name

    def _setting(self, args: tuple) -> bool:
        """The firmware's getter/setters take one optional argument (FUN_OBJ_VAR_BETWEEN(1, 2)):
        check that and charge a read or a reconfiguration; True when `args` sets a value."""
        if len(args) > 1:
            raise exc.at_most(2, 1 + len(args))
        self._cpu.advance(self._costs.pin_config if args else self._costs.pin_query)
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
        self._pad.hold(self._hold)  # held: writes update the latch but no longer reach the pad
        if not self._hold:
            self._configure()
        return None

    def callback(self, *args: Any, **kwargs: Any) -> None:
        self._cpu.advance(self._costs.pin_callback)
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


def make_pin_class(fast_path: dict[str, Any] | None = None) -> type[PinBase]:
    """One Pin class per board (its `_by_name` table is the board's). `fast_path`: specialised
    `value`/`__call__`/`toggle` for the pads in use (chip/fast_pin.py), else the portable ones."""
    namespace: dict[str, Any] = {"__slots__": (), "_by_name": {}}
    namespace.update(fast_path or {})
    return _PinType("Pin", (PinBase,), namespace)


def pin_init0(pins: list[PinBase], skipped: frozenset[str]) -> None:
    """machpin.c pin_init0 at every boot: every pin IN with its pull-down and latch 0, except the
    pins it skips, which keep the static state of esp32_prefix.c PIN(); held pads keep theirs."""
    for pin in pins:
        pin._static_state()
        if pin._name not in skipped:
            pin._pull = PULL_DOWN  # pin_config(IN, PULL_DOWN, value 0)
        pin._configure()


def pin_state(pin: PinBase) -> dict[str, Any]:
    """What the script configured (mode, pull, latch, hold, callback) next to what the pad's net
    really is (level 0, 1, 2=floating, 3=contention), for UIs and tests."""
    return {
        "name": pin._name,
        "exp_name": pin._info.exp_name,
        "mode": _MODE_NAMES.get(pin._mode, str(pin._mode)),
        "pull": {None: None, PULL_UP: "PULL_UP", PULL_DOWN: "PULL_DOWN"}.get(
            pin._pull, str(pin._pull)
        ),
        "value": pin._latch,
        "level": pin._pad.read(),
        "hold": pin._hold,
        "trigger": pin._trigger,
        "callback": pin._handler is not None and pin._trigger != 0,
        "input_only": pin._info.input_only,
        "rtc": pin._info.rtc,
    }


def undefined_read(pin: PinBase, level: int) -> int:
    """Reading a floating or contended pad: contention reads low (the low-side FET is the
    stronger); a floating pad reads a seeded random bit of the board, with a warning once per pin."""
    if level == X:
        return 0
    board = pin._board
    if not pin._float_warned:
        pin._float_warned = True
        board.scheduler.catch_up()  # warnings of unwired boards stay in time order too
        board.world.warn(
            board,
            "floating input read",
            f"{pin._name} is floating: nothing drives it and no pull holds it",
        )
    return board.rng.getrandbits(1)


def antenna_note(board: Board) -> None:
    """Said once when a second-generation module's script first sets P12 up as an input."""
    board.world.warn(
        board,
        "note",
        f"P12 is the antenna switch on the {board.type} (util/antenna.c): the module's "
        "pull-down holds it low, so as an input it reads 0 unless something drives it high",
    )
