"""Scenario files: several boards, the wires between them, parts and stimuli, and the run length, in TOML.

`load_scenario("bench.toml")` builds a World and returns a `Scenario`; `pycomsim run --scenario FILE`
runs it. The format is documented with a complete example in docs/scenario.md. Every error names the
file, the key and the problem (a ScenarioError, a UsageError: exit 2 on the CLI, no traceback).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .exc import UsageError
from .scenario_set import apply_setting
from .units import parse_duration

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TOP_KEYS = {
    "until",
    "strict",
    "boards",
    "wires",
    "buttons",
    "leds",
    "pulls",
    "generators",
    "levels",
    "serial",
    "analog",
    "radio",
    "cpu",
    "lorawan",
    "wlan",
    "hosts",
    "part",
}
BOARD_KEYS = {
    "type",
    "script",
    "seed",
    "expansion",
    "position",
    "lora_region",
    "cpu",
    "temperature",
}
RADIO_KEYS = {"seed", "path_loss_exponent", "fading_db", "capture_db"}
LORAWAN_KEYS = {"gateway", "devices"}
DEVICE_KEYS = {"board", "dev_eui", "app_eui", "app_key", "dev_addr", "nwk_skey", "app_skey"}
DEVICE_KEYS |= {"downlinks", "region"}
DOWNLINK_KEYS = {"port", "payload", "confirmed", "window"}
AP_KEYS = {"ssid", "key", "auth", "channel", "rssi", "bssid"}
PART_KEYS = {
    "buttons": ({"pin"}, {"name", "bounce", "presses"}),
    "leds": ({"pin"}, {"name", "active_low"}),
    "pulls": ({"pin"}, {"up"}),
    "generators": ({"pin", "freq"}, {"duty", "start", "stop", "open_drain", "name"}),
    "levels": ({"pin", "levels"}, {"open_drain", "name"}),
    # pin: the board pin the device drives (the board's RX); listen: the board pin it reads (its TX)
    "serial": (
        {"pin"},
        {"listen", "baudrate", "bits", "parity", "stop", "name", "send", "replies"},
    ),
    "analog": (
        {"pin"},
        {
            "volts",
            "potentiometer",
            "shape",
            "freq",
            "low",
            "high",
            "sample",
            "levels",
            "csv",
            "name",
        },
    ),
}
PRESS_KEYS = {"at", "hold"}
# [[part]]: a part from the catalogue (sim/part_catalogue.py); board: for parts without pins
CATALOGUE_PART_KEYS = {"kind", "pins", "pin", "options", "board"}
# The type of every key whose type is fixed: a wrong one is an error naming file, key and value
# (TOML has real booleans: "no" is a string, not false). Durations (int of ns or '20ms') and the
# keys other modules check themselves are not listed.
_NUMBER = (int, float)
FIELD_TYPES: dict[str, dict[str, Any]] = {
    "boards": {"type": str, "script": str, "seed": int, "expansion": bool, "lora_region": str},
    "buttons": {"pin": str, "name": str, "presses": list},
    "leds": {"pin": str, "name": str, "active_low": bool},
    "pulls": {"pin": str, "up": bool},
    "generators": {"pin": str, "freq": _NUMBER, "duty": _NUMBER, "open_drain": bool, "name": str},
    "levels": {"pin": str, "levels": list, "open_drain": bool, "name": str},
    "serial": {"pin": str, "listen": str, "name": str},
}
_TYPE_WORDS = {str: "a string", int: "an integer", bool: "true or false", list: "a list"}
BOARD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class ScenarioError(UsageError):
    """A bad scenario file: the message names the file, the key and the problem."""


@dataclass
class Scenario:
    path: Path
    world: Any  # World
    boards: dict[str, Any]  # name -> Board
    until: int | None = None  # ns, None: until every board is idle
    parts: list[Any] = field(default_factory=list)

    def run(self, until: int | str | None = None) -> int:
        """Run to `until` (default: the file's `until`); returns the virtual time reached."""
        return self.world.run(until=until if until is not None else self.until)


def load_scenario(
    path: str | Path,
    *,
    strict: bool | None = None,
    stdout: Any = None,
    stderr: Any = None,
    settings: Iterable[tuple[str, Any]] = (),
    cpu: Any = None,
) -> Scenario:
    """Read `path` and build its world: boards loaded with their scripts, wires, parts and stimuli.
    `strict` overrides the file's `strict` when given; `settings` are (dotted key, value) changes to
    the file's values first (`--set`, sweeps: scenario_set.py); `cpu` overrides every board's cpu."""
    path = Path(path)
    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(f"{where}: cannot read the scenario file: {error.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{where}: not a UTF-8 text file") from None
    except RecursionError:
        raise ScenarioError(f"{where}: invalid TOML: tables or arrays nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{where}: invalid TOML: {error}") from None
    for key, value in settings:
        try:
            apply_setting(data, key, value)
        except ValueError as error:
            raise ScenarioError(f"{where}: {error}") from None
    return _Builder(path, data).build(strict=strict, stdout=stdout, stderr=stderr, cpu=cpu)


class _Builder:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, key: str, problem: str) -> ScenarioError:
        return ScenarioError(f"{self.path}: {key}: {problem}")

    def check(self, key: str, fn: Callable[[], Any]) -> Any:
        """Run `fn`, turning our own ValueErrors (durations, pins, ...) into errors naming `key`."""
        try:
            return fn()
        except ScenarioError:
            raise
        except (ValueError, TypeError, FileNotFoundError) as error:
            raise self.fail(key, str(error)) from None

    def types(self, key: str, table: dict, section: str) -> None:
        """Every key of `table` with a fixed type (FIELD_TYPES) has it; strings hold no NUL."""
        for name, expected in FIELD_TYPES.get(section, {}).items():
            if name not in table:
                continue
            value = table[name]
            wanted = expected if isinstance(expected, tuple) else (expected,)
            is_bool = isinstance(value, bool)
            if not isinstance(value, wanted) or (is_bool and bool not in wanted):
                words = " or ".join(_TYPE_WORDS.get(t, "a number") for t in wanted)
                if wanted == _NUMBER:
                    words = "a number"
                raise self.fail(f"{key}.{name}", f"expected {words}, got {_short(value)}")
            if isinstance(value, str) and "\x00" in value:
                raise self.fail(f"{key}.{name}", f"a null byte in {_short(value)}")

    def keys(self, key: str, table: Any, required: set[str], optional: set[str]) -> dict:
        if not isinstance(table, dict):
            raise self.fail(key, f"expected a table, got {_kind(table)}")
        unknown = sorted(set(table) - required - optional)
        if unknown:
            allowed = ", ".join(sorted(required | optional))
            raise self.fail(
                f"{key}.{unknown[0]}" if key else unknown[0], f"unknown key (allowed: {allowed})"
            )
        missing = sorted(required - set(table))
        if missing:
            raise self.fail(key, f"missing key {missing[0]!r}")
        return table

    def build(self, *, strict: bool | None, stdout: Any, stderr: Any, cpu: Any = None) -> Scenario:
        from .board import Board
        from .sim.world import World

        data = self.keys("", self.data, {"boards"}, TOP_KEYS - {"boards"})
        file_strict = data.get("strict", False)
        if not isinstance(file_strict, bool):
            raise self.fail("strict", f"expected true or false, got {file_strict!r}")
        until = None
        if "until" in data:
            until = self.check("until", lambda: parse_duration(data["until"], "until"))
        boards_table = data["boards"]
        if not isinstance(boards_table, dict) or not boards_table:
            raise self.fail("boards", "expected at least one [boards.NAME] table")
        file_cpu = self.cpu("cpu", data["cpu"]) if "cpu" in data else None
        world = World(strict=file_strict if strict is None else strict, stderr=stderr)
        boards: dict[str, Any] = {}
        programs: dict[str, Path] = {}
        for name, spec in boards_table.items():
            key = f"boards.{name}"
            if not BOARD_NAME.match(name):
                raise self.fail(key, "a board name is letters, digits, '_' or '-' (no dots)")
            spec = self.keys(key, spec, set(), BOARD_KEYS)
            self.types(key, spec, "boards")
            seed = spec.get("seed", 0)
            if not isinstance(seed, int) or isinstance(seed, bool):
                raise self.fail(f"{key}.seed", f"expected an integer, got {seed!r}")
            expansion = spec.get("expansion", True)
            if not isinstance(expansion, bool):
                raise self.fail(f"{key}.expansion", f"expected true or false, got {expansion!r}")
            board_type = spec.get("type", "lopy4")
            board_cpu = self.cpu(f"{key}.cpu", spec["cpu"]) if "cpu" in spec else file_cpu
            board_cpu = cpu if cpu is not None else board_cpu
            boards[name] = self.check(
                f"{key}.type",
                lambda t=board_type, s=seed, n=name, e=expansion, c=board_cpu: Board(
                    t, seed=s, name=n, expansion=e, world=world, stdout=stdout, cpu=c
                ),
            )
            if "temperature" in spec:  # degrees Celsius, what machine.temperature() reads
                self.check(
                    f"{key}.temperature",
                    lambda b=boards[name], c=spec["temperature"]: setattr(b, "temperature", c),
                )
            if "script" in spec:
                script = spec["script"]
                if not isinstance(script, str):
                    raise self.fail(f"{key}.script", f"expected a file name, got {script!r}")
                script_path = (self.path.parent / script).resolve()
                if not script_path.is_file():
                    raise self.fail(f"{key}.script", f"script not found: {script_path}")
                programs[name] = script_path
        self.world = world
        self.single = len(boards) == 1
        for name, spec in boards_table.items():
            self.board_network(f"boards.{name}", boards[name], spec)
        self.radio(data.get("radio", {}))
        if "lorawan" in data:
            self.lorawan(data["lorawan"])
        if "wlan" in data or "hosts" in data:
            self.ip(data.get("wlan", {}), data.get("hosts", {}))
        self.wires(data.get("wires", {}))
        parts = self.parts(data)
        parts += self.catalogue_parts(data.get("part", []))
        for name, script_path in programs.items():
            boards[name].load(script_path)
        return Scenario(self.path, world, boards, until, parts)

    # ---- network ----
    def board_network(self, key: str, board: Any, spec: dict) -> None:
        if "position" in spec:
            pos = spec["position"]
            if (
                not isinstance(pos, list)
                or not 1 <= len(pos) <= 3
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos)
            ):
                raise self.fail(
                    f"{key}.position", f"expected [x, y] or [x, y, z] in metres, got {pos!r}"
                )
            self.world.radio.place(board.name, *pos)
        if "lora_region" in spec:
            from .firmware.network.lora_modem import REGIONS

            region = spec["lora_region"]
            if region != "" and region not in REGIONS:
                known = ", ".join(REGIONS)
                raise self.fail(
                    f"{key}.lora_region", f'unknown region {region!r} (known: {known}, or "")'
                )
            board.lora_region = region

    def radio(self, table: Any) -> None:
        table = self.keys("radio", table, set(), RADIO_KEYS)
        radio = self.world.radio
        if "seed" in table:
            seed = table["seed"]
            if not isinstance(seed, int) or isinstance(seed, bool):
                raise self.fail("radio.seed", f"expected an integer, got {seed!r}")
            radio.rng.seed(seed)
        for name, attr in (
            ("path_loss_exponent", "path_loss_exponent"),
            ("fading_db", "fading_sigma_db"),
            ("capture_db", "capture_db"),
        ):
            if name in table:
                value = table[name]
                if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                    raise self.fail(f"radio.{name}", f"expected a number >= 0, got {value!r}")
                setattr(radio, attr, float(value))

    def cpu(self, key: str, value: Any) -> Any:
        """'board', 'free' or a positive factor (core/cpu.py)."""
        from .core.cpu import cpu_model

        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(key, f"expected 'board', 'free' or a positive factor, got {value!r}")
        return self.check(key, lambda: cpu_model(value))

    def ip(self, wlan: Any, hosts: Any) -> None:
        """[[wlan.aps]] access points and [hosts] mappings (sim/ipnet.py)."""
        wlan = self.keys("wlan", wlan, set(), {"aps"})
        net = self.world.ipnet
        aps = wlan.get("aps", [])
        if not isinstance(aps, list):
            raise self.fail("wlan.aps", "expected [[wlan.aps]] tables")
        for i, entry in enumerate(aps):
            key = f"wlan.aps[{i}]"
            entry = self.keys(key, entry, {"ssid"}, AP_KEYS - {"ssid"})
            self.check(key, lambda e=entry: net.add_ap(
                str(e["ssid"]), str(e.get("key", "")), auth=e.get("auth"),
                channel=int(e.get("channel", 6)), rssi=int(e.get("rssi", -55)),
                bssid=e.get("bssid")))  # fmt: skip
        if not isinstance(hosts, dict):
            raise self.fail("hosts", 'expected a table of "name:port" = "127.0.0.1:port"')
        for source, target in hosts.items():
            self.check(f'hosts."{source}"', lambda s=source, t=target: net.map_host(s, t))

    def lorawan(self, table: Any) -> None:
        """[lorawan]: the gateway's position and the devices the network server knows."""
        table = self.keys("lorawan", table, set(), LORAWAN_KEYS)
        server = self.world.lorawan
        if "gateway" in table:
            pos = table["gateway"]
            if not isinstance(pos, list) or not 1 <= len(pos) <= 3:
                raise self.fail("lorawan.gateway", f"expected [x, y] in metres, got {pos!r}")
            self.check("lorawan.gateway", lambda: server.place_gateway(*map(float, pos)))
        devices = table.get("devices", [])
        if not isinstance(devices, list):
            raise self.fail("lorawan.devices", "expected [[lorawan.devices]] tables")
        for i, entry in enumerate(devices):
            key = f"lorawan.devices[{i}]"
            entry = self.keys(key, entry, set(), DEVICE_KEYS)
            dev_eui = entry.get("dev_eui")
            if "board" in entry:
                from .firmware.network.lora import lpwan_mac

                board = self.world.boards.get(entry["board"])
                if board is None:
                    raise self.fail(f"{key}.board", f"unknown board {entry['board']!r}")
                dev_eui = lpwan_mac(board).hex()
            if "app_key" in entry:
                if dev_eui is None:
                    raise self.fail(key, "an OTAA device needs 'board' or 'dev_eui'")
                dev = self.check(key, lambda e=entry, d=dev_eui: server.add_otaa(
                    d, e.get("app_eui", "0000000000000000"), e["app_key"],
                    e.get("region")))  # fmt: skip
            elif "dev_addr" in entry:
                addr = entry["dev_addr"]
                if isinstance(addr, str):
                    addr = self.check(f"{key}.dev_addr", lambda a=addr: int(a, 16))
                dev = self.check(key, lambda e=entry, a=addr, d=dev_eui: server.add_abp(
                    a, e.get("nwk_skey", ""), e.get("app_skey", ""), d,
                    e.get("region")))  # fmt: skip
            else:
                raise self.fail(key, "expected 'app_key' (OTAA) or 'dev_addr' (ABP)")
            for j, down in enumerate(entry.get("downlinks", [])):
                dkey = f"{key}.downlinks[{j}]"
                down = self.keys(dkey, down, {"port", "payload"}, DOWNLINK_KEYS)
                payload = down["payload"]
                payload = payload.encode() if isinstance(payload, str) else bytes(payload)
                self.check(dkey, lambda d=down, p=payload, dv=dev: server.send_downlink(
                    dv.dev_eui, d["port"], p, confirmed=bool(d.get("confirmed", False)),
                    window=d.get("window", 1)))  # fmt: skip

    # ---- pins, wires, parts ----
    def pin(self, key: str, ref: Any) -> tuple[Any, Any]:
        """'board.P9' (or 'P9' when there is one board) -> (board, pin)."""
        if not isinstance(ref, str):
            raise self.fail(key, f"expected a pin like 'a.P9', got {ref!r}")
        board_name, dot, pin_name = ref.rpartition(".")
        if not dot and not self.single:
            raise self.fail(key, f"pin {ref!r} needs a board name, e.g. 'a.{ref}'")
        if dot and board_name not in self.world.boards:
            known = ", ".join(self.world.boards)
            raise self.fail(key, f"unknown board {board_name!r} in {ref!r} (boards: {known})")
        board = self.world.boards[board_name] if dot else next(iter(self.world.boards.values()))
        pin = self.check(key, lambda: board.pad(pin_name))
        return board, pin

    def wires(self, table: Any) -> None:
        if not isinstance(table, dict):
            raise self.fail("wires", f'expected a table of "a.P9" = "b.P10", got {_kind(table)}')
        for left, rights in table.items():
            key = f'wires."{left}"'
            _, a = self.pin(key, left)
            for right in rights if isinstance(rights, list) else [rights]:
                _, b = self.pin(key, right)
                if a is b:
                    raise self.fail(key, f"pin {left!r} is wired to itself")
                self.check(key, lambda a=a, b=b: self.world.wire(a, b))

    def parts(self, data: dict[str, Any]) -> list[Any]:
        made: list[Any] = []
        for section, (required, optional) in PART_KEYS.items():
            entries = data.get(section, [])
            if not isinstance(entries, list):
                raise self.fail(section, f"expected [[{section}]] tables, got {_kind(entries)}")
            for i, entry in enumerate(entries):
                key = f"{section}[{i}]"
                entry = self.keys(key, entry, required, optional)
                self.types(key, entry, section)
                board, pin = self.pin(f"{key}.pin", entry["pin"])
                made.append(getattr(self, "make_" + section)(key, board, pin.name, entry))
        return made

    def catalogue_parts(self, entries: Any) -> list[Any]:
        """[[part]] tables: kind, pins (or pin), options, and board for a part without pins."""
        if not isinstance(entries, list):
            raise self.fail("part", f"expected [[part]] tables, got {_kind(entries)}")
        made = []
        for i, entry in enumerate(entries):
            key = f"part[{i}]"
            entry = self.keys(key, entry, {"kind"}, CATALOGUE_PART_KEYS - {"kind"})
            if "pin" in entry and "pins" in entry:
                raise self.fail(key, "give pin or pins, not both")
            refs = entry.get("pins", entry.get("pin", []))
            pkey = f"{key}.{'pins' if 'pins' in entry else 'pin'}"
            refs = [refs] if isinstance(refs, str) else refs
            if not isinstance(refs, list):
                raise self.fail(pkey, f"expected a list of pins like ['P20', 'P21'], got {refs!r}")
            options = entry.get("options", {})
            if not isinstance(options, dict):
                raise self.fail(f"{key}.options", f"expected a table, got {_kind(options)}")
            board = None
            if "board" in entry:
                board = self.world.boards.get(entry["board"])
                if board is None:
                    known = ", ".join(self.world.boards)
                    raise self.fail(
                        f"{key}.board", f"unknown board {entry['board']!r} (boards: {known})"
                    )
            pins = []
            for j, ref in enumerate(refs):
                pin_board, pad = self.pin(f"{pkey}[{j}]", ref)
                if board is not None and pin_board is not board:
                    raise self.fail(f"{pkey}[{j}]", f"pin {ref!r} is not on board {board.name!r}")
                board = pin_board
                pins.append(pad.name)
            if board is None:
                if not self.single:
                    raise self.fail(key, "a part without pins needs board = 'NAME'")
                board = next(iter(self.world.boards.values()))
            made.append(self.catalogue_part(key, board, entry["kind"], pins, options))
        return made

    def catalogue_part(self, key: str, board: Any, kind: Any, pins: list, options: dict) -> Any:
        """One part through board.add_part; an error names the option when it is one."""
        from .sim.part_catalogue import part_kind

        registered = self.check(f"{key}.kind", lambda: part_kind(kind))
        unknown = sorted(set(options) - set(registered.options))
        if unknown:
            allowed = ", ".join(registered.options) or "none"
            raise self.fail(
                f"{key}.options.{unknown[0]}",
                f"unknown option for part {kind!r} (options: {allowed})",
            )
        try:
            return board.add_part(kind, *pins, **options)
        except (ValueError, TypeError) as error:
            name = _option_named(str(error), options)
            raise self.fail(f"{key}.options.{name}" if name else key, str(error)) from None

    def make_buttons(self, key: str, board: Any, pin: str, entry: dict) -> Any:
        options = {k: entry[k] for k in ("name", "bounce") if k in entry}
        button = self.check(key, lambda: board.button(pin, **options))
        presses = entry.get("presses", [])
        if not isinstance(presses, list):
            raise self.fail(
                f"{key}.presses", "expected a list like [{at = '100ms', hold = '50ms'}]"
            )
        for j, press in enumerate(presses):
            pkey = f"{key}.presses[{j}]"
            press = self.keys(pkey, press, {"at"}, PRESS_KEYS - {"at"})
            for name in press:
                self.check(f"{pkey}.{name}", lambda v=press[name], n=name: parse_duration(v, n))
            button.press(at=press["at"], hold=press.get("hold"))
        return button

    def make_leds(self, key: str, board: Any, pin: str, entry: dict) -> Any:
        from .sim.parts import Led

        options = {k: entry[k] for k in ("name", "active_low") if k in entry}
        return self.check(key, lambda: Led(board, pin, **options))

    def make_pulls(self, key: str, board: Any, pin: str, entry: dict) -> Any:
        up = entry.get("up", True)
        if not isinstance(up, bool):
            raise self.fail(f"{key}.up", f"expected true (to 3V3) or false (to GND), got {up!r}")
        return board.pull(pin, up=up)

    def make_generators(self, key: str, board: Any, pin: str, entry: dict) -> Any:
        options = {
            k: entry[k] for k in ("duty", "start", "stop", "open_drain", "name") if k in entry
        }
        return self.check(key, lambda: board.generator(pin, freq=entry["freq"], **options))

    def make_levels(self, key: str, board: Any, pin: str, entry: dict) -> Any:
        options = {k: entry[k] for k in ("open_drain", "name") if k in entry}
        return self.check(key, lambda: board.levels(pin, entry["levels"], **options))

    def make_serial(self, key: str, board: Any, pin: str, entry: dict) -> Any:
        options = {
            k: entry[k] for k in ("baudrate", "bits", "parity", "stop", "name") if k in entry
        }
        listen = None
        if "listen" in entry:
            listen_board, listen_pin = self.pin(f"{key}.listen", entry["listen"])
            if listen_board is not board:
                raise self.fail(f"{key}.listen", "must be a pin of the same board as pin")
            listen = listen_pin.name
        device = self.check(key, lambda: board.serial_device(drive=pin, listen=listen, **options))
        sends = entry.get("send", [])
        if not isinstance(sends, list):
            raise self.fail(
                f"{key}.send", "expected a list like [{at = '10ms', data = 'AT\\r\\n'}]"
            )
        for j, item in enumerate(sends):
            skey = f"{key}.send[{j}]"
            item = self.keys(skey, item, {"data"}, {"at"})
            self.check(skey, lambda item=item: device.send(item["data"], at=item.get("at", 0)))
        replies = entry.get("replies", [])
        if not isinstance(replies, list):
            raise self.fail(f"{key}.replies", "expected a list like [{match = 'AT', reply = 'OK'}]")
        for j, item in enumerate(replies):
            rkey = f"{key}.replies[{j}]"
            item = self.keys(rkey, item, {"match", "reply"}, {"delay"})
            self.check(
                rkey,
                lambda item=item: device.reply(item["match"], item["reply"], item.get("delay", 0)),
            )
        return device

    def make_analog(self, key: str, board: Any, pin: str, entry: dict) -> Any:
        name = {"name": entry["name"]} if "name" in entry else {}
        kinds = [k for k in ("volts", "potentiometer", "shape", "levels", "csv") if k in entry]
        if len(kinds) != 1:
            raise self.fail(key, "give one of volts, potentiometer, shape, levels or csv")
        kind = kinds[0]
        if kind == "volts":
            return self.check(key, lambda: board.analog(pin, entry["volts"], **name))
        if kind == "potentiometer":
            return self.check(key, lambda: board.potentiometer(pin, entry["potentiometer"], **name))
        if kind == "levels":
            return self.check(
                key, lambda: board.waveform(pin, "steps", levels=entry["levels"], **name)
            )
        if kind == "csv":
            csv_path = self.path.parent / str(entry["csv"])
            return self.check(key, lambda: board.analog_csv(pin, csv_path, **name))
        options = {k: entry[k] for k in ("freq", "low", "high", "sample") if k in entry}
        return self.check(key, lambda: board.waveform(pin, entry["shape"], **options, **name))


def _option_named(message: str, options: dict) -> str | None:
    """The option a part's error message is about ("bad humidity 120: ..."), if one is."""
    for name in options:
        if re.search(rf"\b{re.escape(name)}\b", message):
            return name
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:50] + "..."


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string"}.get(type(value), repr(value))
