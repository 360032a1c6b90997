"""`machine.WDT` (`esp32/mods/machwdt.c`): the timer group 0 watchdog.

machine_wdt_start programs two stages of `timeout` ticks of 0.5 ms each: stage 0 raises an interrupt
(the firmware only acknowledges it), stage 1 resets the system. So a board that is not fed for
`timeout` ms resets, with reset cause WDT_RESET. A timeout of 0 is one tick per stage (1 ms).
The watchdog is part of the chip's digital core: every reset and deep sleep stop it, and it only runs
again when the script starts it (or `pycom.wdt_on_boot` does at boot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .args import INT, Arg, parse

if TYPE_CHECKING:
    from ..board import Board

MASK32 = 0xFFFFFFFF
ERR_RESOURCE = "resource not available"  # mpexception.c


class Watchdog:
    """The hardware side: a deadline on the board clock that a feed moves."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.timeout_ms: int | None = None  # None: not running
        self.deadline_ns = 0
        self._generation = 0
        self.resets = 0  # watchdog timeouts on this board (for the run summary)

    @property
    def running(self) -> bool:
        return self.timeout_ms is not None

    def start(self, timeout_ms: int) -> None:
        """machine_wdt_start: (re)program the timeout and feed."""
        timeout = timeout_ms & MASK32
        self.timeout_ms = timeout if timeout > 0 else 1
        self.feed()

    def feed(self) -> None:
        if self.timeout_ms is None:
            return
        self.deadline_ns = (
            self.board.now + self.timeout_ms * 1_000_000
        )  # two stages of 0.5 ms ticks
        self._arm()

    def _arm(self) -> None:
        self._generation += 1
        self.board.kernel.schedule(self.deadline_ns, self._expire, self._generation)

    def stop(self) -> None:
        self.timeout_ms = None
        self._generation += 1

    def suspend(self) -> None:
        """Light sleep gates the watchdog's clock (until `pause`)."""
        self._generation += 1

    def pause(self, ns: int) -> None:
        """After a light sleep of `ns`: the deadline moves by the time asleep."""
        if self.timeout_ms is not None:
            self.deadline_ns += ns
            self._arm()

    def _expire(self, generation: int) -> None:
        if generation != self._generation or self.timeout_ms is None:
            return
        board = self.board
        self.resets += 1
        t = board.kernel.now
        board.world.recorder.event(t, board.name, "wdt", self.timeout_ms)
        self.stop()
        board.lifecycle.watchdog_reset()


_WDT_ARGS = (Arg("id", 0, INT), Arg("timeout", kind=INT, required=True))


def make_wdt_class(board: Board) -> type:
    dog = board.system.wdt
    costs = board.costs

    class WDT:
        _instance: WDT | None = None

        def __new__(cls, *args: Any, **kwargs: Any) -> WDT:
            """mach_wdt_make_new: one object; id 0 only; `timeout` (ms) is required."""
            board.advance(costs.machine_call)
            wdt_id, timeout = parse(args, kwargs, _WDT_ARGS)
            if wdt_id != 0:
                raise OSError(ERR_RESOURCE)
            dog.start(timeout)
            if cls._instance is None:
                cls._instance = object.__new__(cls)
            return cls._instance

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(costs.machine_call)
            (timeout,) = parse(args, kwargs, _WDT_ARGS[1:])
            dog.start(timeout)

        def feed(self) -> None:
            board.advance(costs.machine_call)
            dog.feed()

        def __repr__(self) -> str:
            return "<WDT>"

    return WDT
