"""LoRaWAN regional parameters pycomsim uses (LoRaMac-node as shipped in Pycom 1.20.2,
lib/lora/mac/region/RegionEU868.h/.c): data rates, default channels, receive windows, payload limits.

Only EU868 is tabled: LoRaWAN mode in other regions raises NotSimulatedError.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    name: str
    datarates: tuple[tuple[int, int], ...]  # DR -> (SF, bandwidth code 0/1/2)
    max_payload: tuple[int, ...]  # MaxPayloadOfDatarate (application payload + FOpts)
    join_channels: tuple[int, ...]  # Hz
    rx2_frequency: int
    rx2_dr: int
    receive_delay1: int  # ms
    receive_delay2: int
    join_accept_delay1: int
    join_accept_delay2: int
    ack_timeout: int  # ms (ACK_TIMEOUT; +- ACK_TIMEOUT_RND)
    ack_timeout_rnd: int
    tx_power: int  # dBm at the antenna for TX_POWER_0 (max EIRP 16 dBm - 2.15 dBi antenna gain)
    max_dr: int


EU868 = Region(
    name="EU868",
    datarates=((12, 0), (11, 0), (10, 0), (9, 0), (8, 0), (7, 0), (7, 1)),
    max_payload=(51, 51, 51, 115, 242, 242, 242),
    join_channels=(868_100_000, 868_300_000, 868_500_000),  # EU868_LC1..LC3
    rx2_frequency=869_525_000,  # EU868_RX_WND_2_FREQ
    rx2_dr=0,  # EU868_RX_WND_2_DR
    receive_delay1=1000,
    receive_delay2=2000,
    join_accept_delay1=5000,
    join_accept_delay2=6000,
    ack_timeout=2000,
    ack_timeout_rnd=1000,
    tx_power=14,
    max_dr=6,
)

REGIONS = {5: EU868}  # LoRaMacRegion_t value -> table
