"""The Python API: Board, virtual time, determinism, independent boards, the board's import system."""

import sys
import textwrap
import time as host_time

from pycomsim import Board


def test_board_modules_belong_to_the_board():
    board = Board("lopy4")
    assert board.machine.Pin("P9") is board.pin("P9")
    assert board.time.ticks_ms() == 0


def test_board_clock_starts_at_zero_and_sleep_advances_it_without_sleeping_the_host():
    board = Board("lopy4")
    assert board.now_ns == 0
    started = host_time.perf_counter()
    board.run(lambda: board.time.sleep(30), until="31s")
    assert host_time.perf_counter() - started < 5
    assert board.now_ns == 31_000_000_000


def test_every_api_call_costs_modelled_time_so_a_toggle_loop_runs_at_tens_of_khz():
    board = Board("lopy4", expansion=False, cpu="free")  # a host loop: the API table alone
    Pin = board.machine.Pin

    def main():
        p = Pin("P11", Pin.OUT)
        for _ in range(1000):
            p.toggle()

    board.run(main)
    changes = board.world.recorder.traces["lopy4.P11"].changes()
    span_s = (changes[-1][0] - changes[1][0]) / 1e9
    toggles_per_s = (len(changes) - 2) / span_s
    assert 10_000 < toggles_per_s < 200_000


def test_busy_wait_on_a_pin_ends_when_a_stimulus_changes_it():
    board = Board("lopy4")
    Pin = board.machine.Pin
    board.expansion_board.button.press(at="50ms")
    seen = []

    def main():
        button = Pin("P10", Pin.IN)
        while button():
            pass
        seen.append(board.time.ticks_ms())

    board.run(main, until="1s")
    assert seen == [50]


def test_same_script_board_and_seed_give_identical_output_and_traces(tmp_path):
    script = tmp_path / "main.py"
    script.write_text(
        textwrap.dedent("""
        from machine import Pin
        import time
        p = Pin('P11', Pin.IN)        # floating: read values come from the seed
        out = Pin('P9', Pin.OUT)
        for i in range(50):
            out(p())
            time.sleep_us(700)
        print([p() for _ in range(20)])
    """)
    )

    def run(seed):
        board = Board("lopy4", seed=seed)
        board.expansion_board.button.press(at="3ms", hold="10ms")
        board.run(script, until="100ms")
        return "".join(board.output), board.world.recorder.traces["lopy4.P9"].changes()

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_two_boards_in_one_process_are_independent():
    a, b = Board("lopy4", name="a"), Board("lopy4", name="b")
    assert a.world is not b.world
    handled = []

    def main_a():
        p = a.machine.Pin("P11", a.machine.Pin.OUT, value=1)
        a.machine.Pin("P12").callback(a.machine.Pin.IRQ_RISING, lambda pin: handled.append("a"))
        a.time.sleep_ms(100)
        assert p() == 1

    a.run(main_a)
    assert b.pin("P11").mode() == 1 and b.pin("P11")() == 0  # b's P11 untouched
    assert a.now_ns >= 100_000_000 and b.now_ns < 1_000_000  # b only paid for the queries above
    assert b.machine.Pin is not a.machine.Pin
    assert b.irq is not a.irq


def test_run_function_interleaves_callbacks_with_its_sleeps():
    board = Board("lopy4", wires=["P11=P12"], expansion=False)
    Pin = board.machine.Pin
    log = []

    def main():
        src = Pin("P11", Pin.OUT, value=0)
        Pin("P12", Pin.IN).callback(
            Pin.IRQ_RISING, lambda p: log.append(("irq", board.time.ticks_ms()))
        )
        board.time.sleep_ms(10)
        src(1)
        log.append(("after write", board.time.ticks_ms()))
        board.time.sleep_ms(10)
        log.append(("end", board.time.ticks_ms()))

    board.run(main)
    # the handler runs at the script's next API call: ticks_ms() inside the append's argument
    assert log == [("irq", 10), ("after write", 10), ("end", 20)]


def test_user_modules_next_to_the_script_and_in_lib_see_the_same_board(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "helper.py").write_text(
        "import machine\nLED = machine.Pin('P9', machine.Pin.OUT)\n"
    )
    (tmp_path / "lib" / "util.py").write_text(
        "from machine import Pin\ndef read(): return Pin.module.P9()\n"
    )
    (tmp_path / "main.py").write_text("import helper, util\nhelper.LED(1)\nprint(util.read())\n")
    board = Board("lopy4")
    board.run(tmp_path / "main.py")
    assert board.output == "1\n"
    assert board.pin("P9").value() == 1


def test_host_time_module_is_not_replaced_for_anyone_else(tmp_path):
    (tmp_path / "main.py").write_text("import time\nprint(time.ticks_ms())\n")
    Board("lopy4").run(tmp_path / "main.py")
    import time

    assert time is sys.modules["time"] and not hasattr(time, "ticks_ms")
    assert "machine" not in sys.modules and "pycom" not in sys.modules


def test_script_modules_import_by_the_board_names(tmp_path):
    (tmp_path / "main.py").write_text(
        textwrap.dedent("""
        import machine, umachine, time, utime, pycom
        from machine import Pin
        from micropython import const
        X = const(3)
        print(machine is umachine, time is utime, Pin is machine.Pin, X, pycom.heartbeat())
    """)
    )
    board = Board("lopy4")
    board.run(tmp_path / "main.py")
    assert board.output == "True True True 3 True\n"


def test_boot_py_runs_first_in_the_same_namespace(tmp_path):
    (tmp_path / "boot.py").write_text("GREETING = 'from boot'\n")
    (tmp_path / "main.py").write_text("print(GREETING, os is not None)\n")
    board = Board("lopy4")
    board.run(tmp_path / "main.py")
    assert board.output == "from boot True\n"
