"""While serving, the board's clock follows the wall clock (`--speed` scales it), and the board goes on
between keystrokes: handlers, stimuli, the heartbeat."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pycomsim import Board
from pycomsim.serve.console import CookedStream, SerialConsole
from pycomsim.serve.pyexec import Pyexec
from pycomsim.serve.runner import ServeLoop


class _Served:
    """A board served in this process by the real ServeLoop, on a thread of its own."""

    def __init__(self, flash: Path, speed: float) -> None:
        self.out = bytearray()
        self.lock = threading.Lock()
        board = self.board = Board("lopy4")
        console = SerialConsole(board, self._sink)
        board.console.stdout = CookedStream(console)
        board.load(Pyexec(board, console, flash).main_task)
        board.button("P10", bounce=False).press(at="300ms", hold="50ms")
        self.loop = ServeLoop(board.world, console, speed=speed)
        self.thread = threading.Thread(target=self.loop.run, daemon=True)
        self.thread.start()

    def _sink(self, data: bytes) -> None:
        with self.lock:
            self.out += data

    def wait_for(self, marker: bytes, timeout: float = 10) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            with self.lock:
                if marker in self.out:
                    return time.monotonic() - started
            time.sleep(0.005)
        raise AssertionError(f"no {marker!r} in {bytes(self.out)!r}")

    def stop(self) -> None:
        self.loop.stop()
        self.thread.join(timeout=5)


def test_sleep_takes_wall_time_and_speed_scales_it(tmp_path: Path) -> None:
    for speed, sleep_s, wall_min, wall_max in ((1.0, 0.6, 0.55, 2.0), (10.0, 3.0, 0.25, 1.5)):
        served = _Served(tmp_path, speed)
        try:
            served.wait_for(b">>> ")
            served.loop.put(f"import time; time.sleep({sleep_s}); print('woke')\r".encode())
            took = served.wait_for(b"\r\nwoke\r\n")  # not the echo
            assert wall_min <= took <= wall_max, (speed, took)
        finally:
            served.stop()


def test_handlers_and_stimuli_run_between_keystrokes(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(
        "from machine import Pin\n"
        "Pin('P10', mode=Pin.IN, pull=Pin.PULL_UP).callback(Pin.IRQ_FALLING, lambda p: print('pressed'))\n"
    )
    served = _Served(tmp_path, 1.0)
    try:
        served.wait_for(b">>> ")
        served.wait_for(b"pressed\r\n")  # the press at 300 ms, with nobody typing
        assert served.board.world.kernel.now >= 300_000_000
    finally:
        served.stop()


def test_a_long_session_keeps_board_output_bounded(tmp_path: Path) -> None:
    served = _Served(tmp_path, 1.0)
    try:
        served.wait_for(b">>> ")
        served.loop.put(b"for i in range(3000): print(i)\r\r")
        served.wait_for(b"\r\n2999\r\n>>> ")
        served.loop.put(b"1\r")
        served.wait_for(b"\r\n1\r\n>>> ")
        assert len(served.board.console.chunks) <= 1000
    finally:
        served.stop()
