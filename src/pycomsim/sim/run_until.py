"""Running a world until something happens: `run_until(board, lambda: ..., timeout="1s")`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..units import format_ns, parse_duration

if TYPE_CHECKING:
    from ..board import Board
    from .world import World


def run_until(
    target: Board | World,
    condition: Callable[[], object],
    *,
    timeout: int | str = "10s",
    poll: int | str = "100us",
) -> int:
    """Run the world of `target` until `condition()` is true; return the virtual time it became true.

    The condition is checked every `poll` of virtual time (and at once); after `timeout` of virtual
    time without it a TimeoutError names the time reached. Boards keep their state: run on afterwards."""
    world = getattr(target, "world", target)
    kernel = world.kernel
    if not callable(condition):
        raise TypeError(f"condition must be a function returning a bool, not {condition!r}")
    span = parse_duration(timeout, "timeout")
    step = parse_duration(poll, "poll")
    if step <= 0:
        raise ValueError(f"bad poll {poll!r}: must be more than 0")
    start = kernel.now
    if condition():
        return start
    state = {"met": None, "live": True}

    def check(_: object) -> None:
        if not state["live"]:
            return  # a check left from an earlier call
        if condition():
            state["met"] = kernel.now
            kernel.stop()
        elif kernel.now + step <= start + span:
            kernel.schedule(kernel.now + step, check)

    kernel.schedule(start + step, check)
    try:
        world.run(until=span)
    finally:
        state["live"] = False
    if state["met"] is None:
        raise TimeoutError(
            f"condition not met within {format_ns(span)} (virtual time {format_ns(kernel.now)})"
        )
    return state["met"]
