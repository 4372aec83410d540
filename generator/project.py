"""Where a briefing project keeps its parts (a leaf: imports nothing of ours)."""

from __future__ import annotations

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
