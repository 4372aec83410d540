"""The install is what constraints.txt pins, and pyproject.toml names what the code imports."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
PROJECT = "briefing-generator"


def locked_versions() -> dict[str, str]:
    """constraints.txt as {canonical name: version}."""
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def dependency_closure(root: str, extras: set[str]) -> set[str]:
    """Every distribution `root` needs with `extras`, transitively, as installed here."""
    seen: set[str] = set()
    todo = [(root, extras)]
    while todo:
        name, wanted = todo.pop()
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in wanted or {""}]
            if requirement.marker and not any(requirement.marker.evaluate(env) for env in environments):
                continue
            key = canonicalize_name(requirement.name)
            if key not in seen:
                seen.add(key)
                todo.append((requirement.name, set(requirement.extras)))
    return seen


def test_every_needed_package_is_installed_at_its_pinned_version():
    pins = locked_versions()
    needed = dependency_closure(PROJECT, {"test"})
    assert needed, "the project is not installed (bash scripts/setup.sh --test)"
    unpinned = sorted(needed - pins.keys())
    assert unpinned == [], f"installed but not in constraints.txt: {unpinned} (bash scripts/lock.sh)"
    drifted = {name: (metadata.version(name), pins[name]) for name in needed if metadata.version(name) != pins[name]}
    assert drifted == {}, "installed version differs from constraints.txt (bash scripts/setup.sh --test)"


def test_pins_are_exact_and_sorted():
    lines = [line for line in (REPO / "constraints.txt").read_text().splitlines() if not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line) for line in lines), lines
    assert lines == sorted(lines, key=str.casefold)


def imported_distributions() -> set[str]:
    """Distributions that generator/ imports directly (standard library left out)."""
    modules = set()
    for path in (REPO / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    providers = metadata.packages_distributions()
    third_party = modules - set(sys.stdlib_module_names) - {"generator"}
    return {canonicalize_name(dist) for module in third_party for dist in providers[module]}


def test_pyproject_declares_every_imported_package():
    # The pdf extra's WeasyPrint counts: generator/book.py imports it only for `briefing build --pdf`.
    declared = {canonicalize_name(Requirement(text).name) for text in metadata.requires(PROJECT) or []
                if "extra" not in text or 'extra == "pdf"' in text}
    missing = sorted(imported_distributions() - declared)
    assert missing == [], f"imported by generator/ but not in pyproject.toml's dependencies: {missing}"
