"""`pycomsim serve`: a simulated board on a serial port, for mpremote, rshell, ampy, Thonny, Pymakr.

The board boots (boot.py, main.py) and waits at its REPL; its clock follows the wall clock
(`--speed` scales it). How to connect goes to stderr; the board's serial line goes to the clients.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import sys
import tempfile
import time as host_time
from pathlib import Path
from typing import Any

from ..exc import UsageError
from ..units import parse_duration

# the options of `run` that `serve` shares (the board, its wiring, its outputs)
_NOT_SHARED = {"help", "script", "speed", "json"}
DEFAULT_HOST = "127.0.0.1"


def add_serve_arguments(serve: argparse.ArgumentParser, run: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "script",
        nargs="?",
        help="the script to run as main.py, or a folder to serve as /flash (default: an empty flash)",
    )
    for action in run._actions:  # the same board options as `run`, with the same help
        if action.dest not in _NOT_SHARED:
            serve._add_action(action)
    group = serve.add_argument_group("where the serial line is")
    group.add_argument(
        "--pty",
        action="store_true",
        help="a pseudo-terminal (the default when nothing else is given)",
    )
    group.add_argument("--link", metavar="PATH", help="with --pty: also a symlink to it at PATH")
    group.add_argument("--tcp", metavar="PORT", help="a raw TCP socket: socket://127.0.0.1:PORT")
    group.add_argument("--rfc2217", metavar="PORT", help="RFC 2217: rfc2217://127.0.0.1:PORT")
    group.add_argument(
        "--host", help=f"the address to listen on (default {DEFAULT_HOST}: this machine only)"
    )
    net = serve.add_argument_group("the WiPy's network services")
    net.add_argument("--telnet", metavar="PORT", help="the telnet REPL, with the firmware's login")
    net.add_argument("--ftp", metavar="PORT", help="FTP on /flash (passive mode)")
    net.add_argument("--user", default="micro", help="telnet and FTP login (default micro)")
    net.add_argument(
        "--password", default="python", help="telnet and FTP password (default python)"
    )
    serve.add_argument(
        "--speed", help="virtual seconds per wall second, e.g. 0.1 or 10 (default 1: real time)"
    )


def parse_port(value: str | None, flag: str) -> int | None:
    if value is None:
        return None
    try:
        port = int(value, 10)
    except ValueError:
        raise UsageError(f"bad {flag} {value!r}: expected a port number from 0 to 65535") from None
    if not 0 <= port <= 65535:
        raise UsageError(f"bad {flag} {value!r}: expected a port number from 0 to 65535")
    return port


def _flash_folder(script: str | None) -> tuple[Path, str, Path | None]:
    """(/flash folder, main file name, temporary folder to remove at the end)."""
    if script is None:
        temp = Path(tempfile.mkdtemp(prefix="pycomsim-flash-"))
        return temp, "main.py", temp
    path = Path(script)
    if path.is_dir():
        return path.resolve(), "main.py", None
    if path.is_file():
        return path.resolve().parent, path.name, None
    raise UsageError(f"script not found: {script}")


def cmd_serve(args: argparse.Namespace, stderr: Any = None) -> int:
    from ..board import Board
    from ..core.boards import BOARDS
    from ..firmware.network.server import servers_switch
    from ..run_options import CliError, _button, _parse_press, _setup_scenario, add_cli_parts
    from ..web.pacing import check_speed
    from .console import CookedStream, SerialConsole
    from .ftp import FtpServer
    from .pyexec import HostStop, Pyexec
    from .runner import ServeLoop
    from .telnet import TelnetTransport
    from .transports import PtyTransport, Rfc2217Transport, TcpTransport

    err = stderr or sys.stderr
    try:
        speed = 1.0 if args.speed is None else check_speed(args.speed)
    except ValueError as error:
        raise UsageError(str(error).replace("bad speed", "bad --speed", 1)) from None
    if args.port is not None and not args.ui:
        raise UsageError("--port only applies with --ui")
    if args.ui:
        from ..extras import require_extra

        require_extra("ui", "--ui")
    tcp, rfc = parse_port(args.tcp, "--tcp"), parse_port(args.rfc2217, "--rfc2217")
    telnet, ftp = parse_port(args.telnet, "--telnet"), parse_port(args.ftp, "--ftp")
    for flag, value in (("--user", args.user), ("--password", args.password)):
        if not value or len(value) > 32 or not value.isprintable():
            raise UsageError(f"bad {flag} {value!r}: 1 to 32 printable characters (serverstask.c)")
    if args.link and not (args.pty or (tcp is None and rfc is None)):
        raise UsageError("--link only applies with --pty")
    use_pty = args.pty or (tcp is None and rfc is None)
    host = args.host or DEFAULT_HOST
    until_ns = None if args.until is None else parse_duration(args.until, "--until")

    temp: Path | None = None
    if args.scenario:
        world, boards = _setup_scenario(args)
        board = boards[0]  # the first board of the file is on the serial line
        program = board.program
        if not isinstance(program, Path):
            raise UsageError(f"board {board.name!r} of the scenario has no script to serve")
        flash, main_name = program.parent, program.name
    else:
        if args.board not in BOARDS:
            raise UsageError(f"unknown board {args.board!r}: choose one of {', '.join(BOARDS)}")
        try:
            seed = int(args.seed)
        except ValueError:
            raise UsageError(f"bad --seed {args.seed!r}: expected an integer") from None
        flash, main_name, temp = _flash_folder(args.script)
        try:
            board = Board(
                args.board,
                seed=seed,
                wires=args.wire,
                # a shield (--shield) takes the expansion board's place, as in `pycomsim run`
                expansion=not args.no_expansion and not getattr(args, "shield", []),
                strict=args.strict,
                host_python=args.host_python,
                flash_dir=args.flash_dir,
            )
            board.flash_layer.check_over(flash)
        except ValueError as error:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)
            raise UsageError(f"bad --flash-dir: {error}") from None
        try:
            for spec in args.press:
                pin, at, hold = _parse_press(spec)
                _button(board, pin, args.no_bounce).press(at=at, hold=hold)
            add_cli_parts(args, [board])
        except CliError:
            if temp is not None:  # the empty /flash made for a run without a script
                shutil.rmtree(temp, ignore_errors=True)
            raise
        world, boards = board.world, [board]
        board.load(lambda: None)  # powers it on; the program is the REPL below

    from ..output.artifacts import RunOutputs

    outputs = RunOutputs(world, args)  # checks --vcd/--plot/--pins/--window before serving
    loop_holder: list[ServeLoop] = []
    console = SerialConsole(board, lambda data: loop_holder[0].broadcast(data))
    session = None
    if args.ui:
        from ..web.launch import parse_port as parse_ui_port
        from ..web.server import bind
        from ..web.session import LiveSession
        from .runner import SessionLoop

        session = LiveSession(boards, speed=speed, until_ns=until_ns, stderr=err)
        loop: ServeLoop = SessionLoop(session, console, stderr=err)
        try:
            ui_sock = bind(parse_ui_port(args.port))
        except ValueError as error:
            raise UsageError(str(error)) from None
    else:
        loop = ServeLoop(world, console, speed=speed, until_ns=until_ns, stderr=err)
    loop_holder.append(loop)
    board.console.stdout = CookedStream(console)
    board.console.prefix = ""  # the serial line carries this board's output alone: no 'name| '
    pyexec = Pyexec(board, console, flash, main_name)
    board.program = pyexec.main_task

    transports: list[Any] = []
    started = host_time.perf_counter()
    status = "stopped"
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def stop_serving(signum: int, frame: Any) -> None:
        loop.stop()
        raise HostStop  # through the board's REPL, which takes a plain KeyboardInterrupt as its own

    try:
        if use_pty:
            transports.append(PtyTransport(loop, args.link))
        if tcp is not None:
            transports.append(TcpTransport(loop, host, tcp))
        if rfc is not None:
            transports.append(Rfc2217Transport(loop, host, rfc))
        switch = servers_switch(board)  # network.Server in the script sets the login and timeout
        switch.user, switch.password = args.user, args.password
        if telnet is not None:
            switch.served = True
            user, password = args.user, args.password
            transports.append(
                TelnetTransport(loop, host, telnet, board.type, user, password, switch)
            )
        if ftp is not None:
            transports.append(FtpServer(host, ftp, board, flash, args.user, args.password))
        for transport in transports:
            transport.start()
        print(f"pycomsim: {board.name} ({board.type}) with /flash = {flash}", file=err)
        for transport in transports:
            print(f"pycomsim: serving on {transport.describe()}", file=err)
        if session is None:  # with --ui, uvicorn handles the signals and stops the page's session
            signal.signal(signal.SIGINT, stop_serving)
        signal.signal(signal.SIGTERM, stop_serving)
        if session is not None:
            from ..web.server import serve as serve_page

            url = f"http://127.0.0.1:{ui_sock.getsockname()[1]}/"
            print(f"pycomsim: live board at {url}", file=err)
            print("pycomsim: Ctrl-C to stop", file=err, flush=True)
            watchdog = loop.start_watchdog()  # type: ignore[attr-defined]
            try:
                serve_page(session, ui_sock, stderr=err)
            finally:
                loop.stop()
                watchdog.join(timeout=1)
            status = "stopped" if session.status == "running" else session.status
        else:
            print("pycomsim: Ctrl-C to stop", file=err, flush=True)
            loop.run()
            status = loop.status
    except KeyboardInterrupt:
        status = "stopped"
    finally:
        for sig in previous:  # a second signal must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        loop.stop()
        for transport in transports:
            transport.close()
        written = outputs.finish()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        for sig, handler in previous.items():  # always: a caller's handlers come back
            signal.signal(sig, handler)
    from ..report import summary, summary_line

    with contextlib.suppress(Exception):
        sys.stdout.flush()
    data = summary(world, wall_s=host_time.perf_counter() - started, status=status)
    if not args.quiet:
        for note in written:
            print(f"pycomsim: {note}", file=err)
        print(summary_line(data), file=err)
    return 0
