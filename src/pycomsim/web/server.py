"""The live board page: a Starlette app serving the static page, a WebSocket for live updates, the VCD.

Security: the server binds 127.0.0.1 only; every request must name a local Host (no DNS rebinding);
a WebSocket whose Origin is not the page's own is refused before it is accepted; client messages are
validated (`protocol.py`) and only ever select one of a few fixed actions; a bad one gets an error
message on the socket and the connection stays up. The one costly request, `GET /run.vcd`, needs the
page's token (sent in the WebSocket's hello, so only the page's own origin learns it), is streamed in
pieces and capped (`vcd_download.py`), and runs one at a time.

Responsiveness: every command waits for the simulator's thread, which is busy while board code runs.
Code that holds it without taking virtual time (a `while True: pass` under `--cpu free`) gets the
command withdrawn after `BUSY_S` with an error saying so, so the page always gets an answer. SIGINT,
SIGTERM and SIGHUP end the server at once (no waiting for open pages or a download in progress).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
import signal
import socket
import sys
import threading
from bisect import bisect_left
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from .protocol import MAX_FRAME_BYTES, Command, ProtocolError, parse_message
from .session import FRAME_S, HELD_S, LiveSession
from .vcd_download import MAX_CHANGES, TooLarge, VcdDownload
from .wave import TraceCursor, trace_for

STATIC = Path(__file__).parent / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
DEFAULT_RESOLUTION_NS = 100_000
# the page runs only the server's own scripts and styles and talks only to its own origin
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
WINDOW_PIXELS = 4000  # a newly watched pin gets this many resolution steps of history
BUSY_S = HELD_S  # a command waits this long for a simulator thread that board code holds
ENDING_SIGNALS = tuple(
    s
    for s in (signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
    if s
)


class BoardBusy(ProtocolError):
    """Board code holds the simulator's thread: the command was withdrawn, not carried out."""


async def answer(session: LiveSession, future: Future, what: str) -> Any:
    """The result of work handed to the simulator's thread. While it is merely slow, wait; once board
    code has held it for `BUSY_S` without letting the run go on, withdraw the work: BoardBusy."""
    waiting = asyncio.wrap_future(future)
    while True:
        done, _ = await asyncio.wait({waiting}, timeout=BUSY_S / 4)
        if done:
            return waiting.result()
        held = session.held_for()
        if held >= BUSY_S:
            waiting.cancel()  # also withdraws it from the thread's queue if not begun
            raise BoardBusy(
                f"{what}: not done: board code has held the simulator for {held:.1f} s without "
                "taking virtual time (a loop with no API call under --cpu free?)"
            )


class ClientView:
    """What one page has been sent: log position, watched pins and their trace cursors."""

    def __init__(self, session: LiveSession) -> None:
        self.session = session
        self.log_index = 0
        self.seq = -1
        self.resolution_ns = DEFAULT_RESOLUTION_NS
        # the board whose pins are watched and their cursors, swapped together as one tuple because the
        # page's writer reads them from another thread
        self.watching: tuple[str, dict[str, TraceCursor | None]] = (session.board.name, {})

    def watch(self, cmd: Command) -> None:
        if cmd.resolution_ns is not None:
            self.resolution_ns = cmd.resolution_ns
        session = self.session
        panel = session.panel(cmd.board)
        traces = session.world.recorder.traces
        watched_board, old = self.watching
        if watched_board != panel.name:
            old = {}
        cursors: dict[str, TraceCursor | None] = {}
        for name in cmd.pins:
            module = panel.module_name[name]
            if module in old:
                cursors[module] = old[module]
                continue
            trace = trace_for(traces, panel.name, module)
            cursor = None
            if trace is not None:
                cursor = TraceCursor(trace)
                since = session.kernel.now - self.resolution_ns * WINDOW_PIXELS
                cursor.sent = max(bisect_left(trace, max(since, 0) << 2), 1)
            cursors[module] = cursor
        self.watching = (panel.name, cursors)

    def frame(self) -> dict[str, Any] | None:
        session = self.session
        msg: dict[str, Any] = {"type": "frame"}
        state = session.state
        if state["seq"] != self.seq:
            self.seq = state["seq"]
            msg["state"] = state
        entries, self.log_index = session.log_since(self.log_index)
        if entries:
            msg["log"] = entries
        board, cursors = self.watching
        waves = {}
        for name, cursor in cursors.items():
            if cursor is not None:
                update = cursor.update(self.resolution_ns)
                if update is not None:
                    waves[name] = update
        if waves:
            msg["wave"] = waves
            msg["wave_board"] = board  # the page drops updates meant for a board it left
        return msg if len(msg) > 1 else None


def origin_allowed(origin: str | None, host: str | None, allowed_hosts: Iterable[str]) -> bool:
    """The page's own origin only: http://<the Host the socket was opened on>, a local host."""
    if not origin or not host:
        return False
    hostname = urlsplit(f"//{host}").hostname
    return hostname in allowed_hosts and origin == f"http://{host}"


def create_app(
    session: LiveSession,
    *,
    allowed_hosts: Iterable[str] = LOCAL_HOSTS,
    max_vcd_changes: int = MAX_CHANGES,
) -> Starlette:
    hosts = tuple(allowed_hosts)
    token = secrets.token_urlsafe(18)  # the page learns it in the hello; other origins never can
    downloading = threading.Lock()  # one VCD download at a time

    async def index(request: Request) -> Response:
        return FileResponse(
            STATIC / "index.html",
            headers={"Cache-Control": "no-store", "Content-Security-Policy": CSP},
        )

    async def state(request: Request) -> Response:
        return JSONResponse(session.state)

    async def vcd(request: Request) -> Response:
        given = request.query_params.get("token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return PlainTextResponse(
                "GET /run.vcd needs the page's token: use the page's VCD link\n", status_code=403
            )
        if not downloading.acquire(blocking=False):
            return PlainTextResponse("a VCD download is already under way\n", status_code=429)
        try:
            download = await answer(
                session,
                session.submit(lambda: VcdDownload(session.world, max_changes=max_vcd_changes)),
                "VCD",
            )
        except (TooLarge, BoardBusy) as error:
            downloading.release()
            return PlainTextResponse(
                f"{error}\n", status_code=413 if isinstance(error, TooLarge) else 503
            )
        except BaseException:
            downloading.release()
            raise

        async def pieces() -> AsyncIterator[bytes]:
            try:
                while True:
                    text = await answer(session, session.submit(download.next_chunk), "VCD")
                    if not text:
                        return
                    yield text.encode("ascii")
            finally:
                downloading.release()

        name = Path(str(session.board.program or "run")).stem or "run"
        return StreamingResponse(
            pieces(),
            media_type="text/plain; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.vcd"'},
        )

    async def live(ws: WebSocket) -> None:
        if not origin_allowed(ws.headers.get("origin"), ws.headers.get("host"), hosts):
            await ws.close(code=1008)  # before accept: the handshake is refused with 403
            return
        await ws.accept()
        lock = asyncio.Lock()

        async def send(msg: dict[str, Any]) -> None:
            async with lock:
                await ws.send_json(msg)

        view = ClientView(session)
        await send({**session.hello(), "token": token})

        async def reader() -> None:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    return
                raw = message.get("text")
                if raw is None:
                    raw = message.get("bytes") or b""
                try:
                    cmd = parse_message(raw, session.pin_names)
                    if cmd.type == "watch":
                        work = session.submit(lambda c=cmd: view.watch(c))
                    else:
                        work = session.handle(cmd)
                    await answer(session, work, cmd.type)
                except ProtocolError as error:
                    await send({"type": "error", "message": str(error)})
                except Exception as error:  # our bug, not the page's: say so and keep the socket
                    message = f"internal error: {type(error).__name__}: {error}"
                    await send({"type": "error", "message": message})

        async def writer() -> None:
            while True:
                msg = view.frame()
                if msg is not None:
                    await send(msg)
                await asyncio.sleep(FRAME_S)

        tasks = [asyncio.create_task(reader()), asyncio.create_task(writer())]
        try:
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                error = task.exception()
                if error is not None and not isinstance(error, WebSocketDisconnect):
                    raise error
        except (WebSocketDisconnect, RuntimeError):
            pass  # the page went away
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(Exception):
                await ws.close()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        session.start()
        try:
            yield
        finally:
            session.stop()

    return Starlette(
        routes=[
            Route("/", index),
            Route("/state.json", state),
            Route("/run.vcd", vcd),
            WebSocketRoute("/ws", live),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))],
        lifespan=lifespan,
    )


def bind(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (never another interface); port 0 picks a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as error:
        sock.close()
        raise ValueError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
    sock.listen(64)
    return sock


def serve(session: LiveSession, sock: socket.socket, *, stderr: Any = None) -> int | None:
    """Serve the page until SIGINT, SIGTERM or SIGHUP (the caller prints the URL); returns the
    signal that ended it (None when the server stopped by itself)."""
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, ended at once by a signal: it neither waits for open pages and a
        download in progress (a second Ctrl-C would then be needed) nor raises the signal again."""

        ended_by: int | None = None

        @contextlib.contextmanager
        def capture_signals(self) -> Any:
            if threading.current_thread() is not threading.main_thread():
                yield  # a test's server in a thread: stopped with should_exit
                return
            previous = {s: signal.signal(s, self._ending) for s in ENDING_SIGNALS}
            try:
                yield
            finally:
                for s, handler in previous.items():
                    signal.signal(s, handler)

        def _ending(self, signum: int, frame: Any) -> None:
            if self.ended_by is None:
                self.ended_by = signum
            self.should_exit = self.force_exit = True
            session.request_stop()  # the simulator winds down while the server does
            # what is still in flight (a download, a command) is cancelled on the way out, and
            # uvicorn would log each cancellation as an error with its traceback: expected, so quiet
            logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)

    config = uvicorn.Config(
        create_app(session),
        log_level="warning",
        access_log=False,
        ws_max_size=MAX_FRAME_BYTES,  # past it the socket closes (1009); below, errors are replies
        lifespan="off",  # the session is started and stopped here: a forced exit skips lifespans
    )
    server = Server(config)
    session.start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        session.stop()
        (stderr or sys.stderr).flush()
    return server.ended_by
