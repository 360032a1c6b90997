"""User code takes time on the board: a syntax-tree rewrite that charges every basic block its cost.

`compile_timed(source, filename, unit_ns)` parses a user file, puts a call `__pycomsim_tick__(ns)` at
the start of every basic block (a statement run between two jumps, every loop body, every branch,
every handler, and every iteration of a comprehension) and compiles the result. `ns` is the cost of
the MicroPython 1.11 bytecodes the block compiles to: they are counted from the syntax tree, one
weight per kind of bytecode (core/cpu.py), as MicroPython's compiler (py/compile.c) emits them:

* a local name is LOAD_FAST, a global or module-level one LOAD_GLOBAL/LOAD_NAME (a map lookup);
* `o.m(x)` is LOAD_METHOD + CALL_METHOD, `f(x)` CALL_FUNCTION, every argument one more load;
* `while` compiles to a JUMP to the test at the bottom: the test runs once more than the body, and
  `while True` has no test at all; `for x in range(...)` is the compiler's counting loop (no iterator
  object), any other `for` a GET_ITER and one FOR_ITER per iteration;
* `if`/`elif` tests, `and`/`or` and chained comparisons each cost their jumps.

Every charge is one basic block entered, which is how the VM counts jumps for the GIL divisor
(py/vm.c `pending_exception_check`), so the tick also counts towards the preemption point.

It is plain `ast`: no CPython bytecode is touched, so it works on every supported CPython. The
compiled code is cached by the source's SHA-256 (and the file name and the model's unit), so a file
is rewritten once per process.
"""

from __future__ import annotations

import ast
import hashlib
import marshal
import os
import tempfile
from collections import OrderedDict
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType

from ...core import cpu as w
from .syntax import cache_dir

TICK = "__pycomsim_tick__"  # the board's charge function, in the board's builtins
_CACHE: OrderedDict[tuple[bytes, str, float], CodeType] = OrderedDict()
_CACHE_SIZE = 512
_CACHE_FORMAT = 1  # bump when the rewrite changes: cached code on disk is then ignored


def compile_timed(source: bytes, filename: str, unit_ns: float) -> CodeType:
    """`source` compiled with a charge at every basic block (`unit_ns` per W_FAST bytecode).
    Cached in memory and on disk (next to the board-syntax cache), keyed by the source's SHA-256,
    the file name, the unit and this Python's bytecode magic."""
    digest = hashlib.sha256(source).digest()
    key = (digest, filename, unit_ns)
    code = _CACHE.get(key)
    if code is not None:
        _CACHE.move_to_end(key)
        return code
    name = hashlib.sha256(b"%s|%s|%r|%s" % (digest, filename.encode(), unit_ns, MAGIC_NUMBER))
    disk = cache_dir().parent / "timed" / f"{name.hexdigest()}.v{_CACHE_FORMAT}.marshal"
    code = _read_code(disk)
    if code is None:
        tree = ast.parse(source, filename)
        instrument(tree, unit_ns)
        code = compile(tree, filename, "exec", dont_inherit=True)
        _write_code(disk, code)
    _CACHE[key] = code
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return code


def _read_code(file: Path) -> CodeType | None:
    try:
        code = marshal.loads(file.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def _write_code(file: Path, code: CodeType) -> None:
    try:  # atomic: parallel runs may write the same file
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps(code))
        os.replace(tmp, file)
    except OSError:
        pass  # a read-only cache only costs speed


def instrument(tree: ast.Module, unit_ns: float) -> ast.Module:
    """Rewrite `tree` in place: charges at every basic block."""
    _Rewriter(unit_ns).module(tree)  # every node it adds has its location: no fix-up pass
    return tree


def _instrument_exact(tree: ast.Module) -> None:
    _Rewriter(1.0, exact=True).module(tree)


def block_units(source: str) -> list[float]:
    """The cost in W_FAST units of every charge in `source`, in tree order (for tests and docs)."""
    tree = ast.parse(source)
    _instrument_exact(tree)
    units = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == TICK:
            units.append(node.args[0].value)  # type: ignore[attr-defined]
    return units


_COMPOUND = (
    ast.If,
    ast.While,
    ast.For,
    ast.AsyncFor,
    ast.Try,
    ast.With,
    ast.AsyncWith,
)
_ENDS_BLOCK = (ast.Return, ast.Raise, ast.Break, ast.Continue)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class _Scope:
    """Which names compile to LOAD_FAST: a function's arguments and assigned names."""

    def __init__(self, fast: set[str] | None) -> None:
        self.fast = fast  # None: module or class level, every name is a map lookup

    def name(self, ident: str) -> float:
        return w.W_FAST if self.fast is not None and ident in self.fast else w.W_NAME


def _function_locals(node: ast.AST) -> set[str]:
    """A function's LOAD_FAST names: its arguments and the names its statements bind (not those
    declared global or nonlocal). Statements only: walking every expression would cost more than
    the rest of the rewrite."""
    args = node.args  # type: ignore[attr-defined]
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    if args.vararg:
        names.add(args.vararg.arg)
    if args.kwarg:
        names.add(args.kwarg.arg)
    body = node.body  # type: ignore[attr-defined]
    if not isinstance(body, list):
        return names  # a lambda binds nothing else
    declared: set[str] = set()
    stack = list(body)
    while stack:
        sub = stack.pop()
        kind = type(sub)
        if kind is ast.Assign:
            for target in sub.targets:
                _bound(target, names)
        elif kind in (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor):
            _bound(sub.target, names)
        elif kind in (ast.Global, ast.Nonlocal):
            declared.update(sub.names)
        elif kind in (*_FUNCTIONS, ast.ClassDef):
            names.add(sub.name)
            continue  # its body is another scope
        elif kind in (ast.Import, ast.ImportFrom):
            names.update((a.asname or a.name).partition(".")[0] for a in sub.names)
        elif kind in (ast.With, ast.AsyncWith):
            for item in sub.items:
                if item.optional_vars is not None:
                    _bound(item.optional_vars, names)
        elif kind is ast.Delete:
            for target in sub.targets:
                _bound(target, names)
        elif kind is ast.Try:
            for handler in sub.handlers:
                if handler.name:
                    names.add(handler.name)
                stack.extend(handler.body)
        for field in ("body", "orelse", "finalbody"):
            stack.extend(getattr(sub, field, ()))
    return names - declared


def _bound(target: ast.AST, names: set[str]) -> None:
    if isinstance(target, ast.Name):
        names.add(target.id)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            _bound(elt, names)
    elif isinstance(target, ast.Starred):
        _bound(target.value, names)


def _is_float_const(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, float)


def _always_true(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value) and not isinstance(node.value, str)


class _Rewriter:
    def __init__(self, unit_ns: float, *, exact: bool = False) -> None:
        self.unit_ns = unit_ns
        self.exact = exact  # units as floats (block_units), else whole ns
        self.scope = _Scope(None)
        self.defined: set[str] = set()  # module-level def and class names: calls into bytecode
        # comprehensions and lambdas met while costing: rewritten at the end (their bodies run
        # per iteration or per call), each once
        self.deferred: list[tuple[ast.AST, _Scope]] = []
        self.seen: set[int] = set()

    # ---- costs (units of W_FAST) ----
    def expr(self, node: ast.AST | None) -> float:
        if node is None:
            return 0.0
        kind = type(node)
        if kind is ast.Name:
            return self.scope.name(node.id)  # type: ignore[attr-defined]
        if kind is ast.Constant:
            return w.W_FAST
        if kind is ast.Attribute:
            return self.expr(node.value) + w.W_ATTR  # type: ignore[attr-defined]
        if kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            python = isinstance(func, ast.Name) and func.id in self.defined
            cost = self.expr(func) + (w.W_PYCALL if python else w.W_CALL)
            for arg in node.args:  # type: ignore[attr-defined]
                cost += self.expr(arg) + w.W_ARG
            for kw in node.keywords:  # type: ignore[attr-defined]
                cost += self.expr(kw.value) + w.W_FAST + w.W_ARG  # the name is a LOAD_CONST
            return cost
        if kind is ast.BinOp:
            floaty = isinstance(node.op, (ast.Div, ast.Pow)) or (  # type: ignore[attr-defined]
                _is_float_const(node.left) or _is_float_const(node.right)  # type: ignore[attr-defined]
            )
            op = w.W_FLOAT_OP if floaty else w.W_INT_OP
            return self.expr(node.left) + self.expr(node.right) + op  # type: ignore[attr-defined]
        if kind is ast.UnaryOp:
            return self.expr(node.operand) + w.W_INT_OP  # type: ignore[attr-defined]
        if kind is ast.BoolOp:
            values = node.values  # type: ignore[attr-defined]
            return sum(self.expr(v) for v in values) + w.W_FAST * (len(values) - 1)
        if kind is ast.Compare:
            n = len(node.ops)  # type: ignore[attr-defined]
            cost = self.expr(node.left) + sum(self.expr(c) for c in node.comparators)  # type: ignore[attr-defined]
            return cost + w.W_INT_OP * n + 3 * w.W_FAST * (n - 1)  # DUP_TOP, ROT_THREE, jump
        if kind is ast.Subscript:
            return self.expr(node.value) + self.expr(node.slice) + w.W_SUBSCR  # type: ignore[attr-defined]
        if kind is ast.Slice:
            parts = (node.lower, node.upper, node.step)  # type: ignore[attr-defined]
            return sum(self.expr(p) if p is not None else w.W_FAST for p in parts) + w.W_BUILD
        if kind in (ast.Tuple, ast.List, ast.Set):
            elts = node.elts  # type: ignore[attr-defined]
            return sum(self.expr(e) for e in elts) + w.W_BUILD + w.W_ITEM * len(elts)
        if kind is ast.Dict:
            cost = w.W_BUILD
            for key, value in zip(node.keys, node.values, strict=True):  # type: ignore[attr-defined]
                cost += self.expr(key) + self.expr(value) + w.W_ITEM
            return cost
        if kind is ast.IfExp:
            branches = (self.expr(node.body) + self.expr(node.orelse)) / 2  # type: ignore[attr-defined]
            return self.expr(node.test) + branches + 2 * w.W_FAST  # type: ignore[attr-defined]
        if kind is ast.Lambda:
            self.defer(node)
            return w.W_BUILD  # MAKE_FUNCTION; its body is charged when it runs
        if kind in (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp):
            self.defer(node)
            first = node.generators[0].iter  # type: ignore[attr-defined]
            return self.expr(first) + 2 * w.W_BUILD + w.W_CALL + w.W_ITER
        if kind is ast.Starred:
            return self.expr(node.value)  # type: ignore[attr-defined]
        # Yield, Await, NamedExpr, JoinedStr, FormattedValue, ...: their parts and one bytecode
        return sum(self.expr(c) for c in ast.iter_child_nodes(node)) + w.W_FAST

    def store(self, target: ast.AST) -> float:
        if isinstance(target, ast.Name):
            return self.scope.name(target.id)
        if isinstance(target, ast.Attribute):
            return self.expr(target.value) + w.W_ATTR
        if isinstance(target, ast.Subscript):
            return self.expr(target.value) + self.expr(target.slice) + w.W_SUBSCR
        if isinstance(target, (ast.Tuple, ast.List)):
            unpack = w.W_FAST + w.W_ITEM * len(target.elts)  # UNPACK_SEQUENCE
            return unpack + sum(self.store(e) for e in target.elts)
        if isinstance(target, ast.Starred):
            return self.store(target.value) + w.W_BUILD  # UNPACK_EX builds a list
        return w.W_FAST

    def simple(self, node: ast.stmt) -> float:
        """The bytecodes of a statement without blocks of its own."""
        if isinstance(node, ast.Expr):
            return self.expr(node.value) + w.W_FAST  # POP_TOP
        if isinstance(node, ast.Assign):
            dups = w.W_FAST * (len(node.targets) - 1)
            return self.expr(node.value) + sum(self.store(t) for t in node.targets) + dups
        if isinstance(node, ast.AugAssign):
            target = node.target
            op = w.W_FLOAT_OP if isinstance(node.op, ast.Div) else w.W_INT_OP
            if isinstance(target, ast.Name):
                load = self.scope.name(target.id)
            elif isinstance(target, ast.Attribute):
                load = w.W_FAST + w.W_ATTR  # DUP_TOP, LOAD_ATTR (the object is loaded by store)
            else:
                load = 2 * w.W_FAST + w.W_SUBSCR  # DUP_TOP_TWO, LOAD_SUBSCR
            return load + self.expr(node.value) + op + self.store(target) + w.W_FAST
        if isinstance(node, ast.AnnAssign):
            return self.expr(node.value) + (self.store(node.target) if node.value else 0.0)
        if isinstance(node, ast.Return):
            return (self.expr(node.value) if node.value else w.W_FAST) + w.W_FAST
        if isinstance(node, (ast.Pass, ast.Global, ast.Nonlocal)):
            return 0.0
        if isinstance(node, (ast.Break, ast.Continue)):
            return w.W_FAST
        if isinstance(node, ast.Raise):
            return self.expr(node.exc) + self.expr(node.cause) + w.W_EXCEPT
        if isinstance(node, ast.Assert):
            return self.expr(node.test) + w.W_FAST
        if isinstance(node, ast.Delete):
            return sum(self.store(t) for t in node.targets)
        if isinstance(node, ast.Import):
            return sum(2 * w.W_FAST + w.W_IMPORT + w.W_NAME for _ in node.names)
        if isinstance(node, ast.ImportFrom):
            names = len(node.names)
            return 3 * w.W_FAST + w.W_IMPORT + names * (w.W_IMPORT + w.W_NAME)
        if isinstance(node, _FUNCTIONS):
            deco = sum(self.expr(d) + w.W_CALL for d in node.decorator_list)
            defaults = sum(self.expr(d) for d in (*node.args.defaults, *node.args.kw_defaults))
            return deco + defaults + w.W_BUILD + w.W_NAME
        if isinstance(node, ast.ClassDef):
            deco = sum(self.expr(d) + w.W_CALL for d in node.decorator_list)
            bases = sum(self.expr(b) for b in node.bases)
            return deco + bases + 2 * w.W_CALL + 2 * w.W_BUILD + w.W_NAME
        return sum(self.expr(c) for c in ast.iter_child_nodes(node)) + w.W_FAST

    def defer(self, node: ast.AST) -> None:
        if id(node) not in self.seen:
            self.seen.add(id(node))
            self.deferred.append((node, self.scope))

    # ---- the rewrite ----
    def charge(self, units: float, where: ast.AST) -> ast.Call:
        """`__pycomsim_tick__(ns)`, placed at `where` (tracebacks and compile need locations)."""
        loc = _location(where)
        name = ast.Name(TICK, ast.Load(), **loc)
        return ast.Call(name, [ast.Constant(self.ns(units), **loc)], [], **loc)

    def tick(self, units: float, where: ast.AST) -> ast.stmt:
        return ast.Expr(self.charge(units, where), **_location(where))

    def ns(self, units: float) -> int | float:
        value = units * self.unit_ns
        return round(value, 3) if self.exact else round(value)

    def module(self, tree: ast.Module) -> None:
        self.defined = {
            node.name for node in tree.body if isinstance(node, (*_FUNCTIONS, ast.ClassDef))
        }
        tree.body = self.block(tree.body, head=True)
        while self.deferred:
            node, scope = self.deferred.pop()
            outer, self.scope = self.scope, scope
            try:
                if isinstance(node, ast.Lambda):
                    self.lambda_body(node)
                else:
                    self.comprehension(node)
            finally:
                self.scope = outer

    def comprehension(self, node: ast.AST) -> None:
        """A charge in front of every generator's conditions: `(tick(ns) or True)`."""
        gens = node.generators  # type: ignore[attr-defined]
        fast = {n.id for gen in gens for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
        self.scope = _Scope(fast | (self.scope.fast or set()))
        if isinstance(node, ast.DictComp):
            elt = self.expr(node.key) + self.expr(node.value) + 2 * w.W_FAST
        else:
            extra = 3 if isinstance(node, ast.GeneratorExp) else 2  # YIELD_VALUE, POP / append
            elt = self.expr(node.elt) + extra * w.W_FAST  # type: ignore[attr-defined]
        for i, gen in enumerate(gens):
            units = w.W_ITER + self.store(gen.target) + w.W_FAST
            units += sum(self.expr(c) + w.W_FAST for c in gen.ifs)
            if i:
                units += self.expr(gen.iter)  # an inner generator's iterable, per outer item
            if i == len(gens) - 1:
                units += elt
            loc = _location(gen.iter)
            always = ast.Constant(True, **loc)
            gen.ifs.insert(0, ast.BoolOp(ast.Or(), [self.charge(units, gen.iter), always], **loc))

    def lambda_body(self, node: ast.Lambda) -> None:
        """`lambda x: body` becomes `lambda x: (tick(ns), body)[1]`: the charge at every call."""
        self.scope = _Scope(_function_locals(node))
        units = self.expr(node.body) + w.W_FAST
        loc = _location(node.body)
        pair = ast.Tuple([self.charge(units, node.body), node.body], ast.Load(), **loc)
        node.body = ast.Subscript(pair, ast.Constant(1, **loc), ast.Load(), **loc)

    def block(
        self, stmts: list[ast.stmt], entry: float = 0.0, *, loop: bool = False, head: bool = False
    ) -> list[ast.stmt]:
        """`stmts` with a charge before every basic block; `entry` is charged with the first block
        (a loop's per-iteration test or FOR_ITER); a loop body always gets a charge (it counts)."""
        out: list[ast.stmt] = []
        start = 0
        if head:  # a docstring and `from __future__` imports stay first
            while start < len(stmts) and (
                (
                    start == 0
                    and isinstance(stmts[0], ast.Expr)
                    and isinstance(stmts[0].value, ast.Constant)
                    and isinstance(stmts[0].value.value, str)
                )
                or (
                    isinstance(stmts[start], ast.ImportFrom) and stmts[start].module == "__future__"
                )
            ):
                out.append(stmts[start])
                start += 1
        run: list[ast.stmt] = []
        units = entry
        must = loop
        for node in stmts[start:]:
            if isinstance(node, _COMPOUND):
                units += self.head(node)
                run.append(node)
                self.flush(out, run, units, must)
                run, units, must = [], 0.0, False
                self.inner(node)
                continue
            units += self.simple(node)
            run.append(node)
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                self.inner(node)
            if isinstance(node, _ENDS_BLOCK):
                self.flush(out, run, units, must)
                run, units, must = [], 0.0, False
        self.flush(out, run, units, must)
        return out

    def flush(self, out: list[ast.stmt], run: list[ast.stmt], units: float, must: bool) -> None:
        if run and (units > 0 or must):
            out.append(self.tick(units, run[0]))
        out.extend(run)

    def head(self, node: ast.stmt) -> float:
        """What a compound statement costs before its first block: tests, iterators, setups."""
        if isinstance(node, ast.If):
            return self.expr(node.test) + w.W_FAST
        if isinstance(node, ast.While):
            if _always_true(node.test):
                return 0.0
            return w.W_FAST + self.expr(node.test) + w.W_FAST  # JUMP to the test, the first test
        if isinstance(node, (ast.For, ast.AsyncFor)):
            if self.counting_range(node):
                args = node.iter.args  # type: ignore[attr-defined]
                return sum(self.expr(a) for a in args) + self.store(node.target) + 2 * w.W_FAST
            return self.expr(node.iter) + w.W_ITER  # GET_ITER_STACK
        if isinstance(node, ast.Try):
            return w.W_EXCEPT + 2 * w.W_FAST  # SETUP_EXCEPT, POP_BLOCK, JUMP
        if isinstance(node, (ast.With, ast.AsyncWith)):
            cost = 0.0
            for item in node.items:
                cost += self.expr(item.context_expr) + w.W_EXCEPT + 2 * w.W_CALL  # enter, exit
                if item.optional_vars is not None:
                    cost += self.store(item.optional_vars)
            return cost
        return 0.0

    def counting_range(self, node: ast.For | ast.AsyncFor) -> bool:
        it = node.iter
        return (
            isinstance(node, ast.For)
            and isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id == "range"
            and 1 <= len(it.args) <= 3
            and not it.keywords
            and isinstance(node.target, ast.Name)
        )

    def inner(self, node: ast.stmt) -> None:
        """Rewrite the blocks a statement owns."""
        if isinstance(node, ast.If):
            node.body = self.block(node.body)
            if node.orelse:
                node.orelse = self.block(node.orelse)
        elif isinstance(node, ast.While):
            test = 0.0 if _always_true(node.test) else self.expr(node.test)
            node.body = self.block(node.body, test + w.W_FAST, loop=True)
            if node.orelse:
                node.orelse = self.block(node.orelse)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            if self.counting_range(node):  # LOAD_FAST, LOAD_CONST step, BINARY_OP, DUP, STORE,
                step = 4 * w.W_FAST + 2 * w.W_INT_OP  # compare with the end, POP_JUMP_IF
                step += self.store(node.target)
            else:
                step = w.W_ITER + self.store(node.target) + w.W_FAST  # FOR_ITER, store, JUMP
            node.body = self.block(node.body, step, loop=True)
            if node.orelse:
                node.orelse = self.block(node.orelse)
        elif isinstance(node, ast.Try):
            node.body = self.block(node.body)
            for handler in node.handlers:
                match = self.expr(handler.type) + w.W_INT_OP + 3 * w.W_FAST
                if handler.name:
                    match += self.scope.name(handler.name)
                handler.body = self.block(handler.body, match)
            if node.orelse:
                node.orelse = self.block(node.orelse)
            if node.finalbody:
                node.finalbody = self.block(node.finalbody, 2 * w.W_FAST)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            node.body = self.block(node.body)
        elif isinstance(node, _FUNCTIONS):
            outer = self.scope
            self.scope = _Scope(_function_locals(node))
            try:
                node.body = self.block(node.body, head=True)
            finally:
                self.scope = outer
        elif isinstance(node, ast.ClassDef):
            outer = self.scope
            self.scope = _Scope(None)
            try:
                node.body = self.block(node.body, head=True)
            finally:
                self.scope = outer


def _location(node: ast.AST) -> dict[str, int]:
    return {
        "lineno": node.lineno,  # type: ignore[attr-defined]
        "col_offset": node.col_offset,  # type: ignore[attr-defined]
        "end_lineno": getattr(node, "end_lineno", None) or node.lineno,  # type: ignore[attr-defined]
        "end_col_offset": getattr(node, "end_col_offset", None) or node.col_offset,  # type: ignore[attr-defined]
    }
