"""Hypothesis stateful test: random sequences of Pin calls on a few pins of one board, checked
against a small reference model written from SPEC.md alone (sections 2-6), not from pycomsim.

The model knows each pin's fields (mode, pull, latch, alt, hold, trigger, handler) and what its pad
does: the pad follows the fields except while held (frozen) and on input-only pins set to an output
mode (nothing applied). Every pin is alone on its net (no expansion board, no wires), so its level
is the latch when it drives, else its pull, else floating (undefined: never checked).

Callback counts are checked exactly for the transitions SPEC.md pins down: a latch write that moves
an OPEN_DRAIN pad between two defined levels (a pin sees its own transitions; OUT sees none). Where
SPEC.md is silent (a level change caused by reconfiguring the pad, or one to or from floating) the
model re-synchronises its count with what ran instead of guessing.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pycomsim import Board

IN, OUT, OPEN_DRAIN = 1, 2, 7
PULL_UP, PULL_DOWN = 1, 2
INVALID = "invalid argument(s) value"
HOLD_MSG = "the hold functionality is only available for GPIO pins in the RTC domain"
HOLD_PINS = {"P2", "P3", "P4", "P6", "P8", "P9", "P10", "P19", "P20", "P21", "P22", "P23"}
INPUT_ONLY = {"P13", "P14", "P15", "P16", "P17", "P18"}

# P21: an RTC pin that can hold; P11: cannot hold; P13: input only; P23: skipped by the boot loop
PINS = ["P21", "P11", "P13", "P23"]
# open drain with a pull-up is where a pin sees its own edges: drawn more often
MODES = st.sampled_from([IN, OUT, OPEN_DRAIN, OPEN_DRAIN])
PULLS = st.sampled_from([None, PULL_UP, PULL_UP, PULL_DOWN])
# edge triggers only (level triggers flood the queue by design and are tested elsewhere);
# 8..11 exercise the 3-bit field: 8 never fires, 9 is RISING, 10 FALLING, 11 both
TRIGGERS = st.sampled_from([0, 1, 2, 3, 8, 9, 10, 11])


class PinModel:
    def __init__(self, name: str) -> None:
        self.name = name
        self.can_hold = name in HOLD_PINS
        self.input_only = name in INPUT_ONLY
        # SPEC 7: boot state; the last pin of the table keeps the static state (pull None)
        self.mode = IN
        self.pull = None if name == "P23" else PULL_DOWN
        self.latch = 0
        self.af_in = self.af_out = -1
        self.hold = False
        self.trigger = 0
        self.handler = False  # a handler registered (and the trigger not cleared by callback())
        self.arg: Any = None  # the tag, or None: the handler then gets the pin
        # the pad
        self.frozen = False
        self.frozen_level: int | None = None
        self.pad_mode = IN
        self.pad_pull = self.pull
        self.pad_trigger = 0
        self.pad_latch_drives = False

    # ---- SPEC 3/4: init, mode, pull push the fields to the pad (pin_obj_configure) ----
    def configure(self) -> None:
        if self.frozen:
            return
        if self.input_only and self.mode != IN:
            return  # SPEC 4: not applied to the pad, nor a pull or trigger change in the same call
        self.pad_mode = self.mode
        self.pad_pull = self.pull
        self.pad_trigger = self.trigger & 7
        self.pad_latch_drives = self.mode in (OUT, OPEN_DRAIN) and self.af_out < 0

    def level(self) -> int | None:
        """The pad level: 0, 1 or None (floating, undefined)."""
        if self.frozen:
            return self.frozen_level
        if self.pad_latch_drives and self.pad_mode == OUT:
            return self.latch
        if self.pad_latch_drives and self.pad_mode == OPEN_DRAIN and self.latch == 0:
            return 0
        if self.input_only or self.pad_pull is None:
            return None
        return 1 if self.pad_pull == PULL_UP else 0

    def sees_edges(self) -> bool:
        """SPEC 6: only with the input path on (IN, OPEN_DRAIN), a handler and an edge trigger."""
        return self.pad_mode != OUT and self.handler and 1 <= self.pad_trigger <= 3

    def repr(self) -> str:
        mode = {IN: "IN", OUT: "OUT", OPEN_DRAIN: "OPEN_DRAIN"}[self.mode]
        pull = {None: "None", PULL_UP: "Pin.PULL_UP", PULL_DOWN: "Pin.PULL_DOWN"}[self.pull]
        alt = self.af_in if self.af_in >= 0 else self.af_out
        return f"Pin('{self.name}', mode=Pin.{mode}, pull={pull}, alt={alt})"


class PinMachine(RuleBasedStateMachine):
    @initialize()
    def boot(self) -> None:
        self.board = Board("lopy4", seed=0, expansion=False)
        self.Pin = self.board.machine.Pin
        self.models = {name: PinModel(name) for name in PINS}
        self.runs: dict[str, list] = {name: [] for name in PINS}
        self.expected: dict[str, int] = dict.fromkeys(PINS, 0)
        self.uncertain: set[str] = set()

    # ---- helpers ----
    def pin(self, name: str):
        return getattr(self.Pin.module, name)  # SPEC 1: the pin object, without re-init

    def handler_for(self, name: str):
        runs = self.runs[name]
        return lambda arg: runs.append(arg)

    def settle(self) -> None:
        """Let queued handlers run (they run at the next API call or sleep on the board)."""
        self.board.run(until="1ms")

    def reconfigured(self, m: PinModel, change) -> None:
        """Apply a configuration change to the model; a level change it causes is SPEC-silent."""
        before = m.level()
        change()
        if m.level() != before:
            self.uncertain.add(m.name)

    def latch_written(self, m: PinModel, value: int) -> None:
        before = m.level()
        watching = m.sees_edges()
        m.latch = value
        after = m.level()
        if before == after:
            return
        if before is None or after is None:
            self.uncertain.add(m.name)  # to or from floating: undefined
            return
        event("latch write moved an open-drain pad")
        if watching and m.pad_trigger & (1 if after else 2):
            event("latch write fired a callback")
            self.expected[m.name] += 1

    # ---- rules: configuration ----
    @rule(
        name=st.sampled_from(PINS),
        mode=MODES,
        pull=PULLS,
        value=st.sampled_from([None, 0, 1, 5, "", "x"]),
        alt=st.sampled_from([None, None, None, -1, -7, 0, 3, 255]),
        how=st.sampled_from(["init", "constructor", "constructor_keywords"]),
    )
    def init(self, name, mode, pull, value, alt, how) -> None:
        m = self.models[name]
        kwargs: dict[str, Any] = {}
        if value is not None:
            kwargs["value"] = value
        if alt is not None:
            kwargs["alt"] = alt
        if how == "init":
            result = self.pin(name).init(mode, pull, **kwargs)
            assert result is None
        elif how == "constructor":
            assert self.Pin(name, mode, pull, **kwargs) is self.pin(name)
        else:
            assert self.Pin(name, mode=mode, pull=pull, **kwargs) is self.pin(name)

        def change() -> None:
            m.mode, m.pull = mode, pull
            if value is not None:
                m.latch = 1 if value else 0  # written before the pad is configured
            af = -1 if alt is None else alt
            m.af_in = af if mode in (IN, OPEN_DRAIN) else -1
            m.af_out = af if mode in (OUT, OPEN_DRAIN) else -1
            m.trigger = 0  # SPEC 3: any init disables the callback
            m.configure()

        self.reconfigured(m, change)

    @rule(name=st.sampled_from(PINS))
    def constructor_alone_reinits_to_in(self, name) -> None:
        m = self.models[name]
        assert self.Pin(name) is self.pin(name)

        def change() -> None:
            m.mode, m.pull, m.af_in, m.af_out, m.trigger = IN, None, -1, -1, 0
            m.configure()

        self.reconfigured(m, change)

    @rule(
        name=st.sampled_from(PINS), mode=st.sampled_from([IN, OUT, OPEN_DRAIN, OPEN_DRAIN, PULL_UP])
    )
    def set_mode(self, name, mode) -> None:
        m = self.models[name]
        assert self.pin(name).mode(mode) is None  # PULL_UP == IN is accepted (quirk)

        def change() -> None:
            m.mode = mode  # the trigger is kept
            m.configure()

        self.reconfigured(m, change)

    @rule(name=st.sampled_from(PINS), pull=PULLS)
    def set_pull(self, name, pull) -> None:
        m = self.models[name]
        assert self.pin(name).pull(pull) is None

        def change() -> None:
            m.pull = pull
            m.configure()

        self.reconfigured(m, change)

    @rule(name=st.sampled_from(PINS), on=st.sampled_from([True, False, 1, 0, "x", ""]))
    def set_hold(self, name, on) -> None:
        m = self.models[name]
        pin = self.pin(name)
        if m.can_hold:
            assert pin.hold(on) is None
        else:
            try:
                pin.hold(on)
            except OSError as e:
                assert str(e) == HOLD_MSG
            else:
                raise AssertionError("hold() on a pin outside the RTC domain must raise")

        def change() -> None:
            m.hold = bool(on)  # SPEC 5: the flag is set first, even when it then raises
            if not m.can_hold:
                return
            if m.hold and not m.frozen:
                m.frozen_level, m.frozen = m.level(), True
            elif not m.hold and m.frozen:
                m.frozen = False
                m.configure()

        self.reconfigured(m, change)

    @rule(
        name=st.sampled_from(PINS),
        trigger=TRIGGERS,
        with_handler=st.booleans(),
        arg=st.sampled_from([None, "tag", 0]),
        keywords=st.booleans(),
    )
    def set_callback(self, name, trigger, with_handler, arg, keywords) -> None:
        m = self.models[name]
        handler = self.handler_for(name) if with_handler else None
        if keywords:
            result = self.pin(name).callback(trigger=trigger, handler=handler, arg=arg)
        else:
            result = self.pin(name).callback(trigger, handler, arg)
        assert result is None

        def change() -> None:
            if trigger != 0 and with_handler:
                m.trigger, m.handler, m.arg = trigger, True, arg
            else:  # SPEC 6: trigger=0 or handler=None disables
                m.trigger, m.handler, m.arg = 0, False, None
            m.configure()

        self.reconfigured(m, change)

    @rule(
        name=st.sampled_from(PINS),
        trigger=TRIGGERS,
        arg=st.sampled_from([None, "tag"]),
        value=st.sampled_from([0, 1]),
    )
    def open_drain_with_callback(self, name, trigger, arg, value) -> None:
        """The usual bus idiom in one step, so that sequences reach the callback rules often:
        an open-drain pin with a pull-up and a callback, which then sees its own transitions."""
        self.init(name, OPEN_DRAIN, PULL_UP, value, None, "constructor")
        self.set_callback(name, trigger, True, arg, False)

    def armed(self) -> list[str]:
        return [name for name, m in self.models.items() if m.handler and m.trigger]

    @precondition(lambda self: self.armed())
    @rule(data=st.data(), how=st.sampled_from(["init", "constructor", "mode", "pull"]))
    def reconfigure_an_armed_pin_then_toggle(self, data, how) -> None:
        """SPEC 3/4: init (constructor included) clears the trigger, mode() and pull() keep it;
        two toggles then show whether the callback still fires."""
        name = data.draw(st.sampled_from(self.armed()))
        if how in ("init", "constructor"):
            self.init(name, OPEN_DRAIN, PULL_UP, None, None, how)
        elif how == "mode":
            self.set_mode(name, OPEN_DRAIN)
        else:
            self.set_pull(name, PULL_UP)
        self.handlers_ran_as_the_model_says()
        self.toggle(name)
        self.toggle(name)

    # ---- rules: reading and writing ----
    @rule(name=st.sampled_from(PINS), v=st.sampled_from([0, 1, True, False, 7, "", "on", None]))
    def write(self, name, v) -> None:
        assert self.pin(name).value(v) is None
        self.latch_written(self.models[name], 1 if v else 0)

    @rule(name=st.sampled_from(PINS), v=st.sampled_from([0, 1]))
    def call_write(self, name, v) -> None:
        assert self.pin(name)(v) is None
        self.latch_written(self.models[name], v)

    @rule(name=st.sampled_from(PINS))
    def toggle(self, name) -> None:
        m = self.models[name]
        assert self.pin(name).toggle() is None
        self.latch_written(m, 1 - m.latch)

    # ---- rules: bad arguments change nothing ----
    @rule(
        name=st.sampled_from(PINS),
        bad=st.sampled_from(
            [
                ("init", (3,), {}, ValueError, INVALID),
                ("init", (0,), {}, ValueError, INVALID),
                ("init", (IN, 0), {}, ValueError, INVALID),
                ("init", (IN, 3), {}, ValueError, INVALID),
                ("init", ("x",), {}, TypeError, "can't convert str to int"),
                ("init", (IN, 1.5), {}, TypeError, "can't convert float to int"),
                ("init", (IN,), {"alt": 256}, ValueError, INVALID),
                ("init", (IN,), {"drive": 1}, TypeError, "extra keyword arguments given"),
                ("init", (IN, None, 1), {}, TypeError, "extra positional arguments given"),
                ("mode", (5,), {}, ValueError, INVALID),
                ("mode", ("IN",), {}, TypeError, "can't convert str to int"),
                ("pull", (0,), {}, ValueError, INVALID),
                ("pull", (4,), {}, ValueError, INVALID),
                ("callback", ("x",), {}, TypeError, "can't convert str to int"),
                ("callback", (1, None, None, 4), {}, TypeError, "extra positional arguments given"),
            ]
        ),
    )
    def bad_call(self, name, bad) -> None:
        method, args, kwargs, error, message = bad
        try:
            getattr(self.pin(name), method)(*args, **kwargs)
        except error as e:
            assert str(e) == message
        else:
            raise AssertionError(f"{method}{args} {kwargs} must raise {error.__name__}")

    @rule(ident=st.sampled_from(["p3", "GPIO4", 3, "P24", "G32", None, ""]))
    def bad_id(self, ident) -> None:
        try:
            self.Pin(ident)
        except ValueError as e:
            assert str(e) == INVALID
        else:
            raise AssertionError(f"Pin({ident!r}) must raise ValueError")

    # ---- what must hold after every step ----
    @invariant()
    def fields_match_the_model(self) -> None:
        for name, m in self.models.items():
            pin = self.pin(name)
            assert pin.mode() == m.mode
            assert pin.pull() == m.pull
            assert pin.hold() is m.hold
            assert repr(pin) == m.repr()
            assert pin.id() == name

    @invariant()
    def value_reads_latch_in_out_mode_and_pad_otherwise(self) -> None:
        for name, m in self.models.items():
            if m.mode == OUT:
                assert self.pin(name).value() == m.latch
            elif m.level() is not None:
                assert self.pin(name).value() == m.level()

    @invariant()
    def handlers_ran_as_the_model_says(self) -> None:
        self.settle()
        for name in self.models:
            runs = self.runs[name]
            if name in self.uncertain:
                self.expected[name] = len(runs)
                continue
            assert len(runs) == self.expected[name], (name, runs, self.expected[name])
        self.uncertain.clear()
        for name, m in self.models.items():
            want = self.pin(name) if m.arg is None else m.arg
            # every run since the last check got the arg the pin had when it ran
            for got in self.runs[name][self._checked.get(name, 0) :]:
                assert got is want or (got == want and type(got) is type(want))
            self._checked[name] = len(self.runs[name])

    @invariant()
    def queue_never_overflows_here(self) -> None:
        assert self.board.irq.dropped == 0
        assert self.board.output == ""

    _checked: dict[str, int]

    def __init__(self) -> None:
        super().__init__()
        self._checked = {}


PinMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    database=None,  # no example database in the working tree: each run draws afresh
    suppress_health_check=[HealthCheck.too_slow],
)
test_pin_state_machine = PinMachine.TestCase
