"""`machine.SPI` as the Pycom firmware implements it (`esp32/mods/machspi.c`, 1.20.2): master only,
one static object per bus (`mach_spi_obj[]`): bus 0 (HSPI, pins CLK P10, MOSI P11, MISO P14) on every
board, and bus 1 (VSPI, P19, P20, P21) on the WiPy and GPy only.

The argument rules and messages are the firmware's, quirks included: the repr always says
`firstbit=SPI.MSB`, a deinitialised bus prints `SPI(0)` whatever its id, `read`/`readinto` send the
`write` value's low bytes in each word, and a transfer after `deinit` is `OSError: the requested
operation is not possible`. The SPI has no chip select: scripts drive one with a Pin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc
from ..chip.spi import SpiController
from .args import INT, Arg, parse
from .machine_i2c import fixed_array, recv_buffer, send_buffer

if TYPE_CHECKING:
    from ..board import Board

MASTER, MSB, LSB = 0, 0, 1  # SpiMode_Master, SpiBitOrder_MSBFirst, SpiBitOrder_LSBFirst
RESOURCE_NA = "resource not available"
DEFAULT_PINS = (("P10", "P11", "P14"), ("P19", "P20", "P21"))  # mach_spi_def_pin: CLK, MOSI, MISO
_MISSING: Any = exc.MISSING
_INIT_ARGS = (
    Arg("mode", MASTER, INT),
    Arg("baudrate", 1_000_000, INT, kw_only=True),
    Arg("bits", 8, INT, kw_only=True),
    Arg("polarity", 0, INT, kw_only=True),
    Arg("phase", 0, INT, kw_only=True),
    Arg("firstbit", MSB, INT, kw_only=True),
    Arg("pins", _MISSING, kw_only=True),
)


def _positional(n: int, args: tuple, kwargs: dict) -> None:
    """MP_DEFINE_CONST_FUN_OBJ_n: exactly n positional arguments (self included), no keywords."""
    if kwargs:
        raise exc.NO_KW_ERROR()
    if len(args) + 1 != n:
        raise exc.takes(n, len(args) + 1)


def make_spi_class(board: Board) -> type:
    machine_call = board.costs.machine_call
    n_buses = 2 if board.spec.name in ("wipy3", "gpy") else 1  # #if defined(WIPY) || defined(GPY)
    objects: dict[int, Any] = {}

    class SPI:
        MASTER = 0
        MSB = 0
        LSB = 1

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            board.advance(machine_call)
            values = parse(args, kwargs, (Arg("id", 0, INT), *_INIT_ARGS))
            bus = values[0]
            if not 0 <= bus < n_buses:
                raise OSError(RESOURCE_NA)
            self = objects.get(bus)
            if self is None:
                self = objects[bus] = object.__new__(cls)
                self._id = bus
                self._baudrate = 0
                self._wlen = 1
                self._polarity = self._phase = 0
                self._hw = SpiController(board, bus)
            self._init(values[1:])
            return self

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def __repr__(self) -> str:
            if self._baudrate > 0:
                return (
                    f"SPI({self._id}, SPI.MASTER, baudrate={self._baudrate}, bits={self._wlen * 8}, "
                    f"polarity={self._polarity}, phase={self._phase}, firstbit=SPI.MSB)"
                )
            return "SPI(0)"

        # ---- pyb_spi_init_helper ----
        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(machine_call)
            self._init(parse(args, kwargs, _INIT_ARGS))

        def _init(self, values: list[Any]) -> None:
            mode, baudrate, bits, polarity, phase, firstbit, pins = values
            if mode != MASTER or bits not in (8, 16, 32):
                raise ValueError(exc.INVALID_ARGS)
            self._wlen = bits >> 3
            self._polarity, self._phase = polarity & 0xFF, phase & 0xFF  # `byte` fields
            if self._polarity > 1 or self._phase > 1:
                raise ValueError(exc.INVALID_ARGS)
            firstbit &= 0xFFFFFFFF
            if firstbit not in (MSB, LSB):
                raise ValueError(exc.INVALID_ARGS)
            self._baudrate = baudrate & 0xFFFFFFFF  # `uint baudrate`
            if not self._baudrate:
                raise ValueError(exc.INVALID_ARGS)
            hw = self._hw
            hw.deassign()
            if pins is not None:
                chosen = DEFAULT_PINS[self._id] if pins is _MISSING else fixed_array(pins, 3)
                hw.assign([None if p is None else board.Pin._find(p) for p in chosen])
            hw.configure(self._baudrate, self._polarity, self._phase, firstbit == LSB)

        def deinit(self) -> None:
            board.advance(machine_call)
            if self._baudrate > 0:
                self._baudrate = 0
                self._hw.deassign()

        def _reset(self) -> None:
            self._baudrate = 0
            self._hw.reset()

        # ---- pybspi_transfer ----
        def _transfer(self, tx: bytes) -> bytes:
            if not self._baudrate:
                raise OSError(exc.NOT_POSSIBLE)
            rx, end = self._hw.transfer(board.now, tx, self._wlen)
            if end > board.now:
                board.sleep_ns(end - board.now, busy=True)  # polled: the GIL stays taken
            return rx

        def _fill(self, n: int, write: int) -> bytes:
            """The `write` value as each word's bytes (memcpy of a uint32_t: low byte first)."""
            word = (write & 0xFFFFFFFF).to_bytes(4, "little")[: self._wlen]
            return (word * (n // self._wlen + 1))[:n]

        def write(self, *args: Any, **kwargs: Any) -> int:
            _positional(2, args, kwargs)
            board.advance(machine_call)
            data = send_buffer(args[0])
            self._transfer(data)
            return len(data)

        def read(self, *args: Any, **kwargs: Any) -> bytes:
            board.advance(machine_call)
            nbytes, write = parse(
                args, kwargs, (Arg("nbytes", required=True), Arg("write", 0, INT, kw_only=True))
            )
            view = _recv(nbytes)
            data = self._transfer(self._fill(len(view), write))
            view[:] = data
            return bytes(view)

        def readinto(self, *args: Any, **kwargs: Any) -> int:
            board.advance(machine_call)
            buf, write = parse(
                args, kwargs, (Arg("buf", required=True), Arg("write", 0, INT, kw_only=True))
            )
            view = _recv(buf)
            view[:] = self._transfer(self._fill(len(view), write))
            return len(view)

        def write_readinto(self, *args: Any, **kwargs: Any) -> int:
            _positional(3, args, kwargs)
            board.advance(machine_call)
            wbuf, rbuf = args
            if wbuf is rbuf:
                view = recv_buffer(wbuf)  # MP_BUFFER_RW
                data = bytes(view)
            else:
                data = send_buffer(wbuf)
                view = recv_buffer(rbuf)
                if len(view) != len(data):
                    raise ValueError(exc.INVALID_ARGS)
            view[:] = self._transfer(data)
            return len(data)

    board.peripheral_resets.append(lambda: [obj._reset() for obj in objects.values()])
    return SPI


def _recv(obj: Any) -> memoryview:
    """pyb_buf_get_for_recv: an int is a new buffer of that size, else a writable buffer."""
    if isinstance(obj, int) and not isinstance(obj, bool):
        if obj < 0:
            raise MemoryError(f"memory allocation failed, allocating {obj & 0xFFFFFFFF} bytes")
        return memoryview(bytearray(obj))
    return recv_buffer(obj)
