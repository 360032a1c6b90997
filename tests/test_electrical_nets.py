"""Issue 4, nets (SPEC.md section 9): wired-AND, floating inputs, contention, strict runs."""

import io
import textwrap

import pytest

from pycomsim import Board, FaultError, World
from pycomsim.sim.net import CONTENTION, FLOATING


def run_script(board, tmp_path, source, until=None, name="main.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    board.load(path)
    board.world.run(until=until)
    return "".join(board.output)


def quiet_world(**kw):
    return World(stderr=io.StringIO(), **kw)


def test_open_drain_outputs_with_a_pull_up_form_a_wired_and(tmp_path):
    board = Board("lopy4", expansion=False, wires=["P3=P4"], world=quiet_world())
    board.pull("P3", up=True)
    out = run_script(
        board,
        tmp_path,
        """
        from machine import Pin
        a = Pin('P3', Pin.OPEN_DRAIN, value=1)
        b = Pin('P4', Pin.OPEN_DRAIN, value=1)
        for va, vb in ((1, 1), (0, 1), (1, 0), (0, 0)):
            a(va); b(vb)
            print(va, vb, a(), b())
        """,
    )
    assert out.splitlines() == ["1 1 1 1", "0 1 0 0", "1 0 0 0", "0 0 0 0"]
    assert board.world.faults == []  # open drain never fights


def test_open_drain_bus_between_two_boards(tmp_path):
    world = quiet_world()
    a = Board("lopy4", name="a", world=world, expansion=False)
    b = Board("wipy3", name="b", world=world, expansion=False)
    world.wire_spec("a.P22=b.P22")
    a.pull("P22", up=True)  # the bus pull-up (I2C style), on board a
    (tmp_path / "a.py").write_text(
        textwrap.dedent(
            """
            from machine import Pin
            import time
            bus = Pin('P22', Pin.OPEN_DRAIN, value=1)
            time.sleep_ms(10)
            print('a sees', bus())          # b holds the bus low
            time.sleep_ms(20)
            print('a sees', bus())          # released by everyone
            bus(0)
            time.sleep_ms(20)
            bus(1)
            """
        )
    )
    (tmp_path / "b.py").write_text(
        textwrap.dedent(
            """
            from machine import Pin
            import time
            bus = Pin('P22', Pin.OPEN_DRAIN, value=0)
            time.sleep_ms(20)
            bus(1)
            time.sleep_ms(20)
            print('b sees', bus())          # a holds it low now
            """
        )
    )
    a.load(tmp_path / "a.py")
    b.load(tmp_path / "b.py")
    world.run()
    assert "".join(a.output).splitlines() == ["a sees 0", "a sees 1"]
    assert "".join(b.output).splitlines() == ["b sees 0"]
    assert world.faults == []
    assert world.recorder.traces["a.P22"] is world.recorder.traces["b.P22"]  # one net, one trace


def test_contention_is_reported_with_both_drivers_and_the_time(tmp_path):
    err = io.StringIO()
    board = Board("lopy4", expansion=False, wires=["P3=P4"], world=World(stderr=err))
    out = run_script(
        board,
        tmp_path,
        """
        from machine import Pin
        import time
        a = Pin('P3', Pin.OUT, value=1)
        time.sleep_ms(5)
        b = Pin('P4', Pin.OUT, value=0)
        print(a(), b(), Pin('P4', Pin.IN)())
        """,
    )
    (fault,) = board.world.faults
    assert fault.kind == "contention"
    assert "lopy4.P3 drives high" in fault.message and "lopy4.P4 drives low" in fault.message
    assert 5_000_000 < fault.t < 6_000_000
    assert "[5." in str(fault) and "ms]" in str(fault)
    assert "contention" in err.getvalue() and "lopy4.P3 drives high" in err.getvalue()
    assert out == "1 0 1\n"  # OUT reads the latches; once P4 lets go, P3 alone drives the net high


def test_contended_net_reads_low_by_the_documented_rule():
    board = Board("lopy4", expansion=False, wires=["P3=P4"], world=quiet_world())
    Pin = board.machine.Pin
    Pin("P3", Pin.OUT, value=1)
    Pin("P4", Pin.OUT, value=0)
    p = Pin("P8", Pin.IN)
    board.world.wire(p._pad, board.pad("P3"))
    assert board.pad("P3").read() == CONTENTION
    assert p() == 0


def test_repeated_contention_is_reported_once_and_counted(tmp_path):
    board = Board("lopy4", expansion=False, wires=["P3=P4"], world=quiet_world())
    run_script(
        board,
        tmp_path,
        """
        from machine import Pin
        b = Pin('P4', Pin.OUT, value=0)
        a = Pin('P3', Pin.OUT, value=0)
        for i in range(10):
            a.toggle()
        """,
    )
    (fault,) = board.world.faults
    assert fault.repeats == 4  # five toggles to 1 fight P4; the first is reported
    assert "(and 4 more times)" in str(fault)


def test_strict_raises_in_the_script_at_the_offending_call(tmp_path):
    board = Board("lopy4", expansion=False, wires=["P3=P4"], strict=True)
    board.world._stderr = io.StringIO()
    out = run_script(
        board,
        tmp_path,
        """
        from machine import Pin
        a = Pin('P3', Pin.OUT, value=1)
        b = Pin('P4', Pin.OUT, value=1)
        print('same level is fine')
        try:
            b(0)
        except OSError as e:
            print('raised:', e)
        """,
    )
    lines = out.splitlines()
    assert lines[0] == "same level is fine"
    assert lines[1].startswith("raised: contention at ")
    assert "lopy4.P3 drives high and lopy4.P4 drives low" in lines[1]


def test_strict_fault_from_a_stimulus_surfaces_at_the_next_api_call(tmp_path):
    board = Board("lopy4", expansion=False, strict=True)
    board.world._stderr = io.StringIO()
    board.levels("P11", [("50ms", 0), ("60ms", "z")])
    out = run_script(
        board,
        tmp_path,
        """
        from machine import Pin
        import time
        p = Pin('P11', Pin.OUT, value=1)
        try:
            time.sleep_ms(100)
        except OSError as e:
            print('raised at', time.ticks_ms(), 'ms:', e)
        time.sleep_ms(10)
        print('still running')
        """,
    )
    lines = out.splitlines()
    assert lines[0].startswith("raised at 100 ms: contention at 50ms:")
    assert "level source drives low" in lines[0]
    assert lines[1] == "still running"
    assert board.world.failed == []


def test_strict_fault_uncaught_ends_the_script_with_fault_error(tmp_path):
    board = Board("lopy4", expansion=False, strict=True)
    board.world._stderr = io.StringIO()
    board.levels("P11", [("5ms", 0)])
    run_script(
        board,
        tmp_path,
        """
        from machine import Pin
        import time
        p = Pin('P11', Pin.OUT, value=1)
        while True:
            time.sleep_ms(1)
        """,
    )
    ((failed_board, error),) = board.world.failed
    assert failed_board is board and isinstance(error, FaultError)


def test_wiring_two_driven_nets_together_is_contention():
    world = quiet_world()
    board = Board("lopy4", expansion=False, world=world)
    Pin = board.machine.Pin
    Pin("P3", Pin.OUT, value=1)
    Pin("P4", Pin.OUT, value=0)
    world.wire_spec("P3=P4")
    assert len(world.faults) == 1


def test_floating_read_warns_once_per_pin_with_the_time(tmp_path):
    err = io.StringIO()
    board = Board("lopy4", expansion=False, world=World(stderr=err))
    run_script(
        board,
        tmp_path,
        """
        from machine import Pin
        import time
        time.sleep_ms(3)
        p = Pin('P11', Pin.IN)          # no pull: nothing holds it
        q = Pin('P3', Pin.IN)
        for i in range(5):
            p(); q()
        """,
    )
    warnings = board.world.warnings
    assert [w.kind for w in warnings] == ["floating input read"] * 2
    assert [w.message.split()[0] for w in warnings] == ["P11", "P3"]
    assert all(3_000_000 < w.t < 4_000_000 for w in warnings)
    assert err.getvalue().count("floating input read") == 2
    assert board.pad("P11").read() == FLOATING


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_floating_reads_are_deterministic_for_a_seed(seed):
    def reads(seed):
        board = Board("lopy4", seed=seed, expansion=False, world=quiet_world())
        p = board.machine.Pin("P11", board.machine.Pin.IN)
        return [p() for _ in range(32)]

    first = reads(seed)
    assert first == reads(seed)
    assert set(first) == {0, 1}  # it really is undefined, not stuck


def test_input_only_pins_have_no_internal_pulls():
    board = Board("lopy4", expansion=False, world=quiet_world())
    Pin = board.machine.Pin
    p = Pin("P13", Pin.IN, pull=Pin.PULL_UP)
    assert board.pad("P13").read() == FLOATING
    board.pull("P13", up=True)  # an external resistor works
    assert p() == 1


def test_a_strict_board_makes_a_shared_world_strict():
    world = quiet_world()
    Board("lopy4", name="a", world=world, strict=True)
    assert world.strict is True
