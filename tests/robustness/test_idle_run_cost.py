"""Recorder checkpoints follow the data, not virtual time: an idle board costs almost nothing
whatever --until is (issue case 4)."""

import io
import itertools

from pycomsim import Board


def test_an_idle_hour_takes_a_few_hundred_checkpoints_not_360000(write):
    board = Board("lopy4", stdout=io.StringIO())
    board.load(write("main.py", "import time\nwhile True:\n    time.sleep(60)\n"))
    seen = []
    board.world.recorder.checkpoint_listeners.append(seen.append)
    board.world.recorder.arm(board.kernel, 10_000_000)  # as pycomsim run arms it
    board.run(until="1h")
    assert board.now == 3_600_000_000_000
    assert 300 <= len(seen) <= 400  # one per 10 s once idle (the old rule: one per 10 ms)


def test_a_board_recording_much_still_checkpoints_every_10ms(write):
    board = Board("lopy4", stdout=io.StringIO())
    board.generator("P13", freq=1_000_000)  # 20000 edges per 10 ms: memory must stay bounded
    board.load(write("main.py", "import time\nwhile True:\n    time.sleep(1)\n"))
    seen = []
    board.world.recorder.checkpoint_listeners.append(seen.append)
    board.world.recorder.arm(board.kernel, 10_000_000)
    board.run(until="100ms")
    assert {b - a for a, b in itertools.pairwise(seen)} == {10_000_000}
