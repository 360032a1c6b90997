"""The WiPy's FTP server on /flash (esp32/ftp/ftp.c of Pycom 1.20.2.r4).

The firmware's commands and replies: FEAT (211 no-features), SYST (215 UNIX Type: L8), USER/PASS
(331, then 230 or 530; anything else before logging in is 332), CWD/CDUP (250 or 550), PWD/XPWD
(257 and the path, unquoted), SIZE/MDTM (213), TYPE (200, every type is binary), PASV (227), LIST
(150, the listing on the data connection, 226; it lists the current directory whatever its
argument), RETR/STOR (150 ... 226, 550 when the file cannot be opened), DELE/RMD (250 or 550), MKD
(250), RNFR (350)/RNTO (250), NOOP (200), QUIT (221); any other command is 502. Only passive mode,
one client at a time. The VFS root ``/`` lists the drive ``flash``.

Files go through the board's /flash (the served folder with the board's layer over it, as the
board's own ``open`` and ``os`` see them): what FTP writes, renames or deletes lands in the layer.

Deviation: the passive data port is a free port of this machine, not the firmware's 2024, so
several boards can serve at once.
"""

from __future__ import annotations

import contextlib
import posixpath
import socket
import threading
import time
from pathlib import Path
from typing import Any

from ..firmware.lang.firmware_modules import flash_fs_bytes
from ..firmware.lang.vflash import ROOT, VirtualFlash
from ..firmware.network.server import ServersSwitch, servers_switch
from .transports import POLL_S, accept_loop, listen

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SECONDS_180_DAYS = 15552000  # FTP_UNIX_SECONDS_180_DAYS
DATA_TIMEOUT_S = 10.0  # FTP_DATA_TIMEOUT_MS
DRIVE_TIME = time.gmtime(1420070400)  # ftp_print_eplf_drive: 2015-01-01


def _list_line(is_dir: bool, size: int, stamp: time.struct_time, recent: bool, name: str) -> str:
    """ftp_print_eplf_item: a line as `ls -l` prints it, the year for files older than 180 days."""
    when = f"{stamp.tm_hour:02d}:{stamp.tm_min:02d}" if recent else f"{stamp.tm_year:5d}"
    kind = "d" if is_dir else "-"
    return f"{kind}rw-rw-r--   1 root  root {size:9d} {MONTHS[stamp.tm_mon - 1]} {stamp.tm_mday:2d} {when} {name}\r\n"


class FtpSession:
    def __init__(self, server: FtpServer, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.path = "/"  # ftp.c starts at the VFS root
        self.user: str | None = None
        self.logged_in = False
        self.rename_from: str | None = None
        self.passive: socket.socket | None = None

    # ---- replies ----
    def reply(self, status: int, message: str = "") -> None:
        """ftp_send_reply: '%u %s\\r\\n' (a reply without message keeps the space)."""
        with contextlib.suppress(OSError):
            self.sock.sendall(f"{status} {message}\r\n".encode())

    def run(self) -> None:
        self.sock.settimeout(POLL_S)
        self.reply(220, "Micropython FTP Server")
        buffer = b""
        last = time.monotonic()
        while not self.server.closed.is_set():
            try:
                data = self.sock.recv(1024)
            except TimeoutError:
                # ftp_run: a client silent for servers_get_timeout() is dropped
                if time.monotonic() - last > self.server.switch.timeout_ms / 1000:
                    break
                continue
            except OSError:
                break
            if not data:
                break
            last = time.monotonic()
            buffer += data
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if not self.command(line.rstrip(b"\r").decode("utf-8", "replace")):
                    return self.close()
        self.close()

    def close(self) -> None:
        self._close_passive()
        with contextlib.suppress(OSError):
            self.sock.close()

    # ---- paths ----
    def child(self, name: str) -> str:
        """ftp_open_child: a name relative to the current directory, or an absolute one."""
        joined = name if name.startswith("/") else posixpath.join(self.path, name)
        return posixpath.normpath(joined).replace("//", "/") or "/"

    def rel(self, board_path: str) -> str | None:
        """The path inside /flash ('' for its top), or None for the root and other drives."""
        try:
            rel = self.server.flash.rel(board_path)
        except OSError:
            return None
        return None if rel == ROOT else rel

    def host(self, board_path: str) -> Path | None:
        """The host entry the board sees at a /flash path, or None."""
        rel = self.rel(board_path)
        return None if rel is None else self.server.flash.find(rel)

    # ---- commands (ftp_process_cmd) ----
    def command(self, line: str) -> bool:
        verb, _, arg = line.partition(" ")
        verb = verb.upper()
        if not self.logged_in and verb not in ("USER", "PASS", "QUIT"):
            self.reply(332)
            return True
        handler = getattr(self, f"cmd_{verb}", None) if verb.isalpha() else None
        if handler is None:
            self.reply(502)
            return True
        return handler(arg) is not False

    def cmd_USER(self, arg: str) -> None:  # noqa: N802 - FTP verbs
        self.user = arg
        self.reply(331)

    def cmd_PASS(self, arg: str) -> None:  # noqa: N802
        self.logged_in = self.server.switch.login_ok(self.user, arg)
        self.reply(230 if self.logged_in else 530)

    def cmd_QUIT(self, arg: str) -> bool:  # noqa: N802
        self.reply(221)
        return False

    def cmd_FEAT(self, arg: str) -> None:  # noqa: N802
        self.reply(211, "no-features")

    def cmd_SYST(self, arg: str) -> None:  # noqa: N802
        self.reply(215, "UNIX Type: L8")

    def cmd_NOOP(self, arg: str) -> None:  # noqa: N802
        self.reply(200)

    cmd_TYPE = cmd_NOOP  # noqa: N815

    def cmd_PWD(self, arg: str) -> None:  # noqa: N802
        self.reply(257, self.path)

    cmd_XPWD = cmd_PWD  # noqa: N815

    def cmd_CDUP(self, arg: str) -> None:  # noqa: N802
        self.path = posixpath.dirname(self.path.rstrip("/")) or "/"
        self.reply(250)

    def cmd_CWD(self, arg: str) -> None:  # noqa: N802
        target = self.child(arg)
        host = self.host(target)
        if target == "/" or (host is not None and host.is_dir()):
            self.path = target
            self.reply(250)
        else:
            self.reply(550)

    def cmd_SIZE(self, arg: str) -> None:  # noqa: N802
        host = self.host(self.child(arg))
        if host is None or not host.exists():
            return self.reply(550)
        self.reply(213, str(0 if host.is_dir() else host.stat().st_size))

    def cmd_MDTM(self, arg: str) -> None:  # noqa: N802
        host = self.host(self.child(arg))
        if host is None or not host.exists():
            return self.reply(550)
        self.reply(213, time.strftime("%Y%m%d%H%M%S", time.gmtime(host.stat().st_mtime)))

    def cmd_PASV(self, arg: str) -> None:  # noqa: N802
        self._close_passive()
        try:
            self.passive = socket.create_server((self.server.host, 0))
        except OSError:
            return self.reply(425)
        self.passive.settimeout(DATA_TIMEOUT_S)
        ip = self.sock.getsockname()[0]
        port = self.passive.getsockname()[1]
        numbers = ",".join(ip.split(".") + [str(port >> 8), str(port & 0xFF)])
        self.reply(227, f"({numbers})")

    def _close_passive(self) -> None:
        if self.passive is not None:
            with contextlib.suppress(OSError):
                self.passive.close()
            self.passive = None

    def _data(self) -> socket.socket | None:
        listener = self.passive
        if listener is None:
            return None
        try:
            conn, _ = listener.accept()
        except OSError:
            conn = None
        self._close_passive()
        if conn is not None:
            conn.settimeout(DATA_TIMEOUT_S)
        return conn

    def cmd_LIST(self, arg: str) -> None:  # noqa: N802
        lines = self._listing()
        if lines is None:
            return self.reply(550)
        self.reply(150)
        conn = self._data()
        if conn is None:
            return self.reply(426)
        with conn, contextlib.suppress(OSError):
            conn.sendall("".join(lines).encode())
        self.reply(226)

    def _listing(self) -> list[str] | None:
        if self.path == "/":
            return [_list_line(True, 0, DRIVE_TIME, False, "flash")]
        host = self.host(self.path)
        if host is None or not host.is_dir():
            return None
        now = time.time()
        lines = []
        for name, entry in self.server.flash.listdir_host(self.path):  # layer over the folder
            if entry is None:
                continue
            st = entry.stat()
            recent = not now - st.st_mtime > SECONDS_180_DAYS
            size = 0 if entry.is_dir() else st.st_size
            lines.append(_list_line(entry.is_dir(), size, time.gmtime(st.st_mtime), recent, name))
        return lines

    def cmd_RETR(self, arg: str) -> None:  # noqa: N802
        host = self.host(self.child(arg))
        if host is None or not host.is_file():
            self._close_passive()
            return self.reply(550)
        self.reply(150)
        conn = self._data()
        if conn is None:
            return self.reply(426)
        with conn, host.open("rb") as f, contextlib.suppress(OSError):
            conn.sendfile(f)
        self.reply(226)

    def cmd_STOR(self, arg: str) -> None:  # noqa: N802
        target = self.child(arg)
        existing = self.host(target)
        try:
            if self.rel(target) is None or (existing is not None and existing.is_dir()):
                raise OSError
            f = self.server.flash.open(target, "wb")  # into the board's layer, ENOSPC past its size
        except OSError:
            self._close_passive()
            return self.reply(550)
        self.reply(150)
        conn = self._data()
        if conn is None:
            f.close()
            return self.reply(426)
        try:
            with conn, f:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    f.write(chunk)
        except OSError:
            return self.reply(451)
        self.reply(226)

    def cmd_DELE(self, arg: str) -> None:  # noqa: N802
        rel = self.rel(self.child(arg))
        host = None if rel is None else self.server.flash.find(rel)
        # f_unlink takes files and empty folders
        if rel in (None, "") or host is None or (host.is_dir() and self._entries(rel)):
            return self.reply(550)
        try:
            self.server.flash.delete(rel)  # type: ignore[arg-type]
        except OSError:
            return self.reply(550)
        self.reply(250)

    cmd_RMD = cmd_DELE  # noqa: N815

    def _entries(self, rel: str) -> list[Any]:
        return self.server.flash.listdir_host("/flash/" + rel if rel else "/flash")

    def cmd_MKD(self, arg: str) -> None:  # noqa: N802
        rel = self.rel(self.child(arg))
        try:
            if rel in (None, "") or self.server.flash.find(rel) is not None:  # type: ignore[arg-type]
                raise OSError
            self.server.flash.writable(rel).mkdir()  # type: ignore[arg-type]
        except OSError:
            return self.reply(550)
        self.reply(250)

    def cmd_RNFR(self, arg: str) -> None:  # noqa: N802
        rel = self.rel(self.child(arg))
        if rel in (None, "") or self.server.flash.find(rel) is None:  # type: ignore[arg-type]
            return self.reply(550)
        self.rename_from = rel
        self.reply(350)

    def cmd_RNTO(self, arg: str) -> None:  # noqa: N802
        flash = self.server.flash
        src, dst = self.rename_from, self.rel(self.child(arg))
        try:
            if src is None or dst in (None, "") or flash.find(dst) is not None:  # type: ignore[arg-type]
                raise OSError
            found = flash.find(src)
            if found is None:
                raise OSError
            if found.is_dir():
                flash.copy_tree(src, dst)  # type: ignore[arg-type]
            else:
                with (
                    flash.open("/flash/" + src, "rb") as old,
                    flash.open("/flash/" + dst, "wb") as new,
                ):  # type: ignore[operator]
                    new.write(old.read())
            flash.delete(src)
        except OSError:
            return self.reply(550)
        self.reply(250)


class FtpServer:
    scheme = "ftp"

    def __init__(
        self, host: str, port: int, board: Any, flash_root: Path, user: str, password: str
    ) -> None:
        self.host = host
        self.sock = listen(host, port, "--ftp")
        self.port = self.sock.getsockname()[1]
        # the board's /flash: the served folder and the board's own layer of changes over it
        self.flash = VirtualFlash(flash_root, board.flash_layer, size=flash_fs_bytes(board.type))
        # the board's network.Server switch: the login (serve's --user/--password until a script
        # sets one), the idle timeout, and deinit() which drops the client
        self.switch = servers_switch(board)
        self.switch.served = True
        self.switch.user, self.switch.password = user, password
        self.switch.on_change.append(self._switch_changed)
        self.closed = threading.Event()
        self._session: FtpSession | None = None
        self._thread = threading.Thread(target=self._accept, daemon=True, name="ftp")

    def start(self) -> None:
        self._thread.start()

    def _accept(self) -> None:
        accept_loop(self.sock, self.closed, self._connected)

    def _switch_changed(self, switch: ServersSwitch) -> None:
        if not switch.enabled and self._session is not None:  # servers_stop -> ftp_disable
            self._session.close()

    def _connected(self, sock: socket.socket) -> None:
        if not self.switch.enabled:  # network.Server().deinit(): the FTP server is off
            with contextlib.suppress(OSError):
                sock.close()
            return
        session = FtpSession(self, sock)
        self._session = session
        session.run()  # FTP_CMD_CLIENTS_MAX 1: the next client waits for this one

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(OSError):
            self.sock.close()
        if self._session is not None:
            self._session.close()
        self._thread.join(timeout=2)

    def describe(self) -> str:
        return f"ftp://{self.host}:{self.port} (user {self.switch.user})"
