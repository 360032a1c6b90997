"""The timing model (docs/timing.md) on the host: board scripts with `cpu='board'` against `cpu='free'`.

Every figure runs a real board script (a file, so the model's rewrite applies) in both models in the
same run, rounds interleaved:

* `cpu-loop`: a tight pure-Python loop (`while n < N: n += 1`) with the model on: virtual seconds per
  wall second (target: at least 10x real time);
* `cpu-overhead`: the same loop's wall time per iteration, model on against `free` (the model's cost);
* `cpu-blink`: the 1 kHz blink (toggle, `sleep_us(500)`) as a script with the model on, real time factor;
* `cpu-write`, `cpu-read`, `cpu-edge`: host ns per `p.value(1)`, per `p()`, and per edge -> handler
  run, model on against `free`.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from common import Figure, clock_ns, interleaved

from pycomsim import Board

NS_PER_S = 1_000_000_000
_TMP = Path(tempfile.mkdtemp(prefix="pycomsim-bench-cpu-"))


def _script(name: str, text: str) -> Path:
    path = _TMP / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    return path


def _run(path: Path, cpu: str, until: int | None = None, setup=None) -> tuple[float, Board]:
    board = Board("lopy4", cpu=cpu)
    if setup is not None:
        setup(board)
    board.load(path)
    t = clock_ns()
    board.world.run(until=until)
    wall = clock_ns() - t
    if board.error is not None:
        raise board.error
    return wall, board


def _loop(n: int) -> Path:
    return _script(f"loop{n}", f"n = 0\nwhile n < {n}:\n    n += 1\n")


def loop(quick: bool, rounds: int) -> Figure:
    path = _loop(2_000 if quick else 200_000)
    _run(path, "board")  # warm the rewrite cache: figures time the run, not the rewrite
    runs = []
    for _ in range(rounds):
        wall, board = _run(path, "board")
        runs.append({"wall_s": wall / NS_PER_S, "virtual_s": board.now / NS_PER_S})
    best = sorted(runs, key=lambda r: r["virtual_s"] / r["wall_s"])[len(runs) // 2]
    ratio = best["virtual_s"] / best["wall_s"]
    return Figure(
        name="cpu-loop",
        pycomsim=best["wall_s"],
        peer=best["virtual_s"],
        unit="s",
        ratio=ratio,
        target=10.0,
        op=">=",
        what="`while n < N: n += 1` with cpu='board': virtual s per wall s",
        rounds=runs,
    )


def overhead(quick: bool, rounds: int) -> Figure:
    n = 2_000 if quick else 200_000
    path = _loop(n)
    _run(path, "board")
    ours, peer, pairs = interleaved(
        rounds,
        lambda: _run(path, "board")[0] / n,
        lambda: _run(path, "free")[0] / n,
    )
    return Figure(
        name="cpu-overhead",
        pycomsim=ours,
        peer=peer,
        unit="ns",
        ratio=ours / peer,
        target=5.0,  # the tightest loop: one ~200 ns charge against an ~90 ns iteration
        op="<=",
        what="host ns per loop iteration, cpu='board' against cpu='free' (the charge per block)",
        rounds=pairs,
    )


def blink(quick: bool, rounds: int) -> Figure:
    path = _script(
        "blink",
        """\
        from machine import Pin
        import time
        led = Pin('P11', mode=Pin.OUT)
        while True:
            led.toggle()
            time.sleep_us(500)
        """,
    )
    virtual = (0.05 if quick else 2.0) * NS_PER_S
    runs = []
    for _ in range(rounds):
        wall, _ = _run(path, "board", until=int(virtual))
        runs.append({"wall_s": wall / NS_PER_S})
    wall_s = sorted(r["wall_s"] for r in runs)[len(runs) // 2]
    return Figure(
        name="cpu-blink",
        pycomsim=wall_s,
        peer=virtual / NS_PER_S,
        unit="s",
        ratio=virtual / NS_PER_S / wall_s,
        target=1.0,
        op=">=",
        what="the 1 kHz blink as a script with cpu='board': virtual s per wall s",
        rounds=runs,
    )


def _per_call(name: str, body: str, n: int, what: str, target: float) -> Figure:
    path = _script(name, f"from machine import Pin\n{body.format(n=n)}")
    _run(path, "board")
    ours, peer, pairs = interleaved(
        3,
        lambda: _run(path, "board")[0] / n,
        lambda: _run(path, "free")[0] / n,
    )
    return Figure(
        name=name,
        pycomsim=ours,
        peer=peer,
        unit="ns",
        ratio=ours / peer,
        target=target,
        op="<=",
        what=what,
        rounds=pairs,
    )


def write(quick: bool, rounds: int) -> Figure:
    body = "p = Pin('P11', mode=Pin.OUT)\nfor i in range({n}):\n    p.value(1)\n"
    n = 2_000 if quick else 100_000
    return _per_call("cpu-write", body, n, "host ns per `p.value(1)` in a script, board/free", 2.0)


def read(quick: bool, rounds: int) -> Figure:
    body = "p = Pin('P11', mode=Pin.IN, pull=Pin.PULL_UP)\nfor i in range({n}):\n    p()\n"
    n = 2_000 if quick else 100_000
    return _per_call("cpu-read", body, n, "host ns per `p()` in a script, board/free", 2.0)


def edge(quick: bool, rounds: int) -> Figure:
    n = 500 if quick else 20_000
    path = _script(
        "edge",
        f"""\
        from machine import Pin
        import time
        count = 0
        def h(p):
            global count
            count += 1
        Pin('P13', mode=Pin.IN).callback(Pin.IRQ_RISING, h)
        while count < {n}:
            time.sleep_ms(1)
        """,
    )

    def timed(cpu: str) -> float:
        wall, _ = _run(path, cpu, setup=lambda b: b.generator("P13", freq=5_000))
        return wall / n

    timed("board")
    ours, peer, pairs = interleaved(3, lambda: timed("board"), lambda: timed("free"))
    return Figure(
        name="cpu-edge",
        pycomsim=ours,
        peer=peer,
        unit="ns",
        ratio=ours / peer,
        target=2.0,
        op="<=",
        what="host ns per edge -> handler run (5 kHz train), board/free",
        rounds=pairs,
    )
