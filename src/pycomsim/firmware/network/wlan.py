"""``network.WLAN`` (esp32/mods/modwlan.c, Pycom firmware 1.20.2) on the World's IP network.

As on the board the WLAN starts at boot in AP mode (``wifi_on_boot``: SSID ``<board>-wlan-xxxx``,
WPA2 key ``www.pycom.io``, 192.168.4.1). ``WLAN(mode=WLAN.STA)`` re-initialises it. ``connect`` returns at
once and the station joins in the background, as ESP-IDF does: ``isconnected()`` turns True after a
scan, authentication and DHCP (about 1.7 s of board time). With a wrong key or a network that is not
there it never connects (ESP-IDF keeps retrying); with ``connect(..., timeout=ms)`` the next
``isconnected()`` after the timeout raises ``TimeoutError('Connection to AP Timeout!')`` once.
Timings are a model (not the radio's): scan 1.5 s, association 50 ms, 4-way handshake 30 ms, DHCP 1.2 s.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from ... import exc
from ..lang.attrtuple import AttrTuple
from .args import BOOL, INT, NULL, Arg, parse, var_between

if TYPE_CHECKING:
    from ...board import Board

MS = 1_000_000
SCAN_NS = 1_500 * MS
ASSOC_NS = 50 * MS
HANDSHAKE_NS = 30 * MS
DHCP_NS = 1_200 * MS
CALL_COST = 30_000
STA, AP, STA_AP = 1, 2, 3  # wifi_mode_t
OPEN, WEP, WPA, WPA2, WPA2_ENT = 0, 1, 2, 3, 5  # wifi_auth_mode_t (WPA_WPA2_PSK is 4)
NOT_POSSIBLE = "the requested operation is not possible"
INVALID = "invalid argument(s) value"
DEFAULT_AP_KEY = "www.pycom.io"

INIT_ARGS = (
    Arg("mode", INT, kw_only=True, default=STA),
    Arg("ssid", kw_only=True),
    Arg("auth", kw_only=True, default=None),
    Arg("channel", INT, kw_only=True, default=1),
    Arg("antenna", kw_only=True),
    Arg("power_save", BOOL, kw_only=True, default=False),
    Arg("hidden", BOOL, kw_only=True, default=False),
    Arg("bandwidth", INT, kw_only=True, default=2),
    Arg("max_tx_pwr", INT, kw_only=True, default=0),
    Arg("country", kw_only=True, default=None),
)
CONNECT_ARGS = (
    Arg("ssid", required=True),
    Arg("auth", default=None),
    Arg("bssid", kw_only=True, default=None),
    Arg("timeout", kw_only=True, default=None),
    Arg("ca_certs", kw_only=True, default=None),
    Arg("keyfile", kw_only=True, default=None),
    Arg("certfile", kw_only=True, default=None),
    Arg("identity", kw_only=True, default=None),
    Arg("hostname", kw_only=True, default=None),
    Arg("channel", kw_only=True, default=None),
)


def base_mac(board: Board) -> bytes:
    """machine.unique_id(): the ESP32's base MAC, which is the station's."""
    digest = hashlib.sha256(f"{board.name}/{board.seed}".encode()).digest()
    return b"\x24\x0a\xc4" + digest[:3]


def _str(obj: Any) -> str:
    if not isinstance(obj, str):
        raise TypeError(f"can't convert {type(obj).__name__} to str")
    return obj


def make_wlan_class(board: Board, nics: dict[str, Any]) -> type:
    net = board.world.ipnet
    sta_mac = base_mac(board)
    ap_mac = sta_mac[:5] + bytes([(sta_mac[5] + 1) & 0xFF])
    platform = board.type if board.type != "wipy3" else "wipy"
    st: dict[str, Any] = {
        "started": False, "mode": AP, "ssid": "", "auth": None, "channel": 1, "antenna": 0,
        "ip": "", "ap_ip": "", "joined": None, "attempt": 0, "timed_out": False,
        "hostname": platform,
    }  # fmt: skip

    def stop_station() -> None:
        st["attempt"] += 1  # any pending join step is stale
        st["ip"] = ""
        st["joined"] = None
        net.leave(board.name)

    def setup(mode: int, ssid: str | None, auth: Any, channel: int, antenna: int) -> None:
        """wlan_setup: stop what ran, start the station and/or the access point."""
        stop_station()
        net.stop_ap(board.name)
        st["ap_ip"] = ""
        st.update(started=True, mode=mode, channel=channel, antenna=antenna)
        if mode in (AP, STA_AP):
            key = auth[1] if auth else ""
            net.start_ap(board.name, ssid or "", key, auth[0] if auth else OPEN, channel)
            st["ap_ip"] = "192.168.4.1"
            st["ssid"], st["auth"] = ssid, auth
        nics["wlan"] = wlan_obj
        board.world.networked.add(board.name)

    def init_helper(values: list[Any]) -> None:
        mode, ssid, auth, channel, antenna, _ps, _hidden, bandwidth, _pwr, country = values
        if mode not in (STA, AP, STA_AP):
            raise ValueError(INVALID)
        if ssid is not NULL:
            ssid = _str(ssid)
            if len(ssid) > 32:
                raise ValueError(INVALID)
        else:
            ssid = None
        sec = None
        if auth is not None:
            if not isinstance(auth, (tuple, list)) or len(auth) != 2:
                n = len(auth) if isinstance(auth, (tuple, list)) else 0
                raise ValueError(f"tuple/list has wrong length (requested 2, got {n})")
            key = _str(auth[1])
            if not 8 <= len(key) <= 32:
                raise ValueError("invalid key length")
            sec = (exc.get_int(auth[0]), key)
        if not 1 <= channel <= 14:
            raise ValueError(INVALID)
        ant = 0 if antenna is NULL or antenna is None else exc.get_int(antenna)
        if mode != STA:
            if ssid is None:
                raise ValueError("AP SSID not given")
            if sec is not None and sec[0] == WPA2_ENT:
                raise ValueError("WPA2_ENT not supported in AP mode")
        if bandwidth not in (1, 2):
            raise ValueError(INVALID)
        board.sleep_ns(100 * MS)  # esp_wifi_stop/start
        setup(mode, ssid, sec, channel, ant)

    def join_steps(ssid: str, key: str | None, timeout_ms: int) -> None:
        """What ESP-IDF does after esp_wifi_connect, as kernel events."""
        attempt = st["attempt"]
        kernel = board.kernel
        start = board.now

        def step(t: int, fn: Any) -> None:
            kernel.schedule(t, lambda _: fn() if st["attempt"] == attempt else None)

        def fail(reason: str) -> None:
            board.world.recorder.event(kernel.now, board.name, "wlan-disconnected", reason)

        def associate() -> None:
            ap = net.aps.get(ssid)
            if ap is None or ap.board == board.name:
                fail(f"{ssid}: NO_AP_FOUND (201)")
                step(kernel.now + SCAN_NS, associate)  # it keeps scanning
                return
            if ap.key and key != ap.key:
                fail(f"{ssid}: AUTH_FAIL / 4WAY_HANDSHAKE_TIMEOUT (202/15)")
                step(kernel.now + SCAN_NS, associate)  # and keeps retrying
                return
            step(kernel.now + ASSOC_NS + HANDSHAKE_NS + DHCP_NS, lambda: got_ip(ap))

        def got_ip(ap: Any) -> None:
            st["ip"] = net.join(board.name, ssid)
            st["joined"] = ap
            board.world.recorder.event(
                kernel.now, board.name, "wlan-connected", f"{ssid} {st['ip']}"
            )

        step(start + SCAN_NS, associate)
        if timeout_ms >= 0:

            def time_out() -> None:
                if st["ip"]:
                    return
                st["timed_out"] = True
                st["attempt"] += 1  # wlan_timer_callback: esp_wifi_disconnect

            step(start + timeout_ms * MS, time_out)

    class WLAN:
        __slots__ = ()

        STA, AP, STA_AP = STA, AP, STA_AP
        WEP, WPA, WPA2, WPA2_ENT = WEP, WPA, WPA2, WPA2_ENT
        INT_ANT, EXT_ANT, MAN_ANT = 0, 1, 2
        HT20, HT40 = 1, 2

        def __new__(cls, *args: Any, **kwargs: Any) -> WLAN:
            board.advance(CALL_COST)
            values = parse(args, kwargs, (Arg("id", INT, default=0), *INIT_ARGS))
            if kwargs or not st["started"]:
                if values[0] != 0:
                    raise OSError("resource not available")
                init_helper(values[1:])
            return wlan_obj

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def init(self, *args: Any, **kwargs: Any) -> None:
            board.advance(CALL_COST)
            init_helper(parse(args, kwargs, INIT_ARGS))

        def deinit(self) -> None:
            board.advance(CALL_COST)
            if st["started"]:
                stop_station()
                net.stop_ap(board.name)
                st.update(started=False, ap_ip="")
                nics.pop("wlan", None)

        def _ip(self) -> str:
            return st["ip"] or st["ap_ip"] if st["started"] else ""

        def scan(self, *args: Any, **kwargs: Any) -> list[AttrTuple]:
            board.advance(CALL_COST)
            names = ("ssid", "bssid", "channel", "show_hidden", "type", "scantime")
            parse(args, kwargs, tuple(Arg(n, kw_only=True, default=None) for n in names))
            if st["mode"] == AP or not st["started"]:
                raise OSError(NOT_POSSIBLE)
            board.sleep_ns(SCAN_NS)
            found = [ap for ap in net.aps.values() if ap.board != board.name and not ap.hidden]
            return [
                AttrTuple(
                    {
                        "ssid": ap.ssid,
                        "bssid": ap.bssid or ap_mac,
                        "sec": ap.auth,
                        "channel": ap.channel,
                        "rssi": ap.rssi,
                    }
                )  # fmt: skip
                for ap in sorted(found, key=lambda a: -a.rssi)
            ]

        def connect(self, *args: Any, **kwargs: Any) -> None:
            board.advance(CALL_COST)
            if st["mode"] == AP:
                raise OSError(NOT_POSSIBLE)
            ssid, auth, _bssid, timeout, *_rest, hostname, _channel = parse(
                args, kwargs, CONNECT_ARGS
            )
            ssid = _str(ssid)
            if len(ssid) > 32:
                raise ValueError(INVALID)
            key = None
            if auth is not None:
                if not isinstance(auth, (tuple, list)) or len(auth) not in (1, 2, 3):
                    raise ValueError("invalid authentication tuple")
                if len(auth) == 2:
                    if auth[0] is not None and exc.get_int(auth[0]) == WPA2_ENT:
                        raise ValueError("invalid authentication tuple")
                    key = _str(auth[1])
                elif exc.get_int(auth[0]) != WPA2_ENT:
                    raise ValueError("invalid authentication tuple")
            wait = -1 if timeout is None else exc.get_int(timeout)
            if hostname is not None:
                st["hostname"] = _str(hostname)
            stop_station()
            st["timed_out"] = False
            st["ssid"], st["auth"] = ssid, auth
            join_steps(ssid, key, wait)

        def disconnect(self) -> None:
            board.advance(CALL_COST)
            if st["mode"] == AP:
                raise OSError(NOT_POSSIBLE)
            stop_station()

        def isconnected(self) -> bool:
            board.advance(CALL_COST)
            if st["ip"]:
                return True
            if st["timed_out"]:
                st["timed_out"] = False
                raise TimeoutError("Connection to AP Timeout!")
            return False

        def ifconfig(self, *args: Any, **kwargs: Any) -> Any:
            board.advance(CALL_COST)
            ident, config = parse(args, kwargs, (Arg("id", INT, default=0), Arg("config")))
            if ident > 1:
                raise OSError("resource not available")
            if config is NULL:
                if ident == 1:
                    ip = st["ap_ip"]
                    return (
                        ip or "0.0.0.0",
                        "255.255.255.0" if ip else "0.0.0.0",
                        ip or "0.0.0.0",
                        "0.0.0.0",
                    )
                ip = st["ip"]
                if not ip:
                    return ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")
                gw = ip.rsplit(".", 1)[0] + ".1"
                return (ip, "255.255.255.0", gw, gw)
            if isinstance(config, tuple):
                if len(config) != 4:
                    raise ValueError(
                        f"tuple/list has wrong length (requested 4, got {len(config)})"
                    )
                if ident == 0:
                    st["ip"] = _str(config[0])
                    net.addresses[board.name] = st["ip"]
                return None
            if _str(config) not in ("dhcp", "auto"):
                raise ValueError(INVALID)
            return None

        def mode(self, *args: Any) -> Any:
            var_between(args, 1, 2)
            if not args:
                return st["mode"]
            mode = exc.get_int(args[0])
            if mode not in (STA, AP, STA_AP):
                raise ValueError(INVALID)
            st["mode"] = mode
            return None

        def ssid(self, *args: Any) -> Any:
            var_between(args, 1, 2)
            if not args:
                return st["ssid"] if st["mode"] != STA or st["ip"] else st["ssid"]
            st["ssid"] = _str(args[0])
            return None

        def bssid(self) -> bytes:
            ap = st["joined"]
            return ap.bssid if ap is not None else bytes(6)

        def auth(self, *args: Any) -> Any:
            var_between(args, 1, 2)
            if not args:
                return st["auth"]
            st["auth"] = args[0]
            return None

        def channel(self, *args: Any, **kwargs: Any) -> Any:
            if not args and not kwargs:
                ap = st["joined"]
                return ap.channel if ap is not None else st["channel"]
            st["channel"] = exc.get_int(args[0] if args else kwargs.get("channel", 1))
            return None

        def antenna(self, *args: Any) -> Any:
            var_between(args, 1, 2)
            if not args:
                return st["antenna"]
            ant = exc.get_int(args[0])
            if ant not in (0, 1, 2):
                raise ValueError(INVALID)
            st["antenna"] = ant
            return None

        def mac(self, *args: Any) -> Any:
            if args:
                raise OSError(NOT_POSSIBLE)  # changing the MAC needs the radio stopped
            return AttrTuple({"sta_mac": sta_mac, "ap_mac": ap_mac})

        def hostname(self, *args: Any) -> Any:
            if not args:
                return st["hostname"]
            st["hostname"] = _str(args[0])
            return None

        def joined_ap_info(self) -> AttrTuple:
            ap = st["joined"]
            if ap is None:
                raise OSError(NOT_POSSIBLE)
            return AttrTuple({"bssid": ap.bssid, "ssid": ap.ssid, "primary_chn": ap.channel,
                              "rssi": ap.rssi, "auth": ap.auth, "standard": 4})  # fmt: skip

        def __repr__(self) -> str:
            return "<WLAN>"

    WLAN.__module__ = "builtins"
    wlan_obj = object.__new__(WLAN)
    # esp32/mptask.c: wifi_on_boot starts the AP "<board>-wlan-<last 2 MAC bytes>", key www.pycom.io
    boot_ssid = f"{platform}-wlan-{sta_mac[4:].hex()}"
    setup(AP, boot_ssid, (WPA2, DEFAULT_AP_KEY), 1, 0)
    return WLAN
