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


def test_uncaught_exception_is_printed_on_the_console_at_the_time_of_the_raise(tmp_path):
    (tmp_path / "main.py").write_text("import time\nprint('a')\ntime.sleep_ms(30)\nundefined\n")
    board = Board("lopy4")
    board.run(tmp_path / "main.py", until="1s")
    assert board.output == (
        "a\n"
        "Traceback (most recent call last):\n"
        '  File "main.py", line 4, in <module>\n'
        "NameError: name 'undefined' isn't defined\n"
    )
    assert isinstance(board.error, NameError)
    assert 30_000_000 <= board.error_ns < 31_000_000  # when it raised, not when the run ended
    assert board.now_ns == 1_000_000_000  # the board lives on until `until`


def test_boot_py_exception_prints_its_traceback_then_main_py_runs(tmp_path):
    # esp32/mptask.c TASK_Micropython: pyexec_file("boot.py") fails, the firmware goes on to main.py
    (tmp_path / "boot.py").write_text("ready = 1\nimport pycom\npycom.nvs_getx('k')\n")
    (tmp_path / "main.py").write_text("print('main', ready)\n")
    board = Board("lopy4")
    board.run(tmp_path / "main.py")
    assert board.output == (
        "Traceback (most recent call last):\n"
        '  File "boot.py", line 3, in <module>\n'
        "AttributeError: 'module' object has no attribute 'nvs_getx'\n"
        "main 1\n"  # one namespace: what boot.py set before it raised is there
    )
    assert board.error is None  # main.py itself ended well
    assert [type(e) for _, e in board.world.failed] == [AttributeError]  # the run still reports it


def test_system_exit_in_boot_py_is_quiet_and_main_py_runs(tmp_path):
    (tmp_path / "boot.py").write_text("import sys\nsys.exit()\n")
    (tmp_path / "main.py").write_text("print('main')\n")
    board = Board("lopy4")
    board.run(tmp_path / "main.py")
    assert board.output == "main\n" and board.world.failed == []


def test_a_function_program_prints_to_the_board_console(capsys):
    board = Board("lopy4")
    pin = board.machine.Pin("P10", board.machine.Pin.IN)

    def handler(p):
        print("edge", board.time.ticks_ms())

    def program():
        print("start")
        pin.callback(board.machine.Pin.IRQ_FALLING, handler)
        board.time.sleep_ms(50)
        print("done", end="!\n")

    board.button("P10", bounce=False).press(at="20ms")
    board.run(program)
    assert board.output == "start\nedge 20\ndone!\n"
    assert capsys.readouterr().out == "start\nedge 20\ndone!\n"  # the console is still stdout
    print("host")  # host code outside the board's tasks prints as usual
    assert capsys.readouterr().out == "host\n" and board.output.endswith("done!\n")


def test_a_function_programs_exception_is_on_the_console_too():
    board = Board("lopy4")

    def program():
        print("go")
        raise ValueError("bad value")

    board.run(program)
    lines = board.output.splitlines()
    assert lines[0] == "go" and lines[1] == "Traceback (most recent call last):"
    assert lines[2].startswith(f'  File "{__file__}", line ') and lines[2].endswith(", in program")
    assert lines[-1] == "ValueError: bad value"
