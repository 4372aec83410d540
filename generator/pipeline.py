"""The stages in order: load and check, resolve, render, write, build the site.

Two phases, as MkDocs and Material's tags plugin do it: everything is loaded,
checked and resolved before the first page is rendered, and every page is
rendered before the first file is written.  Any error therefore leaves docs/
and site/ exactly as they were.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jinja2

from . import cache, collector, data_out, load, mentions, model, pagedeps, parallel, render, rerender, resolve, schema
from . import seedschema, spool, write
from .diagnostics import BuildError, Diagnostic
from .project import Project


@dataclass
class Report:
    """What a generation did, for the user and for tests."""

    articles: int = 0
    actors: int = 0
    terms: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[Diagnostic] = field(default_factory=list)  # printed, but the build goes on
    # What the write replaced (write.snapshot): undo() puts it back if the site build fails.
    replaced: dict[str, bytes | None] = field(default_factory=dict, repr=False)
    # The digest of the inputs it read (cache.inputs_digest), and whether the data files are
    # still to be made (generate(part="pages")): generate(part="data", since=inputs) makes them.
    inputs: str | None = None
    data_pending: bool = False
    rendered: int | None = None  # in a warm process (Memory): the pages rendered, those an edit can change

    def summary(self) -> str:
        return (
            f"{self.articles} articles, {self.actors} actors, {self.terms} terms: "
            f"{len(self.written)} files written, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed in {self.seconds:.2f} s"
        )


# What generate() makes: everything; everything but the data files; only the data files.
PARTS = ("all", "pages", "data")


@dataclass
class Memory:
    """What a warm process (`briefing serve`'s generator, warm.py) keeps from one generation to the next.

    All of it is in memory only and holds the current seeds' results only;
    with it an edit parses and searches only what it changed, and renders
    only the pages whose reads it changed (rerender.py).
    """

    seeds: load.ParseCache = field(default_factory=load.ParseCache)
    names: mentions.NamesMemo = field(default_factory=mentions.NamesMemo)
    pages: pagedeps.Dependencies = field(default_factory=pagedeps.Dependencies)
    page_stats: dict[str, Any] = field(default_factory=dict)  # each page file's stat after the last write


def load_briefing(project: Project, memory: Memory | None = None) -> model.Briefing:
    """Load, check and resolve the seeds; raise BuildError with every error.

    `memory` (a warm process's): files loaded and prose searched before are not done again.
    """
    files, problems = load.load_seeds(project.seeds, project.root, memory.seeds if memory is not None else None)
    if problems:
        raise BuildError(problems, sort=True)
    briefing = resolve.build(files)
    mentions.attach_mentions(briefing, memory.names if memory is not None else None)
    return briefing


# A warm generation's pages are few, but among them are the largest (the indexes, the stance pages,
# the glossary name most articles): from this many, sharing them with a forked worker pays.
WARM_MIN_JOBS = 8


def outputs(project: Project, briefing: model.Briefing, keep: spool.Spool | None = None,
            part: str = "all", tracker: rerender.PageTracker | None = None) -> list[write.Output]:
    """Every generated file: pages, the abbreviation feed, the JSON Schemas and the data files.

    With `keep`, the pages and the data files go to that spool as each is
    made (in the worker that made it), and their outputs carry spool.Kept.
    `part` (one of PARTS): everything, everything but the data files, or
    only the data files (data_out.owns).  With `tracker` (a warm process's),
    only the pages an edit can change are rendered; the others are left on disk.
    """
    keeper = keep.keep if keep is not None else None
    with tracker or contextlib.nullcontext():
        if part == "data":
            pages = []
        else:
            pages = tracker.jobs() if tracker is not None else render.page_jobs(briefing, project.templates)
        data = data_out.jobs(briefing, keeper) if part != "pages" else []
        render_job = tracker.render_job if tracker is not None else render.render_job
        # One pool for the data files and the pages: the data files' few long jobs go first and
        # the pages even out the cores' shares (alone, each left a core idle for a while).
        # The data files alone (briefing serve's second step) are four jobs of a second or more each
        # at 1,000 articles: worth the fork that the default (hundreds of pages) waits for.
        done = parallel.run_all(_run, [*data, *(functools.partial(render_job, job, keeper) for job in pages)],
                                min_jobs=2 if part == "data" else None if tracker is None else WARM_MIN_JOBS)
    made = done[len(data):] if tracker is None else tracker.collect(pages, done[len(data):])
    sources = _page_sources(briefing)
    # The pages as bytes (half the memory of str), or as spool.Kept.
    result = [write.Output(f"docs/{path}", text, sources.get(path, "seeds/")) for (path, _, _), text in zip(pages, made)]
    if tracker is not None:
        result += tracker.held_outputs(sources)
    if part != "data":
        result.append(write.Output("includes/abbreviations.md", render.abbreviations(briefing.terms), "seeds/glossary/"))
        for kind in schema.SEED_SHAPES:
            text = json.dumps(seedschema.json_schema(kind), indent=2, sort_keys=True) + "\n"
            result.append(write.Output(f"seeds/schema/{kind}.json", text, "generator/schema.py"))
    if part != "pages":
        result += data_out.assemble(done[: len(data)], project.templates)  # docs/data/, docs/feed.xml, docs/data.md
    return sorted(result, key=lambda o: o.path)


def _held(manifest: dict[str, str], made: list[write.Output], part: str) -> list[write.Output]:
    """The generator's files the other part makes, as `manifest` records them: left as they are.

    They count as outputs found unchanged on disk (spool.Kept with no
    file), so the write plan neither removes nor reads them, and the
    manifest keeps them.  A stale file of this part is not held: removed.
    """
    paths = {output.path for output in made}
    return [write.Output(path, spool.Kept(recorded, None), "seeds/")
            for path, recorded in manifest.items()
            if path not in paths and data_out.owns(path) == (part == "pages")]


def _run(job: Callable[[], Any]) -> Any:
    """job(), with the cyclic collector paused until it returns.

    A page or a data file can build a million objects that live until it
    returns (the network page's graph, a stance table, the data files'
    tables and entities); the collector, triggered by their number, walked
    them all again every few thousand: a fifth of a cold generation at
    10,000 articles, measured.  What a job leaves is collected after it.
    """
    with collector.paused():
        return job()


def _page_sources(briefing: model.Briefing) -> dict[str, str]:
    sources = {"index.md": "seeds/briefing.yaml", "glossary.md": "seeds/glossary/"}
    sources.update({a.page: a.source_path for a in briefing.articles})
    sources.update({a.page: a.source_path for a in briefing.actors})
    return sources


def template_error(exc: jinja2.TemplateError, folder: str = "templates") -> Diagnostic:
    """A Jinja2 error as `templates/x.md.j2:LINE: error: message` (`folder`: where the template is).

    render.located() has already put any error raised while rendering at its
    template line; syntax errors carry theirs.
    """
    name = getattr(exc, "name", None) or getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    message = exc.message or type(exc).__name__
    if name:
        return Diagnostic(f"{folder}/{Path(name).name}", line or 1, message=message)
    return Diagnostic(folder, message=message)


def generate(project: Project, memory: Memory | None = None, part: str = "all", since: str | None = None) -> Report:
    """Check the seeds and write the generated files; raise on any error (`memory`: see load_briefing).

    `briefing serve` makes the pages first and shows them, then the data
    files, which take as long as all the pages at scale: `part="pages"`
    writes everything but the data files (Report.data_pending says they
    are still to come), and `part="data"` only those.  The inputs are
    recorded as done (the no-op check below) after a whole generation, or
    after the data part when they are still the inputs the pages part read
    (`since`: its Report.inputs).  The pages part makes everything when no
    data files were made before.
    """
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    started = time.perf_counter()
    inputs = cache.inputs_digest(project)
    if part != "data":
        counts = cache.counts_if_current(project, inputs, project.root / write.MANIFEST, write.disk_hash)
        if counts is not None:  # same inputs, same files on disk: a full run would write nothing
            return Report(**counts, seconds=time.perf_counter() - started, inputs=inputs)
    # Read once here for both parts' needs (the build lock keeps it as it is until the write).
    manifest = write.read_manifest(project.root) if part != "all" or memory is not None else {}
    if part == "pages" and f"docs/{data_out.DATA_PAGE}" not in manifest:
        part = "all"  # no data files made yet (the nav names the Data page): nothing to show meanwhile
    tracker = None
    with collector.paused():
        briefing = load_briefing(project, memory)
        if memory is not None and part != "data":  # keys and summarises the whole model: collector off too
            tracker = rerender.PageTracker(project.root, project.templates, briefing, memory.pages,
                                           memory.page_stats, manifest)
    # The model lives until the files are written: keep the collector (and the forked workers'
    # copy-on-write pages) off it.  (Thawed before planning the writes, it was walked once more
    # there: 2.2 s at 10,000 articles.)
    with collector.frozen(), spool.spool(project.root) as kept:  # the files wait in the spool until written
        try:
            files = outputs(project, briefing, kept, part, tracker)
        except jinja2.TemplateError as exc:
            raise BuildError([template_error(exc)]) from None
        if part != "all":
            files += _held(manifest, files, part)
        plan = write.plan_writes(project.root, files)
        if plan.conflicts:
            raise BuildError(plan.conflicts, plan.warnings)
        replaced = write.snapshot(project.root, plan)
        _apply_or_put_back(project, files, plan, replaced)
    if tracker is not None:
        tracker.commit()  # only now: the pages it remembers are the ones on disk
    report = Report(
        articles=len(briefing.articles), actors=len(briefing.actors), terms=len(briefing.terms),
        written=[o.path for o in plan.write], unchanged=len(plan.unchanged),
        removed=plan.remove, seconds=time.perf_counter() - started, warnings=plan.warnings, replaced=replaced,
        inputs=inputs, data_pending=part == "pages",
        rendered=len(tracker.rendered) if tracker is not None else None,
    )
    if part == "all" or (part == "data" and since is not None and since == inputs):
        unchanged = len(plan.write) + len(plan.unchanged)
        cache.remember(project, inputs, project.root / write.MANIFEST, {
            "articles": report.articles, "actors": report.actors, "terms": report.terms, "unchanged": unchanged,
        })
    return report


def prepare(project: Project, memory: Memory) -> None:
    """Fill `memory` as a warm generation would, writing nothing: the seeds parsed, the names in
    their prose found, and what each page read (rerender.py), so that the first edit renders only
    the pages it changes.  A page is remembered only when it came out as its file on disk is.

    Raises what generate() raises (BuildError, a template's error) when the seeds have errors.
    """
    manifest = write.read_manifest(project.root)
    with collector.paused():
        briefing = load_briefing(project, memory)
        tracker = rerender.PageTracker(project.root, project.templates, briefing, memory.pages,
                                       memory.page_stats, manifest)
    with collector.frozen(), spool.spool(project.root) as kept:
        with tracker:
            jobs = tracker.jobs()
            before = tracker.stats_now()
            made = parallel.run_all(_run, [functools.partial(tracker.render_job, job, kept.keep) for job in jobs])
        results = tracker.collect(jobs, made)
    # spool.Kept with no file: found equal to the file on disk where it was made.
    equal = {path for (path, _, _), result in zip(jobs, results) if getattr(result, "file", "") is None}
    tracker.commit_unwritten(equal, before)


def _apply_or_put_back(project: Project, files: list[write.Output], plan: write.Plan, saved: dict) -> None:
    """write.apply(); if the system refuses a write, put every file back and raise BuildError."""
    try:
        write.apply(project.root, files, plan)
    except write.WriteFailed as failed:
        problems = [failed.diagnostic]
        try:
            write.restore(project.root, saved)
        except write.WriteFailed as again:
            # Still recognised as the generator's own (the manifest lists them as pending):
            # the next build finishes the job.
            problems.append(put_right_later(again))
        raise BuildError(problems) from None


def put_right_later(failed: write.WriteFailed) -> Diagnostic:
    """A file that could not be put back: the next build (which finds it pending) does it."""
    d = failed.diagnostic
    return Diagnostic(d.file, d.line, d.col, d.field, f"{d.message}; the next build will put docs/ right")


def undo(project: Project, report: Report) -> None:
    """Put back the files generate() replaced: the site build after it failed."""
    write.restore(project.root, report.replaced)
