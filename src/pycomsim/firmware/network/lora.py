"""``network.LoRa`` (esp32/mods/modlora.c, Pycom firmware 1.20.2): the Python side of the LoRa radio.

Argument tables, defaults, validation order and messages follow ``lora_init_helper`` and the
``lora_validate_*`` functions; the object is one per boot (``lora_obj``), so ``LoRa()`` again returns it
and re-initialises only when keyword arguments are given (``lora_make_new``). Every setter sends an
INIT command with the changed configuration, which restarts the radio and clears ``has_joined()``,
as on the board. The task behind it is `lora_modem.Modem`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ... import exc
from ...core.lorawan_regions import REGIONS as LORAWAN_REGIONS
from ..lang.attrtuple import AttrTuple
from .args import BOOL, INT, NULL, Arg, parse, var_between
from .lora_modem import (
    ALWAYS_ON,
    ERROR,
    LORA,
    LORAWAN,
    MS,
    NOINIT,
    REGIONS,
    RX_EVENT,
    SLEEP_MODE,
    TX_EVENT,
    TX_FAILED_EVENT,
    Command,
    Config,
    Modem,
)
from .lorawan_mac import MacLayer
from .lpwan_id import lpwan_mac  # noqa: F401 - also imported from here

if TYPE_CHECKING:
    from ...board import Board

CALL_COST = 25_000  # ns: a LoRa method (argument parsing, a queue operation)
OPERATION_FAILED = "the requested operation failed"
NOT_POSSIBLE = "the requested operation is not possible"
RESOURCE_NA = "resource not available"

INIT_ARGS = (
    Arg("mode", INT, kw_only=True, default=LORA),
    Arg("frequency", kw_only=True),
    Arg("tx_power", kw_only=True),
    Arg("bandwidth", INT, kw_only=True, default=0),
    Arg("sf", INT, kw_only=True, default=7),
    Arg("preamble", INT, kw_only=True, default=8),
    Arg("coding_rate", INT, kw_only=True, default=1),
    Arg("power_mode", INT, kw_only=True, default=ALWAYS_ON),
    Arg("tx_iq", BOOL, kw_only=True, default=False),
    Arg("rx_iq", BOOL, kw_only=True, default=False),
    Arg("adr", BOOL, kw_only=True, default=False),
    Arg("public", BOOL, kw_only=True, default=True),
    Arg("tx_retries", INT, kw_only=True, default=2),
    Arg("device_class", INT, kw_only=True, default=0),
    Arg("region", kw_only=True),
)

# lora_validate_frequency: region -> (low, high) Hz; None: never valid on this board
_FREQ_RANGE = {
    0: (915_000_000, 928_000_000),  # AS923
    1: (915_000_000, 928_000_000),  # AU915
    8: (902_000_000, 928_000_000),  # US915
    9: (902_000_000, 928_000_000),  # US915_HYBRID
    2: (470_000_000, 510_000_000),  # CN470 (LoPy4 only)
    7: (865_000_000, 867_000_000),  # IN865
    4: (433_000_000, 435_000_000),  # EU433 (LoPy4 only)
    5: (863_000_000, 870_000_000),  # EU868
}
# lora_init_helper defaults (CN470 falls through to IN865's 865 MHz: the firmware has no break)
_DEFAULT_FREQ = {0: 923_000_000, 1: 915_000_000, 8: 915_000_000, 9: 915_000_000, 5: 868_000_000}
_DEFAULT_FREQ |= {4: 433_175_000, 2: 865_000_000, 7: 865_000_000}
_DEFAULT_POWER = {0: 20, 1: 20, 8: 20, 7: 20, 9: 20, 2: 14, 5: 14, 4: 12}


def _u8(value: int) -> int:
    return value & 0xFF


def make_lora_class(board: Board) -> type:
    """A LoRa class for one boot of `board` (its one LoRa object lives here)."""
    modem = Modem(board)
    modem.mac_factory = MacLayer
    lopy4 = board.type == "lopy4"
    state: dict[str, Any] = {}

    def validate_region(region: int) -> None:
        allowed = {0, 1, 5, 8, 7} | ({4, 2} if lopy4 else set())
        if region not in allowed:
            raise ValueError(f"invalid region {region}")

    def validate_frequency(region: int, frequency: int) -> None:
        rng = _FREQ_RANGE.get(region)
        if rng is None:
            return
        if region in (2, 4) and not lopy4:
            raise ValueError(f"frequency {frequency} out of range")
        if not rng[0] <= frequency <= rng[1]:
            raise ValueError(f"frequency {frequency} out of range")

    def validate_power(power: int) -> None:
        if not 2 <= _u8(power) <= 20:
            raise ValueError(f"Tx power {_u8(power)} out of range")

    def validate_bandwidth(bw: int) -> None:
        if _u8(bw) > 2:
            raise ValueError(f"bandwidth {_u8(bw)} not supported")

    def validate_sf(sf: int) -> None:
        if not 6 <= _u8(sf) <= 12:
            raise ValueError(f"spreading factor {_u8(sf)} out of range")

    def validate_coding_rate(cr: int) -> None:
        if not 1 <= _u8(cr) <= 4:
            raise ValueError(f"coding rate {_u8(cr)} out of range")

    def validate_power_mode(mode: int) -> None:
        if _u8(mode) > SLEEP_MODE:
            raise ValueError(f"invalid power mode {_u8(mode)}")

    def send_cmd(command: Command) -> None:
        if modem.send_cmd(command) & ERROR:
            raise OSError(OPERATION_FAILED)

    def init_helper(values: list[Any]) -> None:
        (mode, frequency, tx_power, bw, sf, preamble, cr, power_mode, txiq, rxiq, adr, public) = (
            values[:12]
        )
        tx_retries, device_class, region = values[12:]
        if mode > LORAWAN or mode < 0:
            raise ValueError(f"invalid mode {mode}")
        if region is NULL:
            name = getattr(board, "lora_region", "EU868")
            if not name:
                raise ValueError("no region specified and no default found in config block")
            region = REGIONS[name]
        else:
            region = exc.get_int(region)
        validate_region(region)
        if mode == LORAWAN and region not in LORAWAN_REGIONS:
            from .unsimulated import not_simulated

            raise not_simulated(
                f"LoRa LORAWAN mode in region {region} (AS923, AU915, EU868, IN865, US915 only)"
            )
        modem.config = replace(modem.config, region=region)  # "we need to know the region first"
        if frequency is NULL:
            frequency = _DEFAULT_FREQ[region]
        else:
            frequency = exc.get_int(frequency) & 0xFFFFFFFF
            validate_frequency(region, frequency)
        if tx_power is NULL:
            tx_power = _DEFAULT_POWER[region]
        else:
            tx_power = exc.get_int(tx_power)
            validate_power(tx_power)
        validate_bandwidth(bw)
        validate_sf(sf)
        validate_coding_rate(cr)
        validate_power_mode(power_mode)
        if device_class not in (0, 2):  # CLASS_A, CLASS_C (CLASS_B is not implemented)
            raise ValueError(f"invalid device_class {device_class}")
        config = Config(
            stack_mode=mode,
            region=region,
            frequency=frequency,
            tx_power=_u8(tx_power),
            bandwidth=_u8(bw),
            sf=_u8(sf),
            preamble=_u8(preamble),
            coding_rate=_u8(cr),
            power_mode=_u8(power_mode),
            txiq=txiq,
            rxiq=rxiq,
            adr=adr,
            public=public,
            tx_retries=_u8(tx_retries),
            device_class=device_class,
        )
        send_cmd(Command("init", config))

    def reconfigure(**changes: Any) -> None:
        send_cmd(Command("init", replace(modem.config, **changes)))

    class LoRa:
        __slots__ = ()

        def __new__(cls, *args: Any, **kwargs: Any) -> LoRa:
            board.advance(CALL_COST)
            values = parse(args, kwargs, (Arg("id", INT, default=0), *INIT_ARGS))
            if values[0] != 0:
                raise OSError(RESOURCE_NA)
            self = state.get("obj")
            if self is None:
                self = state["obj"] = object.__new__(cls)
            if kwargs or modem.state == NOINIT:
                init_helper(values[1:])
                cls._register(self)  # type: ignore[attr-defined]  # mod_network_register_nic
            return self

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(CALL_COST)
            init_helper(parse(args, kwargs, INIT_ARGS))

        # ---- getters and setters ----
        def _get_set(self, args: tuple, field: str, check: Any = None) -> Any:
            var_between(args, 1, 2)
            board.advance(CALL_COST)
            if not args:
                return getattr(modem.config, field)
            value = exc.get_int(args[0])
            if check is not None:
                check(value)
            reconfigure(**{field: value & (0xFFFFFFFF if field == "frequency" else 0xFF)})
            return None

        def tx_power(self, *args: Any) -> Any:
            return self._get_set(args, "tx_power", validate_power)

        def coding_rate(self, *args: Any) -> Any:
            return self._get_set(args, "coding_rate", validate_coding_rate)

        def preamble(self, *args: Any) -> Any:
            return self._get_set(args, "preamble")

        def bandwidth(self, *args: Any) -> Any:
            return self._get_set(args, "bandwidth", validate_bandwidth)

        def frequency(self, *args: Any) -> Any:
            return self._get_set(
                args, "frequency", lambda f: validate_frequency(modem.config.region, f)
            )

        def sf(self, *args: Any) -> Any:
            return self._get_set(args, "sf", validate_sf)

        def power_mode(self, *args: Any) -> Any:
            var_between(args, 1, 2)
            board.advance(CALL_COST)
            if not args:
                return modem.config.power_mode
            mode = exc.get_int(args[0])
            validate_power_mode(mode)
            modem.config = replace(modem.config, power_mode=_u8(mode))
            send_cmd(Command("wake" if _u8(mode) == ALWAYS_ON else "sleep"))
            return None

        # ---- state ----
        def stats(self) -> AttrTuple:
            board.advance(CALL_COST)
            st = modem.stats
            raw = st.snr & 0xFF
            snr = -float(((~raw + 1) & 0xFF) // 4) if raw & 0x80 else float(raw // 4)
            return AttrTuple(
                {
                    "rx_timestamp": st.rx_timestamp,
                    "rssi": st.rssi,
                    "snr": snr,
                    "sfrx": st.sfrx,
                    "sftx": st.sftx,
                    "tx_trials": st.tx_trials,
                    "tx_power": modem.config.tx_power if st.tx_power is None else st.tx_power,
                    "tx_time_on_air": st.tx_time_on_air,
                    "tx_counter": st.tx_counter,
                    "tx_frequency": st.tx_frequency,
                }
            )

        def has_joined(self) -> bool:
            board.advance(CALL_COST)
            return modem.joined

        def mac(self) -> bytes:
            board.advance(CALL_COST)
            return lpwan_mac(board)

        def events(self) -> int:
            board.advance(CALL_COST)
            events, modem.events = modem.events, 0
            return events

        def callback(self, *args: Any, **kwargs: Any) -> None:
            board.advance(CALL_COST)
            table = (
                Arg("trigger", required=True),
                Arg("handler", default=None),
                Arg("arg", default=None),
            )
            trigger, handler, arg = parse(args, kwargs, table)
            if trigger is not None and handler is not None:
                modem.trigger = exc.get_int(trigger)
                modem.handler = handler
                modem.handler_arg = self if arg is None else arg
            else:
                modem.trigger = 0
                modem.handler = None
                modem.handler_arg = None

        def ischannel_free(self, rssi: Any, time_ms: Any) -> bool:
            """SX1276IsChannelFree: receive mode, 1 ms settle, then one RSSI read a ms; the radio
            sleeps afterwards (the firmware leaves it so until the next RX setup)."""
            threshold = exc.get_int(rssi)
            left = exc.get_int(time_ms)
            board.advance(CALL_COST)
            trx = modem.trx
            free = True
            board.sleep_ns(MS)
            while True:
                if trx.channel_rssi(board.now) > threshold:
                    free = False
                    break
                board.sleep_ns(MS)
                left -= 1
                if left <= 0:
                    break
            trx.listen(False, board.now)
            return free

        def airtime(self, pack_len: Any) -> int:
            from ...sim.radio import time_on_air_ms

            c = modem.config
            n = exc.get_int(pack_len)
            return time_on_air_ms(n, c.sf, c.bandwidth, c.coding_rate, c.preamble)

        def set_battery_level(self, level: Any) -> None:
            """BoardSetBatteryLevel: what a DevStatusAns reports (255: not measured)."""
            modem.battery = exc.get_int(level) & 0xFF  # one per boot, as the C static

        def __repr__(self) -> str:
            return "<LoRa>"

    LoRa.__module__ = "builtins"
    constants = {
        "LORA": LORA,
        "LORAWAN": LORAWAN,
        "OTAA": 0,
        "ABP": 1,
        "ALWAYS_ON": 0,
        "TX_ONLY": 1,
        "SLEEP": 2,
        "BW_125KHZ": 0,
        "BW_250KHZ": 1,
        "BW_500KHZ": 2,
        "CODING_4_5": 1,
        "CODING_4_6": 2,
        "CODING_4_7": 3,
        "CODING_4_8": 4,
        "RX_PACKET_EVENT": RX_EVENT,
        "TX_PACKET_EVENT": TX_EVENT,
        "TX_FAILED_EVENT": TX_FAILED_EVENT,
        "CLASS_A": 0,
        "CLASS_C": 2,
        "timeout": TimeoutError,
    }
    # lora_locals_dict_table lists CN470, IN865 and EU433 for every LoRa board
    for name in ("AS923", "AU915", "EU868", "US915", "CN470", "IN865", "EU433"):
        constants[name] = REGIONS[name]
    for name, value in constants.items():
        setattr(LoRa, name, value)
    LoRa._modem = modem  # type: ignore[attr-defined]  # for the socket layer
    from .lorawan_api import add_lorawan_methods

    add_lorawan_methods(LoRa, board, modem, send_cmd)
    return LoRa
