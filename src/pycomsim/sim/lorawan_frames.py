"""LoRaWAN 1.0.2 frames and keys (LoRaWAN Specification v1.0.2, sections 4, 6.2 and 7), with AES-128
and AES-CMAC from the `cryptography` package. Used by both ends: the board's MAC and the World's
network server.

* join request: MHDR 0x00 | AppEUI | DevEUI (both little-endian) | DevNonce | MIC;
* join accept: MHDR 0x20 | AppNonce | NetID | DevAddr | DLSettings | RxDelay | MIC, "encrypted" with
  AES *decrypt* under the AppKey (so the device only needs AES encrypt); keys
  ``NwkSKey = aes(AppKey, 01 | AppNonce | NetID | DevNonce | pad)``, AppSKey with 02;
* data: MHDR | DevAddr | FCtrl | FCnt (16 bits) | FOpts | FPort | FRMPayload | MIC, the payload
  encrypted with the AppSKey (port > 0) or NwkSKey (port 0) in counter mode (A_i blocks), the MIC a
  CMAC under the NwkSKey over B0 | message.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

JOIN_REQUEST, JOIN_ACCEPT = 0x00, 0x20
UNCONFIRMED_UP, UNCONFIRMED_DOWN, CONFIRMED_UP, CONFIRMED_DOWN = 0x40, 0x60, 0x80, 0xA0
UP, DOWN = 0, 1
FCTRL_ADR, FCTRL_ADR_ACK_REQ, FCTRL_ACK, FCTRL_FPENDING = 0x80, 0x40, 0x20, 0x10


def aes_encrypt(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def aes_decrypt(key: bytes, data: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return dec.update(data) + dec.finalize()


def cmac(key: bytes, data: bytes) -> bytes:
    c = CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


# ---- join ----
def join_request(app_eui: bytes, dev_eui: bytes, dev_nonce: int, app_key: bytes) -> bytes:
    """`app_eui`/`dev_eui` as the script gives them (big-endian, most significant byte first)."""
    msg = bytes([JOIN_REQUEST]) + app_eui[::-1] + dev_eui[::-1] + struct.pack("<H", dev_nonce)
    return msg + cmac(app_key, msg)[:4]


@dataclass
class JoinRequest:
    app_eui: bytes  # big-endian
    dev_eui: bytes
    dev_nonce: int


def parse_join_request(frame: bytes) -> JoinRequest | None:
    if len(frame) != 23 or frame[0] != JOIN_REQUEST:
        return None
    return JoinRequest(frame[1:9][::-1], frame[9:17][::-1], struct.unpack("<H", frame[17:19])[0])


def check_join_request(frame: bytes, app_key: bytes) -> bool:
    return cmac(app_key, frame[:-4])[:4] == frame[-4:]


def join_accept(
    app_key: bytes, app_nonce: int, net_id: int, dev_addr: int, dl_settings: int, rx_delay: int
) -> bytes:
    body = (
        app_nonce.to_bytes(3, "little")
        + net_id.to_bytes(3, "little")
        + struct.pack("<I", dev_addr)
        + bytes([dl_settings, rx_delay])
    )
    mic = cmac(app_key, bytes([JOIN_ACCEPT]) + body)[:4]
    return bytes([JOIN_ACCEPT]) + aes_decrypt(app_key, body + mic)


@dataclass
class JoinAccept:
    app_nonce: int
    net_id: int
    dev_addr: int
    dl_settings: int
    rx_delay: int


def open_join_accept(frame: bytes, app_key: bytes) -> JoinAccept | None:
    """Decrypt and check a join accept; None if it is not one for this AppKey."""
    if len(frame) not in (17, 33) or frame[0] != JOIN_ACCEPT:
        return None
    plain = aes_encrypt(app_key, frame[1:])
    body, mic = plain[:-4], plain[-4:]
    if cmac(app_key, bytes([JOIN_ACCEPT]) + body)[:4] != mic:
        return None
    return JoinAccept(
        int.from_bytes(body[0:3], "little"),
        int.from_bytes(body[3:6], "little"),
        struct.unpack("<I", body[6:10])[0],
        body[10],
        body[11],
    )


def session_keys(
    app_key: bytes, app_nonce: int, net_id: int, dev_nonce: int
) -> tuple[bytes, bytes]:
    """(NwkSKey, AppSKey)."""
    tail = app_nonce.to_bytes(3, "little") + net_id.to_bytes(3, "little")
    tail += struct.pack("<H", dev_nonce)
    pad = bytes(7)
    return aes_encrypt(app_key, b"\x01" + tail + pad), aes_encrypt(app_key, b"\x02" + tail + pad)


# ---- data ----
def _crypt(key: bytes, direction: int, dev_addr: int, fcnt: int, data: bytes) -> bytes:
    out = bytearray()
    for i in range((len(data) + 15) // 16):
        a = b"\x01" + bytes(4) + bytes([direction]) + struct.pack("<II", dev_addr, fcnt)
        s = aes_encrypt(key, a + b"\x00" + bytes([i + 1]))
        chunk = data[16 * i : 16 * i + 16]
        out += bytes(x ^ y for x, y in zip(chunk, s, strict=False))
    return bytes(out)


def _mic(nwk_skey: bytes, direction: int, dev_addr: int, fcnt: int, msg: bytes) -> bytes:
    b0 = b"\x49" + bytes(4) + bytes([direction]) + struct.pack("<II", dev_addr, fcnt)
    return cmac(nwk_skey, b0 + b"\x00" + bytes([len(msg)]) + msg)[:4]


def data_frame(
    mtype: int,
    dev_addr: int,
    fcnt: int,
    port: int | None,
    payload: bytes,
    nwk_skey: bytes,
    app_skey: bytes,
    fctrl: int = 0,
    fopts: bytes = b"",
) -> bytes:
    """A data frame; `fopts` (MAC commands, at most 15 bytes) go unencrypted after FCnt."""
    direction = DOWN if mtype in (UNCONFIRMED_DOWN, CONFIRMED_DOWN) else UP
    fctrl = (fctrl & 0xF0) | len(fopts)
    msg = bytes([mtype]) + struct.pack("<IBH", dev_addr, fctrl, fcnt & 0xFFFF) + bytes(fopts)
    if port is not None:
        key = nwk_skey if port == 0 else app_skey
        msg += bytes([port]) + _crypt(key, direction, dev_addr, fcnt, payload)
    return msg + _mic(nwk_skey, direction, dev_addr, fcnt, msg)


@dataclass
class DataFrame:
    mtype: int
    dev_addr: int
    fctrl: int
    fcnt16: int
    port: int | None
    encrypted: bytes
    raw: bytes
    fopts: bytes = b""

    @property
    def confirmed(self) -> bool:
        return self.mtype in (CONFIRMED_UP, CONFIRMED_DOWN)

    @property
    def ack(self) -> bool:
        return bool(self.fctrl & FCTRL_ACK)


def parse_data(frame: bytes) -> DataFrame | None:
    if len(frame) < 12 or frame[0] & 0xE0 not in (0x40, 0x60, 0x80, 0xA0):
        return None
    dev_addr, fctrl, fcnt16 = struct.unpack("<IBH", frame[1:8])
    fopts_len = fctrl & 0x0F
    if 8 + fopts_len > len(frame) - 4:
        return None
    rest = frame[8 + fopts_len : -4]
    port = rest[0] if rest else None
    fopts = frame[8 : 8 + fopts_len]
    return DataFrame(frame[0] & 0xE0, dev_addr, fctrl, fcnt16, port, rest[1:], frame, fopts)


def full_fcnt(last: int, fcnt16: int) -> int:
    """The 32-bit counter a 16-bit one stands for, given the last one seen (LoRaWAN 4.3.1.5)."""
    candidate = (last & ~0xFFFF) | fcnt16
    if candidate < last:
        candidate += 0x10000
    return candidate


def check_and_open(
    frame: DataFrame, fcnt: int, nwk_skey: bytes, app_skey: bytes, direction: int
) -> bytes | None:
    """The decrypted payload if the MIC holds for 32-bit counter `fcnt`, else None."""
    if _mic(nwk_skey, direction, frame.dev_addr, fcnt, frame.raw[:-4]) != frame.raw[-4:]:
        return None
    if frame.port is None:
        return b""
    key = nwk_skey if frame.port == 0 else app_skey
    return _crypt(key, direction, frame.dev_addr, fcnt, frame.encrypted)
