"""bot/ has no import cycles and its packages import in one direction (docs/architecture.md).

Every import counts, also those inside functions and under ``TYPE_CHECKING``: a cycle hidden in a function is
still a cycle a reader has to untangle.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Set

ROOT = Path(__file__).resolve().parent.parent

# package -> the bot packages it may import (bot.cli and bot.config are leaves anyone may import)
ALLOWED = {
    "bot.core": set(),
    "bot.telegram": {"bot.core"},
    "bot.whatsapp": {"bot.core"},
    "bot.plugins": {"bot.core", "bot.telegram"},
    "bot.agents": {"bot.core", "bot.telegram", "bot.plugins"},
    "bot.staff": {"bot.core", "bot.telegram", "bot.plugins", "bot.agents"},
    "bot.dashboard": {"bot.staff", "bot.agents", "bot.outreach"},   # broadcasts: message rules, preview
    "bot.channels": {"bot.core"},     # channels are named by "module:function" strings, never imported
    "bot.outreach": {"bot.core", "bot.telegram", "bot.whatsapp"},   # broadcasts: sends with both channels' clients
}
LEAVES = {"bot.cli", "bot.config"}


def _modules() -> Dict[str, Path]:
    mods = {}
    for path in (ROOT / "bot").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def _graph() -> Dict[str, Set[str]]:
    mods = _modules()
    edges: Dict[str, Set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            edges[name].update(t for t in targets if t in mods and t != name)
    return edges


def _cycle(edges: Dict[str, Set[str]]) -> list:
    """One import cycle as a list of modules, or []."""
    state: Dict[str, int] = {}
    stack: list = []

    def visit(node: str) -> list:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        stack.pop()
        return []

    for start in sorted(edges):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return []


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_import_cycle_between_bot_modules():
    assert _cycle(_graph()) == []


def test_bot_packages_import_in_one_direction():
    wrong = sorted(f"{m} -> {t}" for m, targets in _graph().items() for t in targets
                   if _package(m) in ALLOWED and _package(t) != _package(m)
                   and _package(t) not in LEAVES | ALLOWED[_package(m)])
    assert wrong == []


def test_core_imports_no_messenger_sdk():
    """The delivery core is channel-neutral: no messenger SDK, no adapter (a third channel never touches it)."""
    sdks = ("telegram", "pywa", "whatsapp", "heyoo")
    wrong = []
    for path in (ROOT / "bot" / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            wrong += [f"{path.name}: {n}" for n in names if n.split(".")[0] in sdks]
    assert wrong == []


def test_plugins_do_not_reach_for_the_adapter():
    """Plugins use PluginContext (the PluginHost protocol), never bot.telegram.app or the whole Adapter."""
    edges = _graph()
    users = sorted(m for m, targets in edges.items() if "bot.telegram.app" in targets
                   and _package(m) != "bot.telegram")
    assert users == []
    for path in (ROOT / "bot").rglob("*.py"):
        if "telegram" not in path.parts:
            assert "ctx.adapter" not in path.read_text(encoding="utf-8"), path
