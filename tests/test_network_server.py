"""network.Server (modnetwork.c network_server_*, serverstask.c servers_set_login/_timeout) in
`pycomsim run`: its settings, the firmware's limits, and the one-line note that nothing listens."""

import io
import textwrap

import pytest

from pycomsim import Board
from pycomsim.firmware.network.server import NOTHING_LISTENS, servers_switch


def run(tmp_path, text: str) -> tuple[Board, str]:
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(text))
    err = io.StringIO()
    b = Board("wipy3", name="b", stdout=open("/dev/null", "w"))
    b.world._stderr = err
    b.load(path)
    b.world.run(until="2s")
    return b, err.getvalue()


def test_the_switch_holds_login_timeout_and_state_and_run_says_nothing_listens(tmp_path):
    b, err = run(
        tmp_path,
        """
        from network import Server
        s = Server(login=('admin', 'pw'), timeout=60)
        print(s.isrunning(), s.timeout())
        s.deinit()
        print(s.isrunning())
        s.init()
        print(s.isrunning(), s.timeout())
        """,
    )
    assert "".join(b.output).splitlines() == ["True 60", "False", "True 300"]
    switch = servers_switch(b)
    assert (switch.user, switch.password) == ("micro", "python")  # init() without login: defaults
    assert err.count(NOTHING_LISTENS) == 1  # once, on stderr
    assert NOTHING_LISTENS not in "".join(b.output)


@pytest.mark.parametrize(
    "call, message",
    [
        ("Server(timeout=4)", "invalid argument(s) value"),  # SERVERS_MIN_TIMEOUT_MS 5000
        ("Server().timeout(1)", "invalid argument(s) value"),
        ("Server(login=('u' * 33, 'p'))", "invalid argument(s) value"),  # 32 characters at most
        ("Server(login=('u',))", "tuple/list has wrong length (requested 2, got 1)"),
        ("Server(login=(1, 'p'))", "can't convert 'int' object to str implicitly"),
    ],
)
def test_what_the_firmware_refuses(tmp_path, call, message):
    b, _ = run(tmp_path, f"from network import Server\n{call}\n")
    assert str(b.error) == message
