"""The layers stay layers and nothing imports in a circle (docs/architecture.md).

The contracts live in .importlinter at the repository's root (import-linter); the circle check walks
grimp's import graph of the package, function-level imports included: an import inside a function
is still a dependency, and hiding a circle that way is what this test is for.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    circles.append(sorted(group))
    return circles


def test_no_module_imports_in_a_circle_even_from_inside_a_function():
    # no cache: a stale one (grimp keeps it in the working directory) would hide a new circle
    graph = grimp.build_graph("pycomsim", exclude_type_checking_imports=True, cache_dir=None)
    assert _import_circles(graph) == []


def test_the_circle_check_finds_a_circle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _import_circles(graph) == [["pkg.a", "pkg.b"]]


# ---- only the pads touch the electrical world ----
SRC = ROOT / "src" / "pycomsim"
# the pads and their hot path own the pad side of the nets; the engine (sim/) is the electrical
# world itself: nets, drivers, parts, stimuli, the recorder
ELECTRICAL = ("sim/", "chip/pads.py", "chip/fast_pin.py")
# what only the electrical world uses: a pad's drivers, a net's watcher lists and counts
NET_ATTRIBUTES = {
    "gpio_driver",
    "pull_driver",
    "drive_watchers",
    "config_watchers",
    "change_many",
    "counts",
    "net",
}


def _net_touches(source: str) -> list[str]:
    """Where `source` imports the nets (and so their driver codes) or reaches into a net or a pad's
    drivers: 'line N: ...' for each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if module.endswith("sim.net") or (module.endswith("sim") and "net" in names):
                found.append(f"line {node.lineno}: imports the nets ({module})")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: imports {alias.name}"
                for alias in node.names
                if alias.name.endswith("sim.net")
            ]
        elif isinstance(node, ast.Attribute) and node.attr in NET_ATTRIBUTES:
            found.append(f"line {node.lineno}: .{node.attr}")
    return sorted(found, key=lambda where: int(where.split(":")[0].split()[1]))


def test_no_module_outside_the_pads_touches_a_net_or_a_driver_code():
    """Firmware modules, peripherals, the board and the faces use the pad contract (chip/pads.py:
    configure, write, read, hold, watch, ...) and the GPIO matrix (chip/matrix.py); only the pads
    and the engine reach into nets and drivers."""
    broken = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(ELECTRICAL):
            continue
        broken += [f"{rel} {where}" for where in _net_touches(path.read_text())]
    assert broken == [], "use the pad contract or the matrix instead:\n" + "\n".join(broken)


def test_the_net_check_finds_what_it_looks_for():
    source = (
        "from ..sim.net import STRONG_LO\n"
        "from ..sim import net\n"
        "import pycomsim.sim.net\n"
        "pad.gpio_driver.set(STRONG_LO, t)\n"
        "level = pin._pad.net.level\n"
        "pad.read()\n"
    )
    assert [w.split(":")[0] for w in _net_touches(source)] == [
        "line 1",
        "line 2",
        "line 3",
        "line 4",
        "line 5",
    ]
