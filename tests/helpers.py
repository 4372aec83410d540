"""Shared by the tests: run the real `briefing` command, and snapshot a tree of files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterable


def briefing(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real `briefing` command line on the project at `root` (a fresh process)."""
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", "--root", str(root), *args],
        capture_output=True, text=True, timeout=timeout, cwd=root,
    )


def snapshot(
    root: Path, folders: Iterable[str] | None = None, *, exclude: tuple[str, ...] = (), times: bool = False,
) -> dict:
    """Relative path -> content of every file under `folders` of `root` (the whole tree by default).

    Paths starting with one of `exclude` are left out; with `times` each
    value is (modification time in ns, content), to see that a file was not
    rewritten.
    """
    files: dict = {}
    for folder in (folders if folders is not None else [""]):
        base = root / folder if folder else root
        for path in sorted(base.rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_file() and not name.startswith(exclude):
                files[name] = (path.stat().st_mtime_ns, path.read_bytes()) if times else path.read_bytes()
    return files
