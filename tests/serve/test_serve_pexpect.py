"""A person at the friendly REPL over the pty, driven by pexpect (from PyPI)."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect.fdpexpect


def test_pexpect_friendly_repl_banner_def_ctrl_c_and_soft_reset(tmp_path: Path, serve) -> None:
    (tmp_path / "main.py").write_text("print('main ran')\n")
    served = serve(str(tmp_path / "main.py"))
    fd = os.open(served.where[0], os.O_RDWR | os.O_NOCTTY)
    try:
        child = pexpect.fdpexpect.fdspawn(fd, timeout=10)
        child.send(b"\x02")  # Ctrl-B on an empty line: the friendly REPL's banner again
        child.expect_exact(
            b"Pycom MicroPython 1.20.2.r4 [v1.11-ffb0e1c] on 2021-01-12; LoPy4 with ESP32\r\n"
        )
        child.expect_exact(b'Type "help()" for more information.\r\n>>> ')
        child.send(b"def twice(x):\r")
        child.expect_exact(b"def twice(x):\r\n...     ")
        child.send(b"return 2 * x\r\r\r\r")
        child.expect_exact(b"return 2 * x\r\n...     \r\n...     \r\n... \r\n>>> ")
        child.send(b"twice(21)\r")
        child.expect_exact(b"twice(21)\r\n42\r\n>>> ")
        # Ctrl-C: a loop that sleeps, then one that never calls the board's API
        for loop in (b"while True: time.sleep_ms(10)", b"while True: n = 1"):
            child.send(b"import time\r" + loop + b"\r\r")
            child.expect_exact(b"... \r\n")
            child.send(b"\x03")
            child.expect_exact(
                b'Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\n'
                b"KeyboardInterrupt: \r\n>>> "
            )
        child.send(b"\x04")  # Ctrl-D: soft reset, main.py again, the banner again
        child.expect_exact(b"\r\nPYB: soft reboot\r\nmain ran\r\nPycom MicroPython 1.20.2.r4")
        child.expect_exact(b">>> ")
        child.send(b"import machine; machine.reset_cause()\r")
        child.expect_exact(b"\r\n4\r\n>>> ")  # machine.SOFT_RESET
    finally:
        os.close(fd)
