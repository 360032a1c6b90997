"""One board as the page sees it: its pins' names, a live snapshot, and what the page may do to it.

Everything goes through the board's public API (`pin_states()`, `pin()`, the expansion board's parts,
`pycom.colour`, the interrupt task's counters, a probe part per driven pin). Runs on the simulator's thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..sim.analog import Potentiometer
from ..sim.parts import Probe
from ..sim.quantity import Quantity
from .protocol import ProtocolError

if TYPE_CHECKING:
    from ..board import Board


class BoardPanel:
    def __init__(self, board: Board) -> None:
        self.board = board
        self.name = board.name
        static = board.pin_states()
        self.pins_static = [
            {k: s[k] for k in ("name", "exp_name", "input_only", "rtc")} for s in static
        ]
        # P and G names -> the module name
        self.module_name = {s["name"]: s["name"] for s in static}
        self.module_name.update({s["exp_name"]: s["name"] for s in static})
        self.pin_names = frozenset(self.module_name)
        self.probes: dict[str, Probe] = {}
        self.output_seen = 0

    @property
    def expansion(self) -> Any:
        return getattr(self.board, "expansion_board", None)

    def hello(self) -> dict[str, Any]:
        board = self.board
        return {
            "name": board.name,
            "board_type": board.type,
            "sysname": board.spec.sysname,
            "pins": self.pins_static,
            "expansion": self.expansion is not None,
        }

    def press_button(self, pressed: bool) -> None:
        """The expansion board's user button, as a finger does it (the part adds the bounce)."""
        exp = self.expansion
        if exp is None:
            raise ProtocolError(f"board {self.name!r} has no expansion board, so no user button")
        if pressed:
            exp.button.press()
        else:
            exp.button.release()

    def drive(self, pin_name: str, level: str) -> None:
        """Drive a pad from the page like a lab probe: strongly high or low, or let it go."""
        name = self.module_name.get(pin_name)
        if name is None or level not in Probe.LEVELS:
            raise ProtocolError(f"cannot drive {pin_name!r} {level!r} on {self.name!r}")
        probe = self.probes.get(name)
        if probe is None:
            probe = self.probes[name] = Probe(self.board, name)
        probe.drive(level)

    def new_output(self) -> str:
        output = self.board.output
        text = output[self.output_seen :]
        self.output_seen = len(output)
        return text

    def snapshot(self) -> dict[str, Any]:
        board, exp = self.board, self.expansion
        pins = board.pin_states()
        for state in pins:
            probe = self.probes.get(state["name"])
            state["driven"] = None if probe is None else probe.level
            for key in ("exp_name", "input_only", "rtc"):
                del state[key]  # static: sent once in hello
        return {
            "pins": pins,
            "led": None if exp is None else bool(exp.led.on),
            "button": None if exp is None else bool(exp.button.pressed),
            "rgb": board.pycom.colour,
            "finished": board.finished and not board.busy(),
            "irq": {
                "alive": board.irq.alive,
                "runs": board.irq.runs,
                "dropped": board.irq.dropped,
                "queued": len(board.irq.queue),
            },
            "signals": signals_snapshot(board),
            "parts": parts_snapshot(board),
        }

    def set_analog(self, pin_name: str, volts: float) -> None:
        """Turn the potentiometer on `pin_name` (a slider on the page)."""
        name = self.module_name.get(pin_name)
        source = self.board.world.__dict__.get("analog_sources", {}).get(f"{self.name}.{name}")
        if not isinstance(source, Potentiometer):
            raise ProtocolError(f"no potentiometer on {pin_name!r} of {self.name!r}")
        try:
            source.set(volts)
        except ValueError as error:
            raise ProtocolError(f"analog: {error}") from None

    def set_part(self, index: int, quantity: str, value: float) -> None:
        """Set a part's value from the page (a field per value on the page)."""
        parts = self.board.added_parts
        if not 0 <= index < len(parts):
            raise ProtocolError(f"part: no part #{index} on {self.name!r}")
        found = part_quantities(parts[index]).get(quantity)
        if found is None:
            raise ProtocolError(f"part: {part_name(parts[index])!r} has no value {quantity!r}")
        try:
            found.set(value)
        except ValueError as error:
            raise ProtocolError(f"part: {error}") from None


def part_quantities(part: Any) -> dict[str, Quantity]:
    """The values a part reports (its Quantity attributes: humidity, distance, ...)."""
    return {k: v for k, v in vars(part).items() if isinstance(v, Quantity)}


def part_name(part: Any) -> str:
    return str(getattr(part, "name", type(part).__name__))


def parts_snapshot(board: Board) -> list[dict[str, Any]]:
    """Each catalogue part on the board with its values now, for the page's fields."""
    now = board.kernel.now
    return [
        {
            "index": i,
            "kind": getattr(part, "kind", type(part).__name__),
            "name": part_name(part),
            "values": [
                {"name": name, "unit": q.unit, "value": round(q.at(now), 4), "spec": q.description}
                for name, q in part_quantities(part).items()
            ],
        }
        for i, part in enumerate(board.added_parts)
    ]


def part_event_text(event: Any) -> str:
    """A part's event for the page's log: `dht22 on P11: read (40.5, 21.0)`."""
    detail = event.detail
    if isinstance(detail, tuple) and len(detail) == 3:
        name, what, value = detail
        return f"{name}: {what} {value}"
    return f"{event.kind} {detail}"


def signals_snapshot(board: Board) -> dict[str, Any]:
    """PWM outputs (frequency, duty) by pin, each UART's last bytes, and the analog sources."""
    ledc = getattr(board, "ledc", None)
    uarts = getattr(getattr(board.machine, "UART", None), "_objects", {})
    ports = {}
    for uart_id, uart in sorted(uarts.items()):
        hw = uart._hw
        if hw.fmt is None and not hw.recent_tx and not hw.recent_rx:
            continue
        ports[str(uart_id)] = {
            "baudrate": None if hw.fmt is None else hw.fmt.baudrate,
            "tx": bytes(hw.recent_tx).hex(" "),
            "rx": bytes(hw.recent_rx).hex(" "),
        }
    analog = []
    prefix = f"{board.name}."
    now = board.kernel.now
    for key, source in board.world.__dict__.get("analog_sources", {}).items():
        if isinstance(key, str) and key.startswith(prefix) and source.active:
            analog.append(
                {
                    "pin": key[len(prefix) :],
                    "name": source.name,
                    "volts": round(source.voltage(now), 4),
                    "settable": isinstance(source, Potentiometer),
                }
            )
    return {"pwm": ledc.pin_states() if ledc is not None else {}, "uart": ports, "analog": analog}
