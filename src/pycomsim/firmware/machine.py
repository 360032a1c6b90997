"""The board's `machine` module (`esp32/mods/modmachine.c`): Pin plus reset, sleep and IRQ control."""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

from .. import exc
from ..sim.scheduler import Reboot
from .reset_causes import (
    BROWN_OUT_RESET,
    DEEPSLEEP_RESET,
    HARD_RESET,
    PIN_WAKE,
    PWRON_RESET,
    PWRON_WAKE,
    RTC_WAKE,
    SOFT_RESET,
    ULP_WAKE,
    WDT_RESET,
)

if TYPE_CHECKING:
    from ..board import Board

WAKEUP_ALL_LOW, WAKEUP_ANY_HIGH = 0, 1
CPU_FREQ_HZ = 160_000_000
IRQ_LEVEL_MASKED = (
    3  # XCHAL_EXCM_LEVEL: what disable_irq() returns when interrupts were already off
)


def make_machine(board: Board) -> types.ModuleType:
    m = types.ModuleType("umachine")
    costs = board.costs
    cpu = board.scheduler

    def reset() -> None:
        cpu.advance(costs.machine_call)
        raise Reboot(WDT_RESET)  # the firmware resets through the watchdog

    def deepsleep(*args: Any) -> None:
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        cpu.advance(costs.machine_call)
        sleep_ns = None if not args else exc.get_int(args[0]) * 1_000_000
        if sleep_ns is not None and sleep_ns < 0:
            sleep_ns = (sleep_ns // 1_000_000 & 0xFFFFFFFF) * 1_000_000
        system = (
            board.system
        )  # mach_expected_wakeup_time, for remaining_sleep_time() after the wake
        system.expected_wakeup_us = 0 if sleep_ns is None else system.rtc.us() + sleep_ns // 1000
        raise Reboot(DEEPSLEEP_RESET, sleep_ns)

    def pin_sleep_wakeup(pins: Any, mode: Any, enable_pull: Any = False) -> None:
        cpu.advance(costs.machine_call)
        # machine_pin_sleep_wakeup checks the mode first, then looks the pins up (pin_find), then
        # esp_sleep_enable_ext1_wakeup refuses non-RTC pins
        mode = exc.get_int(mode)
        if mode not in (WAKEUP_ALL_LOW, WAKEUP_ANY_HIGH):
            raise ValueError(exc.WAKE_BAD_MODE % mode)
        found = [board.Pin._find(p) for p in pins]
        if any(not p._info.wake for p in found):
            raise ValueError(exc.WAKE_BAD_PIN)
        board.wake_pins = (found, mode, bool(enable_pull))  # each call replaces the previous set

    def reset_cause() -> int:
        cpu.advance(costs.machine_call)
        return board.reset_cause

    def wake_reason() -> tuple[int, list | None]:
        cpu.advance(costs.machine_call)
        reason, pins = board.wake_reason
        return reason, (list(pins) if pins is not None else None)

    def idle() -> None:
        cpu.sleep(costs.machine_call)  # waits for the next interrupt: handlers may run

    def unique_id() -> bytes:
        cpu.advance(costs.machine_call)
        return board.system.mac()

    def freq() -> int:
        cpu.advance(costs.machine_call)
        return CPU_FREQ_HZ

    def disable_irq() -> int:
        cpu.advance(costs.machine_call)
        state = IRQ_LEVEL_MASKED if board.irq.masked else 0
        board.irq.masked = True
        return state

    def enable_irq(*args: Any) -> None:
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        cpu.advance(costs.machine_call)
        state = exc.get_int(args[0]) if args else 0
        if state & 0xF == 0:
            board.irq.unmask()

    from .machine_adc import make_adc_classes
    from .machine_i2c import make_i2c_class
    from .machine_more import machine_functions
    from .machine_pwm import make_pwm_class
    from .machine_rtc import make_rtc_class
    from .machine_spi import make_spi_class
    from .machine_timer import make_timer_class
    from .machine_uart import ConsoleRouter, make_uart_class, reset_uarts
    from .machine_wdt import make_wdt_class

    board.console_router = ConsoleRouter(board)
    board.peripheral_resets = [lambda: reset_uarts(board)]
    pwm_class, board.ledc = make_pwm_class(board)
    adc_class, dac_class = make_adc_classes(board)
    m.__dict__.update(
        Pin=board.Pin,
        Timer=make_timer_class(board),
        UART=make_uart_class(board),
        I2C=make_i2c_class(board),
        SPI=make_spi_class(board),
        RTC=make_rtc_class(board),
        WDT=make_wdt_class(board),
        PWM=pwm_class,
        ADC=adc_class,
        DAC=dac_class,
        **machine_functions(board),  # rng, temperature, sleep, info, main, mem8/16/32, ...
        reset=reset,
        deepsleep=deepsleep,
        pin_sleep_wakeup=pin_sleep_wakeup,
        reset_cause=reset_cause,
        wake_reason=wake_reason,
        idle=idle,
        unique_id=unique_id,
        freq=freq,
        disable_irq=disable_irq,
        enable_irq=enable_irq,
        PWRON_RESET=PWRON_RESET,
        HARD_RESET=HARD_RESET,
        WDT_RESET=WDT_RESET,
        DEEPSLEEP_RESET=DEEPSLEEP_RESET,
        SOFT_RESET=SOFT_RESET,
        BROWN_OUT_RESET=BROWN_OUT_RESET,
        PWRON_WAKE=PWRON_WAKE,
        PIN_WAKE=PIN_WAKE,
        RTC_WAKE=RTC_WAKE,
        ULP_WAKE=ULP_WAKE,
        WAKEUP_ALL_LOW=WAKEUP_ALL_LOW,
        WAKEUP_ANY_HIGH=WAKEUP_ANY_HIGH,
    )
    return m
