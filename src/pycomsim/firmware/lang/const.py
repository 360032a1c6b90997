"""``NAME = const(<int expr>)``: the compile-time constants of MicroPython.

MicroPython's parser (py/parse.c, ``MICROPY_COMP_CONST``) folds ``X = const(1)`` wherever it
appears (module, class body or function), without ``const`` being imported, and from then on
replaces every bare identifier ``X`` in the rest of the module with the value. So a constant
declared in a class body is usable as a bare name in that class's methods and at module level;
in CPython that is a NameError. ``find_consts`` finds these assignments so the loader can put the
names into the module globals before running it (and provide a builtin ``const``).

The value must fold to a small int (31-bit signed on the board); anything else is a board
SyntaxError ("constant must be an integer"), which the mpy-cross check reports, so such
entries are simply skipped here.

Known deviations of "inject into globals" from the board's textual substitution:
names starting with ``_`` are not globals on the board (no assignment is emitted), and a use
*before* the declaration is a NameError on the board but works here.
"""

from __future__ import annotations

import ast
import operator

_SMALL_INT_MIN, _SMALL_INT_MAX = -(2**30), 2**30 - 1  # MP_SMALL_INT range, 32-bit port

_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
_UNARYOPS = {ast.UAdd: operator.pos, ast.USub: operator.neg, ast.Invert: operator.invert}


def find_consts(source: str | bytes) -> dict[str, int]:
    """Every ``NAME = const(<int expr>)`` in ``source``, in source order, with its value.

    Earlier constants may be used in later ones (``B = const(A << 2)``), as on the board.
    Returns an empty dict if ``source`` does not parse as CPython.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, int] = {}
    for node in _in_source_order(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, call = node.targets[0], node.value
        if not (
            isinstance(target, ast.Name)
            and isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "const"
            and len(call.args) == 1
            and not call.keywords
        ):
            continue
        value = _fold(call.args[0], found)
        if value is not None and _SMALL_INT_MIN <= value <= _SMALL_INT_MAX:
            found[target.id] = value
    return found


def _in_source_order(tree: ast.AST) -> list[ast.AST]:
    nodes = [n for n in ast.walk(tree) if hasattr(n, "lineno")]
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))
    return nodes


def _fold(node: ast.AST, consts: dict[str, int]) -> int | None:
    """Fold an integer expression the way the parser does; None if it does not fold to an int."""
    try:
        if isinstance(node, ast.Constant):
            v = node.value
            return v if type(v) is int else None  # bool/float/str are not small ints
        if isinstance(node, ast.Name):
            return consts.get(node.id)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARYOPS:
            v = _fold(node.operand, consts)
            return None if v is None else _UNARYOPS[type(node.op)](v)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            a, b = _fold(node.left, consts), _fold(node.right, consts)
            if a is None or b is None:
                return None
            if isinstance(node.op, ast.Pow) and b < 0:
                return None  # would be a float
            if isinstance(node.op, (ast.LShift, ast.Pow)) and b > 64:
                return None  # no small int results from these; avoid huge intermediates
            return _BINOPS[type(node.op)](a, b)
    except (ArithmeticError, ValueError):
        return None
    return None
