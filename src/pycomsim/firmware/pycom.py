"""The board's `pycom` module (`esp32/mods/modpycom.c`): heartbeat and the RGB LED on P2."""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

from .. import exc

if TYPE_CHECKING:
    from ..board import Board

HEARTBEAT_COLOUR = 0x000011  # a dim blue flash (mperror.c); the exact shade is an assumption
HEARTBEAT_ON_NS = 80_000_000  # MPERROR_HEARTBEAT_ON_MS
HEARTBEAT_PERIOD_NS = 4_000_000_000  # on + MPERROR_HEARTBEAT_OFF_MS (3920)


class PycomModule(types.ModuleType):
    def __init__(self, board: Board) -> None:
        super().__init__("pycom")
        self._board = board
        self._heartbeat_on_boot = True  # factory default, kept in NVS
        self._heartbeat = True
        self._colour = 0
        self._beat_generation = 0
        self.heartbeat = self._heartbeat_fn
        self.rgbled = self._rgbled_fn
        self.heartbeat_on_boot = self._heartbeat_on_boot_fn
        from .pycom_more import pycom_functions

        self.__dict__.update(pycom_functions(board))  # NVS, *_on_boot, pulses_get, bootmgr, ...

    def reset(self) -> None:
        """At boot: the heartbeat starts if NVS says so, the LED is dark."""
        self._colour = 0
        self._set_heartbeat(self._heartbeat_on_boot)

    @property
    def colour(self) -> int:
        return self._colour

    def _set_colour(self, colour: int) -> None:
        if colour != self._colour:
            self._colour = colour
            b = self._board
            b.world.recorder.event(b.scheduler.now, b.name, "rgb", colour)

    def _set_heartbeat(self, on: bool) -> None:
        self._heartbeat = on
        self._beat_generation += 1
        if on:
            b = self._board
            b.kernel.schedule(
                b.scheduler.now + HEARTBEAT_PERIOD_NS - HEARTBEAT_ON_NS,
                self._beat,
                self._beat_generation,
            )
        else:
            self._set_colour(0)

    def _beat(self, generation: int) -> None:
        if generation != self._beat_generation:
            return  # the heartbeat was switched off (or restarted) since this beat was planned
        b = self._board
        on = self._colour == 0
        self._set_colour(HEARTBEAT_COLOUR if on else 0)
        delay = HEARTBEAT_ON_NS if on else HEARTBEAT_PERIOD_NS - HEARTBEAT_ON_NS
        b.kernel.schedule(b.kernel.now + delay, self._beat, generation)

    def _heartbeat_fn(self, *args: Any) -> bool | None:
        b = self._board
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        b.scheduler.advance(b.costs.pycom_call)
        if not args:
            return self._heartbeat
        on = bool(args[0])
        if on != self._heartbeat:
            self._set_heartbeat(on)
        return None

    def _rgbled_fn(self, *args: Any) -> int | None:
        b = self._board
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        b.scheduler.advance(b.costs.pycom_call)
        if self._heartbeat:  # checked first, with or without an argument
            raise OSError(exc.NOT_POSSIBLE)
        if not args:
            return self._colour
        self._set_colour(exc.get_int(args[0]) & 0xFFFFFF)
        return None

    def _heartbeat_on_boot_fn(self, *args: Any) -> bool | None:
        if not args:
            return self._heartbeat_on_boot
        self._heartbeat_on_boot = bool(args[0])
        return None
