"""SPEC.md section 8: `pycom.heartbeat` and `pycom.rgbled`, one test per rule.

Firmware: `esp32/mods/modpycom.c` (mod_pycom_heartbeat, mod_pycom_rgb_led: the heartbeat check
comes first), `esp32/util/mperror.c` (the heartbeat blink).
"""

from __future__ import annotations

from pycomsim import Board

NOT_POSSIBLE = (OSError, "the requested operation is not possible")


def make_board() -> Board:
    return Board("lopy4", cpu="free", seed=0, expansion=False)


def catch(fn, *args):
    try:
        return ("ok", fn(*args))
    except Exception as e:  # noqa: BLE001 - the test compares type and message
        return (type(e), str(e))


def run(fn, until="10ms") -> tuple[Board, list]:
    b = make_board()
    got: list = []
    b.run(lambda: fn(b.pycom, got), until=until)
    return b, got


def test_heartbeat_is_on_at_boot() -> None:
    b, got = run(lambda pycom, got: got.append(pycom.heartbeat()))
    assert got == [True]
    assert type(got[0]) is bool


def test_heartbeat_on_boot_default_is_true() -> None:
    b, got = run(lambda pycom, got: got.append(pycom.heartbeat_on_boot()))
    assert got == [True]


def test_heartbeat_off_returns_none_and_reads_back_false() -> None:
    def main(pycom, got):
        got.append(pycom.heartbeat(False))
        got.append(pycom.heartbeat())
        got.append(pycom.heartbeat(1))  # truthiness
        got.append(pycom.heartbeat())
        got.append(pycom.heartbeat(0))
        got.append(pycom.heartbeat())

    b, got = run(main)
    assert got == [None, False, None, True, None, False]


def test_rgbled_raises_while_heartbeat_on_even_without_argument() -> None:
    def main(pycom, got):
        got.append(catch(pycom.rgbled, 0xFF0000))
        got.append(catch(pycom.rgbled))

    b, got = run(main)
    assert got == [NOT_POSSIBLE, NOT_POSSIBLE]


def test_rgbled_checks_heartbeat_before_its_argument() -> None:
    """mod_pycom_rgb_led: mperror_is_heartbeat_enabled() is tested before mp_obj_get_int."""
    b, got = run(lambda pycom, got: got.append(catch(pycom.rgbled, "red")))
    assert got == [NOT_POSSIBLE]


def test_rgbled_sets_and_reads_the_colour_once_heartbeat_is_off() -> None:
    def main(pycom, got):
        pycom.heartbeat(False)
        got.append(pycom.rgbled())  # dark after the heartbeat stops
        got.append(pycom.rgbled(0x123456))
        got.append(pycom.rgbled())

    b, got = run(main)
    assert got == [0, None, 0x123456]
    assert b.pycom.colour == 0x123456


def test_rgbled_rejects_a_non_int_colour() -> None:
    def main(pycom, got):
        pycom.heartbeat(False)
        got.append(catch(pycom.rgbled, "red"))

    b, got = run(main)
    assert got == [(TypeError, "can't convert str to int")]


def test_rgbled_raises_again_after_heartbeat_is_turned_back_on() -> None:
    def main(pycom, got):
        pycom.heartbeat(False)
        pycom.rgbled(0x00FF00)
        pycom.heartbeat(True)
        got.append(catch(pycom.rgbled))

    b, got = run(main)
    assert got == [NOT_POSSIBLE]


def test_heartbeat_blinks_blue_every_4_seconds() -> None:
    """mperror.c: a short blue flash each 4 s period while the heartbeat is on."""
    b = make_board()
    b.run(lambda: None, until="1ms")
    samples = []
    t = b.now_ns
    for _ in range(12_000 // 20):  # 12 s in 20 ms steps (a flash lasts 80 ms)
        b.run(until="20ms")
        t += 20_000_000
        samples.append((t, b.pycom.colour))
    flashes = []
    for (_, before), (t, now) in zip(samples, samples[1:], strict=False):
        if now and not before:
            flashes.append(t)
    lit = {colour for _, colour in samples if colour}
    assert len(flashes) == 3
    assert [b_ - a for a, b_ in zip(flashes, flashes[1:], strict=False)] == [4_000_000_000] * 2
    assert lit and all(c & 0xFFFF00 == 0 for c in lit)  # blue only
    assert sum(1 for _, c in samples if c) < len(samples) // 10  # a short flash, mostly dark


def test_heartbeat_off_stops_the_blinking() -> None:
    b = make_board()
    b.run(lambda: b.pycom.heartbeat(False), until="1ms")
    lit = []
    for _ in range(10_000 // 20):  # 10 s in 20 ms steps
        b.run(until="20ms")
        lit.append(b.pycom.colour)
    assert set(lit) == {0}


def test_heartbeat_comes_back_after_reset() -> None:
    b = make_board()
    got = []

    def main() -> None:
        got.append(b.pycom.heartbeat())
        if len(got) == 1:
            b.pycom.heartbeat(False)
            b.machine.reset()

    b.run(main, until="10ms")
    assert got == [True, True]
