"""Issue 9 items 2-4 end to end: only the firmware's modules import, in MicroPython 1.11's order
(py/builtinimport.c mp_builtin___import__: built-in real names, then sys.path, then weak links)."""

import sys
import textwrap
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.firmware.lang import syntax


@pytest.fixture(autouse=True)
def compile_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PYCOMSIM_CACHE_DIR", str(tmp_path / "cache"))
    syntax.reset_stats()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def run(folder: Path, text: str, *, board: str = "lopy4", **options) -> Board:
    script = write(folder, "main.py", text)
    b = Board(board, **options)
    b.run(script)
    return b


def output(b: Board) -> str:
    if b.error is not None:
        raise b.error
    return "".join(b.output)


# The list and the port's weak links (esp32/mpconfigport.h MICROPY_PORT_BUILTIN_MODULES,
# MICROPY_PORT_BUILTIN_MODULE_WEAK_LINKS; py/objmodule.c mp_builtin_module_table) that pycomsim runs.
BOARD_MODULES = {
    "umachine": "umachine", "utime": "utime", "uos": "uos", "ustruct": "ustruct",
    "ujson": "ujson", "ubinascii": "ubinascii", "ure": "ure", "uerrno": "uerrno",
    "ucollections": "ucollections", "uio": "uio", "gc": "gc", "sys": "sys", "array": "array",
    "math": "math", "cmath": "cmath", "micropython": "micropython", "pycom": "pycom",
    "builtins": "builtins", "__main__": "__main__",
    "machine": "umachine", "time": "utime", "os": "uos", "struct": "ustruct", "json": "ujson",
    "binascii": "ubinascii", "re": "ure", "errno": "uerrno",
    "_thread": "_thread", "uselect": "uselect", "select": "uselect",
}  # fmt: skip


def test_every_listed_board_module_imports(tmp_path):
    lines = [f"import {name}\nprint('{name}', {name}.__name__)" for name in BOARD_MODULES]
    out = output(run(tmp_path, "\n".join(lines) + "\n"))
    assert out.splitlines() == [f"{name} {real}" for name, real in BOARD_MODULES.items()]


def test_a_weak_link_is_the_same_module_as_its_real_name(tmp_path):
    out = output(
        run(
            tmp_path,
            """
        import json, ujson, os, uos, struct, ustruct, machine, umachine, time, utime
        print(json is ujson, os is uos, struct is ustruct, machine is umachine, time is utime)
    """,
        )
    )
    assert out == "True True True True True\n"


@pytest.mark.parametrize(
    "name", ["threading", "dataclasses", "asyncio", "collections", "io", "random"]
)
def test_a_module_the_board_lacks_is_the_boards_import_error(tmp_path, name):
    b = run(tmp_path, f"import {name}\n")
    assert type(b.error) is ImportError and str(b.error) == f"no module named '{name}'"


def test_import_threading_fails_as_on_the_board(tmp_path):
    b = run(tmp_path, "print('a')\nimport threading\nprint('b')\n")
    assert str(b.error) == "no module named 'threading'"
    assert b.output == (
        "a\n"
        "Traceback (most recent call last):\n"
        '  File "main.py", line 2, in <module>\n'
        "ImportError: no module named 'threading'\n"
    )  # and 'b' never printed


def test_import_websocket_fails_as_on_the_board(tmp_path):
    # the port's MICROPY_PY_WEBSOCKET is not the MICROPY_PY_UWEBSOCKET py/objmodule.c reads
    b = run(tmp_path, "import websocket\n")
    assert type(b.error) is ImportError
    assert str(b.error) == "no module named 'websocket'"


def test_network_and_socket_import_as_on_the_board(tmp_path):
    out = output(run(tmp_path, "import network, socket, usocket\nprint(socket is usocket)\n"))
    assert out == "True\n"


def test_a_board_module_pycomsim_does_not_simulate_says_so(tmp_path):
    b = run(tmp_path, "import uctypes\n")
    assert str(b.error) == "uctypes is not simulated by pycomsim yet"


def test_a_user_pycom_py_does_not_shadow_the_boards_pycom(tmp_path):
    write(
        tmp_path, "pycom.py", "print('user pycom ran')\ndef heartbeat(x=None):\n    return 'user'\n"
    )
    out = output(run(tmp_path, "import pycom\nprint(pycom.heartbeat())\n"))
    assert out == "True\n"  # the board's pycom: heartbeat on at boot; the user file never ran


def test_a_user_time_py_shadows_time_but_not_utime(tmp_path):
    write(tmp_path, "time.py", "def ticks_ms():\n    return 'user time'\n")
    out = output(run(tmp_path, "import time, utime\nprint(time.ticks_ms(), utime.ticks_ms())\n"))
    assert out == "user time 0\n"


def test_a_user_module_in_lib_shadows_a_weak_link(tmp_path):
    write(tmp_path, "lib/json.py", "def dumps(x):\n    return 'lib json'\n")
    out = output(run(tmp_path, "import json, ujson\nprint(json.dumps(1), ujson.dumps(1))\n"))
    assert out == "lib json 1\n"


def test_sys_path_append_adds_a_folder_of_the_flash(tmp_path):
    write(tmp_path, "extra/helper.py", "NAME = 'helper'\n")
    out = output(
        run(
            tmp_path,
            """
        import sys
        try:
            import helper
        except ImportError as e:
            print(e)
        sys.path.append('/flash/extra')
        import helper
        print(helper.NAME, 'helper' in sys.modules)
    """,
        )
    )
    assert out == "no module named 'helper'\nhelper True\n"


def test_sys_modules_holds_the_user_modules_and_is_consulted_first(tmp_path):
    write(tmp_path, "helper.py", "X = 1\n")
    out = output(
        run(
            tmp_path,
            """
        import sys, helper
        print(sorted(sys.modules))
        sys.modules['fake'] = helper
        import fake
        print(fake is helper)
    """,
        )
    )
    assert out == "['helper']\nTrue\n"


def test_host_python_falls_back_to_host_modules(tmp_path):
    b = run(tmp_path, "import dataclasses\nprint(dataclasses.__name__)\n", host_python=True)
    assert output(b) == "dataclasses\n"


def test_the_hosts_modules_are_left_alone(tmp_path):
    host_path, host_cwd = list(sys.path), Path.cwd()
    output(run(tmp_path, "import sys, os\nsys.path.append('/flash/x')\nos.chdir('/')\n"))
    assert sys.path == host_path and sys.implementation.name == "cpython"
    assert Path.cwd() == host_cwd
    assert "ujson" not in sys.modules and "pycom" not in sys.modules


def test_a_user_modules_file_is_its_board_path(tmp_path):
    write(tmp_path, "near.py", "")
    write(tmp_path, "lib/far.py", "")
    write(tmp_path, "lib/pkg/__init__.py", "")
    out = output(
        run(tmp_path, "import near, far, pkg\nprint(near.__file__, far.__file__, pkg.__file__)\n")
    )
    assert out == "near.py /flash/lib/far.py /flash/lib/pkg/__init__.py\n"
