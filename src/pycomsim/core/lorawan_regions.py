"""LoRaWAN regional parameters of the regions Pycom 1.20.2 offers in ``LoRa(region=...)`` with the
LoRaWAN stack (esp32/mods/modlora.c ``lora_validate_region``): AS923, AU915, EU868, IN865, US915.

Every number comes from LoRaMac-node as Pycom ships it, ``lib/lora/mac/region/Region<NAME>.h`` and
``.c`` (the ``#define``s, the ``Datarates``/``Bandwidths``/``MaxPayloadOfDatarate`` tables,
``InitDefaults``, ``ApplyDrOffset``, ``RxConfig``), and from modlora.c (join and socket data rates).
CN470 and EU433 (LoPy4 only) are not tabled: LoRaWAN mode there raises NotSimulatedError.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BW125, BW250, BW500 = 0, 1, 2  # the firmware's bandwidth codes (LoRa.BW_125KHZ, ...)


@dataclass(frozen=True)
class Region:
    name: str
    code: int  # LoRaMacRegion_t (LoRa.EU868 == 5, ...)
    datarates: tuple[tuple[int, int] | None, ...]  # DR -> (SF, bandwidth code); None: FSK or RFU
    max_payload: tuple[int, ...]  # MaxPayloadOfDatarate, per DR (FRMPayload + FOpts)
    channels: tuple[tuple[int, int, int], ...]  # the default channel list: (Hz, dr_min, dr_max)
    default_channels: (
        int  # NUMB_DEFAULT_CHANNELS: channels 0..n-1 cannot be removed (dynamic plans)
    )
    max_channels: int  # MAX_NB_CHANNELS (add_channel's index limit)
    tx_ranges: tuple[tuple[int, int], ...]  # VerifyTxFreq / ChannelManualAdd: allowed uplink Hz
    tx_dr: tuple[int, int]  # TX_MIN_DATARATE, TX_MAX_DATARATE
    rx_dr: tuple[int, int]  # RX_MIN_DATARATE, RX_MAX_DATARATE (RXParamSetupReq)
    default_dr: int  # DEFAULT_DATARATE (the MAC's data rate after a reset)
    rx1_dr: tuple[tuple[int, ...], ...]  # [uplink DR][RX1DROffset] -> downlink DR (ApplyDrOffset)
    rx1_channels: (
        tuple[int, int] | None
    )  # fixed plans: (first, step) Hz, RX1 = first + (ch % 8) * step
    rx2_frequency: int  # RX_WND_2_FREQ
    rx2_dr: int  # RX_WND_2_DR
    receive_delay1: int  # ms
    receive_delay2: int
    join_accept_delay1: int
    join_accept_delay2: int
    ack_timeout: int  # ms (ACKTIMEOUT, +- ACK_TIMEOUT_RND)
    ack_timeout_rnd: int
    max_eirp: float  # DEFAULT_MAX_EIRP (dBm); TX power index i means max_eirp - 2 i
    antenna_gain: float  # DEFAULT_ANTENNA_GAIN subtracted by TxConfig (0 where TxConfig ignores it)
    min_tx_power: int  # MIN_TX_POWER: the largest TX power index (TX_POWER_7 / TX_POWER_10)
    adr_ack_limit: int
    adr_ack_delay: int
    duty_cycle_enabled: bool  # DUTY_CYCLE_ENABLED (Pycom switches the MAC's enforcement off anyway)
    join_dr_default: int  # lora_join: the data rate of a join without dr=
    join_drs: tuple[int, ...] | None  # lora_join: the dr= values accepted (None: not checked)
    socket_dr: int  # lora_socket_socket: a new socket's SO_DR
    socket_dr_max: int  # lora_validate_data_rate: SO_DR and add_channel's limit
    uplink_dwell: int = 0  # DEFAULT_UPLINK_DWELL_TIME (AS923: 1, 400 ms)
    downlink_dwell: int = 0
    max_payload_dwell: tuple[int, ...] | None = None  # MaxPayloadOfDatarateDwell1Up (AS923)
    min_dr_dwell: int = 0  # DWELL_LIMIT_DATARATE: the lowest DR with the dwell time on

    @property
    def fixed_plan(self) -> bool:
        """US915/AU915: 64 + 8 fixed channels hopped through a remaining-channels mask."""
        return self.rx1_channels is not None

    def payload_limit(self, dr: int, dwell: int | None = None) -> int:
        """PHY_MAX_PAYLOAD for the uplink dwell time (the region's default when not given)."""
        dwell = self.uplink_dwell if dwell is None else dwell
        table = self.max_payload_dwell if dwell and self.max_payload_dwell else self.max_payload
        return table[dr] if 0 <= dr < len(table) else 0

    def min_tx_dr(self, dwell: int | None = None) -> int:
        dwell = self.uplink_dwell if dwell is None else dwell
        return self.min_dr_dwell if dwell else self.tx_dr[0]

    def tx_power_dbm(self, index: int) -> int:
        """RegionCommonComputeTxPower: floor(max EIRP - 2 * index - antenna gain), capped by the
        SX127x's PA_BOOST at 20 dBm."""
        return min(20, math.floor(self.max_eirp - 2 * index - self.antenna_gain))


def _offsets(n_dr: int, n_off: int, lo: int = 0, hi: int = 99, eff: tuple[int, ...] = ()) -> tuple:
    """RX1 DR = min(hi, max(lo, dr - effective offset)) for each uplink DR and offset."""
    eff = eff or tuple(range(n_off))
    return tuple(tuple(min(hi, max(lo, dr - eff[o])) for o in range(n_off)) for dr in range(n_dr))


_EU_DRS = ((12, BW125), (11, BW125), (10, BW125), (9, BW125), (8, BW125), (7, BW125), (7, BW250))
_US_DOWN = ((12, BW500), (11, BW500), (10, BW500), (9, BW500), (8, BW500), (7, BW500))
_COMMON = dict(
    receive_delay1=1000,
    receive_delay2=2000,
    join_accept_delay1=5000,
    join_accept_delay2=6000,
    ack_timeout=2000,
    ack_timeout_rnd=1000,
    adr_ack_limit=64,
    adr_ack_delay=32,
)

EU868 = Region(
    name="EU868",
    code=5,
    datarates=(*_EU_DRS, None),  # DR7 is FSK 50 kbps
    max_payload=(51, 51, 51, 115, 242, 242, 242, 242),
    channels=((868_100_000, 0, 5), (868_300_000, 0, 5), (868_500_000, 0, 5)),  # EU868_LC1..3
    default_channels=3,
    max_channels=16,
    tx_ranges=(
        (863_000_000, 868_600_000),
        (868_700_000, 869_200_000),
        (869_400_000, 869_650_000),
        (869_700_000, 870_000_000),
    ),  # RegionEU868.c VerifyTxFreq bands,
    tx_dr=(0, 7),
    rx_dr=(0, 7),
    default_dr=0,
    rx1_dr=_offsets(8, 6),  # RegionEU868ApplyDrOffset: max(DR_0, dr - offset)
    rx1_channels=None,
    rx2_frequency=869_525_000,
    rx2_dr=0,
    max_eirp=16.0,
    antenna_gain=2.15,
    min_tx_power=7,
    duty_cycle_enabled=True,
    join_dr_default=5,
    join_drs=(0, 1, 2, 3, 4, 5),
    socket_dr=5,
    socket_dr_max=6,
    **_COMMON,
)

# RegionIN865ApplyDrOffset: min(DR_5, max(DR_0, dr - EffectiveRx1DrOffsetIN865[offset]))
_IN_EFF = (0, 1, 2, 3, 4, 5, -1, -2)
IN865 = Region(
    name="IN865",
    code=7,
    datarates=(*_EU_DRS, None),
    max_payload=(51, 51, 51, 115, 242, 242, 242, 242),
    channels=((865_062_500, 0, 5), (865_402_500, 0, 5), (865_985_000, 0, 5)),  # IN865_LC1..3
    default_channels=3,
    max_channels=16,
    tx_ranges=((865_000_000, 867_000_000),),
    tx_dr=(0, 7),
    rx_dr=(0, 7),
    default_dr=0,
    rx1_dr=_offsets(8, 8, 0, 5, _IN_EFF),
    rx1_channels=None,
    rx2_frequency=866_550_000,
    rx2_dr=2,
    max_eirp=30.0,
    antenna_gain=2.15,
    min_tx_power=10,
    duty_cycle_enabled=True,  # one band at 100 %: nothing to wait for
    join_dr_default=5,
    join_drs=None,  # lora_join has no IN865 case: any dr= passes (RegionIN865ForceJoinDataRate)
    socket_dr=0,  # lora_socket_socket has no IN865 case either
    socket_dr_max=6,
    **_COMMON,
)

# AS923 with the default downlink dwell time 1: RX1 DR never below DR2 (AS923_DWELL_LIMIT_DATARATE)
AS923 = Region(
    name="AS923",
    code=0,
    datarates=(*_EU_DRS, None),
    max_payload=(51, 51, 51, 115, 242, 242, 242, 242),  # dwell time 0
    channels=((923_200_000, 0, 5), (923_400_000, 0, 5)),  # AS923_LC1, LC2
    default_channels=2,
    max_channels=16,
    tx_ranges=((915_000_000, 928_000_000),),
    tx_dr=(0, 7),
    rx_dr=(0, 7),
    default_dr=2,
    rx1_dr=_offsets(8, 8, 2, 5, (0, 1, 2, 3, 4, 5, -1, -2)),  # EffectiveRx1DrOffsetAS923
    rx1_channels=None,
    rx2_frequency=923_200_000,
    rx2_dr=2,
    max_eirp=16.0,
    antenna_gain=2.15,
    min_tx_power=7,
    duty_cycle_enabled=False,
    join_dr_default=2,
    join_drs=(2,),  # RegionAS923AlternateDr: joins always at DR2
    socket_dr=5,
    socket_dr_max=6,
    uplink_dwell=1,
    downlink_dwell=1,
    max_payload_dwell=(0, 0, 11, 53, 125, 242, 242, 242),  # MaxPayloadOfDatarateDwell1UpAS923
    min_dr_dwell=2,
    **_COMMON,
)

_US_UP = ((10, BW125), (9, BW125), (8, BW125), (7, BW125), (8, BW500))
US915 = Region(
    name="US915",
    code=8,
    datarates=(*_US_UP, None, None, None, *_US_DOWN),
    max_payload=(11, 53, 125, 242, 242, 0, 0, 0, 53, 129, 242, 242, 242, 242),
    # RegionUS915InitDefaults: 64 x 125 kHz from 902.3 MHz every 200 kHz, 8 x 500 kHz from 903.0 MHz
    channels=tuple((902_300_000 + i * 200_000, 0, 3) for i in range(64))
    + tuple((903_000_000 + i * 1_600_000, 4, 4) for i in range(8)),
    default_channels=0,
    max_channels=72,
    tx_ranges=((902_000_000, 928_000_000),),
    tx_dr=(0, 4),
    rx_dr=(8, 13),
    default_dr=0,
    rx1_dr=(  # DatarateOffsetsUS915
        (10, 9, 8, 8),
        (11, 10, 9, 8),
        (12, 11, 10, 9),
        (13, 12, 11, 10),
        (13, 13, 12, 11),
    ),
    rx1_channels=(923_300_000, 600_000),  # US915_FIRST_RX1_CHANNEL, US915_STEPWIDTH_RX1_CHANNEL
    rx2_frequency=923_300_000,
    rx2_dr=8,
    max_eirp=30.0,
    antenna_gain=0.0,  # RegionUS915TxConfig: RegionCommonComputeTxPower(power, 30 dBm, 0)
    min_tx_power=10,
    duty_cycle_enabled=False,
    join_dr_default=4,
    join_drs=(0, 4),  # RegionUS915ForceJoinDataRate/AlternateDr: DR4 (500 kHz) or DR0
    socket_dr=4,
    socket_dr_max=4,
    **_COMMON,
)

AU915 = Region(
    name="AU915",
    code=1,
    datarates=(*_EU_DRS[:6], (8, BW500), None, *_US_DOWN),
    max_payload=(51, 51, 51, 115, 242, 242, 242, 0, 53, 129, 242, 242, 242, 242),
    # RegionAU915InitDefaults: 64 x 125 kHz from 915.2 MHz every 200 kHz, 8 x 500 kHz from 915.9 MHz
    channels=tuple((915_200_000 + i * 200_000, 0, 5) for i in range(64))
    + tuple((915_900_000 + i * 1_600_000, 6, 6) for i in range(8)),
    default_channels=0,
    max_channels=72,
    tx_ranges=((915_000_000, 928_000_000),),
    tx_dr=(0, 6),
    rx_dr=(8, 13),
    default_dr=0,
    rx1_dr=(  # DatarateOffsetsAU915
        (8, 8, 8, 8, 8, 8),
        (9, 8, 8, 8, 8, 8),
        (10, 9, 8, 8, 8, 8),
        (11, 10, 9, 8, 8, 8),
        (12, 11, 10, 9, 8, 8),
        (13, 12, 11, 10, 9, 8),
        (13, 13, 12, 11, 10, 9),
    ),
    rx1_channels=(923_300_000, 600_000),
    rx2_frequency=923_300_000,
    rx2_dr=8,
    max_eirp=30.0,
    antenna_gain=0.0,
    min_tx_power=10,
    duty_cycle_enabled=False,
    join_dr_default=6,
    join_drs=(0, 6),  # RegionAU915ForceJoinDataRate/AlternateDr: DR6 (500 kHz) or DR0
    socket_dr=4,  # lora_socket_socket groups AU915 with US915
    socket_dr_max=6,
    **_COMMON,
)

REGIONS = {r.code: r for r in (AS923, AU915, EU868, IN865, US915)}  # LoRaMacRegion_t -> table
BY_NAME = {r.name: r for r in REGIONS.values()}
