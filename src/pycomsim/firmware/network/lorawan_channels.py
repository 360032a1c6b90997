"""The LoRaWAN MAC's channel list and masks (LoRaMac-node regions as Pycom 1.20.2 ships them,
lib/lora/mac/region/Region<NAME>.c): which channel an uplink goes on, ``add_channel``/
``remove_channel`` (``RegionChannelManualAdd``/``ManualRemove``), and the channel side of the
LinkADRReq and NewChannelReq MAC commands.

Two kinds of plan:

* dynamic (EU868, AS923, IN865): up to 16 channels, the first few fixed by the region; an uplink goes
  on a random enabled channel whose data-rate range holds the DR (``Region<NAME>NextChannel``);
* fixed (US915, AU915): 64 x 125 kHz + 8 x 500 kHz channels, hopped through a "remaining" mask: a
  125 kHz channel is not used again until every enabled one was (``ChannelsMaskRemaining``).
"""

from __future__ import annotations

import random

from ...core.lorawan_regions import Region

LINK_ADR_OK = 0x07  # LinkADRAns: power, data rate and channel mask ACK bits
CHANNEL_MASK_KO, DATARATE_KO, POWER_KO = 0xFE, 0xFD, 0xFB


class ChannelPlan:
    def __init__(self, region: Region, rng: random.Random) -> None:
        self.region = region
        self.rng = rng
        self.channels: dict[int, tuple[int, int, int]] = dict(enumerate(region.channels))
        self.mask: set[int] = set(self.channels)
        self.remaining: set[int] = set(self.mask)

    # ---- the Python side: lora.add_channel / remove_channel ----
    def _freq_ok(self, frequency: int) -> bool:
        return any(lo <= frequency <= hi for lo, hi in self.region.tx_ranges)

    def manual_add(self, index: int, frequency: int, dr_min: int, dr_max: int) -> bool:
        """Region<NAME>ChannelManualAdd; False (and nothing changes) where the region refuses."""
        r = self.region
        if index >= r.max_channels or not self._freq_ok(frequency):
            return False
        if r.fixed_plan:
            if dr_min != 0 or dr_max > r.tx_dr[1]:
                return False
        else:
            lo, hi = r.tx_dr
            if not (lo <= dr_min <= hi and lo <= dr_max <= hi and dr_min <= dr_max):
                return False
            if index < r.default_channels and (dr_min > 0 or dr_max < 5):
                return False
        self.channels[index] = (frequency, dr_min, dr_max)
        self.mask.add(index)
        group = range(index // 16 * 16, index // 16 * 16 + 16)
        self.remaining |= {c for c in self.mask if c in group}
        return True

    def manual_remove(self, index: int) -> bool:
        """Region<NAME>ChannelsManualRemove: the region's own channels stay in dynamic plans."""
        if index not in self.mask and index not in self.channels:
            return False
        if not self.region.fixed_plan and index < self.region.default_channels:
            return False
        self.mask.discard(index)
        self.remaining.discard(index)
        if self.region.fixed_plan:
            self.channels[index] = (0, 0, 0)
        else:
            self.channels.pop(index, None)
        return True

    # ---- uplinks ----
    def _supports(self, index: int, dr: int) -> bool:
        ch = self.channels.get(index)
        return ch is not None and ch[0] != 0 and ch[1] <= dr <= ch[2]

    def next_channel(self, dr: int) -> int | None:
        """Region<NAME>NextChannel (no band time-off: Pycom turns the duty cycle off)."""
        if self.region.fixed_plan:
            narrow = set(range(64))
            if not self.remaining & narrow:
                self.remaining |= self.mask & narrow
            if dr >= self.region.tx_dr[1] and not self.remaining - narrow:
                self.remaining |= self.mask - narrow
            pool = sorted(c for c in self.remaining if self._supports(c, dr))
        else:
            pool = sorted(c for c in self.mask if self._supports(c, dr))
        if not pool:
            return None
        channel = pool[self.rng.randrange(len(pool))]
        if self.region.fixed_plan and channel < 64:
            self.remaining.discard(channel)
        return channel

    def frequency(self, index: int) -> int:
        return self.channels[index][0]

    def join_reset(self, dr: int) -> None:
        """RegionUS915/AU915AlternateDr: a join re-enables the eight 500 kHz channels."""
        if self.region.fixed_plan:
            self.mask |= set(range(64, 72))

    # ---- MAC commands ----
    def link_adr_mask(self, blocks: list[tuple[int, int]], dr: int) -> tuple[int, set[int]]:
        """The channel part of Region<NAME>LinkAdrReq for the (ChMask, ChMaskCntl) of each
        LinkADRReq in the block: the status (only the last request counts for the mask KO) and
        the mask it would set."""
        r = self.region
        status = LINK_ADR_OK
        mask = set(self.mask)
        for ch_mask, cntl in blocks:
            status = LINK_ADR_OK
            bits = {i for i in range(16) if ch_mask >> i & 1}
            if r.fixed_plan:
                if cntl == 6:
                    mask = set(range(64)) | {64 + i for i in bits if i < 8}
                elif cntl == 7:
                    mask = {64 + i for i in bits if i < 8}
                elif cntl == 5:
                    status &= CHANNEL_MASK_KO
                else:
                    mask = (mask - set(range(cntl * 16, cntl * 16 + 16))) | {
                        cntl * 16 + i for i in bits
                    }
            else:
                if cntl == 0 and not bits:
                    status &= CHANNEL_MASK_KO
                elif 1 <= cntl <= 5 or cntl >= 7:
                    status &= CHANNEL_MASK_KO
                elif cntl == 6:
                    mask = {i for i, ch in self.channels.items() if ch[0] != 0}
                else:
                    if any(i not in self.channels for i in bits):
                        status &= CHANNEL_MASK_KO
                    mask = bits
        if r.fixed_plan and dr < r.tx_dr[1] and len(mask & set(range(64))) < 2:
            status &= CHANNEL_MASK_KO  # FCC 15.247: hop on at least two 125 kHz channels
        return status, mask

    def verify_dr(self, mask: set[int], dr: int, min_dr: int) -> bool:
        """RegionCommonChanVerifyDr: in range, and some enabled channel carries it."""
        if not min_dr <= dr <= self.region.tx_dr[1]:
            return False
        return any(self._supports(c, dr) for c in mask)

    def apply_mask(self, mask: set[int]) -> None:
        self.mask = set(mask)
        if self.region.fixed_plan:
            narrow = set(range(64))
            self.remaining = (self.remaining & self.mask & narrow) | (self.mask - narrow)
        else:
            self.remaining = set(self.mask)

    def new_channel(self, index: int, frequency: int, dr_min: int, dr_max: int) -> int:
        """Region<NAME>NewChannelReq: NewChannelAns status (bit 0 frequency, bit 1 DR range OK).
        Fixed plans refuse it (status 0)."""
        r = self.region
        if r.fixed_plan:
            return 0
        if frequency == 0:
            if index < r.default_channels or index >= r.max_channels:
                return 0
            self.channels.pop(index, None)
            self.mask.discard(index)
            return 0x03
        if index >= r.max_channels:
            return 0
        lo, hi = r.tx_dr
        dr_ok = lo <= dr_min <= hi and lo <= dr_max <= hi and dr_min <= dr_max
        freq_ok = self._freq_ok(frequency)
        if index < r.default_channels:  # RegionChannelAdd: a default channel keeps its frequency
            dr_ok = dr_ok and dr_min == 0 and 5 <= dr_max
            freq_ok = frequency == self.channels[index][0]
        status = (0x01 if freq_ok else 0) | (0x02 if dr_ok else 0)
        if status == 0x03:
            self.channels[index] = (frequency, dr_min, dr_max)
            self.mask.add(index)
        return status
