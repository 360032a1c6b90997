"""A simulated Pycom board: its pins and pads, its CPU clock, its tasks, its modules, its boot sequence."""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenlet import GreenletExit, getcurrent, greenlet

from .chip.boot import add_module_drivers, apply_boot_state
from .core.boards import DEFAULT_BOARD, board_spec
from .core.cpu import CpuModel, cpu_model
from .firmware.irq import InterruptTask
from .firmware.pin import PinBase, make_pin_class, named_pins_class
from .firmware.tracebacks import format_board_exception, format_location_line
from .sim.net import CONTENTION, OFF, Driver, Net

if TYPE_CHECKING:
    from .sim.trace import PinTrace
    from .sim.world import World

# machine.reset_cause() values (modmachine.c)
PWRON_RESET, HARD_RESET, WDT_RESET, DEEPSLEEP_RESET, SOFT_RESET, BROWN_OUT_RESET = range(6)
PWRON_WAKE, PIN_WAKE, RTC_WAKE, ULP_WAKE = range(4)


class Reboot(BaseException):
    """Unwinds the running task when the script resets or deep-sleeps the board."""

    def __init__(self, cause: int, sleep_ns: int | None = 0) -> None:
        super().__init__(cause, sleep_ns)
        self.cause = cause
        self.sleep_ns = sleep_ns  # None: deep sleep until a wake pin


class Board:
    """One simulated board. `Board("lopy4", seed=0, wires=["P9=P23"])`; its modules are `board.machine`,
    `board.time`, `board.pycom`; `board.run(program, until=...)` runs a script path or a function."""

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
    ) -> None:
        from .firmware.lang.vflash import FlashLayer
        from .sim.world import World  # a world of its own unless one is given

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
        self.cost_read = self.costs.pin_read
        self.cost_write = self.costs.pin_write
        self.cost_toggle = self.costs.pin_toggle
        self.expansion = expansion
        self.world = world if world is not None else World(strict=strict)
        if strict:
            self.world.strict = True  # faults are per run: a strict board makes its world strict
        self.kernel = self.world.kernel
        self.now = self.kernel.now
        self.current: greenlet | None = None
        self.main_glet: greenlet | None = None
        self.program: Any = None
        self.error: BaseException | None = None
        self.finished = True
        self.boot_pending = False
        self.reset_cause = PWRON_RESET
        self.wake_reason: tuple[int, list | None] = (PWRON_WAKE, None)
        self.wake_pins: tuple[list[PinBase], int, bool] | None = None
        self.boot_count = 0
        self.boot_ns = 0
        self.pending_fault: BaseException | None = None  # strict runs: raised at the next API call
        # where a relative script path given to run()/load() starts (None: the current directory)
        self.script_dir: Path | None = None
        self._console: list[str] = []  # what the board printed, in chunks: `output` joins them
        self.error_ns: int | None = None  # when the main program raised
        self._stdout = stdout
        self._prefix = ""
        self.irq = InterruptTask(self)
        from .sim.preempt import make_tick

        self.tick = make_tick(self)  # instrumented user code calls it at every basic block
        # (wiring key, boards of other clusters): what this board's task may run ahead of
        self._foreign: tuple[tuple[int, ...], frozenset[Board]] | None = None
        # The interrupt task holds the interpreter lock (GIL) from a handler's dispatch until it
        # ends or sleeps: on the board it outranks the main thread, so the main script cannot run
        # in the middle of a handler that only calls the API. A main task due meanwhile waits here.
        self.irq_holds_gil = False
        self._gil_waiters: list[greenlet] = []  # main or _thread tasks due while the GIL is held
        self.threads: list[greenlet] = []  # live _thread tasks (lang/mod_thread.py)
        # tasks waiting for a _thread lock or an endless uselect poll: only another task can wake
        # them, so they do not keep a run without `until` going (busy)
        self.blocked: set[greenlet] = set()

        # pins, one net per pad until wires join them
        self.Pin = make_pin_class(self)
        self.pins: list[PinBase] = []
        self.pin_by_name: dict[str, PinBase] = {}
        by_name: dict[str, PinBase] = {}
        for info in self.spec.pins:
            pin = self.Pin._create(self, info)
            net = Net(f"{self.name}.{info.name}")
            net.attach(pin._out)
            net.attach(pin._pullres)
            self.pins.append(pin)
            self.pin_by_name[info.name] = pin
            by_name[info.exp_name] = pin
        by_name.update(
            self.pin_by_name
        )  # pin_find looks at expansion-board names first: same result
        self.Pin._by_name = by_name
        self.Pin.module = named_pins_class("cpu", {p._name: p for p in self.pins})
        self.Pin.exp_board = named_pins_class("board", {p._info.exp_name: p for p in self.pins})
        # pads owned by UART TX and RGB LED data until the script configures them (sim/boot.py)
        self.peripherals: dict[str, Driver] = {}
        # one-shot notes when the script first sets a pin up as an input (chip/boot.py: P12)
        self.input_notes: dict[str, Any] = {}
        add_module_drivers(self)

        from .firmware.modules import build_modules
        from .firmware.system import BoardSystem

        self.system = BoardSystem(self)  # timers (and what else the firmware keeps), before machine

        self.modules = build_modules(self)
        self.machine = self.modules["machine"]
        self.time = self.modules["time"]
        self.pycom = self.modules["pycom"]
        self.world.add_board(self)
        if expansion:
            from .sim.parts import ExpansionBoard

            self.expansion_board = ExpansionBoard(self)
        for wire in wires:
            self.world.wire_spec(wire, default_board=self)
        apply_boot_state(self)

    # ---- the clock and tasks ----
    def advance(self, cost: int) -> None:
        t = self.now = self.now + cost
        if t >= self.kernel.next_time:
            self.sync()

    def sync(self, run_ahead: bool = True, faults: bool = True) -> None:
        """Let everything scheduled before `now` happen (other boards, stimuli, this board's handlers)."""
        task = self.current
        if task is None or getcurrent() is not task:
            if not self.kernel.in_loop():
                self.kernel.run_until(self.now)  # called from the host (a test): it drives time
            return
        if run_ahead:
            limit = self._run_ahead_limit()
            if self.now < limit:
                # only other clusters' task switches come first: they cannot affect this board, so
                # it goes on without two greenlet switches (16 unwired boards would otherwise switch
                # at nearly every call); `_catch_up` puts output back in time order
                self.kernel.next_time = limit
                if self.irq.queue and not self.irq.busy_wait:
                    self.irq.kick(self.now)
                return
        holds = task is self.irq.glet
        self.irq_holds_gil = holds
        self.kernel.schedule(self.now, self._resume_task, task)
        self.kernel.loop_glet.switch()
        if holds:
            self.irq_holds_gil = False
        if faults and self.pending_fault is not None:
            self._raise_pending_fault()
        if self.irq.queue and not self.irq.busy_wait:
            self.irq.kick(self.now)

    def _run_ahead_limit(self) -> int:
        kernel = self.kernel
        if len(self.world.boards) < 2:
            return kernel.next_time
        cache = self._foreign
        # boards, wires and network use are all clusters depend on
        key = (len(self.world.boards), Net.merges, len(self.world.networked))
        if cache is None or cache[0] != key:
            from .sim.clusters import clusters

            for board, others in clusters(self.world).items():
                board._foreign = (key, others)
            cache = self._foreign
        if not cache[1]:
            return kernel.next_time
        return kernel.run_ahead_limit(cache[1], _RESUME_TASK)

    def _catch_up(self) -> None:
        """Before output other boards' output is ordered against (the console, IRQ events,
        warnings, the script's end):
        if this task ran ahead of other clusters' work, let that work happen first. Only when every
        event before `now` is another cluster's, so this board's own behaviour never changes."""
        task = self.current
        if task is None or getcurrent() is not task:
            return
        heap = self.kernel._heap
        if heap and heap[0][0] < self.now and self.now < self._run_ahead_limit():
            self.sync(run_ahead=False)

    def _raise_pending_fault(self) -> None:
        """A strict run's fault that a part or stimulus caused while this task waited: it surfaces
        here, in the script, when the task runs again (World._contention)."""
        error, self.pending_fault = self.pending_fault, None
        raise error  # type: ignore[misc]

    def _resume_task(self, task: greenlet) -> None:
        if task.dead:
            return
        if (self.irq_holds_gil and task is not self.irq.glet) or (
            self.irq.busy_wait and task is not self.current  # a short sleep_us keeps the GIL
        ):
            self._gil_waiters.append(task)  # it runs when the holder lets go (release_gil)
            return
        self.resume(task)

    def release_gil(self) -> None:
        """The interrupt task sleeps or has drained its queue: tasks that came due run now, in order."""
        waiters = self._gil_waiters
        for task in waiters:
            self.kernel.schedule(self.now, self._resume_task, task)
        waiters.clear()

    def yield_gil(self) -> None:
        """Between two handler runs the interrupt task drops the GIL (mpirq.c TASK_Interrupts,
        MP_THREAD_GIL_EXIT): a main task that came due gets a turn, so a flood of level interrupts
        slows the script down without stopping it."""
        if self._gil_waiters:
            self.sleep_ns(0)

    def resume(self, task: greenlet) -> None:
        kernel = self.kernel
        if kernel._front is not None:  # a task looks at the heap: the kept-aside event goes there
            kernel.flush_front()
        if self.now < kernel.now:
            self.now = kernel.now
        self.current = task
        loop = kernel.loop_glet
        if task.parent is not loop:  # setting it checks for cycles: only when it changed
            task.parent = loop
        task.switch()

    def sleep_ns(self, ns: int, *, busy: bool = False) -> None:
        """Sleep the running task. `busy` keeps the interpreter lock (no handler runs), as
        mp_hal_delay_us does for short delays."""
        if busy:
            self.irq.busy_wait = True
            try:
                self.advance(ns)
            finally:
                self.irq.busy_wait = False
            if self._gil_waiters:  # a _thread task came due during the busy wait
                self.release_gil()
            if self.irq.queue:
                self.irq.kick(self.now)
            return
        task = self.current
        if task is None or getcurrent() is not task:
            self.now += ns
            if not self.kernel.in_loop():
                self.kernel.run_until(self.now)
            return
        wake = self.now + ns
        self.release_gil()  # mp_hal_delay_ms: MP_THREAD_GIL_EXIT (first: a waiting main goes first)
        self.kernel.schedule(wake, self._resume_task, task)
        if self.irq.queue:
            self.irq.kick(self.now)
        self.kernel.loop_glet.switch()
        if self.pending_fault is not None:
            self._raise_pending_fault()

    # ---- running programs ----
    def run(self, program: Any = None, until: int | str | None = None) -> Board:
        """Boot the board with `program` (a script path or a function) and run the world until `until`
        (virtual time from now) or, without `until`, until every board is idle."""
        if program is not None:
            self.load(program)
        self.world.run(until=until)
        return self

    def load(self, program: Any) -> None:
        """Power the board on with `program` as its main program; it starts at the current time."""
        if isinstance(program, (str, Path)):
            path = Path(program)
            if self.script_dir is not None and not path.is_absolute():
                path = self.script_dir / path  # the pytest plugin: the test file's folder
            if not path.is_file():
                raise FileNotFoundError(f"script not found: {path}")
            program = path.resolve()
            self.flash_layer.check_over(program.parent)
        self.program = program
        self.reset_cause = PWRON_RESET
        self._schedule_boot(self.kernel.now, power_on=True)

    def _schedule_boot(self, t: int, power_on: bool = False) -> None:
        """Boot at `t` plus the board's time from reset to boot.py (core/cpu.py BOOT_NS); a run
        starts at the first line of boot.py of the power-on boot, so that one costs nothing here."""
        self.boot_pending = True
        self.finished = False
        self.kernel.schedule(t if power_on else t + self.cpu.boot_ns, self._boot)

    def _boot(self, _: object) -> None:
        self.boot_pending = False
        self.boot_count += 1
        self.boot_ns = self.kernel.now  # ticks_* count from here: every reset restarts the timer
        self.pending_fault = None
        self.system.boot()
        apply_boot_state(self)
        self.world.recorder.event(self.kernel.now, self.name, "boot", self.reset_cause)
        self.main_glet = greenlet(self._main_body, parent=self.kernel.loop_glet)
        self.resume(self.main_glet)

    def _main_body(self) -> None:
        from .firmware.loader import run_program

        self.finished = False
        try:
            run_program(self, self.program)
        except Reboot as reboot:
            self._reboot(reboot)
            return
        except SystemExit:
            pass
        except (GreenletExit, KeyboardInterrupt):
            raise
        except BaseException as error:
            self.error = error
            if self.error_ns is None:  # the first raise of the run (a boot.py error may come first)
                self.error_ns = self.now
            self._catch_up()
            # lib/utils/pyexec.c: the board prints the uncaught exception on its console
            self.console_write(self.format_board_exception(error))
            self.world.script_failed(self, error)
        self._catch_up()
        self.finished = True
        self.release_gil()  # a task that ends lets go of the GIL: tasks due meanwhile run
        self.current = None
        self.world.board_idle(self)

    def busy(self) -> bool:
        # a task blocked on a _thread lock or an endless poll only wakes if another task runs
        blocked = self.blocked
        return (
            (not self.finished and self.main_glet not in blocked)
            or self.boot_pending
            or bool(self.irq.queue and self.irq.alive and not self.irq.running)
            or (self.irq.running and self.irq.glet not in blocked)
            or any(task not in blocked for task in self.threads)
            or self.system.busy()
        )

    # ---- reset and deep sleep ----
    def _reboot(self, reboot: Reboot) -> None:
        """Called on the task that raised Reboot: stop the other task, then boot again later."""
        me = getcurrent()
        self.irq_holds_gil = False
        self._gil_waiters.clear()
        self.blocked.clear()
        threads, self.threads = self.threads, []  # the reboot ends every _thread task too
        for task in (self.main_glet, self.irq.glet, *threads):
            if task is not None and task is not me and not task.dead:
                task.parent = me  # its unwinding returns here, not to the loop
                task.throw(GreenletExit)
        self.irq.reset()
        self.system.halt()
        self.reset_cause = reboot.cause
        self.finished = True
        self.current = None
        if reboot.cause == DEEPSLEEP_RESET:
            self._enter_deepsleep(reboot.sleep_ns)
        else:
            self.wake_reason = (PWRON_WAKE, None)
            self._schedule_boot(self.now)

    def watchdog_reset(self) -> None:
        """The watchdog timed out (a kernel event, no task runs): the chip resets with WDT_RESET."""
        if self.now < self.kernel.now:
            self.now = self.kernel.now
        self._reboot(Reboot(WDT_RESET))

    def _enter_deepsleep(self, sleep_ns: int | None) -> None:
        from .chip.sleep import DeepSleep

        DeepSleep(self, sleep_ns).start()

    def release_peripheral(self, pin: PinBase | str) -> None:
        """The pad of `pin` was reconfigured: the module's fixed driver (UART TX, RGB LED data) lets
        go, and so does any peripheral signal no longer routed to it (chip/pad_routes.py)."""
        name = pin if isinstance(pin, str) else pin._name
        driver = self.peripherals.get(name)
        if driver is not None and driver.code != OFF:
            driver.set(OFF, self.now)
        if not isinstance(pin, str) and "pad_routes" in self.__dict__:
            from .chip.pad_routes import pad_reconfigured

            pad_reconfigured(self, pin)

    def modules_reset(self) -> None:
        self.user_modules: dict[str, Any] = {}

    # ---- what the board says ----
    def console_write(self, text: str) -> None:
        """The board's serial output: the script's prints and the firmware's messages."""
        self._catch_up()
        router = self.__dict__.get("console_router")
        if router is not None and not router.write(text):
            return  # os.dupterm sent it elsewhere (machine_uart.ConsoleRouter)
        self._console.append(text)
        self.world.console(self, text)

    @property
    def output(self) -> str:
        """Everything the board printed on its console so far (the script's prints, its tracebacks,
        the firmware's messages), as one string."""
        chunks = self._console
        if len(chunks) > 1:
            chunks[:] = ["".join(chunks)]  # joined once per read, not once per print
        return chunks[0] if chunks else ""

    def format_board_exception(self, error: BaseException) -> str:
        """`error` as MicroPython prints it on this board's console (file names as the board has them)."""
        importer = getattr(self, "importer", None)
        return format_board_exception(
            error, importer.ctx.board_paths if importer is not None else None
        )

    def format_exception(self, error: BaseException) -> str:
        """`error`'s host file and line for stderr (`path:line: Name: message`), for editors."""
        return format_location_line(error)

    def undefined_read(self, pin: PinBase, level: int) -> int:
        """Reading a floating or contended net (docs/pin.md section 9)."""
        if level == CONTENTION:
            return (
                0  # documented rule: a contended pad reads low (the low-side FET is the stronger)
            )
        if not pin._float_warned:
            pin._float_warned = True
            self._catch_up()  # warnings of unwired boards stay in time order too
            self.world.warn(
                self,
                "floating input read",
                f"{pin._name} is floating: nothing drives it and no pull holds it",
            )
        return self.rng.getrandbits(1)

    @property
    def now_ns(self) -> int:
        return self.now

    def trace(self, pin: str, start: int | str = 0, end: int | str | None = None) -> PinTrace:
        """What pad `pin` did so far: `.edges()`, `.value_at('12ms')`, `.frequency()`, ..."""
        from .sim.trace import PinTrace

        return PinTrace(self, pin, start, end)

    def run_until(
        self, condition: Any, timeout: int | str = "10s", poll: int | str = "100us"
    ) -> int:
        """Run the world until `condition()` is true (checked every `poll` of virtual time); return
        that time. TimeoutError after `timeout` of virtual time."""
        from .sim.run_until import run_until

        return run_until(self, condition, timeout=timeout, poll=poll)

    def pin(self, name: str) -> PinBase:
        """The Pin object named `name` ('P9' or 'G16'); a ValueError names a bad one."""
        pin = self.Pin._by_name.get(name) if isinstance(name, str) else None
        if pin is None:
            raise ValueError(
                f"unknown pin {name!r} on {self.type}: use P0..P{self.spec.pins[-1].name[1:]} or a G name"
            )
        return pin

    def pin_states(self) -> list[dict[str, Any]]:
        """A snapshot of every pin for UIs and tests: what the script configured (mode, pull, latch,
        hold, callback) next to what the pad's net really is (level 0, 1, 2=floating, 3=contention)."""
        modes = {1: "IN", 2: "OUT", 7: "OPEN_DRAIN"}
        pulls = {None: None, 1: "PULL_UP", 2: "PULL_DOWN"}
        return [
            {
                "name": pin._name,
                "exp_name": pin._info.exp_name,
                "mode": modes.get(pin._mode, str(pin._mode)),
                "pull": pulls.get(pin._pull, str(pin._pull)),
                "value": pin._latch,
                "level": pin._out.net.level,
                "hold": pin._hold,
                "trigger": pin._trigger,
                "callback": pin._handler is not None and pin._trigger != 0,
                "input_only": pin._info.input_only,
                "rtc": pin._info.rtc,
            }
            for pin in self.pins
        ]

    # ---- parts and stimuli on this board's pads (sim/parts.py, sim/stimuli.py) ----
    def button(self, pin: str, **options: Any) -> Any:
        """The push button on `pin` (to GND): the expansion board's for P10 when it is on, else one
        made on first use. `board.button("P10").press(at="100ms", hold="50ms")`; `bounce=False` turns
        contact bounce off."""
        from .sim.parts import button_for

        return button_for(self, pin, **options)

    def led(self, pin: str, **options: Any) -> Any:
        """The LED on `pin` (the expansion board's for P9 when it is on); `active_low=True` lights on low."""
        from .sim.parts import led_for

        return led_for(self, pin, **options)

    def pull(self, pin: str, up: bool = True) -> Any:
        """An external pull resistor on `pin`, to 3V3 (`up`) or to GND."""
        from .sim.parts import PullResistor

        return PullResistor(self, pin, up=up)

    def generator(self, pin: str, freq: float, duty: float = 0.5, **options: Any) -> Any:
        """A square-wave generator driving `pin` (`start`, `stop`, `open_drain` as options)."""
        from .sim.stimuli import SignalGenerator

        return SignalGenerator(self, pin, freq=freq, duty=duty, **options)

    def serial_device(self, **options: Any) -> Any:
        """A serial device on this board's pins: `drive` (the board's RX), `listen` (its TX),
        `baudrate`, `bits`, `parity`, `stop` (sim/serial_device.py)."""
        from .sim.serial_device import SerialDevice

        return SerialDevice(self, **options)

    def levels(self, pin: str, levels: Iterable[Any], **options: Any) -> Any:
        """Drive `pin` through timed levels: `[("0ms", 1), ("5ms", 0), ("9ms", "z")]`."""
        from .sim.stimuli import LevelSequence

        return LevelSequence(self, pin, levels, **options)

    def __repr__(self) -> str:
        return f"<Board {self.name} ({self.type}) at {self.now} ns>"


# what a task switch looks like in the heap (Kernel.run_ahead_limit)
_RESUME_TASK = Board._resume_task
