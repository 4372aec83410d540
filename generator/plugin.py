"""MkDocs plugin `briefing`: regenerate docs/ from seeds/ before every MkDocs build.

Registered in mkdocs.yml (`plugins: [..., briefing]`) through the
`mkdocs.plugins` entry point in pyproject.toml, so plain `mkdocs build` and
`mkdocs serve` keep working the way MkDocs users expect.  The generator
writes only files whose content changed (generator/write.py); that is what
stops `mkdocs serve` from rebuilding forever when the plugin writes into the
watched docs/ folder.  (MkDocs still rebuilds once more after each edit,
seeing the new pages; `briefing serve` filters its own writes and does not.)

Builders without a plugin API (Zensical ignores plugins and hooks) do not run
this: `briefing build` generates docs/ itself first, and then tells this
plugin not to generate a second time (see `site.docs_already_generated`).

It also hands MkDocs finished HTML bodies for the generator's untouched
pages (the fast route, generator/fastroute.py: on_files renders them ahead
on every core, on_page_markdown gives Python-Markdown nothing to do,
on_page_content puts the body back) and gives Material's search plugin an
index that keeps each page's entries by digest (generator/searchindex.py).
BRIEFING_FAST_ROUTE=0 turns both off, to compare.

With bad seeds:
- `mkdocs build`: each diagnostic is logged as an error (`file:line:col:
  error: ...`) and the build is aborted before MkDocs cleans site/; docs/ is
  untouched because the generator checks everything before writing;
- `mkdocs serve`: the diagnostics are printed and the build goes on from the
  unchanged docs/, so the server keeps showing the last good pages (raising
  would leave MkDocs' server "stuck until build errors are resolved").
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from . import pipeline, render, searchindex, site, svg
from .fastroute import FastRoute
from .htmlcache import DigestCache
from .diagnostics import BuildError, count
from .project import Project

log = logging.getLogger("mkdocs.plugins.briefing")


# MkDocs makes a new template environment for each build, and compiling Material's 40 templates
# took 0.2 s of each of `briefing serve`'s rebuilds.
_COMPILED_TEMPLATES = render.CompiledTemplates()


def fast_route_on() -> bool:
    """False with BRIEFING_FAST_ROUTE=0: every page through Python-Markdown, Material's own search index (to compare)."""
    return os.environ.get("BRIEFING_FAST_ROUTE", "") != "0"

class BriefingPlugin(BasePlugin):
    """Runs the briefing generator at the start of each MkDocs build."""

    def __init__(self) -> None:
        self.command = "build"
        self.fast: FastRoute | None = None
        self.search_cache: DigestCache | None = None
        self._taken: dict[str, dict] = {}
        self._pages = 0  # pages of this build not yet rendered: 0 at the end of a complete build
        self._directory_urls = True

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also makes MkDocs keep this object across the
        # rebuilds of one `mkdocs serve`, so `command` is still known then.
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Find the abbreviation feed from mkdocs.yml's folder, not from the working directory.

        `glossary_file` is relative to the working directory (so builders without
        plugins find it when run from the project), which breaks
        `mkdocs build -f elsewhere/mkdocs.yml`; with this plugin it does not.
        """
        site.glossary_from_config_folder(config.mdx_configs, config.config_file_path)
        self._directory_urls = config.use_directory_urls
        # Material's search index, with each page's entries kept by digest (generator/searchindex.py).
        self.search_cache = None
        if fast_route_on():
            self.search_cache = DigestCache(Path(config.config_file_path).resolve().parent, "search")
            searchindex.install(config, self.search_cache)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Generate docs/ before MkDocs reads it (and before it cleans site/)."""
        if site.generation_skipped():
            return
        project = Project(Path(config.config_file_path).resolve().parent)
        try:
            report = pipeline.generate(project)
        except BuildError as error:
            self._refused(error)
            return
        log.info(f"briefing: {report.summary()}")

    def on_files(self, files, *, config: MkDocsConfig):
        """Render the generator's untouched pages ahead of MkDocs, on every core (generator/fastroute.py)."""
        self._taken = {}
        self.fast = None
        if not fast_route_on():
            return files
        self.fast = FastRoute(config, files, self._finish, self.search_cache)
        self._pages = len(files.documentation_pages())
        log.debug(f"briefing: {len(self.fast.keys)} finished bodies, {self.fast.rendered} rendered now")
        return files

    def on_env(self, env, *, config: MkDocsConfig, files):
        """The theme's templates compiled once per process, not once per build (see _CompiledTemplates)."""
        env.bytecode_cache = _COMPILED_TEMPLATES
        return env

    @event_priority(-100)  # last: the Markdown every other plugin made is what was rendered, or no fast route
    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files) -> str:
        """For a page with a finished body, Python-Markdown gets nothing to do."""
        found = self.fast.take(page, markdown) if self.fast is not None else None
        if found is None:
            return markdown
        self._taken[page.file.src_uri] = found
        return ""

    @event_priority(100)  # first: other plugins see the finished body, as they would see MkDocs' own
    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files) -> str:
        """Put back a finished body; then finish it as every page (_finish)."""
        self._pages -= 1
        found = self._taken.pop(page.file.src_uri, None)
        if found is not None:
            html = self.fast.put_back(page, found)
        return self._finish(html, page)

    def _finish(self, html: str, page) -> str:
        """Links inside inline SVG pictures, for this build's use_directory_urls (generator/svg.py)."""
        return svg.relink(html, page.file.src_uri, self._directory_urls)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """After a build of every page the caches keep only what it used (one build's worth).

        A dirty build (some pages only) keeps everything: the others' entries are still good.
        """
        if self._pages > 0:
            return
        if self.fast is not None:
            self.fast.prune()
        if self.search_cache is not None:
            self.search_cache.prune()

    def _refused(self, error: BuildError) -> None:
        summary = f"{count(len(error.diagnostics))} in the seeds; docs/ was not changed"
        if self.command == "serve":
            for line in error.lines():
                print(line, file=sys.stderr, flush=True)
            print(f"briefing: {summary}; still serving the last good pages", file=sys.stderr, flush=True)
            return
        for message in error.messages:
            log.error(message)
        raise PluginError(f"briefing: {summary}")
