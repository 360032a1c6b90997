"""The functions of `machine` beyond Pin, reset and IRQ control (`esp32/mods/modmachine.c`
machine_module_globals_table): rng, temperature, sleep, remaining_sleep_time, info, main,
mem8/mem16/mem32, flash_encrypt, secure_boot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc
from .machine_system import TSENS_DELAY_NS, LightSleep, MachineMem, info_text, tsens_reading

if TYPE_CHECKING:
    from ..board import Board


def machine_functions(board: Board) -> dict[str, Any]:
    costs = board.costs
    system = board.system

    def rng() -> int:
        """random.c machine_rng_get: the next value of a 24-bit LFSR seeded at boot."""
        board.advance(costs.machine_call)
        return system.rng()

    def temperature() -> int:
        """machine_temperature: the raw TSENS reading, after a 105 us busy wait."""
        board.advance(costs.machine_call)
        board.sleep_ns(TSENS_DELAY_NS, busy=True)
        return tsens_reading(system.temperature_c)

    def sleep(*args: Any) -> None:
        """machine_sleep([ms[, resume_net]]): light sleep, then the script goes on."""
        if len(args) > 2:
            raise exc.at_most(2, len(args))
        board.advance(costs.machine_call)
        if not args:
            system.expected_wakeup_us = 0
            sleep_ns = None  # only the wake pins can end it
        else:
            us = exc.get_int(args[0]) * 1000  # mp_obj_get_int_truncated(ms) * 1000
            system.expected_wakeup_us = system.rtc.us() + us
            sleep_ns = us * 1000 if us >= 0 else None  # a uint64 timer: negative is forever
        LightSleep(board, sleep_ns).run()

    def remaining_sleep_time() -> int:
        """ms left of a timed deep sleep a wake pin ended early (computed at boot), else 0."""
        board.advance(costs.machine_call)
        return system.remaining_sleep_ms

    def info() -> None:
        board.advance(costs.machine_call)
        board.console_write(info_text(board, system.free_heap()[0]))

    def main(filename: Any) -> None:
        """machine_main: the script mptask.c runs after boot.py instead of main.py."""
        board.advance(costs.machine_call)
        if not isinstance(filename, str):
            raise TypeError("expecting a string file name")
        system.config_main = filename

    def flash_encrypt() -> int:
        board.advance(costs.machine_call)
        return 0  # esp_flash_encryption_enabled(): Pycom boards ship without

    def secure_boot() -> int:
        board.advance(costs.machine_call)
        return 0  # esp_secure_boot_enabled()

    return {
        "rng": rng,
        "temperature": temperature,
        "sleep": sleep,
        "remaining_sleep_time": remaining_sleep_time,
        "info": info,
        "main": main,
        "mem8": MachineMem(board, 1),
        "mem16": MachineMem(board, 2),
        "mem32": MachineMem(board, 4),
        "flash_encrypt": flash_encrypt,
        "secure_boot": secure_boot,
    }
