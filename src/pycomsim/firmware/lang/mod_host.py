"""``math``, ``cmath``, ``array``: host modules narrowed to the names the board has.

math (py/modmath.c v1.11): MICROPY_PY_MATH_SPECIAL_FUNCTIONS is 0 (default, not set by the port),
so there is no ``log10``, ``log2``, ``expm1``, hyperbolic functions, ``erf``/``gamma``; nor
``inf``/``nan``/``tau``, ``isclose``, ``factorial``, ``gcd``, ``hypot``, ``fsum``...
cmath (py/modcmath.c): e, pi, phase, polar, rect, exp, log, sqrt, cos, sin (``log10`` is a
special function too). array (py/modarray.c): the ``array`` type only.

Deviations: the board computes in single precision (MICROPY_FLOAT_IMPL_FLOAT); these are the
host's double-precision functions. ``array.array`` is the host's (accepts the 'u' typecode, has
more methods than the board's append/extend/decode).
"""

from __future__ import annotations

import array as _array
import cmath as _cmath
import math as _math
import types

MATH_NAMES = (
    "e pi sqrt pow exp log cos sin tan acos asin atan atan2 ceil copysign fabs floor fmod "
    "frexp ldexp modf isfinite isinf isnan trunc radians degrees"
).split()
CMATH_NAMES = "e pi phase polar rect exp log sqrt cos sin".split()


def _narrowed(name: str, host: types.ModuleType, names: list[str]) -> types.ModuleType:
    mod = types.ModuleType(name)
    for n in names:
        setattr(mod, n, getattr(host, n))
    return mod


def make_math() -> types.ModuleType:
    return _narrowed("math", _math, MATH_NAMES)


def make_cmath() -> types.ModuleType:
    return _narrowed("cmath", _cmath, CMATH_NAMES)


def make_array() -> types.ModuleType:
    return _narrowed("array", _array, ["array"])
