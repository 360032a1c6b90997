"""Issue 4, reset and deep sleep (SPEC.md sections 5, 7, 8): held pads, hold flag, causes, wake pins."""

import textwrap

import pytest

from pycomsim import Board


def run_script(board, tmp_path, source, until=None):
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source))
    board.load(path)
    board.world.run(until=until)
    return "".join(board.output)


def level(board, pin):
    return board.pad(pin).read()


DEEPSLEEP_HELD_LED = """
import machine
from machine import Pin
import time
led = Pin('P9')  # the constructor re-inits P9 to IN on every boot; the held pad ignores it
print('boot', machine.reset_cause(), machine.wake_reason(), led.hold(), time.ticks_ms())
if machine.reset_cause() != machine.DEEPSLEEP_RESET:
    led.init(Pin.OUT, value=0)   # lit (the expansion LED lights on low)
    led.hold(True)
    Pin('P11', Pin.OUT, value=1)  # not held: lets go in deep sleep
    machine.deepsleep(1000)
    print('never printed')
time.sleep_ms(10)
led.hold(False)                   # only now does the pad follow the Pin again
print('released', led.hold())
"""


def test_deep_sleep_with_a_held_led(tmp_path):
    board = Board("lopy4")
    out = run_script(board, tmp_path, DEEPSLEEP_HELD_LED)
    lines = out.splitlines()
    assert lines[0] == "boot 0 (0, None) False 0"
    # woken by the RTC timer after 1 s; the hold flag reads False after the reboot (quirk)
    assert lines[1] == "boot 3 (2, None) False 0"  # ticks count from the wake (a reboot)
    assert lines[2] == "released False"
    led = board.expansion_board.led
    lit = [(t, on) for t, on in led.history if t > 0]
    assert lit[0][1] is True and lit[1][1] is False
    assert lit[1][0] > 1_010_000_000  # dark only when released, after the wake and 10 ms
    p11 = board.world.recorder.traces["lopy4.P11"].changes()
    assert (p11[2][1], p11[3][1]) == (2, 0)  # floating while asleep, boot pull-down after
    assert board.boot_count == 2


def test_held_pad_keeps_its_state_through_machine_reset(tmp_path):
    board = Board("lopy4", expansion=False)
    out = run_script(
        board,
        tmp_path,
        """
        import machine
        from machine import Pin
        p = Pin.module.P19  # not Pin('P19'): that would re-init it to IN without a pull
        q = Pin.module.P20
        print(machine.reset_cause(), machine.wake_reason(), p.hold(), p(), q())
        if machine.reset_cause() == machine.PWRON_RESET:
            p.init(Pin.OUT, value=1)
            p.hold(True)
            q.init(Pin.OUT, value=1)
            machine.reset()
        """,
    )
    # machine.reset() goes through the watchdog: WDT_RESET; P19 still high, P20 back to the boot pull-down
    assert out.splitlines() == ["0 (0, None) False 0 0", "2 (0, None) False 1 0"]
    assert level(board, "P19") == 1 and level(board, "P20") == 0


def test_after_reset_pins_are_in_boot_state_and_callbacks_are_gone(tmp_path):
    board = Board("lopy4", expansion=False)
    board.button("P21", bounce=False).press(at="50ms", hold="1ms")
    out = run_script(
        board,
        tmp_path,
        """
        import machine
        from machine import Pin
        import time
        p = Pin.module.P21
        print(repr(p), p.hold())
        if machine.reset_cause() == machine.PWRON_RESET:
            Pin('P21', Pin.IN, pull=Pin.PULL_UP).callback(Pin.IRQ_FALLING, lambda x: print('irq'))
            Pin('P22', Pin.OUT, value=1).hold(True)
            time.sleep_ms(10)
            machine.reset()
        time.sleep_ms(100)  # the press at 50 ms finds no callback after the reset
        """,
    )
    assert out.splitlines() == [
        "Pin('P21', mode=Pin.IN, pull=Pin.PULL_DOWN, alt=-1) False",
        "Pin('P21', mode=Pin.IN, pull=Pin.PULL_DOWN, alt=-1) False",
    ]


def test_reset_from_an_interrupt_handler_reboots(tmp_path):
    board = Board("lopy4")
    board.button("P10").press(at="100ms", hold="50ms")
    out = run_script(
        board,
        tmp_path,
        """
        import machine
        from machine import Pin
        import time
        print('cause', machine.reset_cause())
        if machine.reset_cause() == machine.PWRON_RESET:
            Pin('P10').callback(Pin.IRQ_FALLING, lambda p: machine.reset())
            time.sleep(1)
            print('not reached')
        """,
    )
    assert out.splitlines() == ["cause 0", "cause 2"]
    assert board.boot_count == 2


@pytest.mark.parametrize("enable_pull", [False, True])
def test_pin_wake_all_low_from_the_expansion_button(tmp_path, enable_pull):
    board = Board("lopy4", cpu="free")
    board.button("P10").press(at="300ms", hold="100ms")
    out = run_script(
        board,
        tmp_path,
        f"""
        import machine
        import time
        print(machine.reset_cause(), machine.wake_reason(), time.ticks_ms())
        if machine.reset_cause() != machine.DEEPSLEEP_RESET:
            machine.pin_sleep_wakeup(['P10'], machine.WAKEUP_ALL_LOW, {enable_pull})
            machine.deepsleep()  # no time: only the pin can wake it
        """,
    )
    lines = out.splitlines()
    assert lines[0] == "0 (0, None) 0"
    assert lines[1].startswith("3 (1, [Pin('P10'")
    # ticks restart at the wake, which came on the first bounce edge of the press:
    assert lines[1].endswith(" 0")
    boots = [e.t for e in board.world.recorder.events if e.kind == "boot"]
    assert boots == [0, 300_000_000]


def test_pin_wake_any_high_lists_the_pins_that_woke_it(tmp_path):
    board = Board("lopy4", cpu="free", expansion=False)
    board.levels("P13", [("0ms", 0)])
    board.levels("P19", [("0ms", 0), ("2s", 1)])
    out = run_script(
        board,
        tmp_path,
        """
        import machine
        from machine import Pin
        print(machine.reset_cause(), machine.wake_reason())
        if machine.reset_cause() != machine.DEEPSLEEP_RESET:
            machine.pin_sleep_wakeup([Pin('P13'), 'P19'], machine.WAKEUP_ANY_HIGH)
            machine.deepsleep(5000)
        """,
    )
    assert out.splitlines()[1] == "3 (1, [Pin('P19', mode=Pin.IN, pull=Pin.PULL_DOWN, alt=-1)])"
    assert 2_000_000_000 <= board.now < 2_100_000_000  # the pin, not the 5 s timer


def test_deep_sleep_with_nothing_to_wake_it_ends_the_run(tmp_path):
    board = Board("lopy4")
    out = run_script(board, tmp_path, "import machine\nprint('zz')\nmachine.deepsleep()\n")
    assert out == "zz\n"
    assert board.boot_count == 1 and not board.busy()


def test_deep_sleep_turns_the_heartbeat_and_uart_off(tmp_path):
    board = Board("lopy4")
    run_script(board, tmp_path, "import machine\nmachine.deepsleep(500)\n", until="200ms")
    assert board.pycom._heartbeat is False
    assert level(board, "P1") != 1  # UART TX no longer driven high while asleep


def test_deep_sleep_with_the_board_clock_on_a_long_timer(tmp_path):
    board = Board("lopy4", cpu="free")
    out = run_script(
        board,
        tmp_path,
        """
        import machine, time
        print(time.time())  # the RTC keeps counting through deep sleep (ticks restart)
        if time.time() < 5:
            machine.deepsleep(2000)
        """,
    )
    assert out.split() == ["0", "2", "4", "6"]


@pytest.mark.parametrize("enable_pull, woke_by", [(True, 1), (False, 2)])
def test_enable_pull_keeps_rtc_pulls_on_in_deep_sleep(tmp_path, enable_pull, woke_by):
    # modmachine.c machine_pin_deepsleep_wakeup: enable_pull keeps the RTC peripherals powered, so the
    # pad's pull-down holds P19 low (ALL_LOW wakes at once); without it P19 floats until the timer
    board = Board("lopy4", cpu="free", expansion=False)
    out = run_script(
        board,
        tmp_path,
        f"""
        import machine
        from machine import Pin
        print(machine.wake_reason()[0])
        if machine.reset_cause() != machine.DEEPSLEEP_RESET:
            Pin('P19', Pin.IN, pull=Pin.PULL_DOWN)
            machine.pin_sleep_wakeup(['P19'], machine.WAKEUP_ALL_LOW, {enable_pull})
            machine.deepsleep(3000)
        """,
    )
    assert out.split() == ["0", str(woke_by)]
    assert (board.now < 1_000_000_000) is enable_pull
