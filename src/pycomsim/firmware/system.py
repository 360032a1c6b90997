"""What the firmware keeps for a board besides its pins (timer group, RTC, watchdog), and what it
does with them at every boot and before every reset or deep sleep (`esp32/mptask.c` TASK_Micropython)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .machine_rtc import RtcClock
from .machine_system import lfsr, rng_seed
from .machine_timer import TimerGroup
from .machine_wdt import Watchdog
from .pycom_more import SAFE_BOOT_HW, SAFE_BOOT_SW, factory_config

if TYPE_CHECKING:
    from ..board import Board

DEEPSLEEP_RESET = 3  # machine.DEEPSLEEP_RESET (mpsleep.h)


class BoardSystem:
    def __init__(self, board: Board) -> None:
        self.board = board
        self.timers = TimerGroup(board)
        self.rtc = RtcClock(board)
        self.wdt = Watchdog(board)
        self.rng_state = 1
        self.temperature_c = (
            50.0  # the die of a board that runs a script: settable (Board.temperature)
        )
        self.ram: dict[int, int] = {}  # machine.mem8/16/32: the bytes the script wrote
        self.expected_wakeup_us = 0  # modmachine.c mach_expected_wakeup_time (RTC_DATA_ATTR)
        self.remaining_sleep_ms = 0  # mach_remaining_sleep_time, computed at boot
        self.config_main: str | None = None  # machine.main(): the script boot.py chose
        # flash: pycom's NVS name space and the configuration block, kept across resets and sleep
        self.nvs: dict[str, int | str] = {}
        self.config: dict[str, Any] = factory_config()
        self.nvs_file: Path | None = None
        self.safe_boot = False  # this boot skips boot.py and main.py (bootmgr safeboot)

    def use_nvs_file(self, path: str | Path) -> None:
        """Keep NVS and the configuration in `path` (JSON) across runs: read it now if it exists."""
        self.nvs_file = Path(path)
        if not self.nvs_file.exists():
            return
        try:
            data = json.loads(self.nvs_file.read_text())
            nvs, config = data["nvs"], data["config"]
            if not isinstance(nvs, dict) or not isinstance(config, dict):
                raise ValueError("expected the objects 'nvs' and 'config'")
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"NVS file {path}: not one pycomsim wrote ({error})") from None
        self.nvs.update(nvs)
        sigfox = config.pop("sigfox", {})
        self.config.update(config)
        self.config["sigfox"] = {
            k: None if v is None else bytes.fromhex(v) for k, v in sigfox.items()
        }

    def save_nvs(self) -> None:
        if self.nvs_file is None:
            return
        config = dict(self.config)
        config["sigfox"] = {k: None if v is None else v.hex() for k, v in config["sigfox"].items()}
        self.nvs_file.write_text(json.dumps({"nvs": self.nvs, "config": config}, indent=1))

    def mac(self) -> bytes:
        """esp_efuse_mac_get_default: an Espressif OUI, the rest fixed by board name and seed."""
        board = self.board
        digest = hashlib.sha256(f"{board.name}/{board.seed}".encode()).digest()
        return b"\x24\x0a\xc4" + digest[:3]

    def free_heap(self) -> tuple[int, int | str]:
        """pycom.get_free_heap(): free internal RAM and free PSRAM ('NO_EXT_RAM' without PSRAM).
        Typical figures of an idle board: second-generation modules take the 2.5 MiB GC pool from
        their 4 MiB PSRAM (mptask.c), first-generation ones take 67 KiB from internal RAM."""
        if self.board.spec.second_generation:
            return 129_000, 4 * 1024 * 1024 - (2048 + 512) * 1024 - 64 * 1024
        return 58_000, "NO_EXT_RAM"

    def rng(self) -> int:
        self.rng_state = lfsr(self.rng_state)
        return self.rng_state

    def boot(self) -> None:
        """At every boot, in mptask.c's order."""
        board = self.board
        deep_sleep_wake = board.reset_cause == DEEPSLEEP_RESET
        # main.c machine_init0: what is left of a timed sleep that a pin ended early
        if not deep_sleep_wake:
            self.expected_wakeup_us = 0  # RTC_DATA_ATTR: reloaded (0) on every boot but a wake
        # (main.c computes it right after the reset, before the boot's time to reach boot.py)
        at_reset = self.rtc.us(board.kernel.now - board.cpu.boot_ns)
        left = (self.expected_wakeup_us - at_reset) // 1000 if self.expected_wakeup_us > 0 else 0
        self.remaining_sleep_ms = max(0, left)
        self.rtc.boot(deep_sleep_wake=deep_sleep_wake)  # rtc_init0 unless waking from deep sleep
        self.timers.boot()  # machtimer_preinit / machtimer_init0
        self.rng_state = rng_seed(self.mac(), self.rtc.us())  # rng_init0
        self.config_main = None  # reset before _boot.py: only boot.py can choose
        self.ram.clear()
        config = self.config
        if config["wdt_on_boot"]:  # mptask.c: the watchdog starts before boot.py
            if config["wdt_on_boot_timeout"] < 0xFFFFFFFF:
                self.wdt.start(config["wdt_on_boot_timeout"])
            else:
                config["wdt_on_boot"] = False
        # bootloader.c: a safe boot asked by software is done once (SW becomes HW, then 0)
        self.safe_boot = config["safeboot"] == SAFE_BOOT_SW
        config["safeboot"] = SAFE_BOOT_HW if config["safeboot"] == SAFE_BOOT_SW else 0
        self.save_nvs()

    def halt(self) -> None:
        """The chip stops (machine.reset(), the watchdog, deep sleep): timers and watchdog with it."""
        self.timers.halt()
        self.wdt.stop()

    def busy(self) -> bool:
        """A run without `until` waits for armed one-shot alarms (periodic ones would never end)."""
        return any(not alarm.periodic for alarm in self.timers.alarms)
