"""Virtual time against real time: one board blinking at 1 kHz, and 16 boards blinking in one world.

The peer column is real time itself: the virtual duration simulated. The ratio is how many times
faster than real time the run went (virtual seconds per wall-clock second).
"""

from __future__ import annotations

from common import Figure, clock_ns, median, recorded

from pycomsim import Board, World

NS_PER_S = 1_000_000_000


def _blinker(board: Board):
    def blink() -> None:
        Pin = board.machine.Pin
        time = board.time
        led = Pin("P11", Pin.OUT)
        while True:  # the 1 kHz blink: toggle every 500 us
            led.toggle()
            time.sleep_us(500)

    return blink


def _edges(board: Board) -> int:
    return recorded(board.pad("P11").net.trace)


def _run_world(n_boards: int, virtual_s: float) -> tuple[float, int]:
    world = World()
    boards = [Board("lopy4", name=f"b{i}", world=world) for i in range(n_boards)]
    for board in boards:
        board.load(_blinker(board))
    t = clock_ns()
    world.run(until=int(virtual_s * NS_PER_S))
    wall_s = (clock_ns() - t) / NS_PER_S
    for board in boards:
        if board.error is not None:
            raise board.error
    edges = sum(_edges(b) for b in boards)
    # ~1923 toggles per virtual second per board (500 us sleep + the modelled call costs)
    assert edges >= n_boards * virtual_s * 1500, f"only {edges} edges recorded"
    return wall_s, edges


def _figure(name: str, what: str, n_boards: int, virtual_s: float, rounds: int, target: float):
    runs = [_run_world(n_boards, virtual_s) for _ in range(rounds)]
    wall = median([w for w, _ in runs])
    return Figure(
        name=name,
        pycomsim=wall,
        peer=virtual_s,
        unit="s",
        ratio=virtual_s / wall,
        target=target,
        op=">=",
        what=what,
        rounds=[{"pycomsim": w, "peer": virtual_s} for w, _ in runs],
        extra={"boards": n_boards, "edges_per_run": runs[0][1]},
    )


def throughput(quick: bool, rounds: int) -> Figure:
    return _figure(
        "virtual throughput",
        "1 kHz blink (toggle(); time.sleep_us(500)) for 10 virtual minutes, wall s vs virtual s",
        1,
        2.0 if quick else 600.0,
        min(rounds, 3),
        100.0,
    )


def scale(quick: bool, rounds: int) -> Figure:
    return _figure(
        "scale",
        "16 boards in one World, each blinking at 1 kHz for 1 virtual minute, wall s vs virtual s",
        16,
        0.2 if quick else 60.0,
        min(rounds, 3),
        10.0,
    )
