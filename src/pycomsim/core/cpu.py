"""What board code costs on the CPU: MicroPython 1.11's bytecode VM on an ESP32 at 160 MHz.

pycomsim charges every basic block of user code the cost of the MicroPython bytecodes it compiles to
(lang/timing.py counts them from the code's syntax tree, one weight per kind of bytecode below). The
weights are relative costs of the VM's opcode handlers; one scale, `UNIT_NS`, turns them into time.

Calibration (docs/timing.md has the figures, the method and the error bars):

* `UNIT_NS` is set so that pystone 1.1, counted by lang/timing.py, runs at the published rate of
  MicroPython on an ESP32: 1661 pystones/s at 240 MHz for v1.12 (micropython/micropython issue
  #5673, "499 VS 1661?"), i.e. about 1107/s at 160 MHz (the VM and runtime run from flash through
  the cache in 1.11-era ports, so time scales with the CPU clock; micropython PR #7850 moved them to
  IRAM only in 2021).
* The relative weights follow the work each opcode handler does in py/vm.c and py/runtime.c of
  MicroPython 1.11: a LOAD_FAST is a few instructions, a LOAD_GLOBAL/LOAD_NAME is a qstr map lookup
  (no map cache on this port), LOAD_ATTR/LOAD_METHOD walk the type and the instance map, a call
  builds a code state (mp_obj_fun_bc_call) or goes through the C wrapper, a float result is a heap
  object (MICROPY_OBJ_REPR_A: floats are boxed), every BUILD_* allocates from the GC heap.
* The API calls keep their own table (core/costs.py). With the model on, the bytecodes of the call
  site (`p.value(1)`: LOAD_NAME, LOAD_METHOD, LOAD_CONST, CALL_METHOD, POP_TOP) are charged by the
  model, so the API table's figure is reduced by them (`api_costs`): a `p.value(1)` loop keeps the
  toggle rate the API table was calibrated to.

Preemption (item of the GIL model, sim/preempt.py): `GIL_VM_DIVISOR` is
MICROPY_PY_THREAD_GIL_VM_DIVISOR = 8 in esp32/mpconfigport.h of Pycom 1.20.2 (MicroPython's default in
py/mpconfig.h is 32): py/vm.c gives the GIL up (MP_THREAD_GIL_EXIT/ENTER) every 8th jump opcode. The
interrupt task runs at priority 11 (esp32/util/mpirq.h INTERRUPTS_TASK_PRIORITY), above the main
task and threads (MP_THREAD_PRIORITY 5, esp32/mpthreadport.h), so it takes the GIL at once; tasks of
equal priority share it at FreeRTOS ticks (CONFIG_FREERTOS_HZ 1000, esp32/sdkconfig.h).

Boots: `BOOT_NS` is the time from a reset to the first line of boot.py: "The SiPy takes about 1.9
seconds from the Pytrack deep-sleep wakeup (effectively power on) until it's running the first
command" (forum.pycom.io topic 1552, "is short period Deep Sleep possible to save power?").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .costs import CallCosts

US = 1_000
MS = 1_000_000

# Relative cost of one bytecode of each kind (units of UNIT_NS).
W_FAST = (
    1.0  # LOAD_FAST_N, STORE_FAST_N, LOAD_CONST_*, POP_TOP, DUP_TOP, ROT_*, RETURN_VALUE, jumps
)
W_NAME = 2.5  # LOAD_NAME/LOAD_GLOBAL/STORE_NAME/STORE_GLOBAL: a qstr map lookup
W_ATTR = 4.0  # LOAD_ATTR, LOAD_METHOD, STORE_ATTR: type slots, then the instance/type map
W_SUBSCR = 3.0  # LOAD_SUBSCR/STORE_SUBSCR: mp_obj_subscr through the type's subscr slot
W_INT_OP = 1.5  # BINARY_OP/UNARY_OP/COMPARE on small ints (mp_binary_op fast path)
W_FLOAT_OP = 8.0  # a float operation: the result is a new heap object (boxed float)
W_BUILD = 8.0  # BUILD_TUPLE/LIST/MAP/SET/SLICE, MAKE_FUNCTION/CLOSURE: a GC heap allocation
W_ITEM = 1.0  # each element stored by a BUILD_* or UNPACK_SEQUENCE
W_CALL = 10.0  # CALL_FUNCTION/CALL_METHOD of a built-in or a method: the C wrapper, arg checks
W_PYCALL = 60.0  # a call of a module's own function or class: code state, prelude, locals, return
W_ARG = 1.0  # each argument passed
W_ITER = 3.0  # FOR_ITER on an iterator (the iternext slot)
W_IMPORT = (
    40.0  # IMPORT_NAME/IMPORT_FROM: sys.modules and the built-in table (files cost their code)
)
W_EXCEPT = 20.0  # SETUP_EXCEPT/SETUP_WITH/RAISE: nlr_push, exception object, handler match

UNIT_NS = 516  # ns per W_FAST bytecode at 160 MHz: pystone 1.1 at ~1107/s (see the module doc)
GIL_VM_DIVISOR = 8  # esp32/mpconfigport.h MICROPY_PY_THREAD_GIL_VM_DIVISOR
RTOS_TICK_NS = 1 * MS  # CONFIG_FREERTOS_HZ 1000: equal-priority tasks switch at ticks
BOOT_NS = 1900 * MS  # reset -> first line of boot.py (forum.pycom.io topic 1552)
API_FLOOR_NS = 1 * US  # an API call's C part never costs less than this


@dataclass(frozen=True)
class CpuModel:
    """How board code costs time: `board` (this model, the default), a scale factor of it, or `free`
    (statements cost nothing, boots are instant: pycomsim before the model)."""

    name: str  # 'board', 'free' or the factor as given ('2', '0.5')
    factor: float = 1.0  # multiplies every bytecode's cost (2: a CPU half as fast)

    @property
    def free(self) -> bool:
        return self.name == "free"

    @property
    def unit_ns(self) -> float:
        return 0.0 if self.free else UNIT_NS * self.factor

    @property
    def boot_ns(self) -> int:
        return 0 if self.free else BOOT_NS

    def describe(self) -> str:
        if self.free:
            return "free (statements cost nothing)"
        what = "MicroPython 1.11 VM, ESP32 160 MHz"
        return f"board ({what})" if self.name == "board" else f"{self.name}x board ({what})"

    def api_costs(self, costs: CallCosts) -> CallCosts:
        """The API table with the call site's bytecodes taken out (they are charged by the model)."""
        if self.free:
            return costs
        site = round(CALL_SITE_UNITS * UNIT_NS)  # the API table is for the board's own CPU
        changes = {
            name: max(API_FLOOR_NS, getattr(costs, name) - site)
            for name in costs.__dataclass_fields__
            if name != "irq_dispatch"  # not a call: the edge-to-handler path of the firmware
        }
        return replace(costs, **changes)


# `p.value(1)` as a statement: LOAD_NAME p, LOAD_METHOD value, LOAD_CONST 1, CALL_METHOD 1, POP_TOP
CALL_SITE_UNITS = W_NAME + W_ATTR + W_FAST + W_CALL + W_ARG + W_FAST

BOARD = CpuModel("board")
FREE = CpuModel("free")
DEFAULT = BOARD  # what a board runs without a `cpu`: this model (docs/timing.md)


def cpu_model(value: object) -> CpuModel:
    """'board', 'free', or a positive factor (int, float or its text). ValueError names a
    bad value."""
    if value is None:
        return DEFAULT
    if isinstance(value, CpuModel):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("board", "free"):
            return BOARD if text == "board" else FREE
        try:
            factor = float(text)
        except ValueError:
            factor = float("nan")
        name = value.strip()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        factor, name = float(value), f"{value:g}"
    else:
        factor, name = float("nan"), repr(value)
    if not factor > 0 or factor == float("inf"):
        raise ValueError(
            f"bad cpu {value!r}: expected 'board', 'free' or a positive factor such as 2 or 0.5"
        )
    return BOARD if factor == 1.0 else CpuModel(name, factor)
