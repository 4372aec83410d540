"""The site build: docs/ into HTML in a staging folder, link-checked, then swapped in.

One small interface, Builder, stands for the program that turns docs/ and
mkdocs.yml into HTML; MkDocs (with Material) is the one `briefing build`
uses.  Everything around it is the builder's own: the staging folder next to
the target, the link check of the built HTML (linkcheck.py), and the swap
(swap.py), so a failed build leaves the previous site untouched.  Another
builder that reads mkdocs.yml (Zensical, see builders.py) would plug in as a
second Builder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Iterator, Protocol

from . import atomicfile, collector, swap, write
from .diagnostics import BuildError, Diagnostic, shown as shown_path
from .linkcheck import check_site
from .project import Project
from .write import refuse_link_outside

# Set while `briefing` itself runs MkDocs on docs/ it has just generated.
_skip = threading.local()


@contextlib.contextmanager
def docs_already_generated() -> Iterator[None]:
    """Within this block the `briefing` MkDocs plugin does not generate: the caller already did."""
    previous = getattr(_skip, "active", False)
    _skip.active = True
    try:
        yield
    finally:
        _skip.active = previous


def generation_skipped() -> bool:
    """True inside docs_already_generated()."""
    return getattr(_skip, "active", False)


def glossary_from_config_folder(mdx_configs: dict, config_file: str) -> None:
    """Make markdown_abbr's `glossary_file` absolute, from mkdocs.yml's folder.

    It is written relative (builders without plugins find it when run from
    the project folder); resolved here, no build depends on the working
    directory.
    """
    settings = mdx_configs.get("generator.markdown_abbr")
    if settings and settings.get("glossary_file") and not Path(settings["glossary_file"]).is_absolute():
        settings["glossary_file"] = str(Path(config_file).resolve().parent / settings["glossary_file"])


class Builder(Protocol):
    """Turns a project's docs/ and mkdocs.yml into HTML in `site_dir`; raises BuildError."""

    name: str

    def build(self, project: Project, site_dir: Path, overrides: dict) -> None: ...


def debugging() -> bool:
    """BRIEFING_DEBUG=1: show the traceback behind an unexpected error."""
    return os.environ.get("BRIEFING_DEBUG", "") not in ("", "0")


class MkDocsBuilder:
    """MkDocs (strict) through its Python API, without the plugin generating docs/ again."""

    name = "MkDocs"

    def build(self, project: Project, site_dir: Path, overrides: dict, dirty: bool = False) -> None:
        """Build into `site_dir`; `dirty`: MkDocs' dirty build, only pages newer than their HTML (see incremental.py)."""
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException

        try:
            config = load_config(str(project.config), site_dir=str(site_dir), strict=True, **overrides)
            glossary_from_config_folder(config.mdx_configs, config.config_file_path)
            # What lives now, and what the fast route makes in the build (collector.freeze_more),
            # lives to the build's end: no collection walks it (generator/collector.py).
            with docs_already_generated(), collector.frozen():
                mkdocs_build(config, dirty=dirty)
        except (MkDocsException, SystemExit) as exc:  # strict mode's abort, a bad mkdocs.yml, click's exit
            raise BuildError([failed(exc)]) from None
        except Exception as exc:  # noqa: BLE001 - a plugin, theme or Markdown extension raised: any type
            if debugging():
                traceback.print_exc(file=sys.stderr)
            raise BuildError([failed(exc)]) from None


def failed(exc: BaseException) -> Diagnostic:
    """A site build that failed, as one message on mkdocs.yml."""
    return Diagnostic("mkdocs.yml", message=f"the site build failed: {type(exc).__name__}: {exc}")


MKDOCS = MkDocsBuilder()


def build_site(
    project: Project, site_dir: Path | None = None, overrides: dict | None = None, check_links: bool | None = None,
    builder: Builder = MKDOCS,
) -> float:
    """Build the site (MkDocs, strict) into a temporary folder, then swap it in.

    A failed build leaves the previous site untouched.  Returns seconds taken.
    Before the swap every internal link and anchor of the built HTML is checked
    (generator/linkcheck.py): by default for site/ only, since a build into
    another folder may add files afterwards (the offline edition's shim) and
    then runs linkcheck.check_site itself.
    """
    started = time.perf_counter()
    target = site_dir or project.site
    shown = shown_path(target, project.root)
    in_place = _built_in_place(project, target, shown)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        swap.finish_interrupted_swap(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-{os.getpid()}-", dir=target.parent))
        # mkdtemp makes it 0700, and it becomes site/: a web server could not enter it.
        os.chmod(staging, atomicfile.folder_mode())
    except OSError as exc:
        raise BuildError([write.cannot_write(shown, exc)]) from None
    try:
        builder.build(project, staging, overrides or {})
        # Strict MkDocs checks the links written in Markdown; this checks the HTML as served.
        if check_links is None:
            check_links = site_dir is None
        with collector.paused():  # it makes few cycles (collected after), and the build left the heap large
            broken = check_site(staging, display=shown) if check_links else []
        if broken:
            raise BuildError(broken)
        if in_place:
            swap.sync_into(staging, Path(os.path.realpath(target)))
        else:
            swap.swap_in(staging, target)
    except OSError as exc:
        raise BuildError([write.cannot_write(shown, exc)]) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
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
        refuse_link_outside(project.root, shown, "copy the built site/ where it should go (or mount that folder at site/)")
        if not Path(os.path.realpath(target)).is_dir():
            raise BuildError([Diagnostic(shown, message="is a link to a folder that does not exist; make the folder or remove the link")])
        return True
    return os.path.ismount(target)
