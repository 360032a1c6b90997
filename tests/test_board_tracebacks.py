"""What the board prints for an exception on its console: MicroPython's format, the board's file names."""

import textwrap

from pycomsim import Board


def test_handler_exception_prints_board_style_traceback_with_board_file_names(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.py").write_text("def handler(pin):\n    return 1 // 0\n")
    (tmp_path / "main.py").write_text(
        textwrap.dedent("""
        from machine import Pin
        import time
        import util
        Pin('P10', Pin.IN).callback(Pin.IRQ_FALLING, util.handler)
        time.sleep_ms(100)
    """)
    )
    board = Board("lopy4")
    board.button("P10", bounce=False).press(at="10ms")
    board.run(tmp_path / "main.py")
    assert "".join(board.output) == (
        "Unhandled exception in callback handler\n"
        "Traceback (most recent call last):\n"
        '  File "/flash/lib/util.py", line 2, in handler\n'
        "ZeroDivisionError: divide by zero\n"
    )


def test_sys_print_exception_uses_the_board_format_and_names(tmp_path):
    (tmp_path / "main.py").write_text(
        textwrap.dedent("""
        import sys
        def f():
            return undefined_name
        try:
            f()
        except Exception as e:
            sys.print_exception(e)
    """)
    )
    board = Board("lopy4")
    board.run(tmp_path / "main.py")
    assert "".join(board.output) == (
        "Traceback (most recent call last):\n"
        '  File "main.py", line 6, in <module>\n'
        '  File "main.py", line 4, in f\n'
        "NameError: name 'undefined_name' isn't defined\n"
    )
