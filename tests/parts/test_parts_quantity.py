"""Quantities a part reports (sim/quantity.py): constants, series, seeded walks, set() from Python."""

import pytest

from pycomsim.sim.quantity import Quantity, as_quantity, option_value

S = 1_000_000_000


def test_a_number_is_a_constant_and_a_unit_string_is_scaled():
    assert as_quantity(21.5, name="temperature", unit="°C").at(5 * S) == 21.5
    assert as_quantity("150cm", name="distance", unit="m").at(0) == 1.5
    assert as_quantity("1.5m", name="distance", unit="m").at(0) == 1.5
    assert as_quantity("40%", name="humidity", unit="%").at(0) == 40.0


def test_a_quantity_is_returned_as_is():
    q = as_quantity(1.0, name="x")
    assert as_quantity(q) is q


def test_a_series_steps_at_each_point_and_holds():
    q = as_quantity([["1s", 20.0], [0, 10.0], ["2.5s", 30.0]], name="temperature", unit="°C")
    assert [q.at(t) for t in (0, S - 1, S, 2 * S, int(2.5 * S), 100 * S)] == [
        10,
        10,
        20,
        20,
        30,
        30,
    ]


def test_before_the_first_point_a_series_has_the_first_value():
    assert as_quantity([["1s", 5.0]], name="x").at(0) == 5.0


def test_a_walk_is_the_same_for_the_same_seed_and_stays_in_its_bounds():
    spec = {"walk": {"start": 21.0, "step": 0.5, "every": "1s", "min": 20, "max": 22}}
    a = as_quantity(spec, name="temperature", seed=7)
    b = as_quantity(spec, name="temperature", seed=7)
    c = as_quantity(spec, name="temperature", seed=8)
    times = [k * S for k in range(200)]
    values = [a.at(t) for t in times]
    assert values == [b.at(t) for t in reversed(times)][::-1]  # order of reading does not matter
    assert values != [c.at(t) for t in times]
    assert all(20 <= v <= 22 for v in values)
    assert values[0] == 21.0 and len(set(values)) > 50  # it moves
    assert all(abs(x - y) <= 0.5 for x, y in zip(values, values[1:], strict=False))
    assert a.at(S + S // 2) == values[1]  # holds between steps


def test_set_changes_the_value_from_the_clock_s_now_on():
    now = [0]
    q = as_quantity(10.0, name="humidity", unit="%").bind(lambda: now[0])
    now[0] = 5 * S
    q.set(40)
    assert q.at(S) == 10.0 and q.at(5 * S) == 40.0 and q.at(50 * S) == 40.0
    now[0] = 6 * S
    q.set("55%")
    assert q.at(5 * S) == 40.0 and q.at(6 * S) == 55.0


def test_set_outside_the_limits_names_the_value():
    q = as_quantity(10.0, name="humidity", unit="%", limits=(0, 100))
    with pytest.raises(ValueError, match=r"^bad humidity 120: expected 0\.\.100 %$"):
        q.set(120)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("warm", r"bad temperature 'warm': expected a number \(units: °C, C, degC\)"),
        ("3ft", r"bad temperature '3ft'"),
        (True, r"bad temperature True: expected a number, a series"),
        ([], r"bad temperature \[\]: a series needs at least one"),
        ([[0]], r"bad temperature point #0 \[0\]: expected \[time, value\]"),
        ([["1 parsec", 3]], r"bad temperature time of point #0 '1 parsec'"),
        ([["1s", "hot"]], r"bad temperature value of point #0 'hot'"),
        ({"walk": {"start": 1, "step": 1}}, r"bad temperature walk: missing 'every'"),
        ({"walk": {"start": 1, "step": 1, "every": "1s", "speed": 2}}, r"walk key 'speed'"),
        ({"walk": {"start": 1, "step": 1, "every": 0}}, r"walk every 0: must be longer than 0"),
        ({"walk": {"start": 9, "step": 1, "every": "1s", "max": 5}}, r"walk start 9: outside"),
        ({"walk": {"start": 1, "step": -1, "every": "1s"}}, r"walk step -1: must not be negative"),
        ({"ramp": 1}, r"bad temperature \{'ramp': 1\}: expected a number"),
        (float("nan"), r"bad temperature nan: expected a finite number"),
        (200, r"bad temperature 200: expected -40\.\.80 °C"),
    ],
)
def test_bad_specs_raise_one_line_naming_the_value(spec, message):
    with pytest.raises(ValueError, match=message) as caught:
        as_quantity(spec, name="temperature", unit="°C", limits=(-40, 80))
    assert "\n" not in str(caught.value)


def test_command_line_values_in_brackets_are_toml():
    assert option_value('[["0s", 1.0], ["1s", 2.0]]', "x") == [["0s", 1.0], ["1s", 2.0]]
    assert option_value("{walk = {start = 1, step = 1, every = '1s'}}", "x")["walk"]["start"] == 1
    assert option_value("1.5m", "x") == "1.5m"
    with pytest.raises(ValueError, match=r"^bad distance '\[1,': not a TOML value"):
        option_value("[1,", "distance")


def test_repr_says_what_the_quantity_is():
    assert repr(as_quantity(3, name="distance", unit="m")) == "<Quantity distance: 3m>"
    assert isinstance(as_quantity(3), Quantity)
