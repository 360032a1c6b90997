"""`_thread` as on the board (py/modthread.c, esp32/mpthreadport.c): threads are tasks of their board,
they switch at sleeps and API calls, locks block the task (never the host), reset ends them all."""

import textwrap
from pathlib import Path

import pytest

from pycomsim import Board
from pycomsim.cli import main
from pycomsim.firmware.lang import syntax


@pytest.fixture(autouse=True)
def compile_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PYCOMSIM_CACHE_DIR", str(tmp_path / "cache"))
    syntax.reset_stats()


def write(folder: Path, text: str, name: str = "main.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def run(folder: Path, text: str, until=None, **options) -> Board:
    b = Board("lopy4", **options)
    b.run(write(folder, text), until=until)
    if b.error is not None:
        raise b.error
    return b


def out(b: Board) -> str:
    return "".join(b.output)


def test_threads_interleave_at_sleeps_in_time_order(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time
        def worker(name, period, n):
            for i in range(n):
                print(name, i, time.ticks_ms())
                time.sleep_ms(period)
        _thread.start_new_thread(worker, ('a', 10, 3))
        _thread.start_new_thread(worker, ('b', 15, 2))
        print('main', time.ticks_ms())
        """,
        cpu="free",  # switch points of the API-only model; the timing model: test_cpu_timing.py
    )
    # a new thread starts at its creator's next switch point: main's ticks_ms() lets 'a' start
    assert out(b).splitlines() == [
        "a 0 0",
        "main 0",
        "b 0 0",
        "a 1 10",
        "b 1 15",
        "a 2 20",
    ]


def test_the_same_script_gives_the_same_output_twice(tmp_path):
    text = """
        import _thread, time
        lock = _thread.allocate_lock()
        def worker(name):
            for i in range(4):
                with lock:
                    print(name, i, time.ticks_us())
                time.sleep_us(1500 + 300 * len(name))
        for name in ('x', 'yy', 'zzz'):
            _thread.start_new_thread(worker, (name,))
        """
    first = out(run(tmp_path, text))
    assert first == out(run(tmp_path, text)) and len(first.splitlines()) == 12


def test_acquire_of_a_held_lock_blocks_the_task_until_release(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time
        lock = _thread.allocate_lock()
        def waiter():
            print('waiting', time.ticks_ms(), lock.locked())
            print('acquired', lock.acquire(), time.ticks_ms())
            lock.release()
        lock.acquire()
        _thread.start_new_thread(waiter, ())
        time.sleep_ms(50)
        print('release', time.ticks_ms())
        lock.release()
        time.sleep_ms(1)
        print('free', lock.locked())
        """,
    )
    assert out(b).splitlines() == [
        "waiting 0 True",
        "release 50",
        "acquired True 50",
        "free False",
    ]


def test_waiters_get_the_lock_in_the_order_they_blocked(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time
        lock = _thread.allocate_lock()
        def waiter(name, after):
            time.sleep_ms(after)
            with lock:
                print(name, time.ticks_ms())
                time.sleep_ms(5)
        lock.acquire()
        _thread.start_new_thread(waiter, ('late', 20))
        _thread.start_new_thread(waiter, ('early', 10))
        time.sleep_ms(30)
        lock.release()
        """,
    )
    assert out(b).splitlines() == ["early 30", "late 35"]


def test_lock_rules_of_the_firmware(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread
        lock = _thread.allocate_lock()
        print(lock, type(lock) is _thread.LockType, _thread.LockType)
        lock.release()                      # unlocked: nothing happens, no RuntimeError
        print(lock.locked(), lock.acquire(), lock.locked())
        print(lock.acquire(0), lock.acquire(False))   # held: a non-blocking acquire says no
        lock.release()
        with lock as got:
            print('in with', got, lock.locked())
        print('after with', lock.locked())
        try:
            lock.acquire(waitflag=0)
        except TypeError as e:
            print('TypeError', e)
        """,
    )
    assert out(b).splitlines() == [
        "<lock> True <class 'lock'>",
        "False True True",
        "False False",
        "in with True True",
        "after with False",
        "TypeError function doesn't take keyword arguments",
    ]


def test_acquire_ignores_its_timeout_as_the_firmware_does(tmp_path):
    # modthread.c thread_lock_acquire: "TODO support timeout arg": it waits until the release
    b = run(
        tmp_path,
        """
        import _thread, time
        lock = _thread.allocate_lock()
        lock.acquire()
        def waiter():
            print(lock.acquire(1, 0.01), time.ticks_ms())
        _thread.start_new_thread(waiter, ())
        time.sleep_ms(100)
        lock.release()
        """,
    )
    assert out(b) == "True 100\n"


def test_a_lock_is_not_recursive_and_a_deadlock_ends_the_run(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time
        lock = _thread.allocate_lock()
        lock.acquire()
        print('again')
        lock.acquire()
        print('never')
        """,
    )
    # the main task waits forever and nothing else can wake it: the run without `until` is over
    assert out(b) == "again\n" and b.scheduler.blocked == {b.scheduler.main} and not b.busy()
    assert b.kernel.now < 1_000_000  # the heartbeat did not keep it going


def test_release_by_another_task_warns_that_the_board_may_abort(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time
        lock = _thread.allocate_lock()
        lock.acquire()
        def other():
            lock.release()
        _thread.start_new_thread(other, ())
        time.sleep_ms(1)
        print(lock.locked())
        """,
    )
    assert out(b) == "False\n"
    assert [w.kind for w in b.world.warnings] == ["lock released by another task"]


def test_an_uncaught_exception_prints_modthread_message_and_ends_only_that_thread(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time
        def bad(x):
            time.sleep_ms(2)
            raise ValueError('boom %d' % x)
        _thread.start_new_thread(bad, (7,))
        time.sleep_ms(5)
        print('main goes on')
        """,
    )
    assert out(b) == (
        "Unhandled exception in thread started by <function bad at 0x3ffe5a10>\n"
        "Traceback (most recent call last):\n"
        '  File "main.py", line 5, in bad\n'
        "ValueError: boom 7\n"
        "main goes on\n"
    )
    assert b.error is None and not b.scheduler.threads


def test_system_exit_and_thread_exit_end_a_thread_silently(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, sys
        def quits():
            _thread.exit()
            print('not here')
        def sys_exits():
            sys.exit(3)
        _thread.start_new_thread(quits, ())
        _thread.start_new_thread(sys_exits, ())
        print('main')
        """,
    )
    assert out(b) == "main\n" and not b.scheduler.threads


def test_a_non_callable_fails_in_the_thread_not_in_start_new_thread(tmp_path):
    b = run(tmp_path, "import _thread\n_thread.start_new_thread(5, ())\nprint('started')\n")
    assert out(b) == (
        "started\nUnhandled exception in thread started by 5\nTypeError: 'int' object isn't callable\n"
    )


@pytest.mark.parametrize(
    "call, message",
    [
        ("_thread.start_new_thread(f)", "function missing 1 required positional arguments"),
        ("_thread.start_new_thread(f, 1)", "object 'int' isn't a tuple or list"),
        ("_thread.start_new_thread(f, (), [])", "expecting a dict for keyword args"),
        ("_thread.start_new_thread(f, (), {}, 1)", "function expected at most 3 arguments, got 4"),
        (
            "_thread.start_new_thread(function=f, args=())",
            "function doesn't take keyword arguments",
        ),
    ],
)
def test_start_new_thread_checks_its_arguments_as_modthread_does(tmp_path, call, message):
    b = Board("lopy4")
    b.run(write(tmp_path, f"import _thread\ndef f():\n    pass\n{call}\n"))
    assert type(b.error) is TypeError and str(b.error) == message


def test_kwargs_reach_the_thread_function(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread
        def f(a, b=0, *, c=0):
            print(a, b, c)
        _thread.start_new_thread(f, [1], {'c': 3})
        """,
    )
    assert out(b) == "1 0 3\n"


def test_get_ident_and_stack_size(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time
        ids = [_thread.get_ident()]
        def f():
            ids.append(_thread.get_ident())
            ids.append(_thread.get_ident())
        _thread.start_new_thread(f, ())
        _thread.start_new_thread(f, ())
        time.sleep_ms(1)
        print(type(ids[0]) is int, ids[1] == ids[2], ids[3] == ids[4], len(set(ids)))
        print(_thread.stack_size(8192), _thread.stack_size(), _thread.stack_size())
        """,
    )
    # stack_size returns the old value; with no argument it resets to 0 (mod_thread_stack_size)
    assert out(b) == "True True True 3\n0 8192 0\n"


def test_the_run_ends_when_the_main_script_and_every_thread_have_ended(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time
        def late():
            time.sleep_ms(250)
            print('thread done', time.ticks_ms())
        _thread.start_new_thread(late, ())
        print('main done')
        """,
    )
    assert out(b) == "main done\nthread done 250\n"
    assert not b.busy() and 250_000_000 <= b.kernel.now < 251_000_000


def test_machine_reset_ends_every_thread(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time, machine
        if machine.reset_cause() == machine.WDT_RESET:
            print('second boot')
        else:
            def forever(name):
                while True:
                    print(name, time.ticks_ms())
                    time.sleep_ms(10)
            _thread.start_new_thread(forever, ('a',))
            _thread.start_new_thread(forever, ('b',))
            time.sleep_ms(15)
            machine.reset()
        """,
    )
    assert out(b).splitlines() == ["a 0", "b 0", "a 10", "b 10", "second boot"]
    assert (
        not b.scheduler.threads and not b.busy()
    )  # the run ended: nothing of the first boot is left


def test_machine_reset_from_a_thread_reboots_the_board(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time, machine
        if machine.reset_cause() == machine.WDT_RESET:
            print('rebooted')
        else:
            def resetter():
                time.sleep_ms(20)
                machine.reset()
            _thread.start_new_thread(resetter, ())
            while True:
                time.sleep_ms(5)
        """,
    )
    assert out(b) == "rebooted\n" and b.boot_count == 2 and not b.scheduler.threads


def test_deepsleep_ends_every_thread(tmp_path):
    b = run(
        tmp_path,
        """
        import _thread, time, machine
        if machine.reset_cause() == machine.DEEPSLEEP_RESET:
            print('woke', time.ticks_ms())
        else:
            def ticker():
                while True:
                    print('tick')
                    time.sleep_ms(10)
            _thread.start_new_thread(ticker, ())
            time.sleep_ms(5)
            machine.deepsleep(100)
        """,
    )
    assert out(b).startswith("tick\nwoke ") and b.boot_count == 2 and not b.scheduler.threads


def test_a_short_sleep_us_keeps_the_gil_from_other_threads(tmp_path):
    # mp_hal_delay_us spins for delays up to 1 ms without releasing the GIL: a thread that comes
    # due meanwhile runs only after the busy wait
    b = run(
        tmp_path,
        """
        import _thread, time
        def t():
            time.sleep_us(1200)
            print('thread', time.ticks_us())
        _thread.start_new_thread(t, ())
        time.sleep_ms(0)
        time.sleep_us(1000)
        print('main', time.ticks_us())
        """,
    )
    lines = out(b).splitlines()
    assert lines[0].startswith("main") and lines[1].startswith("thread")
    main_us, thread_us = int(lines[0].split()[1]), int(lines[1].split()[1])
    assert thread_us >= main_us > 1200


def test_an_interrupt_handler_runs_while_threads_sleep(tmp_path):
    b = Board("lopy4")
    b.button("P10", bounce=False).press(at="15ms", hold="5ms")
    b.run(
        write(
            tmp_path,
            """
            import _thread, time
            from machine import Pin
            Pin('P10', Pin.IN).callback(Pin.IRQ_FALLING, lambda p: print('irq', time.ticks_ms()))
            def worker():
                for i in range(3):
                    print('worker', time.ticks_ms())
                    time.sleep_ms(10)
            _thread.start_new_thread(worker, ())
            """,
        ),
        until="40ms",
    )
    assert "".join(b.output).splitlines() == ["worker 0", "worker 10", "irq 15", "worker 20"]


def test_import_thread_in_a_script_via_the_cli(tmp_path, capsys):
    path = write(
        tmp_path,
        """
        import _thread, time
        lock = _thread.allocate_lock()
        def worker(n):
            with lock:
                print('worker', n)
        for n in range(3):
            _thread.start_new_thread(worker, (n,))
        time.sleep_ms(1)
        print('main')
        """,
    )
    code = main(["run", str(path)])
    stdout, _ = capsys.readouterr()
    assert (code, stdout) == (0, "worker 0\nworker 1\nworker 2\nmain\n")
