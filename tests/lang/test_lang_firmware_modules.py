"""Issue 9 item 2 and 4: the firmware's module table, its classification and the sys/uname facts."""

import pytest

from pycomsim.firmware.lang import firmware_modules as fw
from pycomsim.firmware.lang.firmware_modules import (
    BUILTIN_MODULES,
    WEAK_LINKS,
    Kind,
    import_error,
    resolve,
)
from pycomsim.firmware.lang.umodules import LangContext, build_module


@pytest.fixture
def ctx(tmp_path):
    return LangContext("lopy4", tmp_path)


def test_every_weak_link_points_at_a_builtin_module():
    assert set(WEAK_LINKS.values()) <= set(BUILTIN_MODULES)


def test_the_port_weak_links_are_exactly_the_firmwares():
    assert set(WEAK_LINKS) == {
        "machine", "os", "socket", "select", "binascii", "struct", "re", "json",
        "time", "hashlib", "crypto", "ssl", "errno", "queue",
    }  # fmt: skip


@pytest.mark.parametrize("name", ["collections", "io", "random", "urandom", "zlib", "heapq"])
def test_names_the_board_does_not_have_resolve_to_nothing(name):
    assert resolve(name) is None


def test_every_lang_module_builds_with_its_real_name_and_weak_link(ctx):
    built = {n for n, m in BUILTIN_MODULES.items() if m.provider == "lang"}
    assert built >= {"uos", "ujson", "ustruct", "ubinascii", "uerrno", "ucollections", "uio"}
    for name in built:
        assert build_module(name, ctx).__name__ == name
    for alias, real in WEAK_LINKS.items():
        if real in built:
            assert build_module(alias, ctx).__name__ == real


def test_every_listed_module_is_built_here_provided_by_the_core_or_refused(ctx):
    for name, info in BUILTIN_MODULES.items():
        if info.provider == "lang":
            build_module(name, ctx)
        elif info.provider == "core":
            assert info.kind is Kind.PROVIDED
            assert name in {"umachine", "utime", "pycom", "builtins", "__main__"}
        elif (
            info.provider == "network"
        ):  # pycomsim.firmware.network builds them per board (loader.py)
            assert info.kind is Kind.PROVIDED and name in {"network", "usocket", "ussl"}
        else:
            assert info.kind in (Kind.NETWORK, Kind.UNSIMULATED)
            assert isinstance(import_error(name), ImportError)


def test_websocket_is_not_a_firmware_module():
    # esp32/mpconfigport.h sets MICROPY_PY_WEBSOCKET, but py/objmodule.c (v1.11) reads
    # MICROPY_PY_UWEBSOCKET, 0 by default: the board has no websocket module at all
    assert resolve("websocket") is None and resolve("uwebsocket") is None
    assert str(import_error("websocket")) == "no module named 'websocket'"


@pytest.mark.parametrize("name", ["network", "usocket", "socket", "ussl", "ssl"])
def test_network_and_usocket_are_provided(name):
    assert name not in fw.NETWORK and fw.resolve(name).provider == "network"


def test_a_module_the_board_lacks_gets_the_boards_plain_message():
    err = import_error("threading")
    assert str(err) == "no module named 'threading'" and err.name == "threading"


def test_a_board_module_pycomsim_cannot_run_says_so():
    assert str(import_error("uctypes")) == "uctypes is not simulated by pycomsim yet"


def test_core_modules_are_left_to_the_core(ctx):
    with pytest.raises(KeyError):
        build_module("machine", ctx)


def test_uname_of_a_lopy4_has_lorawan_and_sigfox_fields():
    assert fw.uname_fields("lopy4") == {
        "sysname": "LoPy4",
        "nodename": "LoPy4",
        "release": "1.20.2.r4",
        "version": "v1.11-ffb0e1c on 2021-01-12",
        "machine": "LoPy4 with ESP32",
        "lorawan": "1.0.2",
        "sigfox": "1.0.1",
    }


@pytest.mark.parametrize(
    ("board", "extra"),
    [("wipy3", []), ("gpy", []), ("lopy", ["lorawan"]), ("sipy", ["sigfox"]),
     ("fipy", ["lorawan", "sigfox"])],
)  # fmt: skip
def test_uname_radio_fields_follow_the_boards_radios(board, extra):
    keys = list(fw.uname_fields(board))
    assert keys == ["sysname", "nodename", "release", "version", "machine", *extra]


def test_sys_reads_as_on_the_board(ctx):
    s = build_module("sys", ctx)
    assert s.implementation.name == "micropython"
    assert s.implementation.version == (1, 11, 0)
    assert repr(s.implementation) == "(name='micropython', version=(1, 11, 0))"
    assert (s.platform, s.version, s.version_info) == ("LoPy4", "3.4.0", (3, 4, 0))
    assert s.path == ["", "/flash", "/flash/lib"]
    assert s.maxsize == 2**31 - 1


def test_the_boards_sys_does_not_touch_the_hosts(ctx):
    import sys

    build_module("sys", ctx).path.append("/flash/extra")
    assert "/flash/extra" not in sys.path and sys.implementation.name == "cpython"


def test_gc_heap_is_the_boards_pool_size():
    assert fw.gc_heap_bytes("lopy4") == 2561344  # PSRAM boards
    assert fw.gc_heap_bytes("lopy") == 67008
