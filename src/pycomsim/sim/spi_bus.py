"""SPI devices on the SCK, MOSI, MISO and chip-select nets, and the transfers between them and a master.

A device is a small Python class attached with `board.attach_spi(device, cs="P12", sck=..., mosi=...,
miso=...)`. Like I2C devices (`sim/i2c_bus.py`) it is found by its nets, so wires count. The chip select
is the script's own business (a `machine.Pin` it drives, active low, as with the firmware's SPI which has
no CS of its own): the device watches its CS net and is selected while it is low (`cs=None`: always
selected).

- `spi_select(t)` / `spi_deselect(t)`: CS fell / rose at virtual time `t` (ns);
- `spi_transfer(mosi, t)`: one call of the master (`write`, `read`, `readinto`, `write_readinto`): the
  bytes shifted out on MOSI, starting at `t`; returns the bytes for MISO, as many (missing bytes: 0xFF).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from .net import LOW, OFF, STRONG_HI, STRONG_LO, Driver

if TYPE_CHECKING:
    from ..chip.pads import Pad
    from .world import World


class SPIDevice:
    """Subclass it and attach it with `board.attach_spi(device, cs="P12")`."""

    name: str = ""

    def __init__(self, *, name: str | None = None) -> None:
        self.name = name or self.name or type(self).__name__

    def spi_select(self, t: int) -> None:
        """CS went low."""

    def spi_deselect(self, t: int) -> None:
        """CS went high."""

    def spi_transfer(self, mosi: bytes, t: int) -> bytes:
        """The bytes on MOSI of one transfer; return as many bytes for MISO."""
        return b"\xff" * len(mosi)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class SPITransfer(NamedTuple):
    """One transfer as the event log keeps it (kind 'spi'): what went out on MOSI and came back on
    MISO, and the device names that were selected."""

    bus: int
    mosi: bytes
    miso: bytes
    devices: tuple[str, ...]

    def __str__(self) -> str:
        to = ", ".join(self.devices) or "nobody"
        return f"SPI{self.bus} to {to}: MOSI {self.mosi.hex(' ')} MISO {self.miso.hex(' ')}"


@dataclass
class SPIAttachment:
    device: SPIDevice
    sck: Driver  # these three drive nothing: they say which nets the device is on
    mosi: Driver
    miso: Driver  # the device's MISO output (driven during its transfers)
    cs: Driver | None
    board: str

    @property
    def selected(self) -> bool:
        return self.cs is None or self.cs.net.level == LOW  # type: ignore[union-attr]


def attachments(world: World) -> list[SPIAttachment]:
    return world.__dict__.setdefault("spi_attachments", [])


def attach(
    world: World,
    device: SPIDevice,
    *,
    cs: Pad | None,
    sck: Pad,
    mosi: Pad,
    miso: Pad,
    board: str,
) -> SPIAttachment:
    if not isinstance(device, SPIDevice):
        raise TypeError(f"attach_spi takes an SPIDevice, not {type(device).__name__}")
    pads = [p for p in (cs, sck, mosi, miso) if p is not None]
    if len({id(p) for p in pads}) != len(pads):
        raise ValueError("an SPI device needs distinct pins for CS, SCK, MOSI and MISO")
    label = device.name

    def driver(pad: Pad, line: str) -> Driver:
        d = Driver(f"{board}.{pad.name} {label} {line}")
        world.attach(pad, d, OFF)
        return d

    item = SPIAttachment(
        device,
        driver(sck, "SCK"),
        driver(mosi, "MOSI"),
        driver(miso, "MISO"),
        None if cs is None else driver(cs, "CS"),
        board,
    )
    if cs is not None:
        state = {"selected": item.selected}

        def cs_changed(old: int, new: int, t: int) -> None:
            selected = new == LOW
            if selected != state["selected"]:
                state["selected"] = selected
                (device.spi_select if selected else device.spi_deselect)(t)

        cs.net.watchers.append(cs_changed)  # follows the net when a wire merges it (Net.merge)
    attachments(world).append(item)
    return item


def devices_on(world: World, sck: Pad, mosi: Pad | None, miso: Pad | None) -> list[SPIAttachment]:
    """Every attachment on the nets of these pads, selected or not (a master without MOSI or MISO:
    any)."""
    sck_net = sck.net
    mosi_net = None if mosi is None else mosi.net
    miso_net = None if miso is None else miso.net
    return [
        a
        for a in attachments(world)
        if a.sck.net is sck_net
        and (mosi_net is None or a.mosi.net is mosi_net)
        and (miso_net is None or a.miso.net is miso_net)
    ]


def drive_line(driver: Driver, level: int | None, t: int) -> None:
    """A device's push-pull output on a bus line (MISO): 0, 1, or None to let go."""
    driver.set(OFF if level is None else (STRONG_HI if level else STRONG_LO), t)


def transfers(world: World, board: str | None = None) -> list[tuple[int, Any]]:
    """(t, SPITransfer) for every logged transfer (kind 'spi'), of one board's masters if given."""
    return [(e.t, e.detail) for e in world.recorder.events.of_kind("spi", board)]
