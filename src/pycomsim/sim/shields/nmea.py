"""NMEA 0183 sentences as a GNSS receiver sends them: `$BODY*CS<CR><LF>`, CS the XOR of the body's
characters in two upper-case hex digits (NMEA 0183 v4.10; Quectel's L76-L protocol specification for
the fields and the GN/GP talkers of a GPS+GLONASS receiver)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def checksum(body: str) -> str:
    value = 0
    for ch in body:
        value ^= ord(ch)
    return f"{value:02X}"


def sentence(body: str) -> bytes:
    return f"${body}*{checksum(body)}\r\n".encode("ascii")


def _degrees_minutes(degrees: float, width: int, positive: str, negative: str) -> tuple[str, str]:
    """`ddmm.mmmm` (`width` digits of degrees) and the hemisphere letter."""
    d = abs(degrees)
    whole = int(d)
    minutes = round((d - whole) * 60, 4)
    if minutes >= 60:
        whole, minutes = whole + 1, 0.0
    return f"{whole:0{width}d}{minutes:07.4f}", positive if degrees >= 0 else negative


def latitude(degrees: float) -> tuple[str, str]:
    """`ddmm.mmmm` and N/S."""
    return _degrees_minutes(degrees, 2, "N", "S")


def longitude(degrees: float) -> tuple[str, str]:
    """`dddmm.mmmm` and E/W."""
    return _degrees_minutes(degrees, 3, "E", "W")


@dataclass(frozen=True)
class Fix:
    lat: float  # degrees, north positive
    lon: float  # degrees, east positive
    alt: float  # metres above mean sea level
    satellites: int = 8
    hdop: float = 1.0


def burst(utc: datetime, fix: Fix | None) -> bytes:
    """One second of output at `utc`, with a fix or without one (`fix` None): RMC, VTG, GGA, GSA and
    GLL (the L76-L's default set, less the satellites-in-view GSV sentences)."""
    hms = utc.strftime("%H%M%S.") + f"{utc.microsecond // 1000:03d}"
    date = utc.strftime("%d%m%y")
    if fix is None:
        lines = [
            f"GNRMC,{hms},V,,,,,0.00,0.00,{date},,,N",
            "GNVTG,0.00,T,,M,0.00,N,0.00,K,N",
            f"GNGGA,{hms},,,,,0,0,,,M,,M,,",
            "GPGSA,A,1,,,,,,,,,,,,,,,",
            f"GNGLL,,,,,{hms},V,N",
        ]
    else:
        lat, ns = latitude(fix.lat)
        lon, ew = longitude(fix.lon)
        sats = ",".join(f"{n:02d}" for n in range(1, min(fix.satellites, 12) + 1))
        sats += "," * (12 - min(fix.satellites, 12))
        lines = [
            f"GNRMC,{hms},A,{lat},{ns},{lon},{ew},0.00,0.00,{date},,,A",
            "GNVTG,0.00,T,,M,0.00,N,0.00,K,A",
            f"GNGGA,{hms},{lat},{ns},{lon},{ew},1,{fix.satellites:02d},{fix.hdop:.2f},"
            f"{fix.alt:.1f},M,0.0,M,,",
            f"GPGSA,A,3,{sats},{fix.hdop * 1.2:.2f},{fix.hdop:.2f},{fix.hdop * 0.8:.2f}",
            f"GNGLL,{lat},{ns},{lon},{ew},{hms},A,A",
        ]
    return b"".join(sentence(line) for line in lines)
