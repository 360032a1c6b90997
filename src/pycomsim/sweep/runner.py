"""One sweep run: a `pycomsim run` command line executed in this process, turned into a results row.

`run_one` is what a sweep worker does for each run, and what `pycomsim run` would do with the same
argv: the same setup (cli._setup), the same run, the same summary. The board's stdout and pycomsim's
stderr are captured (they feed the pass condition and the row's reason), nothing reaches the terminal.
A failing run's VCD comes back in the row as bytes (`vcd_bytes`), so a worker on another machine needs
no shared disk: the driver writes it.

`python -m pycomsim.sweep.runner` is the child process a worker keeps for its runs (sweep/child.py):
it reads pickled requests on stdin and answers on stdout, one at a time, and exits when its parent
does, so a run that never ends can be killed without killing the worker.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import struct
import sys
import threading
import time as host_time
from typing import Any

from .conditions import PassCondition

_LENGTH = struct.Struct("<Q")


def _traces(world: Any) -> dict[str, list[tuple[int, int]]]:
    single = len(world.boards) == 1
    return {
        (key.partition(".")[2] if single else key): [(w >> 2, w & 3) for w in trace.words()]
        for key, trace in world.recorder.traces.items()
    }


def run_one(
    argv: list[str] | tuple[str, ...], condition: PassCondition, *, want_vcd: bool = False
) -> dict[str, Any]:
    """Run `pycomsim run ARGV` here and return its row (without run/seed/params/command)."""
    from ..exc import UsageError
    from ..output.artifacts import CHECKPOINT_NS
    from ..report import summary
    from ..run_options import CliError, _setup, run_parser

    out, err = io.StringIO(), io.StringIO()
    row: dict[str, Any] = {"vcd_bytes": None}
    started = host_time.perf_counter()
    world = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = run_parser().parse_args(argv)
            world, _ = _setup(args)
        except (CliError, UsageError, ValueError) as error:
            wall = host_time.perf_counter() - started
            row.update(status="error", passed=False, exit_code=2, wall_s=round(wall, 6))
            row["reason"] = f"bad run: {error}"
            return row
        try:
            world.recorder.arm(world.kernel, CHECKPOINT_NS)  # memory stays bounded on long runs
            code, status = 0, "ended"
            world.run(until=args.until)
            if args.until is not None:
                status = "reached --until"
            world.recorder.disarm()
            for board, error in world.failed:
                text = board.format_exception(error)
                sys.stderr.write("".join(board.console.prefix + ln for ln in text.splitlines(True)))
                status, code = "script raised", 1
            sys.stdout.flush()
            wall = host_time.perf_counter() - started
            data = summary(world, wall_s=wall, status=status)
            stdout = out.getvalue()
            info = dict(data, stdout=stdout, exit_code=code)
            try:
                reason = condition.failure(code, stdout, info, lambda: _traces(world))
                verdict = "pass" if reason is None else "fail"
            except Exception as error:  # the user's predicate raised: say so in the row
                reason, verdict = (
                    f"{condition.predicate} raised {type(error).__name__}: {error}",
                    "error",
                )
            if reason is not None and code == 1:
                last = [ln for ln in err.getvalue().splitlines() if ln.strip()]
                if last:
                    reason += f": {last[-1].strip()}"
            row.update(
                status=verdict,
                passed=verdict == "pass",
                exit_code=code,
                virtual_ns=data["virtual_ns"],
                wall_s=round(wall, 6),
                edges=sum(data["edges"].values()),
                edges_by_pin=data["edges"],
                callbacks=data["callbacks_run"],
                dropped=data["events_dropped"],
                faults=len(data["faults"]),
                reason=reason or "",
            )
            if verdict != "pass" and want_vcd:
                from ..output.vcd import write_vcd

                buffer = io.BytesIO()
                write_vcd(world, buffer)
                row["vcd_bytes"] = buffer.getvalue()
        finally:
            world.recorder.close()
    return row


# ---- the child process ----
def write_frame(stream: Any, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _watch_parent(parent: int) -> None:
    """Exit when the worker that started this process is gone (killed, crashed): an orphaned child
    stuck in a runaway script would otherwise spin forever."""
    while True:
        host_time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(3)


_WARM_UP = "from machine import Pin\nimport time\nPin('P10', mode=Pin.IN)()\ntime.sleep_ms(1)\n"


def _warm_up() -> None:
    """One tiny run before the first real one: pycomsim's lazy imports (~0.4 s, seconds on a busy
    machine) then count in no run's wall time and cannot turn a quick run into a 'hang'."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pycomsim-warm-") as folder:
        script = os.path.join(folder, "main.py")
        with open(script, "w") as f:
            f.write(_WARM_UP)
        run_one([script, "--press", "P10@0ms+100us"], PassCondition(), want_vcd=True)


def main() -> None:
    # the answers go on a private copy of fd 1; fd 1 itself goes to /dev/null so that nothing a
    # run prints (even from C) can corrupt a frame
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    requests = sys.stdin.buffer
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    _warm_up()
    write_frame(answers, "ready")
    while True:
        head = requests.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            return  # the worker closed the pipe
        (size,) = _LENGTH.unpack(head)
        request = pickle.loads(requests.read(size))
        cwd = request.get("cwd")
        if cwd and os.path.isdir(cwd):
            os.chdir(cwd)
        try:
            row = run_one(request["argv"], request["condition"], want_vcd=request["want_vcd"])
        except Exception as error:  # a bug of ours: the row says so, the child lives on
            row = {"status": "error", "passed": False, "reason": f"pycomsim failed: {error!r}"}
        write_frame(answers, row)


if __name__ == "__main__":
    main()
