"""``network.Server`` (esp32/mods/modnetwork.c ``network_server_*``): the Telnet/FTP server switch.

pycomsim keeps the settings (login, timeout, running) as the board does, but nothing listens: a
simulated board has no Telnet or FTP server to connect to. As on the board, ``Server()`` and
``init()`` reset a login or timeout that is not given to the defaults and start the servers.
"""

from __future__ import annotations

from typing import Any

from ... import exc
from .args import NULL, Arg, parse, var_between

DEFAULT_LOGIN = ("micro", "python")  # serverstask.h SERVERS_DEF_USER / SERVERS_DEF_PASS
DEFAULT_TIMEOUT_S = 300  # SERVERS_DEF_TIMEOUT_MS / 1000
ARGS = (Arg("id"), Arg("login", kw_only=True), Arg("timeout", kw_only=True))


def make_server_class() -> type:
    # the servers start with the WLAN at boot (wifi_on_boot): running until deinit()
    state: dict[str, Any] = {"running": True, "login": DEFAULT_LOGIN, "timeout": DEFAULT_TIMEOUT_S}

    def init_helper(login: Any, timeout: Any) -> None:
        """network_server_init_helper: login (user, password) and timeout (s), then start."""
        user_pass = DEFAULT_LOGIN
        if login is not NULL:
            if not isinstance(login, (tuple, list)) or len(login) != 2:
                n = len(login) if isinstance(login, (tuple, list)) else 0
                raise ValueError(f"tuple/list has wrong length (requested 2, got {n})")
            user_pass = (str(login[0]), str(login[1]))
        state["login"] = user_pass
        state["timeout"] = DEFAULT_TIMEOUT_S if timeout is NULL else exc.get_int(timeout)
        state["running"] = True

    class Server:
        __slots__ = ()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            ident, login, timeout = parse(args, kwargs, ARGS)
            if ident is not NULL and exc.get_int(ident) != 0:
                raise OSError("resource not available")
            init_helper(login, timeout)

        def init(self, *args: Any, **kwargs: Any) -> None:
            init_helper(*parse(args, kwargs, ARGS[1:]))

        def deinit(self) -> None:
            state["running"] = False

        def timeout(self, *args: Any) -> Any:
            var_between(args, 1, 2)
            if not args:
                return state["timeout"]
            state["timeout"] = exc.get_int(args[0])
            return None

        def isrunning(self) -> bool:
            return bool(state["running"])

    Server.__module__ = "builtins"
    return Server
