"""The two Pin paths (tests/conftest.py runs every SPEC rule over both) are really two."""

from pycomsim import Board
from pycomsim.firmware.pin import PinBase


def test_a_board_uses_the_fast_path_by_default_and_the_portable_one_when_asked():
    assert Board("lopy4").Pin.value is not PinBase.value
    assert Board("lopy4", fast_path=False).Pin.value is PinBase.value
    assert Board("lopy4", fast_path=False).Pin.toggle is PinBase.toggle


def test_both_paths_write_the_same_edges():
    edges = []
    for fast in (True, False):
        board = Board("lopy4", fast_path=fast, expansion=False)
        Pin = board.machine.Pin

        def main(Pin=Pin, board=board):
            p = Pin("P11", Pin.OUT)
            for _ in range(5):
                p(1)
                p.value(0)
                p.toggle()
                board.time.sleep_us(3)

        board.run(main)
        edges.append(board.trace("P11").edges())
    # 1, 0, 1 then 0, 1 per pass (p(1) after the toggle changes nothing): 3 + 4 * 2
    assert edges[0] == edges[1] and len(edges[0]) == 11
