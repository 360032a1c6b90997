"""The LoRaWAN methods of ``network.LoRa`` (esp32/mods/modlora.c): ``join``, ``add_channel``,
``remove_channel``, ``nvram_save``/``nvram_restore``/``nvram_erase``, ``compliance_test``.

The NVRAM (the ESP32's NVS partition) belongs to the board, not to a boot: a session saved with
``nvram_save()`` survives ``machine.reset()`` and deep sleep, and ``nvram_restore()`` brings it back
(joined, keys, frame counters), as LoPy scripts that deep-sleep between uplinks rely on.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ... import exc
from ...core.lorawan_regions import REGIONS as LORAWAN_REGIONS
from ..lang.attrtuple import AttrTuple
from .args import INT, NULL, Arg, get_buffer, parse, var_between
from .lora_modem import LORAWAN, MS, Command
from .lpwan_id import lpwan_mac

if TYPE_CHECKING:
    from ...board import Board
    from .lora_modem import Modem

NOT_POSSIBLE = "the requested operation is not possible"
JOIN_WAIT = 50 * MS  # LORA_JOIN_WAIT_MS
JOIN_ARGS = (
    Arg("activation", INT, required=True),
    Arg("auth", kw_only=True, required=True),
    Arg("dr", kw_only=True, default=None),
    Arg("timeout", kw_only=True, default=None),
)
CHANNEL_ARGS = (
    Arg("index", INT, required=True),
    Arg("frequency", INT, kw_only=True, required=True),
    Arg("dr_min", INT, kw_only=True, required=True),
    Arg("dr_max", INT, kw_only=True, required=True),
)
_ = NULL


def _nvs(board: Board) -> dict[str, Any]:
    return board.__dict__.setdefault("_lora_nvs", {})


def add_lorawan_methods(cls: type, board: Board, modem: Modem, send_cmd: Any) -> None:
    from .lorawan_mac import Session

    def need_lorawan() -> None:
        if modem.config.stack_mode != LORAWAN:
            raise OSError(NOT_POSSIBLE)

    def validate_channel(index: int) -> None:
        """lora_validate_channel: the region's MAX_NB_CHANNELS (EU433 is not checked)."""
        limit = {0: 16, 1: 72, 8: 72, 9: 72, 5: 16, 2: 96, 7: 16}.get(modem.config.region)
        if limit is not None and not 0 <= index < limit:
            raise ValueError(f"channel {index} out of range")

    def join(self: Any, *args: Any, **kwargs: Any) -> None:
        board.advance(25_000)
        need_lorawan()
        activation, auth, dr, timeout = parse(args, kwargs, JOIN_ARGS)
        if activation > 1 or activation < 0:
            raise ValueError(f"invalid activation type {activation}")
        if not isinstance(auth, (tuple, list)):
            raise TypeError(f"object '{type(auth).__name__}' isn't a tuple or list")
        if activation == 0:
            if len(auth) == 2:
                dev_eui, app_eui, app_key = (
                    lpwan_mac(board),
                    get_buffer(auth[0]),
                    get_buffer(auth[1]),
                )
            else:
                dev_eui, app_eui, app_key = (get_buffer(a) for a in auth[:3])
            creds: Any = (
                dev_eui[:8].ljust(8, b"\0"),
                app_eui[:8].ljust(8, b"\0"),
                app_key[:16].ljust(16, b"\0"),
            )
        else:
            if len(auth) != 3:
                raise ValueError(f"tuple/list has wrong length (requested 3, got {len(auth)})")
            nwk, app = get_buffer(auth[1]), get_buffer(auth[2])
            creds = (exc.get_int(auth[0]), nwk[:16].ljust(16, b"\0"), app[:16].ljust(16, b"\0"))
        region = LORAWAN_REGIONS.get(modem.config.region)
        join_dr = region.join_dr_default if region is not None else 0
        if dr is not None:
            join_dr = exc.get_int(dr)
            allowed = region.join_drs if region is not None else None
            if allowed is not None and join_dr not in allowed:
                raise ValueError(f"invalid join data rate {join_dr}")
        wait = 0x7FFFFFFF if timeout is None else exc.get_int(timeout)
        send_cmd(Command("join", (activation, creds, join_dr)))
        if wait > 0:
            while not modem.joined and wait >= 0:
                board.sleep_ns(JOIN_WAIT)
                wait -= 50
            if wait <= 0:
                raise TimeoutError("timed out")

    def add_channel(self: Any, *args: Any, **kwargs: Any) -> None:
        index, frequency, dr_min, dr_max = parse(args, kwargs, CHANNEL_ARGS)
        validate_channel(index)
        dr_limit = 4 if modem.config.region in (8, 9) else 6  # lora_validate_data_rate
        if dr_min > dr_max or not 0 <= dr_min <= dr_limit or not 0 <= dr_max <= dr_limit:
            raise ValueError("invalid argument(s) value")
        send_cmd(Command("channel", (True, index, frequency, dr_min, dr_max)))

    def remove_channel(self: Any, index: Any) -> None:
        i = exc.get_int(index)
        validate_channel(i)
        send_cmd(Command("channel", (False, i, 0, 0, 0)))

    def nvram_save(self: Any) -> None:
        board.advance(5_000_000)  # nvs_commit: a flash write
        nvs = _nvs(board)
        if nvs.get("region") != modem.config.region:
            nvs.clear()
        mac = modem.mac_layer
        session = mac.session if mac is not None else None
        nvs["region"] = modem.config.region
        nvs["joined"] = modem.joined
        if session is not None:
            nvs["session"] = Session(**vars(session))
            nvs["mac"] = mac.snapshot()  # E_LORA_NVS_ELE_MAC_PARAMS, _CHANNELS, _CHANNELMASK, ...

    def nvram_restore(self: Any) -> None:
        board.advance(1_000_000)
        nvs = _nvs(board)
        if "joined" not in nvs:
            modem.joined = False
            return
        modem.joined = bool(nvs["joined"])
        if modem.joined:
            if nvs.get("region") == modem.config.region and "session" in nvs:
                nvs["joined"] = False  # cleared until the next nvram_save (TASK_LoRa INIT)
                send_cmd(Command("init", modem.config))
                if modem.mac_layer is not None:
                    session = nvs["session"]
                    snapshot = copy.deepcopy(nvs.get("mac"))
                    send_cmd(Command("restore", (Session(**vars(session)), snapshot)))
            else:
                nvs.clear()
                modem.joined = False

    def nvram_erase(self: Any) -> None:
        board.advance(5_000_000)
        _nvs(board).clear()

    def compliance_test(self: Any, *args: Any) -> Any:
        """lora_compliance_test: the LoRaWAN compliance test's state (lorawan_commands.py runs it)."""
        var_between(args, 1, 4)
        state = modem.__dict__.setdefault("compliance", {})
        if not args:
            return AttrTuple(
                {
                    "enabled": bool(state.get("enabled")),
                    "running": bool(state.get("running")),
                    "state": state.get("state", 0),
                    "tx_confirmed": bool(state.get("tx_confirmed")),
                    "downlink_counter": state.get("downlink_counter", 0),
                    "link_check": bool(state.get("link")),
                    "demod_margin": state.get("margin", 0),
                    "nbr_gateways": state.get("gateways", 0),
                }
            )
        state["enabled"] = bool(args[0])
        if not state["enabled"]:
            state.update(tx_confirmed=False, downlink_counter=0, running=False)
        if len(args) > 1:
            state["state"] = exc.get_int(args[1])
        if len(args) > 2:
            state["link"] = bool(args[2])
        return None

    for fn in (join, add_channel, remove_channel, nvram_save, nvram_restore, nvram_erase,
               compliance_test):  # fmt: skip
        setattr(cls, fn.__name__, fn)
