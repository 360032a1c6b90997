"""The WiPy's network services: the telnet REPL (esp32/telnet/telnet.c) with Python's socket as
the telnet client, and FTP on /flash (esp32/ftp/ftp.c) with ftplib."""

from __future__ import annotations

import ftplib
import io
import socket
import time
from pathlib import Path

import pytest

IAC, WILL, WONT, ECHO = 255, 251, 252, 1


def _read_until(sock: socket.socket, marker: bytes, timeout: float = 10) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data:
        assert time.monotonic() < deadline, f"no {marker!r} in {data!r}"
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        chunk = sock.recv(4096)
        assert chunk, f"closed before {marker!r}: {data!r}"
        data += chunk
    return data


def _port(where: str) -> int:
    return int(where.split(":")[-1].split()[0])


def test_telnet_login_then_the_shared_repl(tmp_path: Path, serve) -> None:
    served = serve("--telnet", "0", "--password", "secret")
    port = _port(served.where[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        data = _read_until(sock, b"Login as: ")
        assert data.startswith(b"MicroPython v1.11-ffb0e1c on 2021-01-12; LoPy4 with ESP32\r\n")
        assert bytes([IAC, WONT, ECHO]) in data  # the client echoes the user name
        sock.sendall(b"micro\r\n")
        assert bytes([IAC, WILL, ECHO]) in _read_until(
            sock, b"Password: "
        )  # the password is hidden
        sock.sendall(b"wrong\r\n")
        _read_until(sock, b"\r\nInvalid credentials, try again.\r\n")
        _read_until(sock, b"Login as: ")
        sock.sendall(b"micro\r\n")
        _read_until(sock, b"Password: ")
        sock.sendall(b"secret\r\n")
        _read_until(sock, b'\r\nLogin succeeded!\r\nType "help()" for more information.\r\n')
        _read_until(sock, b">>> ")
        sock.sendall(b"import os; os.uname().sysname\r")
        assert _read_until(sock, b">>> ").endswith(b"\r\n'LoPy4'\r\n>>> ")


def test_ftp_on_flash_with_ftplib(tmp_path: Path, serve) -> None:
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text("print('hi')\n")
    layer = tmp_path / "layer"
    served = serve(str(flash), "--ftp", "0", "--flash-dir", str(layer))
    port = _port(served.where[1])
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", port, timeout=10)
    try:
        assert ftp.getwelcome() == "220 Micropython FTP Server"
        with pytest.raises(ftplib.error_perm, match="530"):
            ftp.login("micro", "nope")
        ftp.login("micro", "python")
        assert ftp.sendcmd("SYST") == "215 UNIX Type: L8"
        assert ftp.sendcmd("PWD") == "257 /"  # unquoted, as ftp.c sends it
        lines: list[str] = []
        ftp.retrlines("LIST", lines.append)
        assert lines == ["drw-rw-r--   1 root  root         0 Jan  1  2015 flash"]
        ftp.cwd("/flash")
        ftp.storbinary("STOR data.bin", io.BytesIO(b"\x00\xff" * 3000))
        assert (layer / "data.bin").read_bytes() == b"\x00\xff" * 3000  # the board's layer
        assert ftp.size("data.bin") == 6000
        got = io.BytesIO()
        ftp.retrbinary("RETR main.py", got.write)
        assert got.getvalue() == b"print('hi')\n"
        lines.clear()
        ftp.retrlines("LIST", lines.append)
        assert [line.split()[-1] for line in lines] == ["data.bin", "main.py"]
        assert lines[0].startswith("-rw-rw-r--   1 root  root      6000 ")
        ftp.mkd("lib")
        ftp.rename("data.bin", "lib/data.bin")
        ftp.delete("lib/data.bin")
        assert sorted(p.name for p in layer.iterdir() if not p.name.startswith(".")) == ["lib"]
        assert sorted(p.name for p in flash.iterdir()) == ["main.py"]  # the sources are untouched
        ftp.delete("main.py")  # the board no longer sees it; the source file stays
        lines.clear()
        ftp.retrlines("LIST", lines.append)
        assert [line.split()[-1] for line in lines] == ["lib"]
        assert (flash / "main.py").exists()
        with pytest.raises(ftplib.error_perm, match="550"):
            ftp.cwd("/sd")
        with pytest.raises(ftplib.error_perm, match="502"):
            ftp.nlst()  # NLST is not one of the firmware's commands
    finally:
        ftp.quit()


def test_network_server_in_main_sets_the_telnet_login_and_idle_timeout(
    tmp_path: Path, serve
) -> None:
    # modnetwork.c Server(login=, timeout=) -> servers_set_login / servers_set_timeout, which
    # telnet.c reads: the login it asks for, and telnet_run's reset of a silent client
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text(
        "from network import Server\nServer(login=('admin', 'pw'), timeout=5)\nprint('set')\n"
    )
    served = serve(str(flash), "--telnet", "0")
    port = _port(served.where[1])

    def login(user: bytes, password: bytes) -> tuple[socket.socket, bool]:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        _read_until(sock, b"Login as: ")
        sock.sendall(user + b"\r\n")
        _read_until(sock, b"Password: ")
        sock.sendall(password + b"\r\n")
        answer = b""
        while b"Login succeeded!" not in answer and b"Invalid credentials" not in answer:
            chunk = sock.recv(4096)
            assert chunk, f"closed after the password: {answer!r}"
            answer += chunk
        return sock, b"Login succeeded!" in answer

    deadline = time.monotonic() + 10
    while True:  # main.py runs at boot; until then the login is serve's
        sock, ok = login(b"admin", b"pw")
        if ok:
            break
        sock.close()
        assert time.monotonic() < deadline, "the script's login never took"
        time.sleep(0.2)
    with sock:
        silent_since = time.monotonic()
        sock.settimeout(15)
        while sock.recv(4096):  # the prompt, then nothing until the server hangs up
            pass
        assert 5 <= time.monotonic() - silent_since < 10
    sock, ok = login(b"micro", b"python")  # serve's default login no longer holds
    sock.close()
    assert not ok


def test_network_server_deinit_stops_ftp_and_telnet(tmp_path: Path, serve) -> None:
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text(
        "from network import Server\ns = Server()\ns.deinit()\nprint(s.isrunning())\n"
    )
    served = serve(str(flash), "--ftp", "0", "--telnet", "0")
    ftp_port = _port(next(w for w in served.where if w.startswith("ftp")))
    telnet_port = _port(next(w for w in served.where if w.startswith("telnet")))

    def telnet_is_off() -> bool:
        with socket.create_connection(("127.0.0.1", telnet_port), timeout=5) as sock:
            sock.settimeout(5)
            return sock.recv(100) == b""  # no welcome: the telnet server is off

    deadline = time.monotonic() + 10
    while not telnet_is_off():  # until main.py has run (it does at boot)
        assert time.monotonic() < deadline, "the telnet server is still on"
        time.sleep(0.2)
    with pytest.raises((EOFError, OSError, ftplib.Error)):
        ftplib.FTP().connect("127.0.0.1", ftp_port, timeout=5)
