"""The package shape (docs/architecture.md): the domain core imports no framework, and project modules import
each other without cycles.

- ``lingkar/`` is the domain core: every module of it is imported in a fresh interpreter, after which none of
  rasa, rasa_sdk, telegram, aiohttp, sanic or tensorflow may be loaded (directly or through another module).
- The import graph of the project's modules (actions, bot, lingkar, rasa_plugins, nlu, scripts) has no cycle.
  It is built statically with :mod:`ast`. Every import counts, at module level and inside functions alike (a
  lazy import hides a cycle from Python's import machinery, not from the design), except those under
  ``if TYPE_CHECKING:`` (never executed). An edge goes to the module an import names (``from a.b import c`` is an
  edge to ``a.b.c`` when that is a module, else to ``a.b``); the parent packages an import passes through are not
  edges, so a package ``__init__`` that re-exports its submodules is not a cycle with them.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = "lingkar"
FRAMEWORKS = ("rasa", "rasa_sdk", "telegram", "aiohttp", "sanic", "tensorflow")
PROJECT = ("actions", "bot", "lingkar", "rasa_plugins", "nlu", "scripts")

#: Cycles allowed for now, each as the sorted modules (or, below, packages) of one strongly connected component.
#: None are: a new cycle fails the test.
KNOWN_CYCLES: List[tuple] = []
KNOWN_PACKAGE_CYCLES: List[tuple] = []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_files() -> Dict[str, Path]:
    files: Dict[str, Path] = {}
    for top in PROJECT:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # Alembic's env.py and revision scripts are run by Alembic from their files, not imported
            files[_module_name(path)] = path
    return files


def core_modules() -> List[str]:
    return sorted(m for m in _project_files() if m == CORE or m.startswith(CORE + "."))


@pytest.mark.parametrize("module", core_modules())
def test_core_imports_no_framework(module):
    code = ("import sys, importlib\n"
            f"importlib.import_module({module!r})\n"
            f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r})\n"
            "print(','.join(loaded))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    loaded = [m for m in run.stdout.strip().split(",") if m]
    assert not loaded, f"{module} loads framework modules: {', '.join(loaded[:10])}"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool, files: Dict[str, Path]) -> Set[str]:
    """The project modules ``tree`` imports (absolute names), skipping ``if TYPE_CHECKING:`` blocks."""
    out: Set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in files else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in out if m in files and m != module}


def import_graph() -> Dict[str, Set[str]]:
    files = _project_files()
    return {module: _imports(ast.parse(path.read_text(), str(path)), module, path.name == "__init__.py", files)
            for module, path in files.items()}


def find_cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """One cycle path through each strongly connected component of more than one node."""
    return [_cycle_path(graph, set(comp)) for comp in strongly_connected(graph)]


def strongly_connected(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    components: List[List[str]] = []
    counter = [0]

    def strongconnect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return components


def _cycle_path(graph: Dict[str, Set[str]], comp: Set[str]) -> List[str]:
    """One cycle inside a strongly connected component, as a -> b -> ... -> a (breadth-first, shortest back)."""
    start = min(comp)
    parents: Dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & comp):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return list(reversed(path)) + [start]
                if w not in parents:
                    parents[w] = v
                    nxt.append(w)
        frontier = nxt
    return sorted(comp)


def test_cycle_finder_reports_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def _new_cycles(graph: Dict[str, Set[str]], known: List[tuple]) -> List[List[str]]:
    return [_cycle_path(graph, set(comp)) for comp in strongly_connected(graph) if tuple(comp) not in set(known)]


def test_no_import_cycles_between_project_modules():
    new = _new_cycles(import_graph(), KNOWN_CYCLES)
    assert not new, "import cycles between project modules:\n" + "\n".join(" -> ".join(c) for c in new)


def package_graph(graph: Dict[str, Set[str]]) -> Dict[str, Set[str]]:
    """The module graph folded onto sub-packages of depth two (``bot.staff``, ``lingkar.store``, ``actions.forms``)."""
    def pkg(m: str) -> str:
        return ".".join(m.split(".")[:2])
    out: Dict[str, Set[str]] = {}
    for module, edges in graph.items():
        out.setdefault(pkg(module), set()).update(pkg(e) for e in edges if pkg(e) != pkg(module))
    return out


def test_no_import_cycles_between_project_packages():
    new = _new_cycles(package_graph(import_graph()), KNOWN_PACKAGE_CYCLES)
    assert not new, "import cycles between project packages:\n" + "\n".join(" -> ".join(c) for c in new)


#: Which top-level project packages each may import (docs/architecture.md); scripts may import any of them.
ALLOWED_IMPORTS = {
    "lingkar": {"lingkar"},
    "actions": {"actions", "lingkar"},
    "rasa_plugins": {"rasa_plugins", "lingkar"},
    "bot": {"bot", "lingkar"},
    "nlu": set(),
    "scripts": set(PROJECT),
}


def test_packages_import_only_what_the_layout_allows():
    wrong = sorted(f"{module} -> {target}" for module, edges in import_graph().items() for target in edges
                   if target.split(".")[0] not in ALLOWED_IMPORTS[module.split(".")[0]])
    assert not wrong, "imports the layout does not allow:\n" + "\n".join(wrong)
