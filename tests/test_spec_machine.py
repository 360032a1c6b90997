"""SPEC.md section 8: the rest of `machine` (and `micropython.const`), one test per rule.

Firmware: `esp32/mods/modmachine.c` (machine_reset, machine_deepsleep, machine_pin_sleep_wakeup,
machine_wake_reason, machine_freq, machine_unique_id, machine_disable_irq, machine_enable_irq).
"""

from __future__ import annotations

import pytest

from pycomsim import Board

MS = 1_000_000
RTC_PINS = "P2 P3 P4 P6 P8 P9 P10 P13 P14 P15 P16 P17 P18 P19 P20 P21 P22 P23".split()
NON_RTC_PINS = "P0 P1 P5 P7 P11 P12".split()


def make_board(**kwargs) -> Board:
    kwargs.setdefault("expansion", False)
    return Board("lopy4", cpu="free", seed=0, **kwargs)


def catch(fn, *args, **kwargs):
    """What a call raises, as (type, message), or ('ok', its result)."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the test compares type and message
        return (type(e), str(e))


def test_reset_cause_constants() -> None:
    m = make_board().machine
    got = [m.PWRON_RESET, m.HARD_RESET, m.WDT_RESET, m.DEEPSLEEP_RESET, m.SOFT_RESET]
    assert got + [m.BROWN_OUT_RESET] == [0, 1, 2, 3, 4, 5]


def test_wake_reason_constants() -> None:
    m = make_board().machine
    assert [m.PWRON_WAKE, m.PIN_WAKE, m.RTC_WAKE, m.ULP_WAKE] == [0, 1, 2, 3]


def test_wakeup_mode_constants() -> None:
    m = make_board().machine
    assert (m.WAKEUP_ALL_LOW, m.WAKEUP_ANY_HIGH) == (0, 1)


def test_reset_cause_and_wake_reason_after_power_on() -> None:
    b = make_board()
    got = []
    b.run(lambda: got.append((b.machine.reset_cause(), b.machine.wake_reason())), until="1ms")
    assert got == [(0, (0, None))]


def test_reset_cause_after_reset_is_wdt_reset() -> None:
    """modmachine.c machine_reset: machine_wdt_start(1) and spin, so the chip resets via the WDT."""
    b = make_board()
    causes = []

    def main() -> None:
        causes.append(b.machine.reset_cause())
        if len(causes) == 1:
            b.machine.reset()

    b.run(main, until="10ms")
    assert causes == [b.machine.PWRON_RESET, b.machine.WDT_RESET]
    assert causes == [0, 2]


def test_reset_never_returns_and_restarts_the_script() -> None:
    b = make_board()
    log = []

    def main() -> None:
        log.append("start")
        if len(log) == 1:
            b.machine.reset()
            log.append("after reset")  # never reached

    b.run(main, until="10ms")
    assert log == ["start", "start"]


def test_deepsleep_never_returns_and_wakes_with_deepsleep_reset() -> None:
    b = make_board()
    log = []

    def main() -> None:
        m = b.machine
        log.append((m.reset_cause(), m.wake_reason(), b.now_ns // MS))
        if len(log) == 1:
            m.deepsleep(20)
            log.append("after deepsleep")  # never reached

    b.run(main, until="100ms")
    assert log == [(0, (0, None), 0), (3, (2, None), 20)]


def test_deepsleep_without_argument_and_no_wake_pin_never_wakes() -> None:
    b = make_board()
    boots = []

    def main() -> None:
        boots.append(b.now_ns)
        b.machine.deepsleep()

    b.run(main, until="10s")
    assert boots == [0]


def test_deepsleep_without_argument_wakes_on_a_wake_pin() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []
    b.levels("P13", [("0ms", 1), ("30ms", 0)])

    def main() -> None:
        m = b.machine
        log.append((m.reset_cause(), m.wake_reason(), b.now_ns // MS))
        if len(log) == 1:
            m.pin_sleep_wakeup(["P13"], m.WAKEUP_ALL_LOW)
            m.deepsleep()

    b.run(main, until="100ms")
    assert log[0] == (0, (0, None), 0)
    cause, (reason, pins), t = log[1]
    assert (cause, reason, t) == (3, 1, 30)
    assert pins == [Pin("P13")]
    assert pins[0] is Pin.module.P13  # Pin objects, not names


def test_wakeup_any_high_wakes_when_one_pin_goes_high() -> None:
    b = make_board()
    Pin = b.machine.Pin
    log = []
    b.levels("P19", [("0ms", 0), ("40ms", 1)])
    b.levels("P20", [("0ms", 0)])

    def main() -> None:
        m = b.machine
        log.append(m.wake_reason())
        if len(log) == 1:
            m.pin_sleep_wakeup([Pin("P19"), "P20"], m.WAKEUP_ANY_HIGH, enable_pull=False)
            m.deepsleep(1000)

    b.run(main, until="100ms")
    assert log == [(0, None), (1, [Pin("P19")])]


def test_pin_sleep_wakeup_each_call_replaces_the_previous_set() -> None:
    """esp_sleep_enable_ext1_wakeup sets one mask and mode: the last call wins. The first set
    (P21 ANY_HIGH, high all along) would wake the board at once."""
    b = make_board()
    Pin = b.machine.Pin
    log = []
    b.levels("P21", [("0ms", 1)])
    b.levels("P22", [("0ms", 1), ("25ms", 0)])

    def main() -> None:
        m = b.machine
        log.append((m.wake_reason(), b.now_ns // MS))
        if len(log) == 1:
            m.pin_sleep_wakeup(["P21"], m.WAKEUP_ANY_HIGH)
            m.pin_sleep_wakeup(["P22"], m.WAKEUP_ALL_LOW)
            m.deepsleep()

    b.run(main, until="100ms")
    assert log == [((0, None), 0), ((1, [Pin("P22")]), 25)]


def test_pin_sleep_wakeup_rejects_other_modes() -> None:
    b = make_board()
    got = []

    def main() -> None:
        for mode in (2, -1, 3):
            got.append(catch(b.machine.pin_sleep_wakeup, ["P10"], mode))

    b.run(main, until="1ms")
    assert got == [
        (ValueError, "invalid wakeup mode 2"),
        (ValueError, "invalid wakeup mode -1"),
        (ValueError, "invalid wakeup mode 3"),
    ]


@pytest.mark.parametrize("name", NON_RTC_PINS)
def test_pin_sleep_wakeup_rejects_pins_outside_the_rtc_domain(name) -> None:
    b = make_board()
    got = []

    def main() -> None:
        got.append(catch(b.machine.pin_sleep_wakeup, ["P10", name], 0))

    b.run(main, until="1ms")
    assert got == [(ValueError, "deepsleep wake up is not supported on the selected pin(s)")]


def test_pin_sleep_wakeup_accepts_every_rtc_pin() -> None:
    b = make_board()
    got = []

    def main() -> None:
        for name in RTC_PINS:
            got.append(catch(b.machine.pin_sleep_wakeup, [name], 1))

    b.run(main, until="5ms")
    assert got == [("ok", None)] * len(RTC_PINS)


def test_pin_sleep_wakeup_checks_the_mode_before_the_pins() -> None:
    """machine_pin_sleep_wakeup validates the mode first, then looks the pins up (pin_find)."""
    b = make_board()
    got = []

    def main() -> None:
        got.append(catch(b.machine.pin_sleep_wakeup, ["P11"], 7))
        got.append(catch(b.machine.pin_sleep_wakeup, ["nope"], 7))
        got.append(catch(b.machine.pin_sleep_wakeup, ["nope"], 0))

    b.run(main, until="1ms")
    assert got == [
        (ValueError, "invalid wakeup mode 7"),
        (ValueError, "invalid wakeup mode 7"),
        (ValueError, "invalid argument(s) value"),
    ]


def test_freq_is_160_mhz() -> None:
    """machine_freq: ets_get_cpu_frequency() * 1000000; sdkconfig CONFIG_ESP32_DEFAULT_CPU_FREQ_MHZ 160."""
    b = make_board()
    got = []
    b.run(lambda: got.append(b.machine.freq()), until="1ms")
    assert got == [160_000_000]


def test_unique_id_is_6_bytes_and_stable() -> None:
    """machine_unique_id: the 6-byte default MAC (esp_efuse_mac_get_default)."""
    b = make_board()
    got = []
    b.run(lambda: got.extend([b.machine.unique_id(), b.machine.unique_id()]), until="1ms")
    assert type(got[0]) is bytes
    assert len(got[0]) == 6
    assert got[0] == got[1]


def test_idle_returns_none_and_lets_a_pending_handler_run() -> None:
    b = make_board(wires=["P11=P19"])
    Pin = b.machine.Pin
    log = []
    seen = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, log.append, "h")
        b.machine.disable_irq()
        src(0)
        b.machine.enable_irq()  # latched edge delivered now; it runs at the next yield point
        seen.append(b.machine.idle())
        seen.append(list(log))

    b.run(main, until="5ms")
    assert seen == [None, ["h"]]


def test_no_handler_runs_between_disable_irq_and_enable_irq() -> None:
    b = make_board(wires=["P11=P19"])
    Pin = b.machine.Pin
    log = []
    seen = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, log.append, "h")
        state = b.machine.disable_irq()
        src(0)
        b.time.sleep_ms(5)  # even a sleep does not let it run
        seen.append(list(log))
        b.machine.enable_irq(state)
        b.time.sleep_ms(1)
        seen.append(list(log))

    b.run(main, until="20ms")
    assert seen == [[], ["h"]]


def test_disable_irq_latches_several_edges_into_one_event() -> None:
    """The GPIO status bit stays set while interrupts are masked: five edges, one event."""
    b = make_board(wires=["P11=P19"])
    Pin = b.machine.Pin
    log = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, log.append, "h")
        state = b.machine.disable_irq()
        for _ in range(5):
            src(0)
            src(1)
        b.machine.enable_irq(state)
        b.time.sleep_ms(5)

    b.run(main, until="20ms")
    assert log == ["h"]
    assert b.irq.runs == 1
    assert b.irq.dropped == 0


def test_edges_on_two_pins_while_disabled_give_one_event_each_in_gpio_order() -> None:
    """machpin_intr_process scans the status register from GPIO 0 up: P19 (GPIO32) comes before
    P20 (GPIO33) whatever the order of the edges."""
    b = make_board(wires=["P11=P19", "P21=P20"])
    Pin = b.machine.Pin
    log = []

    def main() -> None:
        a = Pin("P11", Pin.OUT, value=1)
        c = Pin("P21", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, log.append, "P19")
        Pin("P20", Pin.IN).callback(Pin.IRQ_FALLING, log.append, "P20")
        state = b.machine.disable_irq()
        c(0)
        c(1)
        c(0)
        a(0)
        b.machine.enable_irq(state)
        b.time.sleep_ms(5)

    b.run(main, until="20ms")
    assert log == ["P19", "P20"]


def test_nested_disable_irq_stays_masked_until_the_outer_enable() -> None:
    """disable_irq returns the previous interrupt level; enable_irq(state) restores it."""
    b = make_board(wires=["P11=P19"])
    Pin = b.machine.Pin
    log = []
    seen = []

    def main() -> None:
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, log.append, "h")
        outer = b.machine.disable_irq()
        inner = b.machine.disable_irq()
        src(0)
        b.machine.enable_irq(inner)
        b.time.sleep_ms(1)
        seen.append(list(log))
        b.machine.enable_irq(outer)
        b.time.sleep_ms(1)
        seen.append(list(log))

    b.run(main, until="10ms")
    assert seen == [[], ["h"]]


def test_micropython_const_is_the_identity(tmp_path) -> None:
    script = tmp_path / "main.py"
    script.write_text(
        "from micropython import const\n"
        "import micropython\n"
        "LED = const(9)\n"
        "print(LED, micropython.const(0x10), type(const(1)).__name__)\n"
    )
    b = make_board()
    b.run(str(script), until="10ms")
    assert b.output == "9 16 int\n"


def test_reset_from_a_handler_reboots_the_board() -> None:
    b = make_board(wires=["P11=P19"])
    Pin = b.machine.Pin
    log = []

    def handler(p) -> None:
        log.append("handler")
        b.machine.reset()

    def main() -> None:
        log.append(("boot", b.machine.reset_cause(), b.machine.wake_reason()))
        if len(log) > 1:
            return
        src = Pin("P11", Pin.OUT, value=1)
        Pin("P19", Pin.IN).callback(Pin.IRQ_FALLING, handler)
        src(0)
        b.time.sleep_ms(5)
        log.append("not reached")

    b.run(main, until="20ms")
    assert log == [("boot", 0, (0, None)), "handler", ("boot", 2, (0, None))]
