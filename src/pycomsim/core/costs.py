"""How long each API call takes on the board, in ns of virtual time (one table per board type).

The figures are estimates for Pycom MicroPython 1.20 (bytecode VM, no native emitter) on an ESP32 at
160 MHz (`machine.freq()` on these boards). Published measurements put a `pin.value(x)` loop on an ESP32
under MicroPython at roughly 30-50 kHz of toggles, i.e. about 10-15 us per bound-method call including
the attribute lookup; a bare call `p()` skips the lookup. Object creation and reconfiguration run
`gpio_config()` in ESP-IDF and cost several times more. Python statements between calls cost nothing
here (the simulator cannot see them), so loops that only call the API run at a realistic rate.
"""

from __future__ import annotations

from dataclasses import dataclass

US = 1_000


@dataclass(frozen=True)
class CallCosts:
    pin_write: int = 12 * US  # p.value(x), p(x)
    pin_read: int = 10 * US  # p.value(), p()
    pin_toggle: int = 12 * US
    pin_query: int = 8 * US  # id(), mode(), pull(), hold() reads
    pin_config: int = 40 * US  # Pin(...), init(), mode(m), pull(p), hold(x): gpio_config()
    pin_callback: int = 30 * US  # callback(): gpio_config() plus the IRQ table
    time_call: int = 6 * US  # ticks_*, time(), ticks_diff/add
    sleep_call: int = 8 * US  # entry cost of any sleep, on top of the requested delay
    machine_call: int = 10 * US  # idle(), freq(), unique_id(), disable/enable_irq, reset_cause()
    pycom_call: int = 20 * US  # heartbeat(), rgbled(): RMT driver
    irq_dispatch: int = 25 * US  # from the edge to the handler's first line (queue + task switch)
    timer_isr: int = 2 * US  # alarm match to the ISR reading the counter (re-arm drift per period)


COSTS_ESP32 = CallCosts()
