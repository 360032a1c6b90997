"""`pycomsim run SCRIPT --ui`: serve the live board page for a world the CLI has set up."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..exc import UsageError
from ..report import summary, summary_line
from ..signals import Terminated, interrupted_status
from ..units import parse_duration
from .pacing import check_speed

if TYPE_CHECKING:
    from ..board import Board
    from ..sim.world import World

EXIT_SCRIPT_ERROR = 1


def parse_port(port: Any) -> int:
    """`--port`: 0..65535 (0 or None: a free port); a UsageError names a bad one."""
    if port is None:
        return 0
    try:
        value = int(str(port), 10)
    except ValueError:
        raise UsageError(f"bad --port {port!r}: expected a number from 1 to 65535") from None
    if not 0 <= value <= 65535:
        raise UsageError(f"bad --port {port!r}: expected a number from 1 to 65535")
    return value


def run_ui(
    world: World,
    boards: list[Board],
    *,
    port: Any = None,
    speed: Any = None,
    until: Any = None,
    stderr: Any = None,
    written_up_to: Callable[[int], Any] | None = None,
) -> int:
    from .server import bind, serve
    from .session import LiveSession

    err = stderr or sys.stderr
    try:
        pace = 1.0 if speed is None else check_speed(speed)
    except ValueError as error:
        raise UsageError(str(error).replace("bad speed", "bad --speed", 1)) from None
    number = parse_port(port)
    until_ns = None if until is None else parse_duration(until, "--until")
    session = LiveSession(
        boards, speed=pace, until_ns=until_ns, stderr=err, written_up_to=written_up_to
    )
    try:
        sock = bind(number)
    except ValueError as error:
        raise UsageError(str(error)) from None
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    print(f"pycomsim: live board at {url} (Ctrl-C to stop)", file=err, flush=True)
    started = time.perf_counter()
    ended_by: int | None = None
    try:
        ended_by = serve(session, sock, stderr=err)
    except KeyboardInterrupt:  # a Ctrl-C before the server took over the signals
        ended_by = signal.SIGINT
    sys.stdout.flush()
    # SIGTERM and SIGHUP end the page like Ctrl-C, with their own exit codes (signals.py)
    stop = Terminated(ended_by) if ended_by not in (None, signal.SIGINT) else KeyboardInterrupt()
    status, code = interrupted_status(stop)
    if session.status != "running":
        status = session.status
    data = summary(world, wall_s=time.perf_counter() - started, status=status)
    print(summary_line(data), file=err)
    return EXIT_SCRIPT_ERROR if world.failed else code
