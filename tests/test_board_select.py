"""`uselect`/`select` as the board has them (esp32/mods/moduselect.c): the names, what can be
registered, and timeouts that pass on the board's clock like a sleep."""

import textwrap
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.firmware.lang import syntax


@pytest.fixture(autouse=True)
def compile_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PYCOMSIM_CACHE_DIR", str(tmp_path / "cache"))
    syntax.reset_stats()


def run(folder: Path, text: str, until=None) -> Board:
    path = folder / "main.py"
    path.write_text(textwrap.dedent(text))
    b = Board("lopy4")
    b.run(path, until=until)
    if b.error is not None:
        raise b.error
    return b


def out(b: Board) -> str:
    return "".join(b.output)


def test_the_firmware_names_and_values(tmp_path):
    b = run(
        tmp_path,
        """
        import select, uselect
        print(select is uselect, select.__name__)
        print(select.POLLIN, select.POLLOUT, select.POLLERR, select.POLLHUP)
        print(sorted(n for n in dir(select) if not n.startswith('__')))
        p = select.poll()
        print(p, type(p))
        """,
    )
    assert out(b).splitlines() == [
        "True uselect",
        "1 4 8 16",
        "['POLLERR', 'POLLHUP', 'POLLIN', 'POLLOUT', 'poll', 'select']",
        "<poll> <class 'poll'>",
    ]


def test_poll_timeout_advances_the_board_clock_like_a_sleep(tmp_path):
    b = run(
        tmp_path,
        """
        import uselect, time
        p = uselect.poll()
        t0 = time.ticks_ms()
        print(p.poll(250), time.ticks_diff(time.ticks_ms(), t0))
        t0 = time.ticks_ms()
        print(p.poll(0), time.ticks_diff(time.ticks_ms(), t0))
        """,
    )
    # the firmware loops mp_hal_delay_ms(1) until ticks_ms() - start >= timeout
    assert out(b) == "[] 250\n[] 0\n"
    assert 250_000_000 <= b.kernel.now < 252_000_000


def test_a_polling_loop_lets_interrupt_handlers_and_threads_run(tmp_path):
    b = Board("lopy4")
    b.button("P10", bounce=False).press(at="35ms", hold="5ms")
    path = tmp_path / "main.py"
    path.write_text(
        textwrap.dedent(
            """
            import select, time, _thread
            from machine import Pin
            Pin('P10', Pin.IN).callback(Pin.IRQ_FALLING, lambda p: print('irq', time.ticks_ms()))
            def worker():
                time.sleep_ms(15)
                print('thread', time.ticks_ms())
            _thread.start_new_thread(worker, ())
            p = select.poll()
            for i in range(5):
                p.poll(10)
            print('polled', time.ticks_ms())
            """
        )
    )
    b.run(path)
    assert "".join(b.output).splitlines() == ["thread 15", "irq 35", "polled 50"]


def test_select_timeout_is_in_seconds_and_returns_three_empty_lists(tmp_path):
    b = run(
        tmp_path,
        """
        import select, time
        t0 = time.ticks_ms()
        print(select.select([], [], [], 0.1), time.ticks_diff(time.ticks_ms(), t0))
        """,
    )
    assert out(b) == "([], [], []) 100\n"


def test_objects_without_a_stream_ioctl_cannot_be_registered(tmp_path):
    b = run(
        tmp_path,
        """
        import select
        from machine import Pin
        p = select.poll()
        for obj in (Pin('P10'), 5, 'x'):
            try:
                p.register(obj)
            except TypeError as e:
                print('TypeError', e)
        try:
            select.select([Pin('P9')], [], [], 0)
        except TypeError as e:
            print('TypeError', e)
        try:
            select.select(1, [], [])
        except TypeError as e:
            print('TypeError', e)
        """,
    )
    assert out(b).splitlines() == ["TypeError object with stream.ioctl required"] * 4 + [
        "TypeError object 'int' isn't a tuple or list"
    ]


def test_a_file_registers_but_polling_it_is_einval(tmp_path):
    (tmp_path / "data.txt").write_text("x")
    b = run(
        tmp_path,
        """
        import select
        f = open('data.txt')
        p = select.poll()
        p.register(f, select.POLLIN)
        try:
            p.poll(10)
        except OSError as e:
            print('OSError', e.args[0])
        """,
    )
    # vfs_fat_file.c file_obj_ioctl answers MP_STREAM_POLL with EINVAL; poll_map_poll raises it
    assert out(b) == "OSError 22\n"


def test_unregister_and_modify_follow_the_firmware(tmp_path):
    b = run(
        tmp_path,
        """
        import select, uerrno
        p = select.poll()
        p.unregister(object())          # unknown: nothing happens
        try:
            p.modify(object(), select.POLLIN)
        except OSError as e:
            print('OSError', e.args[0] == uerrno.ENOENT)
        """,
    )
    assert out(b) == "OSError True\n"


def test_a_poll_without_timeout_waits_forever_and_the_run_ends(tmp_path):
    b = run(tmp_path, "import select\nprint('before')\nselect.poll().poll()\nprint('never')\n")
    assert out(b) == "before\n" and not b.busy() and b.kernel.now < 1_000_000


def test_a_poll_without_timeout_still_lets_interrupt_handlers_run(tmp_path):
    b = Board("lopy4")
    b.button("P10", bounce=False).press(at="20ms", hold="5ms")
    path = tmp_path / "main.py"
    path.write_text(
        "import select, time\nfrom machine import Pin\n"
        "Pin('P10', Pin.IN).callback(Pin.IRQ_FALLING, lambda p: print('irq', time.ticks_ms()))\n"
        "select.poll().poll(-1)\n"
    )
    b.run(path, until="50ms")
    assert "".join(b.output) == "irq 20\n"
