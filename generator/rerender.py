"""Render again only the pages an edit can change (`briefing serve`'s warm generator).

pagedeps.py records what each page read; this module uses it for one
generation: it keys and summarises the new model, renders (and records) the
pages whose reads changed, and leaves the others as the last generation
wrote them.  A page is rendered again, whatever it read, when its file is
not as that generation left it (edited by hand, removed): the write plan
then meets it as a full generation would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from . import cache, pagedeps, render, spool, write
from .model import Briefing

SETUP = "render.setup"  # the memo every page uses: the renderer's name matcher, views and page list


class PageTracker:
    """One generation's pages, rendered where their reads changed (`deps`: the last generation's)."""

    def __init__(self, root: Path, templates: Path, briefing: Briefing, deps: pagedeps.Dependencies,
                 stats: dict[str, Any], manifest: dict[str, str]):
        self.root = root
        self.manifest = manifest  # write.read_manifest: each generated file's digest
        self.templates = templates
        self.briefing = briefing
        self.deps = deps
        self.stats = stats  # page -> its file's stat as the last generation left it
        keys, self.summaries = pagedeps.index(briefing)
        self.recording = pagedeps.recording(deps.number(keys))
        self.held: list[str] = []
        self.rendered: dict[str, pagedeps.Recorded] = {}
        self.paths: list[str] = []
        self.fixed: Any = None
        self.carried: dict[str, Any] = {}
        self.values: dict[str, Any] = {}
        self.setup: pagedeps.Recorded | None = None

    def __enter__(self) -> "PageTracker":
        self.recording.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.recording.__exit__(*exc)

    def jobs(self) -> list[tuple[str, Any, tuple]]:
        """The page jobs (render.page_jobs) to run: those whose page may differ from its file."""
        jobs, self.setup = pagedeps.record(lambda: render.page_jobs(self.briefing, self.templates))
        self.paths = [path for path, _, _ in jobs]
        # A template that cannot be read has no digest: an object equal to nothing, so every page renders.
        self.fixed = (templates_digest(self.templates) or object(), tuple(self.paths))
        stale, carried = self.deps.stale(self.paths, self.summaries, self.fixed)
        pagedeps.carry_over(carried)  # the forked workers inherit it
        self.carried = carried
        stale |= {path for path in self.paths if path not in stale and self._moved(path)}
        self.held = [path for path in self.paths if path not in stale]
        return [job for job in jobs if job[0] in stale]

    def _moved(self, path: str) -> bool:
        """True when the page's file is not as the last generation left it (or the manifest lacks it)."""
        recorded = self.stats.get(path)
        return recorded is None or f"docs/{path}" not in self.manifest or recorded != cache.stat_key(self.root / "docs" / path)

    @staticmethod
    def render_job(job: tuple[str, Any, tuple], keep: Callable | None = None) -> tuple[Any, pagedeps.Recorded]:
        """render.render_job, and what the page read."""
        return pagedeps.record(lambda: render.render_job(job, keep))

    def collect(self, jobs: list[tuple[str, Any, tuple]], results: list[tuple[Any, pagedeps.Recorded]]) -> list[Any]:
        """The pages' results, as render.render_job gives them; what each read is kept for commit()."""
        for (path, _, _), (_, recorded) in zip(jobs, results):
            self.rendered[path] = recorded
        self.values = {**self.carried, **pagedeps.computed_values()}  # this process's: the workers' are lost
        return [value for value, _ in results]

    def held_outputs(self, sources: dict[str, str]) -> list[write.Output]:
        """The pages left as they are on disk: as found unchanged (spool.Kept with no file)."""
        return [write.Output(f"docs/{path}", spool.Kept(self.manifest[f"docs/{path}"], None), sources.get(path, "seeds/"))
                for path in self.held]

    def stats_now(self) -> dict[str, Any]:
        """Every page file's stat as it is now."""
        return {path: cache.stat_key(self.root / "docs" / path) for path in self.paths}

    def commit_unwritten(self, found_equal: set[str], before: dict[str, Any]) -> None:
        """Without a write (warm-up): remember the pages found equal to their files on disk and the
        pages held as an earlier generation left them, when their files did not change meanwhile
        (`before`: stats_now() before the rendering).  A page rendered and found different is forgotten."""
        now = self.stats_now()
        steady = {path for path in self.paths if before.get(path) is not None and before[path] == now[path]}
        for path in (set(self.rendered) - (found_equal & steady)) | (set(self.held) - steady):
            self.deps.pages.pop(path, None)
        self.rendered = {path: recorded for path, recorded in self.rendered.items() if path in found_equal & steady}
        self.held = [path for path in self.held if path in steady]
        self.commit(stats={path: now[path] for path in [*self.rendered, *self.held]})

    def commit(self, stats: dict[str, Any] | None = None) -> None:
        """After the pages were written: remember what they read, the model and their files' stats."""
        if self.setup is None:  # jobs() never ran: nothing was rendered to remember
            return
        deps = self.deps
        if not self.held:  # everything was rendered: only the memos used as they were still hold
            deps.pages.clear()
            deps.memos = {name: memo for name, memo in deps.memos.items() if name in self.carried}
        deps.memos[SETUP] = self.setup
        for path, recorded in self.rendered.items():
            deps.keep(path, pagedeps.Recorded(recorded.reads, recorded.memos | {SETUP}, recorded.computed))
        current = set(self.paths)
        for path in [p for p in deps.pages if p not in current]:
            del deps.pages[path]
        deps.summaries, deps.fixed, deps.values = self.summaries, self.fixed, self.values
        self.stats.clear()
        self.stats.update(self.stats_now() if stats is None else stats)


def templates_digest(templates: Path) -> str | None:
    """A digest of every file under templates/: a change to any of them renders every page again."""
    return cache.folder_digest(templates)
