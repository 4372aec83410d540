"""The stages in order: load and check, resolve, render, write, build the site.

Two phases, as MkDocs and Material's tags plugin do it: everything is loaded,
checked and resolved before the first page is rendered, and every page is
rendered before the first file is written.  Any error therefore leaves docs/
and site/ exactly as they were.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import jinja2

from . import cache, data_out, load, model, render, schema, write


class BuildError(Exception):
    """A refused build: carries the messages to print (already located)."""

    def __init__(self, messages: list[str], warnings: list[str] | None = None):
        super().__init__("\n".join(messages))
        self.messages = messages
        self.warnings = warnings or []  # printed before the errors, not counted with them


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
    warnings: list[str] = field(default_factory=list)  # printed, but the build goes on
    # What the write replaced (write.snapshot): undo() puts it back if the site build fails.
    replaced: dict[str, bytes | None] = field(default_factory=dict, repr=False)

    def summary(self) -> str:
        return (
            f"{self.articles} articles, {self.actors} actors, {self.terms} terms: "
            f"{len(self.written)} files written, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed in {self.seconds:.2f} s"
        )


def load_briefing(project: Project) -> model.Briefing:
    """Load, check and resolve the seeds; raise load.CheckFailed with every error."""
    files, problems = load.load_seeds(project.seeds, project.root)
    if problems:
        raise load.CheckFailed(problems)
    briefing = model.build(files)
    model.attach_mentions(briefing)
    return briefing


def outputs(project: Project, briefing: model.Briefing) -> list[write.Output]:
    """Every generated file: pages, the abbreviation feed and the JSON Schemas."""
    pages = render.render_pages(briefing, project.templates, encode=True)  # bytes: half the memory
    sources = _page_sources(briefing)
    result = [write.Output(f"docs/{path}", text, sources.get(path, "seeds/")) for path, text in pages.items()]
    result.append(write.Output("includes/abbreviations.md", render.abbreviations(briefing.terms), "seeds/glossary/"))
    for kind in schema.SEED_SHAPES:
        text = json.dumps(schema.json_schema(kind), indent=2, sort_keys=True) + "\n"
        result.append(write.Output(f"seeds/schema/{kind}.json", text, "generator/schema.py"))
    result += data_out.outputs(briefing, project.templates)  # docs/data/, docs/feed.xml, docs/data.md
    return sorted(result, key=lambda o: o.path)


def _page_sources(briefing: model.Briefing) -> dict[str, str]:
    sources = {"index.md": "seeds/briefing.yaml", "glossary.md": "seeds/glossary/"}
    sources.update({a.page: a.source_path for a in briefing.articles})
    sources.update({a.page: a.source_path for a in briefing.actors})
    return sources


def template_error(exc: jinja2.TemplateError) -> str:
    """A Jinja2 error as `templates/x.md.j2:LINE: error: message`.

    render.located() has already put any error raised while rendering at its
    template line; syntax errors carry theirs.
    """
    name = getattr(exc, "name", None) or getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    where = f"templates/{Path(name).name}:{line or 1}" if name else "templates"
    return f"{where}: error: {exc.message or type(exc).__name__}"


def generate(project: Project) -> Report:
    """Check the seeds and write the generated files; raise on any error."""
    started = time.perf_counter()
    inputs = cache.inputs_digest(project)
    counts = cache.still_current(project, inputs, project.root / write.MANIFEST, write.disk_hash)
    if counts is not None:  # same inputs, same files on disk: a full run would write nothing
        return Report(**counts, seconds=time.perf_counter() - started)
    try:
        with _collector_paused():
            briefing = load_briefing(project)
    except load.CheckFailed as failed:
        raise BuildError([str(d) for d in failed.diagnostics]) from None
    # The model lives until the end: keep the collector (and a forked helper's pages) off it.
    gc.freeze()
    try:
        files = outputs(project, briefing)
    except jinja2.TemplateError as exc:
        raise BuildError([template_error(exc)]) from None
    finally:
        gc.unfreeze()
    plan = write.plan_writes(project.root, files)
    if plan.conflicts:
        raise BuildError(plan.conflicts, plan.warnings)
    replaced = write.snapshot(project.root, plan)
    _apply_or_put_back(project, files, plan, replaced)
    report = Report(
        articles=len(briefing.articles), actors=len(briefing.actors), terms=len(briefing.terms),
        written=[o.path for o in plan.write], unchanged=len(plan.unchanged),
        removed=plan.remove, seconds=time.perf_counter() - started, warnings=plan.warnings, replaced=replaced,
    )
    unchanged = len(plan.write) + len(plan.unchanged)
    cache.remember(project, inputs, project.root / write.MANIFEST, {
        "articles": report.articles, "actors": report.actors, "terms": report.terms, "unchanged": unchanged,
    })
    return report


def _apply_or_put_back(project: Project, files: list[write.Output], plan: write.Plan, saved: dict) -> None:
    """write.apply(); if the system refuses a write, put every file back and raise BuildError."""
    try:
        write.apply(project.root, files, plan)
    except write.WriteFailed as failed:
        messages = [str(failed)]
        try:
            write.restore(project.root, saved)
        except write.WriteFailed as again:
            # Still recognised as the generator's own (the manifest lists them as pending):
            # the next build finishes the job.
            messages.append(f"{again}; the next build will put docs/ right")
        raise BuildError(messages) from None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Cyclic garbage collection off while the seeds are loaded and resolved.

    That phase makes millions of objects which all live to the end; each full
    collection walks every one of them, which made loading a large briefing
    grow faster than linearly.  Reference counting still frees everything
    else at once; cycles, if any, are collected after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def undo(project: Project, report: Report) -> None:
    """Put back the files generate() replaced: the site build after it failed."""
    write.restore(project.root, report.replaced)


def build_site(
    project: Project, site_dir: Path | None = None, overrides: dict | None = None, check_links: bool | None = None,
) -> float:
    """Build the site with MkDocs (strict) into a temporary folder, then swap it in.

    A failed build leaves the previous site untouched.  Returns seconds taken.
    Before the swap every internal link and anchor of the built HTML is checked
    (generator/linkcheck.py): by default for site/ only, since a build into
    another folder may add files afterwards (the offline edition's shim) and
    then runs linkcheck.check_site itself.
    The caller generates docs/ first, so the `briefing` MkDocs plugin is told
    not to generate it a second time.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .linkcheck import check_site
    from .plugin import docs_already_generated

    started = time.perf_counter()
    target = site_dir or project.site
    shown = _shown(target, project.root)
    in_place = _built_in_place(project, target, shown)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _finish_interrupted_swap(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-{os.getpid()}-", dir=target.parent))
        # mkdtemp makes it 0700, and it becomes site/: a web server could not enter it.
        os.chmod(staging, write.folder_mode())
    except OSError as exc:
        raise BuildError([f"{shown}: error: cannot write: {exc.strerror or exc}"]) from None
    previous_cwd = os.getcwd()
    try:
        # The abbreviation feed (mkdocs.yml: glossary_file) is found from the working directory.
        os.chdir(project.root)
        config = load_config(str(project.config), site_dir=str(staging), strict=True, **(overrides or {}))
        with docs_already_generated():
            mkdocs_build(config)
    except (MkDocsException, SystemExit, Exception) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError([f"mkdocs.yml: error: the site build failed: {type(exc).__name__}: {exc}"]) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.chdir(previous_cwd)
    # Strict MkDocs checks the links written in Markdown; this checks the HTML as served.
    if check_links is None:
        check_links = site_dir is None
    broken = check_site(staging, display=shown) if check_links else []
    if broken:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(broken)
    try:
        if in_place:
            sync_into(staging, Path(os.path.realpath(target)))
            shutil.rmtree(staging, ignore_errors=True)
        else:
            swap_in(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError([f"{shown}: error: cannot write: {exc.strerror or exc}"]) from None
    return time.perf_counter() - started


def _built_in_place(project: Project, target: Path, shown: str) -> bool:
    """True when `target` is a link or a mount point: its content is replaced, never the folder itself.

    Swapping would replace a link by a folder (the folder it led to goes
    stale), and a mount point cannot be renamed at all (EBUSY).  A link is
    followed only to a folder inside the project: the link may come with a
    repository nobody here wrote, and filling its target in place removes
    whatever else is there.  A mount point is the machine owner's own doing.
    """
    if target.is_symlink():
        if write.leads_outside(project.root, target):
            raise BuildError([
                f"{shown}: error: is a link that leads outside the project, and the builder never writes "
                "outside the project; remove the link and copy the built site/ where it should go "
                "(or mount that folder at site/)"
            ])
        if not Path(os.path.realpath(target)).is_dir():
            raise BuildError([f"{shown}: error: is a link to a folder that does not exist; make the folder or remove the link"])
        return True
    return os.path.ismount(target)


def sync_into(staging: Path, target: Path) -> None:
    """Make the folder `target` hold exactly what `staging` holds, changing it in place.

    For a `site` that cannot be swapped (a link or a mount point): not atomic,
    but new and changed files are in place before stale ones are removed, each
    file is replaced whole, and unchanged files are not touched (their times
    stay, so rsync and caches see no churn).  Links found inside `target` are
    removed, never followed.
    """
    for folder, subfolders, files in os.walk(staging):
        here = target / Path(folder).relative_to(staging)
        for name in subfolders:
            _real_folder(here / name)
        for name in files:
            data = (Path(folder) / name).read_bytes()
            destination = here / name
            if destination.is_symlink() or destination.is_dir():
                _remove(destination)
            if write.disk_hash(destination) != write.digest(data):
                write._atomic_write(destination, data, folder_exists=True)
        wanted = set(subfolders) | set(files)
        for entry in os.scandir(here):
            if entry.name not in wanted:
                _remove(Path(entry.path))


def _real_folder(path: Path) -> None:
    """`path` as a real folder: whatever else is there (a file, a link) is removed first."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        _remove(path)
    if not path.is_dir():
        path.mkdir()


def _remove(path: Path) -> None:
    """Remove a file, a link (not what it points to) or a whole folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _shown(path: Path, root: Path) -> str:
    """`path` relative to the project when it is inside it (for messages).

    Compared as written first: a `site` link leads elsewhere on the machine,
    and that path must not reach a message.
    """
    for candidate, base in ((path, root), (path.resolve(), root.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by `staging`, so that a complete site is there at every instant.

    On Linux one atomic exchange of the two folders does it, so a build killed at
    any moment leaves the old site or the new one.  Elsewhere two renames leave a
    moment with no `target`; the next build repairs that first.
    """
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old site
        return
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False if the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False  # not Linux, or a C library without renameat2
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0


def _finish_interrupted_swap(target: Path) -> None:
    """Put the old site back if a build was killed between swap_in's two renames.

    Also removes the half-built sites of killed builds (`.site-new-<pid>-…`).
    """
    old = target.with_name(f".{target.name}-old")
    if not target.exists() and not target.is_symlink() and old.is_dir():
        old.rename(target)
    write.remove_leftovers(target.parent, re.compile(rf"^\.{re.escape(target.name)}-new-(\d+)-"))
