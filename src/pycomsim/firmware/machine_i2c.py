"""`machine.I2C` as the Pycom firmware implements it (`esp32/mods/machine_i2c.c`, 1.20.2), one class
per board, one object per bus id (`mach_i2c_obj[3]` is static: `I2C(0) is I2C(0)`).

Buses 0 and 1 use the ESP32's I2C controllers through ESP-IDF (`hw_i2c_*`), bus 2 is the firmware's
bit-banged master (`mp_hal_i2c_*`); both default to SDA on P9 and SCL on P10 (`mach_i2c_def_pin`).
What differs between them is kept: the scan range (0x08..0x78 with a write probe on 0/1, 0x08..0x77
with a read probe on 2), ESP-IDF's one-byte read for an empty `readfrom`, the timing, and `deinit`
(which stops buses 0 and 1 only: afterwards their transfers fail, bus 2 keeps working).

Every transfer error is `OSError: I2C bus error`, raised where the firmware raises it: a NACK of the
address or of a written byte (after a STOP). `pins=None` keeps no pins on buses 0 and 1 (the firmware
drops them before reading `pins`): their transfers then fail as if nobody answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc
from ..chip.i2c import SOFTWARE_BUS, I2CController
from .args import BOOL, INT, Arg, get_buffer, parse

if TYPE_CHECKING:
    from ..board import Board

MASTER = 0  # MACHI2C_MASTER
BUS_ERROR = "I2C bus error"
RESOURCE_NA = "resource not available"  # mpexception_os_resource_not_avaliable
DEFAULT_PINS = ("P9", "P10")  # mach_i2c_def_pin: SDA, SCL
CMD_BEGIN_NS = 20_000  # i2c_master_cmd_begin's own cost (queue, semaphores, ISR): an estimate
_MISSING: Any = exc.MISSING
_INIT_ARGS = (
    Arg("mode", MASTER, INT),
    Arg("baudrate", 100_000, INT, kw_only=True),
    Arg("pins", _MISSING, kw_only=True),
)


def send_buffer(obj: Any) -> bytes:
    """pyb_buf_get_for_send: an int is one byte, anything else must have the buffer protocol."""
    if isinstance(obj, int) and not isinstance(obj, bool):
        return bytes([obj & 0xFF])
    return get_buffer(obj)


def recv_buffer(obj: Any) -> memoryview:
    """mp_get_buffer_raise(MP_BUFFER_WRITE): a bytearray, a writable memoryview, an array."""
    try:
        view = memoryview(obj)
    except TypeError:
        view = None
    if view is None or view.readonly or isinstance(obj, str):
        raise TypeError("object with buffer protocol required")
    return view.cast("B")


def fixed_array(obj: Any, n: int) -> list[Any]:
    """mp_obj_get_array_fixed_n (py/obj.c)."""
    if not isinstance(obj, (tuple, list)):
        raise TypeError(f"object '{type(obj).__name__}' isn't a tuple or list")
    if len(obj) != n:
        raise ValueError(f"requested length {n} but object has length {len(obj)}")
    return list(obj)


def make_i2c_class(board: Board) -> type:
    machine_call = board.costs.machine_call
    objects: dict[int, Any] = {}

    class I2C:
        MASTER = 0

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            board.advance(machine_call)
            values = parse(args, kwargs, (Arg("id", 0, INT), *_INIT_ARGS))
            bus_id = values[0] & 0xFFFFFFFF  # `uint32_t bus_id`
            if bus_id > 2:
                raise OSError(RESOURCE_NA)
            self = objects.get(bus_id)
            if self is None:
                self = objects[bus_id] = object.__new__(cls)
                self._id = bus_id
                self._baudrate = 0
                self._sda = self._scl = None
                self._hw = I2CController(board, bus_id)
            self._init(values[1:])
            return self

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def __repr__(self) -> str:
            if self._baudrate > 0:
                return f"I2C({self._id}, I2C.MASTER, baudrate={self._baudrate})"
            return f"I2C({self._id})"

        # ---- machine_i2c_init_helper ----
        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(machine_call)
            self._init(parse(args, kwargs, _INIT_ARGS))

        def _init(self, values: list[Any]) -> None:
            mode, baudrate, pins = values
            if mode != MASTER:
                raise ValueError(exc.INVALID_ARGS)
            hardware = self._id < SOFTWARE_BUS
            if hardware:
                self._hw.release()  # i2c_driver_delete, i2c_deassign_pins_af
                self._sda = self._scl = None
            if pins is not None:
                pair = DEFAULT_PINS if pins is _MISSING else fixed_array(pins, 2)
                self._sda = board.Pin._find(pair[0])
                self._scl = board.Pin._find(pair[1])
            if baudrate <= 0:
                raise ValueError(exc.INVALID_ARGS)
            self._baudrate = baudrate
            self._hw.configure(self._sda, self._scl, baudrate)

        def deinit(self) -> None:
            board.advance(machine_call)
            if self._baudrate > 0:
                if self._id < SOFTWARE_BUS:
                    self._hw.release()
                    self._sda = self._scl = None
                self._baudrate = 0

        def _reset(self) -> None:
            self._hw.reset()
            self._baudrate = 0
            self._sda = self._scl = None

        # ---- transfers ----
        def _run(self, steps: list[tuple], t: int | None = None) -> tuple[bool, bytes, int]:
            """One transfer (one i2c_master_cmd_begin on buses 0 and 1), from `t` (default now)."""
            hw = self._hw
            start = board.now if t is None else t
            if self._id < SOFTWARE_BUS:
                if not hw.ready:
                    return False, b"", start  # no driver installed: ESP_FAIL at once
                start += CMD_BEGIN_NS
            elif hw.timing is None:
                return False, b"", start
            return hw.run(start, steps)

        def _wait(self, end: int) -> None:
            if end > board.now:
                board.sleep_ns(end - board.now, busy=True)  # the call blocks with the GIL held

        def _transfer(self, steps: list[tuple]) -> bytes:
            ok, data, end = self._run(steps)
            self._wait(end)
            if not ok:
                raise OSError(BUS_ERROR)
            return data

        def _write(self, addr: int, data: bytes, stop: bool = True) -> None:
            steps: list[tuple] = [("start",), ("addr", addr & 0x7F, 0), ("write", data)]
            if stop:
                steps.append(("stop",))
            self._transfer(steps)

        def _read(self, addr: int, n: int, mem: bytes | None = None) -> bytes:
            steps: list[tuple] = [("start",)]
            if mem is not None:  # the memory address, then a repeated START
                steps += [("addr", addr & 0x7F, 0), ("write", mem), ("start",)]
            steps.append(("addr", addr & 0x7F, 1))
            if n == 0 and self._id < SOFTWARE_BUS:
                steps.append(("read_dummy",))  # i2c_master_read_byte(data + len - 1, NACK)
            else:
                steps.append(("read", n))
            steps.append(("stop",))
            return self._transfer(steps)

        def scan(self) -> list[int]:
            board.advance(machine_call)
            found = []
            t = board.now
            if self._id < SOFTWARE_BUS:  # hw_i2c_slave_ping: a write probe, 0x08..0x78
                probes: range = range(0x08, 0x79)
                read = 0
            else:  # a read probe, 0x08..0x77
                probes = range(0x08, 0x78)
                read = 1
            for addr in probes:
                steps: list[tuple] = [("start",), ("addr", addr, read)]
                if not read:
                    steps.append(("write", b""))
                steps.append(("stop",))
                ok, _data, t = self._run(steps, t)
                if ok:
                    found.append(addr)
            self._wait(t)
            return found

        def readfrom(self, *args: Any, **kwargs: Any) -> bytes:
            board.advance(machine_call)
            addr, nbytes = parse(
                args,
                kwargs,
                (Arg("addr", kind=INT, required=True), Arg("nbytes", kind=INT, required=True)),
            )
            return self._read(addr, _length(nbytes))

        def readfrom_into(self, *args: Any, **kwargs: Any) -> int:
            board.advance(machine_call)
            addr, buf = parse(
                args, kwargs, (Arg("addr", kind=INT, required=True), Arg("buf", required=True))
            )
            view = recv_buffer(buf)
            data = self._read(addr, len(view))
            view[: len(data)] = data
            return len(view)

        def writeto(self, *args: Any, **kwargs: Any) -> int:
            board.advance(machine_call)
            addr, buf, stop = parse(
                args,
                kwargs,
                (
                    Arg("addr", kind=INT, required=True),
                    Arg("buf", required=True),
                    Arg("stop", True, BOOL, kw_only=True),
                ),
            )
            data = send_buffer(buf)
            self._write(addr, data, stop)
            return len(data)

        def readfrom_mem(self, *args: Any, **kwargs: Any) -> bytes:
            board.advance(machine_call)
            addr, memaddr, nbytes, addrsize = parse(args, kwargs, _mem_args("nbytes", INT))
            mem = _memaddr(memaddr, addrsize)
            if nbytes <= 0:
                return b""
            return self._read(addr, _length(nbytes), mem)

        def readfrom_mem_into(self, *args: Any, **kwargs: Any) -> int:
            board.advance(machine_call)
            addr, memaddr, buf, addrsize = parse(args, kwargs, _mem_args("buf"))
            mem = _memaddr(memaddr, addrsize)
            view = recv_buffer(buf)
            if len(view):
                view[:] = self._read(addr, len(view), mem)
            return len(view)

        def writeto_mem(self, *args: Any, **kwargs: Any) -> int:
            board.advance(machine_call)
            addr, memaddr, buf, addrsize = parse(args, kwargs, _mem_args("buf"))
            mem = _memaddr(memaddr, addrsize)
            data = send_buffer(buf)
            self._write(addr, mem + data)
            return len(data)

    I2C.__name__ = I2C.__qualname__ = "I2C"
    board.peripheral_resets.append(lambda: [obj._reset() for obj in objects.values()])
    return I2C


def _mem_args(third: str, kind: str = "obj") -> tuple[Arg, ...]:
    return (
        Arg("addr", kind=INT, required=True),
        Arg("memaddr", kind=INT, required=True),
        Arg(third, kind=kind, required=True),
        Arg("addrsize", 8, INT, kw_only=True),
    )


def _memaddr(memaddr: int, addrsize: int) -> bytes:
    """i2c_validate_address_size(uint8_t addr_size), then the memory address bytes as sent (high
    byte first)."""
    addrsize &= 0xFF
    if addrsize not in (8, 16):
        raise ValueError(f"invalid memory address size {addrsize}")
    if addrsize == 16:
        return bytes([(memaddr >> 8) & 0xFF, memaddr & 0xFF])
    return bytes([memaddr & 0xFF])


def _length(n: int) -> int:
    """vstr_init_len(n): a negative size is a huge allocation the heap cannot give."""
    if n < 0:
        raise MemoryError(f"memory allocation failed, allocating {n & 0xFFFFFFFF} bytes")
    return n
