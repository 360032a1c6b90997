"""``network.Server`` (esp32/mods/modnetwork.c ``network_server_*``, esp32/serverstask.c): the switch
of the board's Telnet and FTP servers, their login and their idle timeout.

The switch is one per board (`servers_switch`), the servers task's ``servers_data`` and
``servers_user``/``servers_pass``. ``pycomsim serve --telnet PORT --ftp PORT`` runs the two servers and
reads the switch: ``Server(login=(user, password), timeout=s)`` changes the login a client must give
and the idle time after which a client is dropped (``telnet_run``/``ftp_run``: ``servers_get_timeout``),
``deinit()`` drops the clients and takes no more until ``init()``. In ``pycomsim run`` nothing listens,
and the first ``Server()`` says so on stderr, once.

As on the board: ``Server()`` and ``init()`` reset a login or timeout that is not given to the
defaults (``micro``/``python``, 300 s) and start the servers; a user or password over 32 characters
and a timeout under 5 s are ``ValueError('invalid argument(s) value')`` (``servers_set_login``,
``servers_set_timeout``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ... import exc
from .args import NULL, Arg, parse, var_between

if TYPE_CHECKING:
    from ...board import Board

DEFAULT_LOGIN = ("micro", "python")  # serverstask.h SERVERS_DEF_USER / SERVERS_DEF_PASS
DEFAULT_TIMEOUT_S = 300  # SERVERS_DEF_TIMEOUT_MS / 1000
MIN_TIMEOUT_MS = 5000  # SERVERS_MIN_TIMEOUT_MS
USER_PASS_LEN_MAX = 32  # SERVERS_USER_PASS_LEN_MAX
INVALID_ARGS = "invalid argument(s) value"
ARGS = (Arg("id"), Arg("login", kw_only=True), Arg("timeout", kw_only=True))
NOTHING_LISTENS = (
    "network.Server: this run has no Telnet or FTP server to connect to; "
    "`pycomsim serve --telnet PORT --ftp PORT` runs them with the script's login and timeout"
)


@dataclass
class ServersSwitch:
    """servers_data: what the Telnet/FTP servers of `pycomsim serve` read (from their threads)."""

    user: str = DEFAULT_LOGIN[0]
    password: str = DEFAULT_LOGIN[1]
    timeout_ms: int = DEFAULT_TIMEOUT_S * 1000
    enabled: bool = True  # the servers start with the WLAN at boot
    served: bool = False  # a face (pycomsim serve) runs the servers
    noted: bool = False
    on_change: list[Callable[[ServersSwitch], None]] = field(default_factory=list)

    def changed(self) -> None:
        for fn in list(self.on_change):
            fn(self)

    def login_ok(self, user: str, password: str) -> bool:
        return self.enabled and user == self.user and password == self.password


def _text(value: Any) -> str:
    """mp_obj_str_get_str."""
    if not isinstance(value, str):
        raise TypeError(f"can't convert '{type(value).__name__}' object to str implicitly")
    return value


def servers_switch(board: Board) -> ServersSwitch:
    """The board's servers switch (made on first use)."""
    switch = board.__dict__.get("servers_switch")
    if switch is None:
        switch = board.__dict__["servers_switch"] = ServersSwitch()
    return switch


def make_server_class(board: Board) -> type:
    switch = servers_switch(board)

    def set_timeout(seconds: int) -> None:
        ms = seconds * 1000
        if not MIN_TIMEOUT_MS <= ms <= 0xFFFFFFFF:
            raise ValueError(INVALID_ARGS)
        switch.timeout_ms = ms

    def init_helper(login: Any, timeout: Any) -> None:
        """network_server_init_helper: login (user, password) and timeout (s), then start."""
        user, password = DEFAULT_LOGIN
        if login is not NULL:
            if not isinstance(login, (tuple, list)) or len(login) != 2:
                n = len(login) if isinstance(login, (tuple, list)) else 0
                raise ValueError(f"tuple/list has wrong length (requested 2, got {n})")
            user, password = (_text(v) for v in login)
        if len(user) > USER_PASS_LEN_MAX or len(password) > USER_PASS_LEN_MAX:
            raise ValueError(INVALID_ARGS)
        switch.user, switch.password = user, password
        set_timeout(DEFAULT_TIMEOUT_S if timeout is NULL else exc.get_int(timeout))
        board.sleep_ns(6_000_000)  # servers_start: vTaskDelay(SERVERS_CYCLE_TIME_MS * 3)
        switch.enabled = True
        switch.changed()
        if not switch.served and not switch.noted:
            switch.noted = True
            board.world.notice(NOTHING_LISTENS)

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
            """servers_stop: the clients are dropped, no new ones until init()."""
            board.sleep_ns(6_000_000)
            switch.enabled = False
            switch.changed()

        def timeout(self, *args: Any) -> Any:
            var_between(args, 1, 2)
            if not args:
                return switch.timeout_ms // 1000
            set_timeout(exc.get_int(args[0]))
            switch.changed()
            return None

        def isrunning(self) -> bool:
            return switch.enabled

    Server.__module__ = "builtins"
    return Server
