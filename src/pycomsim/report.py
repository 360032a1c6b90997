"""The run summary: what `pycomsim run` says on stderr at the end (text, or one JSON object)."""

from __future__ import annotations

from typing import Any

from .firmware.loader import board_language_gate
from .sim.world import World
from .units import format_ns


def edges_per_pin(world: World, end: int | None = None) -> dict[str, int]:
    """Level changes per pad signal up to `end` (the initial level is not an edge)."""
    single = len(world.boards) == 1
    counts = {}
    for key, trace in world.recorder.traces.items():
        n = trace.total()  # spilled words count too
        if end is not None:
            i = len(trace)
            while i and trace[i - 1] >> 2 > end:  # changes a busy board made past the end
                i -= 1
                n -= 1
        if n > 1:
            counts[key.partition(".")[2] if single else key] = n - 1
    return counts


def summary(
    world: World, *, wall_s: float, status: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    from .sim.trace import end_time

    boards = world.boards.values()
    virtual_ns = end_time(world)  # a script that ended ahead of the kernel clock counts
    data: dict[str, Any] = {
        "status": status,
        "virtual_ns": virtual_ns,
        "virtual": format_ns(virtual_ns),
        "wall_s": round(wall_s, 4),
        # three significant digits: a run of microseconds is 0.00123x, not 0.0x
        "real_time_factor": float(f"{virtual_ns / 1e9 / wall_s:.3g}") if wall_s > 0 else None,
        "edges": edges_per_pin(world, virtual_ns),
        "callbacks_run": sum(b.irq.runs for b in boards),
        "events_dropped": sum(b.irq.dropped for b in boards),
        "faults": [str(f) for f in world.faults],
        "warnings": [str(w) for w in world.warnings],
        "alarms": world.recorder.events.count("alarm"),  # Timer.Alarm interrupts
        "watchdog_resets": sum(b.system.wdt.resets for b in boards),
        "boards": {
            b.name: {"type": b.type, "boots": b.boot_count, "watchdog_resets": b.system.wdt.resets}
            for b in boards
        },
        "board_language": board_language_gate(boards),  # MicroPython 1.11 syntax/modules gate
        "cpu": cpu_models(boards),  # how board code cost time (core/cpu.py)
    }
    net = network_summary(world)
    if net:
        data["network"] = net
    buses = bus_summary(world)
    if buses:
        data["buses"] = buses
    raised = [b.error_ns for b in boards if b.error_ns is not None]
    data["raised_ns"] = min(raised) if raised else None  # when the first script raised
    data["raised"] = format_ns(data["raised_ns"]) if raised else None
    if extra:
        data.update(extra)
    return data


def network_summary(world: World) -> dict[str, Any]:
    """Radio packets (and, when used, LoRaWAN and IP traffic) for the summary; {} if none."""
    out: dict[str, Any] = {}
    radio = world.radio
    if radio.packets:
        out["radio"] = radio.summary()
    for part in ("lorawan", "ipnet"):
        obj = world.__dict__.get("_" + part)
        if obj is not None and obj.summary():
            out[part] = obj.summary()
    return out


def bus_summary(world: World) -> dict[str, Any]:
    """I2C and SPI transfers of the run (the event log's 'i2c' and 'spi' events); {} if none."""
    out: dict[str, Any] = {}
    events = world.recorder.events
    if events.count("i2c"):
        i2c = [e.detail for e in events.of_kind("i2c")]
        nacks = sum(1 for tr in i2c if not tr.ack or tr.nack_at is not None)
        out["i2c"] = {"transfers": len(i2c), "nacks": nacks}
    spi = events.count("spi")
    if spi:
        out["spi"] = {"transfers": spi}
    return out


def _bus_note(buses: dict[str, Any]) -> str:
    parts = []
    if "i2c" in buses:
        i2c = buses["i2c"]
        parts.append(f"{i2c['transfers']} I2C transfers ({i2c['nacks']} NACK)")
    if "spi" in buses:
        parts.append(f"{buses['spi']['transfers']} SPI transfers")
    return ", ".join(parts)


def cpu_models(boards: Any) -> str:
    """The CPU model(s) that ran: 'board (...)', or per board when they differ."""
    models = {b.name: b.cpu.describe() for b in boards}
    kinds = set(models.values())
    if len(kinds) <= 1:
        return kinds.pop() if kinds else ""
    return ", ".join(f"{name} {model}" for name, model in models.items())


def gate_note(gate: str) -> str:
    """Silent when the board-language gate ran; else says it was skipped and why."""
    return "" if gate == "on" else f"board-language gate {gate}"


def summary_line(data: dict[str, Any]) -> str:
    edges = sum(data["edges"].values())
    ranked = sorted(data["edges"].items(), key=lambda kv: -kv[1])
    busiest = ", ".join(f"{k} {v}" for k, v in ranked[:4])
    if len(ranked) > 4:
        busiest += f", … {len(ranked) - 4} more"  # the JSON summary has every pin
    rtf = data["real_time_factor"]
    status = f"{data['status']} at {data['virtual']} virtual"
    if data["status"] == "script raised" and data.get("raised") is not None:
        status = f"script raised at {data['raised']}, ended at {data['virtual']} virtual"
    parts = [
        status,
        f"{data['wall_s']:.3g}s wall",
        f"{rtf:g}x real time" if rtf is not None else "",
        f"{edges} edges" + (f" ({busiest})" if busiest else ""),
        f"{data['callbacks_run']} callbacks",
        f"{data['events_dropped']} dropped",
        f"{data['alarms']} alarms" if data.get("alarms") else "",
        f"{data['watchdog_resets']} watchdog resets" if data.get("watchdog_resets") else "",
        f"{len(data['faults'])} faults",
        _network_note(data.get("network", {})),
        _bus_note(data.get("buses", {})),
        gate_note(data.get("board_language", "on")),
        f"cpu {data['cpu']}" if data.get("cpu") else "",
    ]
    return "pycomsim: " + "; ".join(p for p in parts if p)


def _network_note(net: dict[str, Any]) -> str:
    parts = []
    radio = net.get("radio")
    if radio:
        parts.append(
            f"{radio['packets']} radio packets ({radio['received']} received, "
            f"{radio['collisions']} collisions)"
        )
    lorawan = net.get("lorawan")
    if lorawan:
        parts.append(f"LoRaWAN {lorawan['joins']} joins, {lorawan['uplinks']} uplinks")
    ip = net.get("ipnet")
    if ip:
        parts.append(f"{ip['connections']} connections, {ip['bytes']} bytes over IP")
    return "; ".join(parts)
