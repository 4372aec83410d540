"""The package's shape: imports point one way, adapters stay on top, modules stay small.

Every import is counted, the ones inside functions too (a function-level
import is still an arrow between modules, only a hidden one).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
ADAPTERS = {"cli", "serve", "plugin"}  # the entry points: nothing of ours imports them
MAX_LINES = 400


def modules() -> dict[str, Path]:
    return {path.stem: path for path in sorted(PACKAGE.glob("*.py")) if path.stem != "__init__"}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Our modules that `path` imports, anywhere in it (top level, functions, TYPE_CHECKING blocks)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:  # from .x import y
                found.add(node.module.split(".")[0])
            elif node.level == 1:  # from . import x, y
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.split(".")[0] == "generator":
                parts = node.module.split(".")
                found.update([parts[1]] if len(parts) > 1 else [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "generator" and len(parts) > 1:
                    found.add(parts[1])
    return found & known


def graph() -> dict[str, set[str]]:
    known = set(modules())
    return {name: imports_of(path, known) - {name} for name, path in modules().items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as a list of modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read():
    edges = graph()
    assert "pipeline" in edges["cli"] and "diagnostics" in edges["load"]


def test_imports_form_no_cycle():
    cycle = find_cycle(graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_nothing_imports_the_adapters():
    """No module of the core imports cli, serve or plugin; cli, the command line,
    only hands `briefing serve` over to serve (and nothing imports cli or plugin)."""
    importers = {name: deps & ADAPTERS for name, deps in graph().items() if deps & ADAPTERS}
    assert importers == {"cli": {"serve"}}


def test_the_leaves_import_nothing_of_ours():
    edges = graph()
    assert edges["project"] == set() and edges["diagnostics"] == set()


def test_no_module_is_too_long():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these (at most {MAX_LINES} lines each): {long}"


def test_no_assert_guards_the_package():
    """`python -O` strips asserts: a safety check must be a real `if`."""
    found = [f"{path.name}:{node.lineno}" for path in modules().values()
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Assert)]
    assert found == []
