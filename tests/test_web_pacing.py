"""Wall-clock pacing of the virtual clock (web/pacing.py), on a fake wall clock."""

import pytest

from pycomsim.web.pacing import Pacer, check_speed


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_target_follows_wall_time_times_speed() -> None:
    clock = FakeClock()
    pacer = Pacer(0.5, clock=clock)
    pacer.rebase(0)
    clock.t += 0.1
    assert pacer.target(0) == 50_000_000  # 0.1 s wall at half speed: 50 ms virtual
    clock.t += 0.1
    assert pacer.target(50_000_000) == 100_000_000


def test_pause_freezes_and_resume_does_not_jump() -> None:
    clock = FakeClock()
    pacer = Pacer(1, clock=clock)
    pacer.pause()
    clock.t += 5
    assert pacer.target(7) == 7
    pacer.resume(7)
    clock.t += 0.01
    assert pacer.target(7) == 7 + 10_000_000


def test_falling_behind_slips_instead_of_bursting() -> None:
    clock = FakeClock()
    pacer = Pacer(10, clock=clock, max_lag_s=0.2)
    pacer.rebase(0)
    clock.t += 30  # the host stalled for 30 s
    assert pacer.target(0) == 2_000_000_000  # at most max_lag of wall time ahead, not 300 s


def test_real_time_factor_is_measured() -> None:
    clock = FakeClock()
    pacer = Pacer(1, clock=clock)
    assert pacer.real_time_factor is None
    pacer.note(0)
    clock.t += 0.5
    pacer.note(250_000_000)
    assert pacer.real_time_factor == pytest.approx(0.5)
    pacer.pause()
    assert pacer.real_time_factor is None


def test_set_speed_rebases() -> None:
    clock = FakeClock()
    pacer = Pacer(1, clock=clock)
    pacer.rebase(0)
    clock.t += 1
    pacer.set_speed(10, 1_000_000_000)
    clock.t += 0.1
    assert pacer.target(1_000_000_000) == 2_000_000_000


@pytest.mark.parametrize("bad", [0, -1, "fast", float("nan"), float("inf"), True, None, 1e7])
def test_bad_speed_is_named(bad: object) -> None:
    with pytest.raises(ValueError, match="bad speed"):
        check_speed(bad)


def test_speed_strings_from_the_cli() -> None:
    assert check_speed("0.1") == 0.1 and check_speed("10") == 10.0
