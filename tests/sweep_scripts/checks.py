"""Predicates for `--check`: called with the run's summary and traces."""


def one_falling_burst(summary, traces):
    # passes when P10 fell at most 3 times (a short bounce), else says why
    falls = sum(
        1
        for (_, a), (_, b) in zip(traces["P10"], traces["P10"][1:], strict=False)
        if a == 1 and b == 0
    )
    return True if falls <= 3 else f"P10 fell {falls} times"


def printed_one_press(summary, traces):
    return "presses: 1" in summary["stdout"] and summary["exit_code"] == 0
