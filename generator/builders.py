"""The two site builders that read mkdocs.yml, and the command each needs.

MkDocs (with Material) is the builder `briefing build` uses, through its Python
API (site.build_site).  Zensical, Material's successor, reads the same
mkdocs.yml but has no plugin API: it ignores the `briefing` plugin, so the
generator must have written docs/ and includes/ before it runs.  Both must run
from the project folder: generator.markdown_abbr finds `glossary_file`
(includes/abbreviations.md) from the working directory.

This module only names the builders and their commands; site.build_site
builds with site.MKDOCS, behind the small site.Builder interface.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


class BuilderMissing(RuntimeError):
    """The builder's command is not installed in this Python environment."""


@dataclass(frozen=True)
class Builder:
    """A site builder: its command's name, and what it writes and runs."""

    name: str
    arguments: tuple[str, ...]  # after the command name and before `-f mkdocs.yml`
    runs_plugins: bool  # False: the `briefing` plugin is ignored, so generate docs/ first
    search_index: str  # the search index, relative to site_dir

    def executable(self) -> Path:
        """The builder's command in the environment of the running Python (a venv's bin/)."""
        path = Path(sys.executable).parent / self.name
        if not path.exists():
            raise BuilderMissing(
                f"{self.name} is not installed next to {Path(sys.executable).name} ({path}): "
                "run `bash scripts/setup.sh --test`"
            )
        return path

    def command(self, config: Path) -> list[str]:
        """The command line that builds the site of `config`; run it from the project folder."""
        return [str(self.executable()), *self.arguments, "-f", str(config)]


MKDOCS = Builder(
    name="mkdocs",
    # Strict as in `briefing build`: any warning (a broken link, a missing page) fails.
    arguments=("build", "--strict"),
    runs_plugins=True,
    search_index="search/search_index.json",
)

ZENSICAL = Builder(
    name="zensical",
    # --clean: Zensical caches each page's HTML (.cache/ next to mkdocs.yml) keyed on the
    # page's Markdown, not on includes/abbreviations.md, so without it a changed glossary
    # title leaves stale tooltips on pages whose Markdown did not change.  It honours
    # `strict: true` from mkdocs.yml (broken links and anchors fail the build).
    arguments=("build", "--clean"),
    runs_plugins=False,
    search_index="search.json",
)

BUILDERS = {builder.name: builder for builder in (MKDOCS, ZENSICAL)}
