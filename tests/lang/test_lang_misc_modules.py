"""Issue 9 item 3: uerrno, ucollections, uio, ure, gc, micropython, math as the board has them."""

import io

import pytest

from pycomsim.firmware.lang.umodules import LangContext, build_module


@pytest.fixture
def ctx(tmp_path):
    (tmp_path / "data.txt").write_text("abc")
    out = io.StringIO()
    c = LangContext("lopy4", tmp_path, write=out.write)
    c.serial = out
    return c


def names(mod):
    return {n for n in vars(mod) if not n.startswith("__")}


def test_uerrno_values_are_newlibs(ctx):
    errno = build_module("errno", ctx)
    assert (errno.ENOENT, errno.EEXIST, errno.ETIMEDOUT, errno.ENOTCONN) == (2, 17, 116, 128)
    assert errno.errorcode[errno.EINVAL] == "EINVAL"


def test_ucollections_has_namedtuple_and_deque_but_no_ordereddict(ctx):
    assert names(build_module("ucollections", ctx)) == {"namedtuple", "deque"}


def test_deque_is_the_boards_ring_buffer(ctx):
    deque = build_module("ucollections", ctx).deque
    d = deque((), 2)
    for i in range(3):
        d.append(i)
    assert len(d) == 2 and d.popleft() == 1 and d.popleft() == 2
    with pytest.raises(IndexError, match="empty"):
        d.popleft()
    assert not hasattr(d, "appendleft") and not hasattr(d, "__iter__")


def test_deque_needs_an_empty_tuple_and_can_refuse_when_full(ctx):
    deque = build_module("ucollections", ctx).deque
    with pytest.raises(ValueError):
        deque([], 3)
    d = deque((), 1, 1)
    d.append(1)
    with pytest.raises(IndexError, match="full"):
        d.append(2)


def test_namedtuple_accepts_a_space_separated_string(ctx):
    Point = build_module("ucollections", ctx).namedtuple("Point", "x y")
    assert Point(1, 2).y == 2


def test_uio_open_reads_the_virtual_flash(ctx):
    uio = build_module("uio", ctx)
    with uio.open("data.txt") as f:
        assert f.read() == "abc"
    assert uio.StringIO("x").read() == "x" and uio.BytesIO(b"y").read() == b"y"


def test_ure_has_only_compile_match_search_and_match_group(ctx):
    ure = build_module("re", ctx)
    assert names(ure) == {"compile", "match", "search"}
    m = ure.match(r"(\d+)-(\w+)", "12-ab")
    assert (m.group(0), m.group(1), m.group(2)) == ("12-ab", "12", "ab")
    assert not hasattr(m, "groups") and not hasattr(m, "span")


def test_ure_treats_braces_as_characters_and_dot_matches_newline(ctx):
    ure = build_module("re", ctx)
    assert ure.match("a{2}", "aa") is None and ure.match("a{2}", "a{2}") is not None
    assert ure.search("a.b", "a\nb") is not None
    assert ure.search("x$", "x\n") is None


def test_ure_rejects_extension_groups(ctx):
    with pytest.raises(ValueError, match="Error in regex"):
        build_module("re", ctx).compile("(?:ab)")


def test_ure_split_and_split_with_groups(ctx):
    r = build_module("re", ctx).compile(",")
    assert r.split("a,b,c") == ["a", "b", "c"] and r.split("a,b,c", 1) == ["a", "b,c"]
    with pytest.raises(NotImplementedError):
        build_module("re", ctx).compile("(,)").split("a,b")


def test_gc_reports_the_boards_heap(ctx):
    gc = build_module("gc", ctx)
    assert gc.mem_free() + gc.mem_alloc() == 2561344
    assert gc.collect() is None and gc.threshold() == -1
    gc.disable()
    assert gc.isenabled() is False


def test_micropython_has_the_boards_extras_and_no_schedule(ctx):
    mp = build_module("micropython", ctx)
    assert names(mp) == {
        "const", "opt_level", "mem_info", "qstr_info", "stack_use",
        "alloc_emergency_exception_buf", "heap_lock", "heap_unlock", "kbd_intr",
    }  # fmt: skip
    assert mp.const(5) == 5 and mp.opt_level() == 0
    assert mp.alloc_emergency_exception_buf(100) is None


def test_mem_info_prints_to_the_boards_serial(ctx):
    build_module("micropython", ctx).mem_info()
    text = ctx.serial.getvalue()
    assert text.startswith("stack: ") and "GC: total: 2561344, used: " in text


def test_math_lacks_the_special_functions(ctx):
    math = build_module("math", ctx)
    assert math.sqrt(4) == 2 and math.pi > 3
    assert not hasattr(math, "log10") and not hasattr(math, "inf")


def test_sys_print_exception_uses_the_boards_format(ctx):
    sys_ = build_module("sys", ctx)
    out = io.StringIO()
    try:
        raise ValueError("bad pin")
    except ValueError as e:
        sys_.print_exception(e, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1].startswith('  File "') and ", in test_sys_print_exception" in lines[1]
    assert lines[-1] == "ValueError: bad pin"
