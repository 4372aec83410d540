"""`briefing serve`'s incremental site build: rebuild only the pages an edit changed.

After every good build the preview remembers docs/ as that build read it
(DocsState: a digest, the title and the page links of every file, and one
digest of mkdocs.yml, templates/ and includes/).  The next rebuild compares
docs/ with it.  When the difference is one a partial build reproduces
exactly, only the changed pages are built again:

- MkDocs' own dirty build (strict, its warning about dirty builds filtered
  out and nothing else) into the served folder, which rebuilds the pages
  whose source is newer than their HTML: the changed pages' HTML is made
  older first, so an edit that keeps a file's time is seen too;
- Material's search index and tags export (tags.json), which that build
  writes with the rebuilt pages' entries only, are merged into the previous
  ones (each page's entries in their old place, so the result is the full
  build's);
- only the rebuilt pages are link-checked, and the pages whose Markdown
  links to one that lost an anchor (no page was added or removed, so only
  a lost anchor can break a link from an unchanged page).

Anything a partial build cannot reproduce takes a full build: a page added
or removed; a nav page retitled (the nav shows its title on every page; a
page outside the nav shows its title only on itself and the generator
rewrites every page that names it, so an article's new headline stays
incremental); any change to mkdocs.yml, templates/ or includes/ (the
glossary's tooltips are on every page); a page that enters the search index.
A failed partial build puts back every file of the served site it touched
and the caller falls back to a full build, so what a full build would refuse
is still refused, with its messages.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import atomicfile, collector, site
from .diagnostics import BuildError
from .linkcheck import check_site
from .piecewise import nav_entries
from .project import Project, read_files

# Links between pages as the generator and editors write them: Markdown `](x.md#a)` and HTML `href="x.md"`.
_PAGE_LINK = re.compile(r"""(?:\]\(|href=["'])([^)"'\s#]+\.md)(?:#[^)"'\s]*)?""")
# An id or a name attribute in built HTML (MkDocs and Material quote them with double quotes).
_ANCHOR = re.compile(rb"""\s(?:id|name)=["']?([^"'\s>]+)""")
# Files of the built site that a dirty build rewrites whatever changed.
ALWAYS_REBUILT = ("search/search_index.json", "tags.json", "sitemap.xml", "sitemap.xml.gz", "404.html")
SEARCH_INDEX = "search/search_index.json"
DIRTY_WARNING = "A 'dirty' build is being performed"


@dataclass
class DocsState:
    """docs/ as one build read it, and the digest of everything else the site build reads."""

    frame: str | None = None  # mkdocs.yml, templates/ and includes/: any change means a full build
    digests: dict[str, str] = field(default_factory=dict)  # docs-relative path -> SHA-256
    titles: dict[str, str] = field(default_factory=dict)  # page -> its first `# ` heading
    links: dict[str, frozenset[str]] = field(default_factory=dict)  # page -> the pages it links to
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (mtime_ns, size) when digested


def _visible_files(folder: Path) -> list[Path]:
    """Files under `folder` but not under a dot folder or named with a dot (MkDocs leaves those out)."""
    found = []
    for here, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found += [Path(here, name) for name in sorted(files) if not name.startswith(".")]
    return found


def frame_digest(project: Project) -> str | None:
    """A digest of mkdocs.yml, templates/ (page templates and the theme) and includes/."""
    digest = hashlib.sha256()
    try:
        digest.update(project.config.read_bytes())
        for folder in (project.templates, project.root / "includes"):
            for path in _visible_files(folder) if folder.is_dir() else []:
                digest.update(f"\0{path.relative_to(project.root).as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()


def read_state(project: Project, previous: DocsState | None = None) -> DocsState | None:
    """docs/ now; files whose time and size are those of `previous` keep its reading.  None if unreadable."""
    state = DocsState(frame=frame_digest(project))
    old = previous or DocsState()
    try:
        for path in _visible_files(project.docs) if project.docs.is_dir() else []:
            name = path.relative_to(project.docs).as_posix()
            info = path.stat()
            stat = (info.st_mtime_ns, info.st_size)
            if old.stats.get(name) == stat:
                _copy_entry(old, state, name)
                continue
            data = path.read_bytes()
            state.digests[name], state.stats[name] = hashlib.sha256(data).hexdigest(), stat
            if name.endswith(".md"):
                text = data.decode("utf-8", errors="replace")
                state.titles[name], state.links[name] = page_title(text), page_links(name, text)
    except OSError:
        return None
    return state


def _copy_entry(old: DocsState, new: DocsState, name: str) -> None:
    new.digests[name], new.stats[name] = old.digests[name], old.stats[name]
    if name in old.titles:
        new.titles[name], new.links[name] = old.titles[name], old.links[name]


def page_title(text: str) -> str:
    """The first level-one heading of a page's Markdown (after its front matter), or ''."""
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") and "\n---\n" in text else text
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def page_links(page: str, text: str) -> frozenset[str]:
    """The docs pages `page` links to (relative links to .md files, resolved)."""
    here = posixpath.dirname(page)
    return frozenset(posixpath.normpath(posixpath.join(here, target)) for target in _PAGE_LINK.findall(text)
                     if "://" not in target and not target.startswith("/"))


@dataclass
class Change:
    """What differs between two DocsStates: changed files, and why a partial build cannot do (or '')."""

    changed: list[str]
    full_build_because: str = ""


def compare(before: DocsState, after: DocsState, in_nav: set[str]) -> Change:
    """The files that changed from `before` to `after`, and whether a partial build can reproduce it."""
    changed = sorted(name for name, digest in after.digests.items() if before.digests.get(name) != digest)
    reason = ""
    if before.frame is None or after.frame != before.frame:
        reason = "mkdocs.yml, templates/ or includes/ changed"
    elif set(after.digests) != set(before.digests):
        reason = "a file was added or removed"
    elif any(before.titles.get(page) != after.titles.get(page) for page in changed
             if page in in_nav or "*" in in_nav):
        reason = "a page of the nav has a new title"
    return Change(changed, reason)


@dataclass
class Settings:
    """What a partial build needs from mkdocs.yml: the pages of the nav, and how pages are addressed."""

    nav_pages: set[str]
    use_directory_urls: bool


def settings(project: Project) -> Settings:
    """Read mkdocs.yml (as MkDocs does) for a partial build; any change to it means a full build anyway."""
    from mkdocs.config import load_config

    config = load_config(str(project.config))
    return Settings(nav_pages(config.nav), config.use_directory_urls)


def nav_pages(nav) -> set[str]:
    """Every page mkdocs.yml's `nav` names; with no nav, '*' (MkDocs lists every page)."""
    if nav is None:
        return {"*"}
    return {page for _title, page in nav_entries(nav)}


def html_path(page: str, use_directory_urls: bool) -> str:
    """The built HTML file of a docs page, relative to the site (as MkDocs names it)."""
    from mkdocs.structure.files import File

    return File(page, "", "", use_directory_urls).dest_uri


def page_url(page: str, use_directory_urls: bool) -> str:
    """A docs page's address relative to the site, as Material's search index names it."""
    from mkdocs.structure.files import File

    return File(page, "", "", use_directory_urls).url.removeprefix("./")


def merge_search(old: dict, partial: dict, rebuilt: set[str]) -> dict | None:
    """Material's search index `old` with the entries of the pages at addresses `rebuilt` replaced.

    `partial` is the index a dirty build wrote: the entries of the pages it
    built, in page order.  None when merge_entries cannot place them.
    """
    docs = merge_entries(old["docs"], partial["docs"], rebuilt, lambda entry: entry["location"].split("#", 1)[0])
    return None if docs is None else {**old, "docs": docs}


def merge_search_bytes(old: bytes, partial: dict, rebuilt: set[str]) -> bytes | None:
    """merge_search on the index as Material writes it, without reading its entries into objects:
    a kept entry keeps its bytes (23 MB of them at 1,000 articles), a new one is written as
    Material writes it.  The same bytes as merge_search's result written by Material's rules;
    None when `old` is not in that form, or merge_search would give None."""
    head, found, rest = old.partition(b',"docs":[')
    if not found or not head.startswith(b'{"config":') or not rest.endswith(b"]}"):
        return None
    try:
        json.loads(head[len(b'{"config":'):])  # the config whole: the entries start where found
    except ValueError:
        return None
    body, kept = rest[:-2], []
    starts = [0] + [at.start() + 1 for at in _NEXT_ENTRY.finditer(body)] if body else []
    for start, end in zip(starts, starts[1:] + [len(body) + 1]):
        location = _LOCATION.match(body, start)
        if location is None:
            return None
        raw = location.group(1)  # JSON string content: decoded by json only when it holds an escape
        address = raw.decode("utf-8") if b"\\" not in raw else json.loads(b'"' + raw + b'"')
        kept.append((address.split("#", 1)[0], body[start:end - 1]))
    fresh = [(entry["location"].split("#", 1)[0], json.dumps(entry, separators=(",", ":"), default=str).encode())
             for entry in partial["docs"]]
    merged = merge_entries(kept, fresh, rebuilt, lambda entry: entry[0])
    return None if merged is None else head + b',"docs":[' + b",".join(data for _, data in merged) + b"]}"


# In compact JSON a string holds no bare quote, so these bytes only ever start an entry.
_NEXT_ENTRY = re.compile(rb',\{"location":"')
_LOCATION = re.compile(rb'\{"location":"((?:[^"\\]|\\.)*)"')


def merge_tags(old: dict, partial: dict, rebuilt: set[str]) -> dict | None:
    """Material's tags export (tags.json) with the mappings of the pages at `rebuilt` replaced."""
    mappings = merge_entries(old["mappings"], partial["mappings"], rebuilt, lambda mapping: mapping["item"]["url"])
    return None if mappings is None else {**old, "mappings": mappings}


def merge_entries(old: list, fresh: list, rebuilt: set[str], page_of) -> list | None:
    """`old` with the entries of the pages `rebuilt` (and of every page in `fresh`) replaced by `fresh`'s.

    A full build lists each page's entries together, pages in one order, so
    putting each page's new entries where its old ones were gives the list a
    full build writes.  None when a page has entries now but had none: its
    place is unknown (the caller builds in full).
    """
    new: dict[str, list] = {}
    for entry in fresh:
        new.setdefault(page_of(entry), []).append(entry)
    replace = rebuilt | set(new)
    merged, placed = [], set()
    for entry in old:
        page = page_of(entry)
        if page not in replace:
            merged.append(entry)
        elif page not in placed:
            merged += new.get(page, [])
            placed.add(page)
    return None if set(new) - placed else merged


class _DropDirtyWarning(logging.Filter):
    """Let every MkDocs message through but the one a dirty build always logs (it would fail strict)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


def dirty_build(project: Project, site_dir: Path, overrides: dict) -> None:
    """MkDocs' dirty build (strict) into `site_dir`; raises BuildError as a full build does."""
    quiet = _DropDirtyWarning()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(quiet)
    try:
        site.MKDOCS.build(project, site_dir, overrides, dirty=True)
    finally:
        logger.removeFilter(quiet)


def rebuild(project: Project, site_dir: Path, overrides: dict, after: DocsState, change: Change,
            use_directory_urls: bool) -> list[str]:
    """Build only `change.changed` into the served `site_dir`; return the HTML files link-checked.

    Raises BuildError (the site put back as it was) when the build, the
    search merge or the link check fails.
    """
    pages = [name for name in change.changed if name.endswith(".md")]
    touched = sorted({html_path(p, use_directory_urls) for p in pages} | set(ALWAYS_REBUILT)
                     | {name for name in change.changed if not name.endswith(".md")})
    saved = read_files(site_dir, touched)
    try:
        old = {name: saved[name] for name, _ in MERGED if saved.get(name) is not None}
        for page in pages:  # older than any source: MkDocs' dirty build rebuilds it
            target = site_dir / html_path(page, use_directory_urls)
            if target.exists():
                os.utime(target, ns=(0, 0))
        dirty_build(project, site_dir, overrides)
        _merge_indexes(site_dir, old, {page_url(p, use_directory_urls) for p in pages})
        lost = [p for p in pages if _anchors(saved[html_path(p, use_directory_urls)])
                - _anchors((site_dir / html_path(p, use_directory_urls)).read_bytes())]
        checked = pages_to_check(pages, lost, after, use_directory_urls)
        with collector.paused():  # it makes few cycles, and the process holds much (site.build_site)
            broken = check_site(site_dir, display="site", pages=checked)
        if broken:
            raise BuildError(broken)
    except (BuildError, OSError, ValueError, KeyError, TypeError) as exc:
        _restore(site_dir, saved)
        if isinstance(exc, BuildError):
            raise
        raise BuildError([site.failed(exc)]) from None
    return checked


# The files a dirty build writes with the rebuilt pages only, and how each is merged into the full one.
MERGED = ((SEARCH_INDEX, merge_search), ("tags.json", merge_tags))


def _merge_indexes(site_dir: Path, old: dict[str, bytes], rebuilt: set[str]) -> None:
    """Merge the dirty build's search index and tags export into the full ones (`old`, as files) it replaced."""
    for name, merge in MERGED:
        if name not in old:
            continue
        fresh = json.loads((site_dir / name).read_bytes())
        merged = merge_search_bytes(old[name], fresh, rebuilt) if name == SEARCH_INDEX else None
        if merged is None:
            merged_data = merge(json.loads(old[name]), fresh, rebuilt)
            if merged_data is None:
                raise BuildError([site.failed(RuntimeError(f"{name}: a page is listed that was not before"))])
            merged = _as_material_writes(name, merged_data)
        atomicfile.atomic_write(site_dir / name, merged)


def _as_material_writes(name: str, data: dict) -> bytes:
    """JSON as Material writes each file: the search index compact, the tags export with json.dump's defaults."""
    if name == SEARCH_INDEX:
        return json.dumps(data, separators=(",", ":"), default=str).encode()
    return json.dumps(data).encode()


def pages_to_check(pages: list[str], lost: list[str], state: DocsState, use_directory_urls: bool) -> list[str]:
    """The HTML of the changed `pages`, of the pages linking to those of them that `lost` an anchor, and 404.html.

    No page was added or removed, so a link from an unchanged page can only
    break where it leads to an anchor that is gone.
    """
    gone = set(lost)
    linking = {name for name, targets in state.links.items() if targets & gone}
    return sorted({html_path(p, use_directory_urls) for p in set(pages) | linking} | {"404.html"})


def _anchors(html: bytes | None) -> set[bytes]:
    """The ids and names of a built page's elements (MkDocs and Material write them in double quotes)."""
    return set(_ANCHOR.findall(html or b""))


def _restore(site_dir: Path, saved: dict[str, bytes | None]) -> None:
    """Put the saved files back, and remove those that were not there."""
    for name, data in saved.items():
        path = site_dir / name
        if data is None:
            path.unlink(missing_ok=True)
        else:
            atomicfile.atomic_write(path, data)
