"""A simulated Pycom board, assembled: the chip (pads, GPIO matrix), the CPU (scheduler), the firmware
modules, and the parts a test puts on its pins. Each idea lives in its own module; this one only wires
them together (see docs/architecture.md)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .chip.fast_pin import make_fast_path
from .chip.matrix import GpioMatrix, boot_signals
from .chip.pads import Pad, add_fixed_pull
from .core.boards import DEFAULT_BOARD, board_spec, check_board_arguments
from .core.cpu import CpuModel, cpu_model
from .firmware.console import Console
from .firmware.irq import InterruptTask
from .firmware.lang.vflash import FlashLayer
from .firmware.lifecycle import Lifecycle
from .firmware.modules import build_modules
from .firmware.pin import (
    PinBase,
    antenna_note,
    make_pin_class,
    named_pins_class,
    pin_state,
    undefined_read,
)
from .firmware.system import BoardSystem
from .firmware.tracebacks import format_location_line
from .sim import parts
from .sim.bench import Bench
from .sim.clusters import run_ahead_limit
from .sim.preempt import make_tick
from .sim.scheduler import Scheduler
from .sim.world import World


class Board(Bench):
    """One simulated board. `Board("lopy4", seed=0, wires=["P9=P23"])`; its modules are `board.machine`,
    `board.time`, `board.pycom`; `board.run(program, until=...)` runs a script path or a function."""

    # Pin's hot path: the copy specialised for the simulated pads (chip/fast_pin.py), or the portable
    # methods over the pad contract; both pass the same tests (tests/conftest.py runs them twice)
    default_fast_path = True
    # I2C and SPI transfers put their real waveform on the pads' nets (the VCD shows it); False keeps
    # the transfers, their timing and the event log, without the edges (chip/i2c.py)
    bus_levels = True

    def __init__(
        self,
        board: str = DEFAULT_BOARD,
        *,
        seed: int = 0,
        wires: Iterable[str] = (),
        name: str | None = None,
        expansion: bool = True,
        strict: bool = False,
        world: World | None = None,
        stdout: Any = None,
        host_python: bool = False,
        flash_dir: str | Path | None = None,
        cpu: str | float | CpuModel | None = None,
        fast_path: bool | None = None,
        nvs_file: str | Path | None = None,
    ) -> None:
        check_board_arguments(seed=seed, wires=wires, name=name, expansion=expansion, strict=strict)
        self.spec = board_spec(board)
        self.type = self.spec.name
        self.name = name or self.spec.name
        self.seed = seed
        # skip the board-language gate (MicroPython 1.11 syntax check, host modules allowed):
        # for people who knowingly run host code (loader.py, docs/board-language.md)
        self.host_python = host_python
        # the board's writes to /flash: a layer over the script folder, never the folder itself
        # (temporary, or kept in flash_dir between runs); it survives reset and deep sleep
        self.flash_layer = FlashLayer(flash_dir)
        self.rng = random.Random(seed)
        # how user code costs time: 'board' (MicroPython 1.11 on a 160 MHz ESP32), a factor, 'free'
        self.cpu = cpu_model(cpu)
        self.costs = self.cpu.api_costs(self.spec.costs)
        self.expansion = expansion
        self.world = world if world is not None else World(strict=strict)
        if strict:
            self.world.strict = True  # faults are per run: a strict board makes its world strict
        self.kernel = self.world.kernel
        self.lifecycle = Lifecycle(self)
        self.scheduler = Scheduler(
            self.kernel,
            on_reboot=self.lifecycle.after_reboot,
            on_idle=lambda: self.world.board_idle(self),
            run_ahead_limit=lambda: run_ahead_limit(self),
            idle_watcher=self.world,
        )
        # (the lifecycle's state on the board, program, error, reset_cause, boot_count, ..., is set
        # up by Lifecycle above: firmware/lifecycle.py)
        # one-shot notes when the script first sets a pin up as an input (P12 below)
        self.input_notes: dict[str, Any] = {}
        self.console = Console(self, stdout)

        # the chip: one pad per pin, each on a net of its own until wires join them
        self.pads = {
            info.name: Pad(self.name, info.name, self.scheduler, has_pulls=not info.input_only)
            for info in self.spec.pins
        }
        self.matrix = GpioMatrix(self.pads)
        self.boot_signals = boot_signals(self)
        for pad_name, signal in self.boot_signals.items():
            self.matrix.route(pad_name, signal)
        if self.spec.second_generation:  # util/antenna.c: the antenna switch pulls P12 down
            add_fixed_pull(self.pads["P12"], "antenna pull-down", up=False, at=self.kernel.now)
            self.input_notes["P12"] = lambda: antenna_note(self)

        # the firmware's Pin objects, one per pad
        fast = self.default_fast_path if fast_path is None else fast_path
        self.Pin = make_pin_class(make_fast_path(self.costs, undefined_read) if fast else None)
        self.pins = [self.Pin._create(self, info, self.pads[info.name]) for info in self.spec.pins]
        self.pin_by_name = {pin._name: pin for pin in self.pins}
        # pin_find looks at expansion-board names first, then module names
        self.Pin._by_name = {pin._info.exp_name: pin for pin in self.pins} | self.pin_by_name
        self.Pin.module = named_pins_class("cpu", dict(self.pin_by_name))
        self.Pin.exp_board = named_pins_class("board", {p._info.exp_name: p for p in self.pins})
        self.irq = InterruptTask(self)
        self.tick = make_tick(self)  # instrumented user code calls it at every basic block
        self.peripheral_resets: list[Any] = []  # run at every boot before the pads reset
        self.console_router: Any = None  # os.dupterm's target (firmware/machine_uart.py)
        self.system = BoardSystem(self)  # timers, RTC, watchdog, NVS: before the modules
        if nvs_file is not None:  # pycom NVS and configuration kept in a file across runs
            self.system.use_nvs_file(nvs_file)

        self.modules = build_modules(self)
        self.machine = self.modules["machine"]
        self.time = self.modules["time"]
        self.pycom = self.modules["pycom"]

        self.world.add_board(self)
        self.added_parts: list[Any] = []  # parts from the catalogue (add_part, [[part]], --part)
        if expansion:
            self.expansion_board = parts.ExpansionBoard(self)
        for wire in wires:
            self.world.wire_spec(wire, default_board=self)
        self.lifecycle.reset_state()

    # ---- the clock, for the board's modules and for tests ----
    @property
    def now(self) -> int:
        """The board's time (ns): its running task's, which may be ahead of the kernel's."""
        return self.scheduler.now

    now_ns = now

    def advance(self, cost: int) -> None:
        self.scheduler.advance(cost)

    def sleep_ns(self, ns: int, *, busy: bool = False) -> None:
        self.scheduler.sleep(ns, busy=busy)

    # ---- running programs ----
    def run(self, program: Any = None, until: int | str | None = None) -> Board:
        """Boot the board with `program` (a script path or a function) and run the world until `until`
        (virtual time from now) or, without `until`, until every board is idle."""
        if self.world._running.locked():  # before load: a nested run must not boot anything
            raise RuntimeError(
                "this world is already running: board.run() cannot be called from a board's own "
                "script or from a second thread while a run goes on"
            )
        if program is not None:
            self.load(program)
        self.world.run(until=until)
        return self

    def load(self, program: Any) -> None:
        """Power the board on with `program` as its main program; it starts at the current time."""
        if not isinstance(program, (str, Path)) and not callable(program):
            raise TypeError(
                f"board.run()/load() takes a script path or a function, not {type(program).__name__}"
                f" ({program!r})"
            )
        self.lifecycle.power_on(program)

    def busy(self) -> bool:
        irq = self.irq
        return (
            self.boot_pending
            or self.scheduler.busy(
                main_running=not self.finished,
                interrupts_pending=bool(irq.queue and irq.alive and not irq.running),
                irq_running=irq.running,
            )
            or self.system.busy()
        )

    @property
    def temperature(self) -> float:
        """The die temperature in degrees Celsius that machine.temperature() reads (default 50)."""
        return self.system.temperature_c

    @temperature.setter
    def temperature(self, celsius: float) -> None:
        if isinstance(celsius, bool) or not isinstance(celsius, (int, float)):
            raise ValueError(f"temperature must be a number of degrees Celsius, got {celsius!r}")
        self.system.temperature_c = float(celsius)

    # ---- what the board says ----
    @property
    def output(self) -> str:
        """Everything the board printed on its console so far (the script's prints, its tracebacks,
        the firmware's messages), as one string."""
        return self.console.output

    def console_write(self, text: str) -> None:
        self.console.write(text)

    def format_board_exception(self, error: BaseException) -> str:
        """`error` as MicroPython prints it on this board's console."""
        return self.console.format_exception(error)

    def format_exception(self, error: BaseException) -> str:
        """`error`'s host file and line for stderr (`path:line: Name: message`), for editors."""
        return format_location_line(error)

    # ---- pins and parts, for tests and tools ----
    def pin(self, name: str) -> PinBase:
        """The Pin object named `name` ('P9' or 'G16'); a ValueError names a bad one."""
        pin = self.Pin._by_name.get(name) if isinstance(name, str) else None
        if pin is None:
            raise ValueError(
                f"unknown pin {name!r} on {self.type}: use P0..P{self.spec.pins[-1].name[1:]} or a G name"
            )
        return pin

    def pad(self, name: str) -> Pad:
        """The pad of pin `name` ('P9' or 'G16'): `.read()` is the level on its net."""
        return self.pin(name)._pad

    def pin_states(self) -> list[dict[str, Any]]:
        """A snapshot of every pin for UIs and tests (firmware/pin.py pin_state)."""
        return [pin_state(pin) for pin in self.pins]

    def __repr__(self) -> str:
        return f"<Board {self.name} ({self.type}) at {self.now} ns>"
