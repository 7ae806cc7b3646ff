"""The package's rooms and the way imports run between them (read with ``ast``, nothing run).

Rooms, from the bottom up (docs/architecture.md): the core (``planner/*.py``), charts,
files, logs, app, clinic, and the shell (``planner/__init__``, ``cli``, ``__main__``) on
top. A module may import its own room and the rooms its row below allows; no module
imports one above it, and no circle runs through any import, at the top of a module or
inside a function. Imports inside functions are kept for heavy optional parts only and
listed here with the reason.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.paths import ROOT

PACKAGE = ROOT / "planner"
SHELL = {"planner", "planner.__main__", "planner.cli"}
ROOMS = ("charts", "files", "logs", "app", "clinic")
# What each room may import (besides itself). The shell may import everything.
MAY_IMPORT = {
    "core": set(),
    "charts": {"core"},
    "files": {"core", "charts"},
    "logs": {"core", "files"},
    "app": {"core", "charts", "files", "logs"},
    "clinic": {"core", "charts", "files", "logs", "app"},
}
# The one pair of imports from the core into a room above it: Plan's writing conveniences
# (plan.to_csv, plan.to_ics) import the writers when called. Plan stays data.
CORE_CONVENIENCES = {("planner.plan", "planner.files.plan_csv"),
                     ("planner.plan", "planner.files.calendar")}
# Imports inside functions, by (module, package imported): only heavy optional parts.
LAZY = {
    ("planner.plan", "planner"): "Plan.to_csv / to_ics import the writers on call",
    ("planner.logs", "tqdm"): "tqdm.auto loads IPython's display; only when a bar is shown",
    ("planner.clinic.cohort", "distributed"): "Dask (0.7 s to import), only with --scheduler",
    ("planner.cli", "distributed"): "Dask's TLS settings, only with --scheduler",
    ("planner.cli", "dask"): "Dask's connect timeout, only with --scheduler",
}
# Never in the core: it runs in a script, a test or a server as well as in a notebook.
NOT_IN_CORE = {"plotly", "ipywidgets", "anywidget", "traitlets", "IPython", "typer", "voila",
               "jupyter", "jupyterlab"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def room(module: str) -> str:
    if module in SHELL:
        return "shell"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in ROOMS else (
        parts[1] if len(parts) == 2 and parts[1] in ROOMS else "core")


def resolve(importer: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The modules an import statement loads, as dotted names (planner's own resolved to the
    module file; ``from planner import metrics`` is the module planner.metrics)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        pkg = importer.split(".")
        if MODULES[importer].name != "__init__.py":
            pkg = pkg[:-1]
        pkg = pkg[: len(pkg) - node.level + 1]
        base = ".".join(pkg + ([node.module] if node.module else []))
    out = []
    for alias in node.names:
        full = f"{base}.{alias.name}"
        out.append(full if full in MODULES else base)
    return out


def imports() -> list[tuple[str, str, bool, int]]:
    """(importer, imported module, inside a function?, line) for every import in planner."""
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, nested: bool, name: str = name) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Import | ast.ImportFrom):
                    found.extend((name, m, nested, child.lineno) for m in resolve(name, child))
                elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    continue  # names for type checkers, never imported at run time
                visit(child, nested or isinstance(
                    child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

        visit(tree, False)
    return found


def own(module: str) -> str | None:
    """The planner module that ``module`` names (a name inside it counts as the module)."""
    while module and module not in MODULES:
        module = module.rpartition(".")[0]
    return module or None


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for importer, imported, _, _ in imports():
        target = own(imported) if imported.split(".")[0] == "planner" else None
        if target and target != importer and (importer, target) not in CORE_CONVENIENCES:
            edges[importer].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(MODULES):
        if v not in index:
            strong(v)
    return out


def test_the_walker_sees_every_module_and_its_imports():
    """The test itself: it finds the rooms and real imports (a walker that saw nothing
    would pass everything)."""
    assert {"planner.plan", "planner.programme", "planner.logs.normalise",
            "planner.files.plan_csv", "planner.charts.analysis", "planner.app.planner_app",
            "planner.clinic.store"} <= set(MODULES)
    edges = graph()
    assert "planner.plan" in edges["planner.programme"]
    assert "planner.charts.analysis" in edges["planner.files.report"]
    assert {room(m) for m in MODULES} == {"core", "shell", *ROOMS}


def test_the_cycle_finder_finds_a_circle():
    index_free = {"planner.x": {"planner.y"}, "planner.y": {"planner.x"}, "planner.z": set()}
    saved = dict(MODULES)
    try:
        MODULES.update({"planner.x": Path("x"), "planner.y": Path("y"), "planner.z": Path("z")})
        assert cycles(index_free) == [["planner.x", "planner.y"]]
    finally:
        MODULES.clear()
        MODULES.update(saved)


def test_no_circle_of_imports():
    assert cycles(graph()) == []


def test_imports_run_down_the_rooms_only():
    wrong = []
    for importer, imported, _, line in imports():
        target = own(imported) if imported.split(".")[0] == "planner" else None
        if target is None or (importer, target) in CORE_CONVENIENCES:
            continue
        here, there = room(importer), room(target)
        if here == "shell" or here == there:
            continue
        if there not in MAY_IMPORT[here]:
            wrong.append(f"{importer}:{line} ({here}) imports {target} ({there})")
    assert wrong == []


def test_the_core_never_imports_plotting_widgets_or_the_command_line():
    wrong = [f"{importer}:{line} imports {imported}" for importer, imported, _, line in imports()
             if room(importer) == "core" and imported.split(".")[0] in NOT_IN_CORE]
    assert wrong == []


def test_imports_inside_functions_are_only_the_listed_heavy_parts():
    unlisted = sorted({f"{importer}:{line} {imported}"
                       for importer, imported, nested, line in imports()
                       if nested and (importer, imported.split(".")[0]) not in LAZY})
    assert unlisted == []


@pytest.mark.parametrize("pair", sorted(LAZY))
def test_every_listed_lazy_import_still_exists(pair):
    """A list entry whose import went away is removed too, so the list stays the truth."""
    assert any(nested and (importer, imported.split(".")[0]) == pair
               for importer, imported, nested, _ in imports())
