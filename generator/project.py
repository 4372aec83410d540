"""Where a briefing project keeps its parts, and whether a path stays inside it (a leaf)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where a briefing project keeps its parts."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def theme(self) -> Path:
        """Material's partials as changed here (mkdocs.yml's custom_dir)."""
        return self.root / "templates" / "theme"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"


def leads_outside(root: Path, path: Path) -> bool:
    """True when `path`, links followed, is not inside the project `root`."""
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(path)]) != real_root


def read_files(folder: Path, names: list[str]) -> dict[str, bytes | None]:
    """Each of `names` under `folder` as it is now, None where there is no such file:
    what a failed step puts back (write.restore, partial rebuilds)."""
    found: dict[str, bytes | None] = {}
    for name in names:
        try:
            found[name] = (folder / name).read_bytes()
        except FileNotFoundError:
            found[name] = None
    return found
