"""`machine.UART` as the Pycom firmware implements it (`esp32/mods/machuart.c`, 1.20.2), one class per
board, one object per UART id (`mach_uart_obj[]` is static: `UART(1) is UART(1)`).

The argument rules, defaults, default pins and messages are the firmware's (cited per function). The
stream methods follow MicroPython 1.11's `py/stream.c` over the driver's read, which waits up to
`timeout_chars` frame times for each byte (`uart_rx_wait` busy-waits: no handler runs meanwhile). There is
no `readall` method in this firmware (it is not in `mach_uart_locals_dict_table`); `read()` without a size
reads until the line has been quiet for the timeout.

UART0 is the console: the frozen `_boot.py` runs `os.dupterm(UART(0, 115200))`, and what the board prints
goes where the firmware's `mp_hal_stdout_tx_strn` sends it: to the dupterm stream. pycomsim's stdout is the
serial terminal on UART0's default TX pad (P1), so it shows every byte UART0 sends there, printed or
written. Printed text is not put on P1 as frames unless `board.console_edges` is true (it would cost ten
kernel events per character); bytes given to `uart.write()` always are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc
from ..chip.matrix import IN, PULL_UP, pin_config, pin_deassign
from ..chip.uart import SIGNALS, TX_FIFO_LEN, UartHardware
from ..sim.uart_frames import PARITY_EVEN, PARITY_ODD, STOP_1, STOP_1_5, STOP_2, UartFormat
from .args import get_buffer, get_float
from .pin import _parse

if TYPE_CHECKING:
    from ..board import Board

RESOURCE_NA = "resource not available"  # mpexception_os_resource_not_avaliable
OPERATION_FAILED = "the requested operation failed"  # mpexception_os_operation_failed
NOT_INIT = "UART not Initialized!"  # MACH_UART_CHECK_INIT
DEFAULT_PINS = (("P1", "P0"), ("P3", "P4"), ("P8", "P9"))  # mach_uart_def_pin
TX_MAX_TIMEOUT_US = 5_000  # MACHUART_TX_MAX_TIMEOUT_MS
_MISSING: Any = object()
_INIT_NAMES = ("baudrate", "bits", "parity", "stop", "pins", "timeout_chars", "rx_buffer_size")
_INIT_DEFAULTS = (9600, 8, None, None, _MISSING, 2, 4096)  # mach_uart_init_args


def frame_time_us(baud: int) -> int:
    return (11 * 1_000_000) // baud  # MACHUART_FRAME_TIME_US


class ConsoleRouter:
    """Where the board's printed text goes: the dupterm stream (`os.dupterm`), as mp_hal_stdout_tx_strn.
    `Board.console_write` asks `write(text)`; True means the text reaches pycomsim's stdout."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.stream: Any = None
        self.active = False  # set by the frozen _boot.py; a host function has the plain console

    def dupterm(self, stream: Any) -> None:
        self.stream = stream
        self.active = True

    def write(self, text: str) -> bool:
        if not self.active:
            return True
        stream = self.stream
        if stream is None:
            return False  # no dupterm: only telnet would see it
        uart = getattr(stream, "_hw", None)
        if uart is None or not isinstance(stream, self.board.machine.UART):
            stream.write(text)  # a stream object: its write method, with a str
            return False
        if uart.fmt is None:
            return False
        data = text.encode()
        to_terminal = stream._on_terminal()
        if not to_terminal or getattr(self.board, "console_edges", False):
            stream._transmit(data, console=True)
        return to_terminal


def make_uart_class(board: Board) -> type:
    machine_call = board.costs.machine_call
    n_uarts = 2 if board.spec.name in ("gpy", "fipy") else 3  # UART2 drives the LTE modem
    objects: dict[int, UART] = {}

    class UART:
        EVEN = PARITY_EVEN
        ODD = PARITY_ODD

        def __new__(cls, *args: Any, **kwargs: Any) -> UART:
            board.advance(machine_call)
            if not args and "id" not in kwargs:
                raise exc.missing_args(1)
            values = _parse(args, kwargs, ("id", *_INIT_NAMES), 5, (None, *_INIT_DEFAULTS))
            uart_id = exc.get_int(values[0]) & 0xFFFFFFFF  # `uint uart_id`
            if uart_id >= n_uarts:
                raise OSError(RESOURCE_NA)
            self = objects.get(uart_id)
            if self is None:
                self = objects[uart_id] = object.__new__(cls)
                self._id = uart_id
                self._hw = UartHardware(board, uart_id)
                self._config = None
                self._pins: list[Any] = []
                self._timeout = 2
            self._init(values[1:])
            return self

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        # ---- mach_uart_init_helper ----
        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(machine_call)
            self._init(_parse(args, kwargs, _INIT_NAMES, 4, _INIT_DEFAULTS))

        def _init(self, values: list) -> None:
            baudrate, bits, parity, stop, pins, timeout_chars, rx_size = values
            baudrate = exc.get_int(baudrate)
            if baudrate <= 0:
                raise ValueError(exc.INVALID_ARGS)
            bits = exc.get_int(bits)
            if bits not in (5, 6, 7, 8):
                raise ValueError(f"invalid bits size {bits}")
            if parity is not None:
                parity = exc.get_int(parity) & 0xFFFFFFFF
                if parity not in (PARITY_EVEN, PARITY_ODD):
                    raise ValueError(f"invalid parity {parity}")
            stop_f = 1.0 if stop is None else get_float(stop)
            if 1.5 <= stop_f < 2.0:
                stop_bits = STOP_1_5
            elif int(stop_f) in (1, 2):
                stop_bits = STOP_1 if int(stop_f) == 1 else STOP_2
            else:
                raise ValueError(f"invalid stop bits {stop_f:f}")
            rx_size = exc.get_int(rx_size)
            if not rx_size > TX_FIFO_LEN:
                raise ValueError("invalid RX buffer size, should be > 128 bytes")
            timeout_chars = exc.get_int(timeout_chars)
            hw = self._hw
            self._deassign()
            hw.configure(None)
            if pins is not None:
                if pins is _MISSING:
                    pin_list: list[Any] = list(DEFAULT_PINS[self._id])
                else:
                    if not isinstance(pins, (tuple, list)):
                        raise TypeError(f"object '{type(pins).__name__}' isn't a tuple or list")
                    pin_list = list(pins)
                    if len(pin_list) not in (1, 2, 4):
                        raise ValueError(exc.INVALID_ARGS)
                    if len(pin_list) == 4 and (
                        (pin_list[2] is not None and pin_list[1] is None)
                        or (pin_list[3] is not None and pin_list[0] is None)
                    ):
                        raise ValueError(exc.INVALID_ARGS)  # RTS without RX, CTS without TX
                self._assign(pin_list)
            self._timeout = timeout_chars & 0xFF  # `uint8_t rx_timeout`
            self._config = (baudrate, bits, parity, stop_bits)
            fmt = UartFormat(baudrate, bits, parity or 0, stop_bits)
            hw.configure(fmt, rx_size)

        # ---- pins (uart_assign_pins_af / uart_deassign_pins_af) ----
        def _assign(self, pins: list[Any]) -> None:
            hw = self._hw
            found: list[Any] = [None if p is None else board.Pin._find(p) for p in pins]
            self._pins = found
            if len(found) == 1:
                self._rx_mode(found[0])  # one pin: RX, and TX only while writing
                return
            for i, pin in enumerate(found):
                if pin is None:
                    continue
                sig = SIGNALS[self._id][i]
                if i == 0:
                    hw.attach_tx(pin)
                elif i == 1:
                    pin_config(pin, sig, -1, IN, PULL_UP, 1)
                    hw.attach_rx(pin)
                elif i == 2:
                    hw.rts.claim(pin)
                    hw.rts.set(0, board.now)  # RTS asserted (low): there is room to receive
                else:
                    pin_config(pin, sig, -1, IN, PULL_UP, 1)  # CTS: routed, not acted on

        def _rx_mode(self, pin: Any) -> None:
            self._hw.tx.release(pin)
            pin_config(pin, SIGNALS[self._id][1], -1, IN, PULL_UP, 1)
            self._hw.attach_rx(pin)

        def _deassign(self) -> None:
            hw = self._hw
            for pin in self._pins:
                if pin is not None:
                    hw.tx.release(pin)
                    hw.rts.release(pin)
                    pin_deassign(pin)
            hw.detach_rx()
            self._pins = []

        def deinit(self) -> None:
            board.advance(machine_call)
            if self._config is not None:
                self._config = None
                self._deassign()
                self._hw.release()

        def _check(self) -> None:
            if self._config is None:
                raise OSError(NOT_INIT)

        def _reset(self) -> None:
            """uart_deinit_all at a soft reset: the pads are the boot code's again."""
            self._config = None
            self._pins = []
            self._hw.release()

        # ---- the console ----
        def _on_terminal(self) -> bool:
            """Bytes of this UART reach pycomsim's stdout: UART0 with its TX on P1."""
            return (
                self._id == 0 and bool(self._pins) and getattr(self._pins[0], "_name", "") == "P1"
            )

        # ---- transmit (uart_tx_strn) ----
        def _transmit(self, data: bytes, console: bool = False) -> bool:
            hw = self._hw
            fmt = hw.fmt
            single = len(self._pins) == 1
            if single:
                hw.tx.claim(self._pins[0])  # the one pin is TX while writing
            step_ns = (frame_time_us(fmt.baudrate) + 1) * 1000  # MACHUART_TX_WAIT_US
            ok = True
            for value in data:
                waited = 0
                while hw.fifo_used(board.now) >= TX_FIFO_LEN:
                    if waited > TX_MAX_TIMEOUT_US * 1000:
                        ok = False
                        break
                    board.sleep_ns(step_ns, busy=True)  # ets_delay_us: the GIL is kept
                    waited += step_ns
                if not ok:
                    break
                hw.send(value, board.now)
            if single:
                if hw.line_free > board.now:
                    board.sleep_ns(hw.line_free - board.now, busy=True)  # wait for tx_done
                self._rx_mode(self._pins[0])
            return ok

        def write(self, *args: Any) -> int:
            if not 1 <= len(args) <= 3:
                raise exc.at_most(4, len(args) + 1) if args else exc.missing_args(1)
            board.advance(machine_call)
            data = get_buffer(args[0])
            if len(args) == 2:
                data = data[: exc.get_int(args[1]) & 0xFFFFFFFF]
            elif len(args) == 3:
                off = min(exc.get_int(args[1]) & 0xFFFFFFFF, len(data))
                data = data[off:][: exc.get_int(args[2]) & 0xFFFFFFFF]
            self._check()
            if self._on_terminal() and data:
                _to_stdout(board, data)
            if not self._transmit(data):
                raise OSError(OPERATION_FAILED)
            return len(data)

        def sendbreak(self, *args: Any, **kwargs: Any) -> None:
            (bits,) = _parse(args, kwargs, ("bits",), 1, (13,))
            bits = exc.get_int(bits)
            board.advance(machine_call)
            self._check()
            hw = self._hw
            if not self._pins:
                return
            baud = hw.fmt.baudrate
            delay_us = (((bits + 1) * 1_000_000) // baud) & 0x7FFF
            delay_ns = max(delay_us, 1) * 1000
            single = len(self._pins) == 1
            if single:
                hw.tx.claim(self._pins[0])
            hw.send_break(board.now, delay_ns)
            board.sleep_ns(delay_ns, busy=True)  # in an atomic section
            if single:
                self._rx_mode(self._pins[0])

        def wait_tx_done(self, timeout_ms: Any) -> bool:
            board.advance(machine_call)
            self._check()
            timeout_ns = (exc.get_int(timeout_ms) & 0xFFFFFFFF) * 1_000_000
            left = self._hw.line_free - board.now
            if left <= 0:
                return True
            if left <= timeout_ns:
                board.sleep_ns(left)
                return True
            board.sleep_ns(timeout_ns)
            return False

        # ---- receive (mach_uart_read over py/stream.c) ----
        def any(self) -> int:
            board.advance(machine_call)
            self._check()
            return len(self._hw.rx)

        def _rx_wait(self) -> bool:
            """uart_rx_wait: up to timeout_chars frame times (+1 us) for a byte, busy."""
            hw = self._hw
            deadline = board.now + (frame_time_us(hw.fmt.baudrate) * self._timeout + 1) * 1000
            step = max(1000, int(hw.fmt.bit_ns))
            while not hw.rx:
                if board.now >= deadline:
                    return False
                board.sleep_ns(min(step, deadline - board.now), busy=True)
            return True

        def _read_driver(self, size: int) -> bytes | None:
            """mach_uart_read: None for EAGAIN (nothing came within the timeout)."""
            if size == 0:
                return b""
            if not self._rx_wait():
                return None
            out = bytearray()
            rx = self._hw.rx
            while True:
                out.append(rx.popleft())
                size -= 1
                if size == 0 or not self._rx_wait():
                    return bytes(out)

        def read(self, *args: Any) -> bytes | None:
            if len(args) > 1:
                raise exc.at_most(2, len(args) + 1)
            board.advance(machine_call)
            self._check()
            size = -1 if not args else exc.get_int(args[0])
            if size == -1:  # stream_readall
                out = bytearray()
                while True:
                    chunk = self._read_driver(256)
                    if chunk is None:
                        return bytes(out) if out else None
                    out += chunk
            return self._read_exactly(size)

        def _read_exactly(self, size: int) -> bytes | None:
            """mp_stream_rw: driver reads until `size` bytes or EAGAIN (None if nothing at all)."""
            out = bytearray()
            while len(out) < size:
                chunk = self._read_driver(size - len(out))
                if chunk is None:
                    return bytes(out) if out else None
                out += chunk
            return bytes(out)

        def readinto(self, buf: Any, *args: Any) -> int | None:
            if len(args) > 1:
                raise exc.at_most(3, len(args) + 2)
            board.advance(machine_call)
            try:
                view = memoryview(buf).cast("B")
            except TypeError:
                raise TypeError("object with buffer protocol required") from None
            if view.readonly:
                raise TypeError("object with buffer protocol required")
            self._check()
            size = len(view)
            if args:
                size = min(size, exc.get_int(args[0]))
            data = self._read_exactly(size)
            if data is None:
                return None
            view[: len(data)] = data
            return len(data)

        def readline(self, *args: Any) -> bytes | None:
            if len(args) > 1:
                raise exc.at_most(2, len(args) + 1)
            board.advance(machine_call)
            self._check()
            limit = exc.get_int(args[0]) if args else -1
            out = bytearray()
            while limit < 0 or len(out) < limit:
                chunk = self._read_driver(1)
                if chunk is None:
                    return bytes(out) if out else None
                out += chunk
                if chunk == b"\n":
                    break
            return bytes(out)

        def __iter__(self) -> UART:
            return self

        def __next__(self) -> bytes:
            line = self.readline()
            if not line:
                raise StopIteration
            return line

        def __repr__(self) -> str:
            if self._config is None:
                raise OSError(NOT_INIT)  # mach_uart_print checks the init flag first
            baudrate, bits, parity, stop = self._config
            par = (
                "None" if parity is None else ("UART.EVEN" if parity == PARITY_EVEN else "UART.ODD")
            )
            stop_text = "1.5" if stop == STOP_1_5 else ("1" if stop == STOP_1 else "2")
            return f"UART({self._id}, baudrate={baudrate}, bits={bits}, parity={par}, stop={stop_text})"

        __str__ = __repr__

    UART.__name__ = UART.__qualname__ = "UART"
    UART._objects = objects  # type: ignore[attr-defined]
    return UART


def _to_stdout(board: Board, data: bytes) -> None:
    """Bytes UART0 sends on P1: the serial terminal shows them (undecodable bytes as U+FFFD)."""
    board.scheduler.catch_up()
    text = data.decode("utf-8", "replace")
    board.console.chunks.append(text)  # board.output joins these
    board.world.console(board, text)


def reset_uarts(board: Board) -> None:
    """uart_deinit_all (mptask.c, at every soft reset)."""
    uart_cls = board.__dict__.get("machine")
    if uart_cls is None:
        return
    for uart in getattr(uart_cls.UART, "_objects", {}).values():
        uart._reset()
    router = board.__dict__.get("console_router")
    if router is not None:
        router.stream = None
        router.active = False
