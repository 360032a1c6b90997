"""The rest of `pycom` (`esp32/mods/modpycom.c` pycom_module_globals_table): NVS, the on-boot
configuration (`esp32/pycom_config.c`), get_free_heap, pulses_get (RMT capture), bootmgr, OTA,
the Wi-Fi settings, sigfox_info and the UUID helper.

NVS and the configuration block are flash: they survive resets and deep sleep (the board's
`BoardSystem` keeps them for its lifetime, or in a file with `Board(nvs_file=...)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc
from ..chip.pads import HIGH, LOW, OUTPUT_OFF, Z
from .args import BOOL, INT, Arg, get_str, parse

if TYPE_CHECKING:
    from ..board import Board

MASK32 = 0xFFFFFFFF
NVS_KEY_MAX = 15  # NVS_KEY_NAME_MAX_SIZE - 1
NVS_VALUE_MAX = 1984
WDT_ON_BOOT_MIN_TIMEOUT_MS = 5000
RMT_IDLE_NS = 0xFFFF * 1000  # idle_threshold 0xFFFF ticks of 1 us (clk_div 80)
RMT_FILTER_NS = 1250  # filter_ticks_thresh 100 APB cycles
RMT_ITEMS = 64  # mem_block_num 1: 64 items of two pulses
IMG_ACT_FACTORY, IMG_ACT_UPDATE1 = 0, 1
IMG_STATUS = {0: "Status: Check", 1: "Status: Ready", 2: "Status: Patch"}
SAFE_BOOT_HW, SAFE_BOOT_SW = 0x01, 0x02
OTA_SLOT_4MB, OTA_SLOT_8MB = 1792 * 1024, 2112 * 1024  # bootloader.h IMG_UPDATE1_OFFSET_*
SIGFOX_BOARDS = frozenset({"fipy", "lopy4", "sipy"})
NOT_FOUND = "No matching object for the provided key"


def factory_config() -> dict[str, Any]:
    """The configuration block of a board as Pycom's firmware updater leaves it."""
    return {
        "wifi_on_boot": True,
        "wifi_mode": 2,  # AP
        "wifi_ssid_sta": None,
        "wifi_pwd_sta": None,
        "wifi_ssid_ap": None,
        "wifi_pwd_ap": None,
        "wdt_on_boot": False,
        "wdt_on_boot_timeout": MASK32,
        "lte_modem_en_on_boot": False,
        "boot_fs_type": 0,  # FAT
        "active_img": IMG_ACT_FACTORY,
        "img_status": 1,  # IMG_STATUS_READY
        "safeboot": 0,
        "sigfox": {"id": None, "pac": None, "public_key": None, "private_key": None},
    }


def _on_boot(board: Board, key: str) -> Any:
    config = board.system.config

    def fn(*args: Any) -> bool | None:
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        board.advance(board.costs.pycom_call)
        if not args:
            return bool(config[key])
        config[key] = bool(args[0])
        return None

    fn.__name__ = key
    return fn


def _wifi_text(board: Board, key: str, size: int) -> Any:
    config = board.system.config

    def fn(*args: Any) -> str | None:
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        board.advance(board.costs.pycom_call)
        if not args:
            return config[key]
        if args[0] is None:
            config[key] = None  # erased (0xFF): reads back as None
        elif isinstance(args[0], str):
            config[key] = args[0][:size]  # memcpy of the field's size
        return None  # anything else is ignored

    fn.__name__ = key
    return fn


def _hex_bytes(text: str, what: str, length: int, exact_message: str) -> bytes:
    if len(text) != length:
        raise ValueError(exact_message)
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValueError(f"{what} must only contain hexadecimal digits!") from None


def pycom_functions(board: Board) -> dict[str, Any]:
    costs = board.costs
    system = board.system
    nvs = system.nvs
    config = system.config

    def call() -> None:
        board.advance(costs.pycom_call)

    # ---- NVS ----
    def nvs_set(key: Any, value: Any) -> None:
        call()
        name = get_str(key)
        if isinstance(value, (str, bytes)):
            text = get_str(value).split("\0")[0]  # a C string
            if len(text.encode()) >= NVS_VALUE_MAX:
                raise ValueError("value too long (max: 1984)")
            stored: int | str = text
        elif isinstance(value, int) and not isinstance(value, bool):
            stored = value & MASK32  # nvs_set_u32 of mp_obj_get_int_truncated
        else:
            raise ValueError("Value must be string, bytes or integer")
        if len(name) > NVS_KEY_MAX:
            raise ValueError("Key is too long")
        nvs[name] = stored
        system.save_nvs()

    def nvs_get(*args: Any) -> Any:
        if not 1 <= len(args) <= 2:
            raise exc.at_most(2, len(args)) if args else exc.missing_args(1)
        call()
        name = get_str(args[0])
        if name in nvs:
            return nvs[name]
        if len(args) > 1:
            return args[1]
        raise ValueError(NOT_FOUND)

    def nvs_erase(key: Any) -> None:
        call()
        name = get_str(key)
        if name not in nvs:
            raise KeyError("key not found")
        del nvs[name]
        system.save_nvs()

    def nvs_erase_all() -> None:
        call()
        nvs.clear()
        system.save_nvs()

    # ---- configuration ----
    def wdt_on_boot_timeout(*args: Any) -> int | None:
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        call()
        if not args:
            return config["wdt_on_boot_timeout"]
        timeout = exc.get_int(args[0]) & MASK32
        if timeout < WDT_ON_BOOT_MIN_TIMEOUT_MS:
            raise ValueError("WDT on boot timeout must be >= 5000 ms")
        config["wdt_on_boot_timeout"] = timeout
        return None

    def wifi_on_boot(*args: Any) -> bool | None:
        if len(args) > 2:
            raise exc.at_most(2, len(args))
        call()
        if not args:
            return bool(config["wifi_on_boot"])
        config["wifi_on_boot"] = bool(args[0])  # the second argument acts on the radio: none here
        return None

    def wifi_mode_on_boot(*args: Any) -> int | None:
        if len(args) > 1:
            raise exc.at_most(1, len(args))
        call()
        if not args:
            return config["wifi_mode"]
        mode = exc.get_int(args[0]) & 0xFF  # uint8_t
        if mode <= 3:
            config["wifi_mode"] = mode  # other values are ignored (the switch has no default)
        return None

    # ---- heap ----
    def get_free_heap() -> tuple:
        call()
        return system.free_heap()

    # ---- RMT pulse capture ----
    def pulses_get(gpio: Any, timeout: Any) -> list[tuple[int, int]]:
        call()
        pin = board.Pin._find(gpio)
        wait_ms = exc.get_int(timeout) & MASK32  # TickType_t (1 ms ticks)
        return capture_pulses(board, pin, wait_ms)

    # ---- boot manager ----
    def bootmgr(*args: Any, **kwargs: Any) -> tuple | None:
        call()
        part, fs_type, safeboot, reset = parse(args, kwargs, _BOOTMGR_ARGS)
        part, fs_type, safeboot = part & 0xFF, fs_type & 0xFF, safeboot & 0xFF  # uint8_t
        if part == 255 and fs_type == 255 and safeboot == 255:
            return (
                "Factory" if config["active_img"] == IMG_ACT_FACTORY else "ota_0",
                "FAT" if config["boot_fs_type"] == 0 else "LittleFS",
                "SafeBoot: False" if config["safeboot"] == 0 else "SafeBoot: True",
                IMG_STATUS[config["img_status"]],
            )
        update_part = update_fs = update_safe = False
        if part < 255:
            if part <= IMG_ACT_UPDATE1 and part != config["active_img"]:
                config["active_img"] = part
                config["img_status"] = 0
                update_part = True
            else:
                raise ValueError("Error invalid boot partition! or partition already active!")
        if safeboot < 255:
            if safeboot <= 1 and (SAFE_BOOT_SW if safeboot else 0) != config["safeboot"]:
                config["safeboot"] = SAFE_BOOT_SW if safeboot else 0
                update_safe = True
            else:
                raise ValueError("Error safeboot must be True or False!")
        if fs_type < 255:
            if fs_type > 1:
                raise ValueError("Error invalid filesystem type!")
            if config["boot_fs_type"] != fs_type:
                config["boot_fs_type"] = fs_type
                update_fs = True
        if update_part or ((update_fs or update_safe) and reset):
            board.machine.reset()
        return None

    # ---- OTA ----
    def ota_unsimulated(name: str) -> Any:
        def fn(*args: Any) -> None:
            raise NotImplementedError(
                f"pycom.{name} is not simulated by pycomsim yet (no firmware image to write)"
            )

        fn.__name__ = name
        return fn

    def ota_slot() -> int:
        call()
        if board.spec.second_generation:
            return OTA_SLOT_8MB
        return OTA_SLOT_4MB

    def diff_update_enabled() -> bool:
        call()
        return False  # DIFF_UPDATE_ENABLED is off in the release build

    # ---- helpers ----
    def create_128bit_le_uuid_from_string(uuid: Any) -> bytearray:
        call()
        text = get_str(uuid)
        if len(text) > 32:
            raise ValueError("Input string must not be longer than 32 characters!")
        digits = text.ljust(32, "\0")
        out = bytearray(16)
        for j in range(16):
            pair = digits[2 * j : 2 * j + 2]
            try:
                value = int("".join(c if c != "\0" else "0" for c in pair), 16)
            except ValueError:
                raise ValueError("UUID must only contain hexadecimal digits!") from None
            out[15 - j] = value
        return out

    def sigfox_info(*args: Any, **kwargs: Any) -> bool:
        call()
        id_, pac, public_key, private_key, force = parse(args, kwargs, _SIGFOX_ARGS)
        stored = config["sigfox"]
        if id_ is None and pac is None and public_key is None and private_key is None:
            return all(v is not None for v in stored.values())
        fields = (
            ("id", id_, "ID", 8, "ID must have length of 8!"),
            ("pac", pac, "PAC", 16, "PAC must have length of 16!"),
            ("public_key", public_key, "Public Key", 32, "Public Key must have length of 32!"),
            ("private_key", private_key, "Private Key", 32, "Private Key must have length of 32"),
        )
        for key, value, what, length, message in fields:
            if value is None:
                continue
            if not force and stored[key] is not None:
                raise ValueError(f"Use force option to overwrite existing {what.lower()}!")
            stored[key] = _hex_bytes(get_str(value), what, length, message)
        return True

    table: dict[str, Any] = {
        "nvs_set": nvs_set,
        "nvs_get": nvs_get,
        "nvs_erase": nvs_erase,
        "nvs_erase_all": nvs_erase_all,
        "wifi_on_boot": wifi_on_boot,
        "wdt_on_boot": _on_boot(board, "wdt_on_boot"),
        "wdt_on_boot_timeout": wdt_on_boot_timeout,
        "lte_modem_en_on_boot": _on_boot(board, "lte_modem_en_on_boot"),
        "get_free_heap": get_free_heap,
        "wifi_ssid_sta": _wifi_text(board, "wifi_ssid_sta", 32),
        "wifi_ssid_ap": _wifi_text(board, "wifi_ssid_ap", 32),
        "wifi_pwd_sta": _wifi_text(board, "wifi_pwd_sta", 64),
        "wifi_pwd_ap": _wifi_text(board, "wifi_pwd_ap", 64),
        "wifi_mode_on_boot": wifi_mode_on_boot,
        "create_128bit_le_uuid_from_string": create_128bit_le_uuid_from_string,
        "pulses_get": pulses_get,
        "bootmgr": bootmgr,
        "ota_start": ota_unsimulated("ota_start"),
        "ota_write": ota_unsimulated("ota_write"),
        "ota_finish": ota_unsimulated("ota_finish"),
        "ota_verify": ota_unsimulated("ota_verify"),
        "ota_slot": ota_slot,
        "diff_update_enabled": diff_update_enabled,
        "FACTORY": 0,
        "OTA_0": 1,
        "FAT": 0,
        "LittleFS": 1,
    }
    if board.type in SIGFOX_BOARDS:  # #if defined(FIPY) || defined(LOPY4) || defined(SIPY)
        table["sigfox_info"] = sigfox_info
    return table


_BOOTMGR_ARGS = (
    Arg("boot_partition", 255, INT, kw_only=True),
    Arg("fs_type", 255, INT, kw_only=True),
    Arg("safeboot", 255, INT, kw_only=True),
    Arg("reset", False, BOOL, kw_only=True),
)
_SIGFOX_ARGS = (
    Arg("id", kw_only=True),
    Arg("pac", kw_only=True),
    Arg("public_key", kw_only=True),
    Arg("private_key", kw_only=True),
    Arg("force", False, BOOL, kw_only=True),
)


def _logic(level: int, previous: int) -> int:
    if level in (LOW, HIGH):
        return level
    return previous if level == Z else 0


def capture_pulses(board: Board, pin: Any, wait_ms: int) -> list[tuple[int, int]]:
    """mod_pycom_pulses_get: RMT channel 0 receives on the pin (now an input) from its first edge
    until the level stays put for 65535 us; the call waits for that, at most `wait_ms`, holding the
    interpreter lock. The result lists (level, duration in us) of each pulse, two per RMT item; the
    last pulse, the idle level, has duration 0."""
    pad = pin._pad
    pad.configure(OUTPUT_OFF, pin._pull or 0, True, pin._latch)  # rmt_set_pin: an input now
    level = [_logic(pad.read(), 0)]
    edges: list[tuple[int, int]] = []

    def watch(old: int, new: int, t: int) -> None:
        now = _logic(new, level[0])
        if now != level[0]:
            level[0] = now
            edges.append((t, now))

    unwatch = pad.watch(watch)
    deadline = board.now + wait_ms * 1_000_000
    try:
        while True:
            end = edges[-1][0] + RMT_IDLE_NS if edges else None
            until = deadline if end is None else min(deadline, end)
            if board.now < until:
                board.sleep_ns(until - board.now, busy=True)
                continue
            if end is not None and board.now >= end:
                break
            return []  # xRingbufferReceive timed out: nothing
    finally:
        unwatch()
    pulses: list[list[int]] = []
    for (t0, lvl), (t1, _) in zip(edges, edges[1:], strict=False):
        if t1 - t0 < RMT_FILTER_NS and pulses:  # the input filter swallows the glitch
            pulses[-1][1] += t1 - t0
            continue
        if pulses and pulses[-1][0] == lvl:
            pulses[-1][1] += t1 - t0
        else:
            pulses.append([lvl, t1 - t0])
    result = [(lvl, (ns // 1000) & 0x7FFF) for lvl, ns in pulses]  # 15-bit durations
    result.append((edges[-1][1], 0))  # the idle pulse ends the reception
    if len(result) % 2:
        result.append((0, 0))  # the end marker's item has a second, empty half
    return result[: 2 * RMT_ITEMS]
