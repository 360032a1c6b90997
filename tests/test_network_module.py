"""The network module's names per board (esp32/mods/modnetwork.c mp_module_network_globals_table),
the classes pycomsim does not simulate, and network.LoRa's argument checks and messages
(esp32/mods/modlora.c lora_init_helper, lora_validate_*, lora_socket_*)."""

import textwrap

import pytest

from pycomsim import Board, NotSimulatedError


def run(tmp_path, text: str, board: str = "lopy4") -> Board:
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(text))
    b = Board(board, stdout=open("/dev/null", "w"), cpu="free")  # reboots: instant boots
    b.run(path, until="1s")
    return b


def out(b: Board) -> list[str]:
    if b.error is not None:
        raise b.error
    return "".join(b.output).splitlines()


@pytest.mark.parametrize(
    "board, present, absent",
    [
        ("lopy4", {"LoRa", "Sigfox", "WLAN", "Bluetooth", "Server"}, {"LTE"}),
        ("lopy", {"LoRa", "WLAN", "Bluetooth", "Server"}, {"LTE", "Sigfox"}),
        ("wipy3", {"WLAN", "Bluetooth", "Server"}, {"LoRa", "LTE", "Sigfox"}),
        ("sipy", {"Sigfox", "WLAN"}, {"LoRa", "LTE"}),
        ("gpy", {"LTE", "WLAN"}, {"LoRa", "Sigfox"}),
        ("fipy", {"LoRa", "Sigfox", "LTE", "WLAN"}, set()),
    ],
)
def test_network_names_follow_the_board(tmp_path, board, present, absent):
    names = present | absent
    b = run(
        tmp_path,
        f"import network\nprint([n for n in {sorted(names)!r} if hasattr(network, n)])\n",
        board,
    )
    assert out(b) == [repr(sorted(present))]


@pytest.mark.parametrize("name", ["Bluetooth", "Sigfox", "LTE"])
def test_unsimulated_radios_raise_a_clear_error(tmp_path, name):
    b = run(tmp_path, f"from network import {name}\n{name}()\n", "fipy")
    assert isinstance(b.error, NotSimulatedError) and isinstance(b.error, NotImplementedError)
    assert str(b.error) == f"network.{name} is not simulated by pycomsim"


def test_sigfox_socket_is_not_simulated(tmp_path):
    b = run(tmp_path, "import socket\nsocket.socket(socket.AF_SIGFOX, socket.SOCK_RAW)\n")
    assert str(b.error) == "network.Sigfox is not simulated by pycomsim"


def test_server_keeps_its_settings(tmp_path):
    b = run(
        tmp_path,
        """
        from network import Server
        s = Server()
        print(s.isrunning(), s.timeout())
        s.init(login=('u', 'p'), timeout=60)
        print(s.timeout())
        s.deinit()
        print(s.isrunning())
        Server(1)
        """,
    )
    assert "".join(b.output).splitlines()[:3] == ["True 300", "60", "False"]
    assert str(b.error) == "resource not available"


@pytest.mark.parametrize(
    "call, error, message",
    [
        ("LoRa(mode=2)", ValueError, "invalid mode 2"),
        ("LoRa(region=99)", ValueError, "invalid region 99"),
        (
            "LoRa(region=LoRa.EU868, frequency=900000000)",
            ValueError,
            "frequency 900000000 out of range",
        ),
        ("LoRa(region=LoRa.US915, tx_power=25)", ValueError, "Tx power 25 out of range"),
        ("LoRa(region=LoRa.EU868, bandwidth=3)", ValueError, "bandwidth 3 not supported"),
        ("LoRa(region=LoRa.EU868, sf=13)", ValueError, "spreading factor 13 out of range"),
        ("LoRa(region=LoRa.EU868, sf=300)", ValueError, "spreading factor 44 out of range"),
        ("LoRa(region=LoRa.EU868, coding_rate=5)", ValueError, "coding rate 5 out of range"),
        ("LoRa(region=LoRa.EU868, power_mode=3)", ValueError, "invalid power mode 3"),
        ("LoRa(region=LoRa.EU868, device_class=1)", ValueError, "invalid device_class 1"),
        ("LoRa(1)", OSError, "resource not available"),
        ("LoRa(0, 1)", TypeError, "extra positional arguments given"),
        ("LoRa(colour=1)", TypeError, "extra keyword arguments given"),
        ("LoRa(sf=7.0)", TypeError, "can't convert float to int"),
    ],
)
def test_lora_argument_errors_are_the_firmwares(tmp_path, call, error, message):
    b = run(tmp_path, f"from network import LoRa\n{call}\n")
    assert type(b.error) is error and str(b.error) == message


def test_eu433_is_lopy4_only(tmp_path):
    b = run(tmp_path, "from network import LoRa\nLoRa(region=LoRa.EU433)\n", "lopy")
    assert str(b.error) == "invalid region 4"
    b = run(
        tmp_path,
        "from network import LoRa\nl = LoRa(region=LoRa.EU433)\nprint(l.frequency(), l.tx_power())\n",
    )
    assert out(b) == ["433175000 12"]


def test_region_defaults_and_the_config_block(tmp_path):
    b = run(tmp_path, "from network import LoRa\nl = LoRa()\nprint(l.frequency(), l.tx_power())\n")
    assert out(b) == ["868000000 14"]  # the board's configured region: EU868 unless set
    path = tmp_path / "main.py"
    path.write_text("from network import LoRa\nLoRa()\n")
    unconfigured = Board("lopy4", stdout=open("/dev/null", "w"))
    unconfigured.lora_region = ""
    unconfigured.run(path, until="1s")
    assert str(unconfigured.error) == "no region specified and no default found in config block"


@pytest.mark.parametrize(
    "code, error, message",
    [
        ("s.setsockopt(socket.SOL_SOCKET, socket.SO_DR, 3)", OSError, "[Errno 95] EOPNOTSUPP"),
        ("s.setsockopt(socket.SOL_LORA, socket.SO_DR, 7)", OSError, "[Errno 95] EOPNOTSUPP"),
        ("s.bind(225)", OSError, "[Errno 95] EOPNOTSUPP"),
        ("s.sendto(b'x', ('a', 1))", OSError, "[Errno 95] EOPNOTSUPP"),
        ("s.send(bytes(256))", OSError, "[Errno 122] EMSGSIZE"),
        ("s.close(); s.send(b'x')", OSError, "[Errno 9] EBADF"),
        ("lora.power_mode(LoRa.SLEEP); s.send(b'x')", OSError, "[Errno 115] ENETDOWN"),
        ("s.settimeout(0.2); s.recv(4)", TimeoutError, "timed out"),
        ("socket.socket(socket.AF_LORA, socket.SOCK_DGRAM)", OSError, "incorrect socket type"),
    ],
)
def test_lora_socket_errors_are_the_firmwares(tmp_path, code, error, message):
    b = run(
        tmp_path,
        f"""
        from network import LoRa
        import socket
        lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
        s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
        {code}
        """,
    )
    assert isinstance(b.error, error) and str(b.error) == message
    if error is OSError:  # the board's console names it OSError whatever CPython's subclass
        assert b.format_board_exception(b.error).splitlines()[-1] == f"OSError: {message}"


def test_a_lora_socket_needs_the_lora_card(tmp_path):
    b = run(tmp_path, "import socket\nsocket.socket(socket.AF_LORA, socket.SOCK_RAW)\n")
    assert type(b.error) is OSError and str(b.error) == "Network card not available"


def test_nonblocking_recv_returns_empty_bytes_and_partial_reads_keep_the_rest(tmp_path):
    b = run(
        tmp_path,
        """
        from network import LoRa
        import socket
        lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
        s = socket.socket(socket.AF_LORA, socket.SOCK_RAW)
        s.setblocking(False)
        print(s.recv(4), s.recvfrom(4))
        """,
    )
    assert out(b) == ["b'' (b'', 0)"]


def test_a_reboot_forgets_the_radio(tmp_path):
    b = run(
        tmp_path,
        """
        import machine
        from network import LoRa
        import socket
        if machine.reset_cause() == machine.PWRON_RESET:
            lora = LoRa(mode=LoRa.LORA, region=LoRa.EU868)
            machine.reset()
        try:
            socket.socket(socket.AF_LORA, socket.SOCK_RAW)
        except OSError as e:
            print(e)
        """,
    )
    assert out(b) == ["Network card not available"]
