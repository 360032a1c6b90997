"""A world: boards that share one virtual clock, the nets between them, and what the run reports."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greenlet import getcurrent

from ..exc import FaultError, UsageError
from ..units import format_ns, parse_duration
from .kernel import NEVER, Kernel
from .net import CODE_NAMES, Driver, Net
from .radio import Radio
from .recorder import Recorder, record_level

if TYPE_CHECKING:
    from ..board import Board
    from ..chip.pads import Pad


@dataclass
class Report:
    """A fault or warning of the run, with the virtual time it happened."""

    t: int
    board: str
    kind: str  # 'contention', 'floating input read', ...
    message: str
    # the same fault again later (same net, same drivers): counted, not re-reported
    repeats: int = 0

    def __str__(self) -> str:
        where = f"{self.board} " if self.board else ""
        again = f" (and {self.repeats} more times)" if self.repeats else ""
        return f"[{format_ns(self.t)}] {where}{self.kind}: {self.message}{again}"


class World:
    def __init__(self, *, strict: bool = False, stderr: Any = None) -> None:
        self.kernel = Kernel()
        self.recorder = Recorder()
        self.boards: dict[str, Board] = {}
        self.strict = strict
        self.faults: list[Report] = []
        self.warnings: list[Report] = []
        self.failed: list[tuple[Board, BaseException]] = []
        self.stdout_closed = False  # a write to stdout found the pipe closed: the run stops
        self._running = threading.Lock()  # one run at a time: not re-entered, not from two threads
        self.run_until_idle = (
            False  # during a run without `until`: it ends when every board is idle
        )
        self.cluster_cache: Any = None  # sim/clusters.py: which boards can affect which
        self.steady_waves: set[Any] = set()  # chip/ledc.py waves written into traces in blocks
        self._stderr = stderr
        self._fault_index: dict[tuple[str, tuple[str, ...]], Report] = {}
        self.radio = Radio(self)  # the LoRa channel every board's radio shares (sim/radio.py)
        self.networked: set[str] = set()  # boards that use LoRa, WLAN or sockets (sim/clusters.py)

    @property
    def lorawan(self) -> Any:
        """The LoRaWAN gateway and network server (sim/lorawan.py), made on first use."""
        server = self.__dict__.get("_lorawan")
        if server is None:
            from .lorawan import NetworkServer

            server = self.__dict__["_lorawan"] = NetworkServer(self)
        return server

    @property
    def ipnet(self) -> Any:
        """Access points, addresses, host mappings and sockets (sim/ipnet.py), made on first use."""
        net = self.__dict__.get("_ipnet")
        if net is None:
            from .ipnet import IpNet

            net = self.__dict__["_ipnet"] = IpNet(self)
        return net

    # ---- building ----
    def add_board(self, board: Board) -> None:
        if board.name in self.boards:
            raise UsageError(f"a board named {board.name!r} is already in this run")
        self.boards[board.name] = board
        for pad in board.pads.values():
            self._track_net(pad.net)
        if len(self.boards) > 1:
            for b in self.boards.values():
                b.console.prefix = f"{b.name}| "

    def _track_net(self, net: Net) -> None:
        net.on_fault = self._contention
        pads = self.pads_on(net)
        key = pads[0] if pads else net.name
        trace = self.recorder.trace(key)
        net.set_trace(trace)
        for pad in pads[1:]:
            self.recorder.traces[pad] = trace
        record_level(trace, self.kernel.now, net.level)

    def pads_on(self, net: Net) -> list[str]:
        """Signal names of the pads on `net`: 'P9' in a one-board world, else 'board.P9'."""
        names = []
        for driver in net.drivers:
            owner = driver.owner
            if owner is not None and driver is owner.gpio_driver:
                names.append(self.signal_name(owner))
        return names

    def signal_name(self, pad: Pad) -> str:
        return f"{pad.board_name}.{pad.name}"

    def resolve_pad(self, ref: str, default_board: Board | None = None) -> Pad:
        """The pad named 'P9' (on the default board) or 'board.P9'."""
        board_name, _, pin_name = ref.rpartition(".")
        if board_name:
            board = self.boards.get(board_name)
            if board is None:
                raise UsageError(f"unknown board {board_name!r} in {ref!r}")
        elif default_board is not None:
            board = default_board
        elif len(self.boards) == 1:
            board = next(iter(self.boards.values()))
        else:
            raise UsageError(f"pin {ref!r} needs a board name: 'board.{ref}'")
        try:
            return board.pad(pin_name)
        except ValueError as error:
            raise UsageError(str(error)) from None

    def wire_spec(self, spec: str, default_board: Board | None = None) -> None:
        """'P9=P23' or 'a.P9=b.P10': join two pads with a wire."""
        left, sep, right = str(spec).partition("=")
        if not sep or not left.strip() or not right.strip():
            raise UsageError(f"bad wire {spec!r}: expected 'PIN=PIN', e.g. 'P9=P23'")
        self.wire(
            self.resolve_pad(left.strip(), default_board),
            self.resolve_pad(right.strip(), default_board),
        )

    def wire(self, a: Pad, b: Pad) -> None:
        """Join two pads with a wire: their nets become one (watchers follow their pads)."""
        if a is b:
            raise UsageError(f"cannot wire {self.signal_name(a)} to itself")
        net_a, net_b = a.net, b.net
        if net_a is net_b:
            return
        self._flush_waves()
        net_a.merge(net_b)
        self._track_net(net_a)
        net_a.settle(self.kernel.now)
        self._recheck_waves()

    def _flush_waves(self) -> None:
        """Steady PWM waves that write their edges in blocks (chip/ledc.py) write what is due now,
        before a wire or a part changes a net: the trace stays in time order."""
        for wave in list(self.steady_waves):
            wave.flush()

    def _recheck_waves(self) -> None:
        for wave in list(self.steady_waves):
            wave.recheck()

    def attach(self, pad: Pad, driver: Driver, code: int = 0) -> None:
        """Put a part's driver on the net of `pad`, already driving with `code`."""
        driver.code = code
        self._flush_waves()
        pad.net.attach(driver)
        pad.net.settle(self.kernel.now)
        self._recheck_waves()

    # ---- running ----
    def run(self, until: int | str | None = None) -> int:
        """Run all boards until `until` (virtual time from now) or, without it, until all are idle."""
        if not self._running.acquire(blocking=False):
            raise RuntimeError(
                "this world is already running: board.run() cannot be called from a board's own "
                "script or from a second thread while a run goes on"
            )
        try:
            return self._run(until)
        finally:
            self._running.release()

    def _run(self, until: int | str | None) -> int:
        kernel = self.kernel
        if until is None:
            t_end = NEVER
            self.run_until_idle = True
            if not any(b.busy() for b in self.boards.values()):
                return kernel.now
        else:
            t_end = kernel.now + parse_duration(until, "until")
            self.run_until_idle = (
                False  # during a run without `until`: it ends when every board is idle
            )
        try:
            kernel.run_until(t_end)
        finally:
            self.run_until_idle = (
                False  # during a run without `until`: it ends when every board is idle
            )
            for board in self.boards.values():
                if board.scheduler.now < kernel.now:
                    board.scheduler.now = kernel.now
        return kernel.now

    def board_idle(self, board: Board) -> None:
        if self.run_until_idle and not any(b.busy() for b in self.boards.values()):
            if not self.radio.busy():  # a packet in the air may still wake a listening board
                self.kernel.stop()

    def script_failed(self, board: Board, error: BaseException) -> None:
        self.failed.append((board, error))

    # ---- reports ----
    def _contention(self, net: Net, drivers: list[Driver], t: int) -> None:
        """Two strong drivers disagree. The net reads 0 (firmware/pin.py undefined_read). Reported once per net
        and set of drivers, with the time; repeats are counted. Strict runs raise FaultError in the
        script that made the offending call, or, when a part or stimulus caused it, in the script of
        every board with a pad on the net at its next API call (never in the kernel)."""
        names = sorted(f"{d.name} {CODE_NAMES[d.code]}" for d in drivers)
        message = f"{' and '.join(names)} on net {net.name}"
        key = (net.name, tuple(names))
        seen = self._fault_index.get(key)
        if seen is not None:
            seen.repeats += 1
        else:
            report = self._fault_index[key] = Report(t, "", "contention", message)
            self.faults.append(report)
            self.recorder.event(t, "", "fault", str(report))
            self.notice(str(report))
        if not self.strict:
            return
        error_text = f"contention at {format_ns(t)}: {message}"
        running = self._running_board()
        if running is not None:
            raise FaultError(error_text)
        for name in {d.owner.board_name for d in drivers if d.owner is not None}:
            cpu = self.boards[name].scheduler
            if cpu.pending_fault is None:
                cpu.pending_fault = FaultError(error_text)

    def _running_board(self) -> Board | None:
        """The board whose task (script or interrupt handler) is running now, if any."""
        me = getcurrent()
        for board in self.boards.values():
            if board.scheduler.current is me and me is not self.kernel.loop_glet:
                return board
        return None

    def warn(self, board: Board, kind: str, message: str) -> None:
        report = Report(board.now, board.name, kind, message)
        self.warnings.append(report)
        self.recorder.event(board.now, board.name, "warning", str(report))
        self.notice(str(report))

    def notice(self, line: str) -> None:
        """pycomsim's own words: stderr, never stdout."""
        stream = self._stderr if self._stderr is not None else sys.stderr
        print(f"pycomsim: {line}", file=stream)

    def console(self, board: Board, text: str) -> None:
        console = board.console
        stream = console.stdout if console.stdout is not None else sys.stdout
        prefix = console.prefix
        if prefix:
            pending = console.line_open
            out = []
            for piece in text.splitlines(keepends=True):
                if not pending:
                    out.append(prefix)
                out.append(piece)
                pending = not piece.endswith("\n")
            console.line_open = pending
            text = "".join(out)
        if self.stdout_closed:
            return
        try:
            stream.write(text)
        except BrokenPipeError:
            # stdout's reader went away (`| head -1`): not the script's fault; the run ends quietly
            self.stdout_closed = True
            self.kernel.stop()
