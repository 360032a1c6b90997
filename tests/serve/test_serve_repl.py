"""The served REPL byte for byte, in process: lib/utils/pyexec.c (Pycom 1.20.2.r4), lib/mp-readline
/readline.c and py/repl.c of MicroPython 1.11, esp32/mptask.c for boot and soft reset."""

from __future__ import annotations

from pathlib import Path

from conftest import ReplHarness

from pycomsim.firmware.reset_causes import SOFT_RESET
from pycomsim.serve.pyexec import banner
from pycomsim.serve.repl_input import autocomplete, continue_with_input

BANNER = (
    b"Pycom MicroPython 1.20.2.r4 [v1.11-ffb0e1c] on 2021-01-12; LoPy4 with ESP32\r\n"
    b'Type "help()" for more information.\r\n'
)


def test_pyexec_banner_after_main_py_names_board_and_firmware_as_uname(tmp_path: Path) -> None:
    (tmp_path / "boot.py").write_text("print('boot')\n")
    (tmp_path / "main.py").write_text("print('main')\n")
    repl = ReplHarness(tmp_path)
    assert repl.take() == b"boot\r\nmain\r\n" + BANNER + b">>> "
    assert banner("wipy3").startswith(
        "Pycom MicroPython 1.20.2.r4 [v1.11-ffb0e1c] on 2021-01-12; WiPy"
    )


def test_pyexec_echo_and_expression_value_with_crlf(repl: ReplHarness) -> None:
    repl.take()
    assert repl.send(b"1+1\r") == b"1+1\r\n2\r\n>>> "
    assert repl.send(b"print('a\\nb')\r") == b"print('a\\nb')\r\na\r\nb\r\n>>> "
    assert repl.send(b"None\r") == b"None\r\n>>> "  # __repl_print__ prints nothing for None
    assert repl.send(b"_\r") == b"_\r\n2\r\n>>> "  # the last value printed


def test_pyexec_multiline_def_auto_indent_three_returns(repl: ReplHarness) -> None:
    repl.take()
    assert repl.send(b"def f(x):\r") == b"def f(x):\r\n...     "
    assert repl.send(b"return x*2\r") == b"return x*2\r\n...     "
    # readline.c auto-indent: no indent after two all-space lines; the third Return runs it
    assert repl.send(b"\r") == b"\r\n...     "
    assert repl.send(b"\r") == b"\r\n... "
    assert repl.send(b"\r") == b"\r\n>>> "
    assert repl.send(b"f(21)\r") == b"f(21)\r\n42\r\n>>> "


def test_readline_backspace_removes_an_indent_level(repl: ReplHarness) -> None:
    repl.take()
    repl.send(b"for i in range(2):\r")
    assert repl.send(b"print(i)\r") == b"print(i)\r\n...     "
    assert repl.send(b"\x7f") == b"\b\b\b\b\x1b[K"
    assert repl.send(b"\r") == b"\r\n0\r\n1\r\n>>> "


def test_readline_history_and_cursor_keys(repl: ReplHarness) -> None:
    repl.take()
    repl.send(b"x = 5\r")
    assert repl.send(b"\x1b[A") == b"x = 5"  # up: the newest history line
    assert repl.send(b"\x1b[D") == b"\b"  # left
    assert repl.send(b"1") == b"15\b"  # inserted before the cursor, the rest redrawn
    assert repl.send(b"\r") == b"\r\n>>> "
    assert repl.send(b"x\r") == b"x\r\n15\r\n>>> "


def test_tab_completes_one_name_and_lists_several(repl: ReplHarness) -> None:
    repl.take()
    repl.send(b"import time\r")
    assert repl.send(b"tim\t") == b"tim" + b"e"
    assert repl.send(b".sleep_\t") == (b".sleep_\r\nsleep_ms        sleep_us\r\n>>> time.sleep_")
    assert repl.send(b"\x03") == b"\r\n>>> "
    assert repl.send(b"imp\t") == b"imp" + b"ort "  # nothing in __main__: 'import'


def test_repl_input_rules_of_py_repl_c() -> None:
    assert continue_with_input("def f():")
    assert continue_with_input("x = (1,")
    assert continue_with_input('s = """abc')
    assert continue_with_input("x = 1 + \\")
    assert not continue_with_input("x = ')'")
    assert not continue_with_input("if x: pass\n")  # a compound statement ends on an empty line
    assert not continue_with_input("iffy = 1")
    assert autocomplete("ab", {"abc": 1, "abd": 2}) == ("", "\nabc             abd\n")

    class Obj:
        alpha = beta = gamma = delta = epsilon = 0
        abc = abd = 0

    assert autocomplete("o.a", {"o": Obj}) == ("", "\nabc             abd             alpha\n")
    assert autocomplete("o.al", {"o": Obj}) == ("pha", "")
    assert autocomplete("(o", {"o": Obj}) == ("", "")  # a single match, already complete
    five = "\nabc             abd             alpha           beta\ndelta\n"
    assert autocomplete(
        "o.", {"o": type("O", (), dict.fromkeys(["abc", "abd", "alpha", "beta", "delta"]))}
    ) == ("", five)


def test_traceback_syntax_error_and_oserror_as_the_board(repl: ReplHarness) -> None:
    repl.take()
    assert repl.send(b"1/0\r") == (
        b"1/0\r\nTraceback (most recent call last):\r\n"
        b'  File "<stdin>", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n>>> '
    )
    assert repl.send(b"x = = 1\r") == (
        b"x = = 1\r\nTraceback (most recent call last):\r\n"
        b'  File "<stdin>", line 1\r\nSyntaxError: invalid syntax\r\n>>> '
    )
    out = repl.send(b"open('nope.txt')\r")
    assert out.endswith(b"\r\nOSError: [Errno 2] ENOENT\r\n>>> ")  # one OSError type on the board


def test_ctrl_c_raises_keyboard_interrupt_in_a_sleeping_loop(repl: ReplHarness) -> None:
    repl.take()
    repl.send(b"import time\r")
    repl.send(b"while True: time.sleep(1)\r")
    assert repl.send(b"\r", run="2500ms") == b"\r\n"
    now = repl.board.world.kernel.now
    assert repl.send(b"\x03") == (
        b"Traceback (most recent call last):\r\n"
        b'  File "<stdin>", line 1, in <module>\r\nKeyboardInterrupt: \r\n>>> '
    )
    assert repl.board.world.kernel.now - now < 20_000_000  # at once, not at the sleep's end
    assert repl.send(b"1\r", run="3s") == b"1\r\n1\r\n>>> "  # no stale wakeup left behind


def test_ctrl_c_with_an_empty_line_gives_a_new_prompt(repl: ReplHarness) -> None:
    repl.take()
    assert repl.send(b"abc\x03") == b"abc\r\n>>> "


def test_ctrl_d_soft_reset_reruns_boot_and_main(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("print('main')\n")
    repl = ReplHarness(tmp_path)
    repl.take()
    repl.send(b"y = 1\r")
    assert repl.send(b"\x04") == b"\r\nPYB: soft reboot\r\nmain\r\n" + BANNER + b">>> "
    assert repl.board.reset_cause == SOFT_RESET
    out = repl.send(b"y\r")
    assert out.endswith(b"NameError: name 'y' isn't defined\r\n>>> ")  # a fresh interpreter
    assert repl.send(b"import machine; machine.reset_cause() == machine.SOFT_RESET\r").endswith(
        b"\r\nTrue\r\n>>> "
    )


def test_paste_mode(repl: ReplHarness) -> None:
    repl.take()
    assert repl.send(b"\x05") == b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== "
    assert repl.send(b"for i in range(2):\r") == b"for i in range(2):\r\n=== "
    assert repl.send(b"    print(i)\r") == b"    print(i)\r\n=== "
    assert repl.send(b"\x04") == b"\r\n0\r\n1\r\n>>> "
    repl.send(b"\x05")
    assert repl.send(b"x\x03") == b"x\r\n>>> "  # Ctrl-C cancels


def test_raw_repl_transcript_and_raw_paste_refused_as_1_11(repl: ReplHarness) -> None:
    repl.take()
    assert repl.send(b"\x01") == b"\r\nraw REPL; CTRL-B to exit\r\n>"
    assert repl.send(b"print('hi')\x04") == b"OKhi\r\n\x04\x04>"
    assert repl.send(b"1/0\x04") == (
        b"OK\x04Traceback (most recent call last):\r\n"
        b'  File "<stdin>", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n\x04>'
    )
    # raw-paste request: 1.11 has none; the Ctrl-A in it restarts the raw REPL
    assert repl.send(b"\x05A\x01") == b"raw REPL; CTRL-B to exit\r\n>"
    assert repl.send(b"x = 2\x04") == b"OK\x04\x04>"
    assert repl.send(b"\x04") == b"OK\r\nPYB: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>"
    assert repl.send(b"\x02") == b"\r\n" + BANNER + b">>> "


def test_input_and_sys_stdin_read_the_serial_line(repl: ReplHarness) -> None:
    repl.take()
    assert repl.send(b"name = input('who? ')\r") == b"name = input('who? ')\r\nwho? "
    assert repl.send(b"Ann\r") == b"Ann\r\n>>> "
    assert repl.send(b"name\r") == b"name\r\n'Ann'\r\n>>> "
    repl.send(b"import sys; c = sys.stdin.read(3)\r")
    assert repl.send(b"a\rb") == b">>> "  # stdio_read: a CR reads as LF
    assert repl.send(b"c\r") == b"c\r\n'a\\nb'\r\n>>> "
