"""A 1-Wire slave on a net: reset and presence, write and read time slots at standard speed.

One `OneWireSlave` per device watches the levels of its net and answers with a driver of its own (open
drain: it only ever pulls low). Several slaves on one net make the wired-AND bus of the datasheet: every
one sees the same edges, a 0 from any of them wins. The device's protocol (ROM and function commands) is
a generator the slave runs, one request per time slot:

    bit = yield RECV          the master writes a bit in the next slot (the device samples the line)
    yield Send(bit)           the device answers the next read slot (bit may be a function of time)

The generator starts after each presence pulse; when it returns, the device ignores the bus until the
next reset pulse (as after a MATCH ROM for another device).

Timing is that of the Maxim DS18B20 datasheet (19-7487 Rev 6, "1-Wire Signaling", Figures 13-16 and
the AC electrical characteristics), the figures every standard-speed 1-Wire slave shares:

- reset: the master holds the line low for tRSTL >= 480 us; the slave waits tPDHIGH (15-60 us) after
  the rising edge, then pulls low for tPDLOW (60-240 us): the presence pulse. Here 30 us and 120 us.
- write slot: the slave samples the line 15-60 us after the falling edge (Figure 14: typically 30 us):
  high is a 1, low a 0. Here at 30 us. The master's write-1 low lasts 1-15 us, a write-0 60-120 us.
- read slot: "output data from the DS18B20 is valid for 15 us after the falling edge that initiated the
  read time slot", so "the master must release the bus and then sample the bus state within 15 us".
  A 0 is held exactly those 15 us here: a driver that samples later reads a 1, as it may on a device.
- every slot lasts at least 60 us with at least 1 us of recovery between slots.

A low of more than 120 us (the longest slot) but less than 480 us is neither a slot nor a reset: the
slave gives up on the transaction and waits for a reset. What the master does outside the datasheet's
windows (a write-1 held low 20 us, slots shorter than 60 us, no recovery) is listed in `violations`
and the event log, with the time, whether or not the bit still got through; the first one on a bus
is also a warning of the run (stderr and the report).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any

from .net import HIGH, LOW, OFF, STRONG_LO, Driver

if TYPE_CHECKING:
    from ..board import Board

US = 1_000
RESET_MIN_NS = 480 * US  # tRSTL min
PRESENCE_WAIT_NS = 30 * US  # tPDHIGH: 15-60 us
PRESENCE_LOW_NS = 120 * US  # tPDLOW: 60-240 us
WRITE_SAMPLE_NS = 30 * US  # the slave's sample point in a write slot (window 15-60 us, typ 30 us)
READ_HOLD_NS = 15 * US  # a 0 is valid for 15 us after the falling edge
WRITE1_LOW_MAX_NS = 15 * US  # tLOW1: 1-15 us
WRITE0_LOW_MIN_NS = 60 * US  # tLOW0: 60-120 us
SLOT_LOW_MAX_NS = 120 * US
SLOT_MIN_NS = 60 * US  # tSLOT: 60-120 us
RECOVERY_MIN_NS = 1 * US  # tREC


class Recv:
    """The device wants the master's next bit (sent back into the generator)."""

    def __repr__(self) -> str:
        return "RECV"


RECV = Recv()


class Send:
    """The device answers the next read slot with `bit`, or `bit(t)` at the slot's falling edge."""

    __slots__ = ("bit",)

    def __init__(self, bit: int | Callable[[int], int]) -> None:
        self.bit = bit


Request = Recv | Send
Session = Generator[Request, "int | None", None]

# what the slave is doing between slots
WAIT_RESET, PRESENCE, SLOTS = 0, 1, 2


def crc8(data: Iterable[int]) -> int:
    """The Dallas/Maxim 1-Wire CRC-8 (x^8 + x^5 + x^4 + 1, bits LSB first, start 0): Maxim
    application note 27. Over the ROM's first 7 bytes it gives byte 8; over data plus its CRC, 0."""
    crc = 0
    for byte in data:
        for _ in range(8):
            mix = (crc ^ byte) & 1
            crc >>= 1
            if mix:
                crc ^= 0x8C
            byte >>= 1
    return crc


def bits_of(data: Iterable[int]) -> Iterable[int]:
    """The bits of bytes in the order 1-Wire sends them: each byte LSB first."""
    for byte in data:
        for i in range(8):
            yield byte >> i & 1


class OneWireSlave:
    """The time-slot side of one 1-Wire device on the net of `pin`. `session()` makes the protocol
    generator that runs after every presence pulse; `log(t, what, text)` puts a line in the event log
    under the device's own kind (a timing violation: what is "timing")."""

    def __init__(
        self,
        board: Board,
        pin: str,
        *,
        name: str,
        session: Callable[[], Session],
        log: Callable[[int, str, str], None],
    ) -> None:
        self.board = board
        self.name = name
        self.kernel = board.kernel
        self._session_factory = session
        self._log = log
        pad = board.pad(pin)
        self.driver = Driver(f"{board.name}.{pad.name} {name}")
        board.world.attach(pad, self.driver, OFF)
        self.driver.net.watchers.append(self._level_changed)  # type: ignore[union-attr]
        self.mode = WAIT_RESET
        self.violations: list[tuple[int, str]] = []
        self.resets = 0
        self.t = self.kernel.now  # when the protocol generator last ran (a slot's decision point)
        self._session: Session | None = None
        self._request: Request | None = None
        self._generation = 0  # bumped at every reset and power loss: stale slot events do nothing
        self._low_since: int | None = None  # the line's last falling edge, while it is not high
        self._in_slot = False  # between a slot's falling edge and the slave's sample/release
        self.slot_fall = -1  # the falling edge that started the current (or last) slot
        self._slot_recv = False  # that slot was a write slot (the master's bit)
        self.last_rise = -1

    # ---- the line ----
    def _level_changed(self, old: int, new: int, t: int) -> None:
        if new == LOW:
            if self._low_since is None:
                self._falling(t)
        elif new == HIGH and self._low_since is not None:
            self._rising(t)

    def _falling(self, t: int) -> None:
        self._low_since = t
        if self.mode != SLOTS or self._in_slot:
            return
        if self.slot_fall >= 0:
            if t - self.slot_fall < SLOT_MIN_NS:
                self._violation(t, f"time slot of {_us(t - self.slot_fall)} (datasheet: >= 60 us)")
            elif t - self.last_rise < RECOVERY_MIN_NS:
                self._violation(t, f"recovery of {_us(t - self.last_rise)} (datasheet: >= 1 us)")
        self._in_slot = True
        self.slot_fall = t
        request = self._request
        gen = self._generation
        if isinstance(request, Send):
            self._slot_recv = False
            bit = request.bit(t) if callable(request.bit) else request.bit
            if not bit:
                self.driver.set(STRONG_LO, t)
            self.kernel.schedule(t + READ_HOLD_NS, self._sent, gen)
        else:
            self._slot_recv = True
            self.kernel.schedule(t + WRITE_SAMPLE_NS, self._sample, gen)

    def _rising(self, t: int) -> None:
        low = t - self._low_since  # type: ignore[operator]
        fall = self._low_since
        self._low_since = None
        self.last_rise = t
        if low >= RESET_MIN_NS:
            self._reset(t)
            return
        if self.mode != SLOTS or fall != self.slot_fall:
            return  # a presence pulse, or a low that began while this slave waited for a reset
        if low > SLOT_LOW_MAX_NS:
            self._violation(t, f"line low for {_us(low)}: neither a slot (<= 120 us) nor a reset")
            self.drop(t)
        elif self._slot_recv and WRITE1_LOW_MAX_NS < low < WRITE0_LOW_MIN_NS:
            self._violation(
                t, f"write slot low for {_us(low)} (datasheet: 1-15 us for a 1, 60-120 us for a 0)"
            )

    # ---- slot events ----
    def _sample(self, gen: int) -> None:
        if gen != self._generation:
            return
        self._in_slot = False
        net = self.driver.net
        self._advance(1 if net.level == HIGH else 0)  # type: ignore[union-attr]

    def _sent(self, gen: int) -> None:
        if gen != self._generation:
            return
        self._in_slot = False
        if self.driver.code != OFF:
            self.driver.set(OFF, self.kernel.now)
        self._advance(None)

    def _advance(self, value: int | None) -> None:
        """Run the protocol to its next request (a kernel event: the device's own time)."""
        self.t = self.kernel.now
        try:
            self._request = self._session.send(value)  # type: ignore[union-attr]
        except StopIteration:
            self._end_session()

    def _end_session(self) -> None:
        self.mode = WAIT_RESET
        self._session = None
        self._request = None

    # ---- reset and presence ----
    def _reset(self, t: int) -> None:
        self._generation += 1
        self._in_slot = False
        self._end_session_quietly()
        self.mode = PRESENCE
        self.resets += 1
        if self.driver.code != OFF:
            self.driver.set(OFF, t)
        self.kernel.schedule(t + PRESENCE_WAIT_NS, self._presence_start, self._generation)

    def _presence_start(self, gen: int) -> None:
        if gen == self._generation:
            self.driver.set(STRONG_LO, self.kernel.now)
            self.kernel.schedule(self.kernel.now + PRESENCE_LOW_NS, self._presence_end, gen)

    def _presence_end(self, gen: int) -> None:
        if gen != self._generation:
            return
        self.driver.set(OFF, self.kernel.now)
        self.mode = SLOTS
        self.slot_fall = -1
        self.t = self.kernel.now
        self._session = self._session_factory()
        try:
            self._request = next(self._session)
        except StopIteration:
            self._end_session()

    def _end_session_quietly(self) -> None:
        if self._session is not None:
            self._session.close()
        self._end_session()

    def drop(self, t: int) -> None:
        """Give up the transaction (lost sync, lost power): release the line, wait for a reset."""
        self._generation += 1
        self._in_slot = False
        self._end_session_quietly()
        if self.driver.code != OFF:
            self.driver.set(OFF, t)

    # ---- reports ----
    def _violation(self, t: int, text: str) -> None:
        self.violations.append((t, text))
        board = self.board
        self._log(t, "timing", text)
        # one warning per bus (stderr and the run's report); the rest are in the event log
        warned = board.__dict__.setdefault("_onewire_warned", set())
        if self.net not in warned:
            warned.add(self.net)
            board.world.warn(
                board, "1-wire timing", f"{self.name}: {text}; later ones: in the event log"
            )

    @property
    def net(self) -> Any:
        return self.driver.net


def _us(ns: int) -> str:
    return f"{ns / US:g} us"
