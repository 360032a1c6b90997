"""Board.pin_states(): the public snapshot the web UI shows for every pin."""

from pycomsim import Board


def test_pin_states_report_configuration_and_pad_level() -> None:
    board = Board("lopy4")

    def script() -> None:
        Pin = board.Pin

        Pin("P9", Pin.OUT, value=0)
        Pin("P11", Pin.IN, Pin.PULL_UP).callback(Pin.IRQ_FALLING, lambda p: None)
        Pin("P3", Pin.OUT).hold(True)

    board.run(script)
    states = {s["name"]: s for s in board.pin_states()}
    assert len(states) == len(board.pins)
    assert states["P9"]["mode"] == "OUT" and states["P9"]["level"] == 0
    assert states["P9"]["exp_name"] == "G16"
    p11 = states["P11"]
    assert (p11["mode"], p11["pull"], p11["level"], p11["callback"]) == ("IN", "PULL_UP", 1, True)
    assert p11["trigger"] == 2
    assert states["P3"]["hold"] is True
    # the expansion board's pull-up holds the button pin high with nothing else configured
    assert states["P10"]["level"] == 1 and states["P10"]["pull"] == "PULL_DOWN"
    assert states["P13"]["input_only"] is True and states["P13"]["rtc"] is False
