"""Per-call figures against gpiozero's MockFactory: write, read, and edge -> user handler.

pycomsim runs the timed loop inside a board's script (as a user's code runs); gpiozero runs the same loop
on a `MockPin` from the host. Recording stays on for both: pycomsim appends to the net's trace, and
gpiozero's MockPin appends a `PinState` to `pin.states` on every change.
"""

from __future__ import annotations

from common import Figure, clock_ns, interleaved, median, recorded
from gpiozero import Button as ZeroButton
from gpiozero.pins.mock import MockFactory

from pycomsim import Board

# a general-purpose pad with nothing else on its net (P9 would add the expansion-board LED's watcher)
OUT_PIN, IN_PIN, BUTTON_PIN = "P11", "P3", "P10"


def _in_script(body):
    """Run `body(board)` as the board's main script and return what it returns."""
    board = Board("lopy4", seed=0)
    result = []
    board.run(lambda: result.append(body(board)))
    if board.error is not None:
        raise board.error
    return result[0]


def _ours_write(n: int, pin: str = OUT_PIN) -> float:
    def body(board: Board) -> float:
        Pin = board.machine.Pin
        p = Pin(pin, Pin.OUT)
        t = clock_ns()
        for _ in range(n):
            p.value(1)
            p.value(0)
        dt = clock_ns() - t
        trace = p._pad.net.trace
        assert trace is not None and recorded(trace) >= 2 * n, "recording must be on"
        return dt / (2 * n)

    return _in_script(body)


def _peer_write(n: int) -> float:
    pin = MockFactory().pin(17)
    pin.function = "output"
    t = clock_ns()
    for _ in range(n):
        pin.state = 1
        pin.state = 0
    dt = clock_ns() - t
    assert len(pin.states) >= 2 * n
    return dt / (2 * n)


def _ours_read(n: int) -> float:
    def body(board: Board) -> float:
        Pin = board.machine.Pin
        p = Pin(IN_PIN, Pin.IN, Pin.PULL_UP)
        t = clock_ns()
        for _ in range(n):
            p.value()
        dt = clock_ns() - t
        assert p.value() == 1
        return dt / n

    return _in_script(body)


def _peer_read(n: int) -> float:
    pin = MockFactory().pin(18)
    pin.function = "input"
    t = clock_ns()
    for _ in range(n):
        pin.state  # noqa: B018 - the read is what is timed
    return (clock_ns() - t) / n


def _ours_edge(n: int, handler: bool = True) -> float:
    """A 1 kHz square wave from a signal generator (a stimulus) on P10; the script's IRQ_FALLING
    handler counts. Timed: the kernel run that delivers `n` falling edges, so each event is two
    edges (as the peer's drive_low()/drive_high()) and one handler run."""
    board = Board("lopy4", seed=0, expansion=False)
    count = [0]

    def main() -> None:
        Pin = board.machine.Pin
        pin = Pin(BUTTON_PIN, Pin.IN, Pin.PULL_UP)
        if handler:
            pin.callback(Pin.IRQ_FALLING, lambda pin: count.__setitem__(0, count[0] + 1))
        while True:
            board.time.sleep(3600)

    board.load(main)
    board.world.run(until="1ms")
    board.generator(BUTTON_PIN, freq=1000, start=board.kernel.now)
    t = clock_ns()
    board.world.run(until=n * 1_000_000)
    dt = clock_ns() - t
    assert count[0] == (n if handler else 0), f"{count[0]} handler runs for {n} falling edges"
    return dt / n


def _ours_button(n: int) -> float:
    """The same through a Button part without bounce: press and release `n` times, 1 ms apart."""
    board = Board("lopy4", seed=0, expansion=False)
    count = [0]

    def main() -> None:
        Pin = board.machine.Pin
        pin = Pin(BUTTON_PIN, Pin.IN, Pin.PULL_UP)
        pin.callback(Pin.IRQ_FALLING, lambda pin: count.__setitem__(0, count[0] + 1))
        while True:
            board.time.sleep(3600)

    board.load(main)
    board.world.run(until="1ms")
    t0 = board.kernel.now
    button = board.button(BUTTON_PIN, bounce=False)
    for i in range(n):
        button.press(at=t0 + i * 1_000_000 + 100_000, hold=200_000)
    t = clock_ns()
    board.world.run(until=n * 1_000_000)
    dt = clock_ns() - t
    assert count[0] == n, f"{count[0]} handler runs for {n} presses"
    return dt / n


def _peer_edge(n: int) -> float:
    factory = MockFactory()
    button = ZeroButton(19, pin_factory=factory)
    count = [0]
    button.when_pressed = lambda: count.__setitem__(0, count[0] + 1)
    pin = factory.pin(19)
    t = clock_ns()
    for _ in range(n):
        pin.drive_low()
        pin.drive_high()
    dt = clock_ns() - t
    assert count[0] == n
    button.close()
    return dt / n


def _per_call(name, what, ours, peer, n, rounds) -> Figure:
    ours_ns, peer_ns, pairs = interleaved(rounds, lambda: ours(n), lambda: peer(n))
    return Figure(
        name=name,
        pycomsim=ours_ns,
        peer=peer_ns,
        unit="ns",
        ratio=ours_ns / peer_ns,
        target=0.5,
        op="<=",
        what=what,
        rounds=pairs,
        extra={"calls_per_round": n},
    )


def write_led_pin(quick: bool, rounds: int) -> Figure:
    """A write to P9, the pin users blink: the expansion board's LED watches its net. Its peer is a
    write to P11 (nothing else on the net), measured alternately in the same run."""
    n = 2_000 if quick else 200_000
    p9, p11, pairs = interleaved(rounds, lambda: _ours_write(n, "P9"), lambda: _ours_write(n))
    return Figure(
        name="write P9 (LED)",
        pycomsim=p9,
        peer=p11,
        unit="ns",
        ratio=p9 / p11,
        target=1.3,
        op="<=",
        what="p.value(1); p.value(0) on P9 with the expansion LED, per call vs the same on P11",
        rounds=pairs,
        extra={"calls_per_round": n},
    )


def write(quick: bool, rounds: int) -> Figure:
    return _per_call(
        "write",
        "p.value(1); p.value(0) on an OUT pin, recording on, per call vs MockPin.state = x",
        _ours_write,
        _peer_write,
        2_000 if quick else 200_000,
        rounds,
    )


class _Floor:
    """What any method with Pin.value's signature costs before its first line runs: the loop, the
    call, and the `*rest, **kw` that MicroPython's exact error messages need (SPEC 4)."""

    __slots__ = ()

    def value(self, v=None, /, *rest, **kw):  # noqa: B006 - mirrors PinBase.value
        return None

    def no_kw(self, v=None, /, *rest):  # without **kw: keyword calls would get CPython's message
        return None

    def fixed(self, v=None, /):  # without *rest either: so would extra positional arguments
        return None

    def bare(self):
        return None


def _floors(n: int) -> dict[str, float]:
    f = _Floor()
    t = clock_ns()
    for _ in range(n):
        pass
    loop = (clock_ns() - t) / n
    t = clock_ns()
    for _ in range(n):
        f.value()
    same_signature = (clock_ns() - t) / n
    t = clock_ns()
    for _ in range(n):
        f.no_kw()
    no_kw = (clock_ns() - t) / n
    t = clock_ns()
    for _ in range(n):
        f.fixed()
    fixed = (clock_ns() - t) / n
    t = clock_ns()
    for _ in range(n):
        f.bare()
    bare = (clock_ns() - t) / n
    x = 12345
    t = clock_ns()
    for _ in range(n):
        x.bit_length()
    c_method = (clock_ns() - t) / n
    return {
        "empty_loop_ns": loop,
        "empty_python_method_same_signature_ns": same_signature,
        "empty_python_method_without_kw_ns": no_kw,
        "empty_python_method_one_optional_positional_ns": fixed,
        "empty_python_method_no_args_ns": bare,
        "c_method_call_ns": c_method,
    }


def read(quick: bool, rounds: int) -> Figure:
    n = 2_000 if quick else 500_000
    fig = _per_call(
        "read",
        "p.value() on an IN pin, per call vs MockPin.state read",
        _ours_read,
        _peer_read,
        n,
        rounds,
    )
    # where the floor is: measured in the same loop shape, medians over the same rounds
    runs = [_floors(n) for _ in range(rounds)]
    fig.extra.update({k: median([r[k] for r in runs]) for k in runs[0]})
    return fig


def edge(quick: bool, rounds: int) -> Figure:
    n = 200 if quick else 20_000
    fig = _per_call(
        "edge->callback",
        "generator edge on P10 to the IRQ_FALLING handler, per event vs drive_low()/drive_high() -> when_pressed",
        _ours_edge,
        _peer_edge,
        n,
        rounds,
    )
    # the same through the Button part (its press and release are kernel events of their own)
    fig.extra["button_ns"] = median([_ours_button(n) for _ in range(rounds)])
    # where the time goes: the stimulus's two edges alone (no callback), the rest is the interrupt
    fig.extra["stimulus_only_ns"] = median([_ours_edge(n, handler=False) for _ in range(rounds)])
    return fig
