"""Check a built site: every internal link and anchor must resolve, and no link may run code.

MkDocs' strict build validates the links written in Markdown.  This checks
what the reader actually gets, the HTML: links added by the theme and by
templates, `#anchors` into other pages, and assets.  It runs on the freshly
built (staging) site before it replaces the old one, so a broken link fails
the build and the published site stays as it was.

A link is internal when it has no scheme and does not start with `//`; it
resolves when the file exists (a folder means its index.html) and, if it
has a fragment, when the target page has an element with that id (or an
`<a name=…>`).  A root-absolute link (`/x/`) is broken, since the site must
also work below a server's root and from disk, except on 404.html: servers
show that page at any address, so MkDocs gives it root-absolute links, and
they are resolved from the site's root.  A `javascript:`, `vbscript:` or `data:` URL anywhere is an
error too: seed text must never turn into a link that runs code.

Nor into a script: any `on…=` event-handler attribute, any <script> in the
page content (Material's `.md-content`), and any <script> elsewhere that is
not one of the theme's (THEME_SCRIPT_FOLDERS, THEME_INLINE_SCRIPTS, or an outside
script added in mkdocs.yml) is an error.  So is a `<` in the text of a label
Material may shorten (`.md-ellipsis`): Material then shows that text in a
tooltip as HTML.  The theme's overrides (templates/theme/) keep seed text out
of such labels; this catches a partial that lets it back in.

Pages are read with selectolax, which knows no line numbers (htmlpage.py).
A page where it finds a problem is read again with html.parser, only to say
where each problem is (line and column); a problem that parser does not see
is still reported, without a place.  A large page repeats its links
thousands of times (a stance table names the same actors on every row), so
each link is judged once per folder of pages (_link_key).
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import parallel
from .diagnostics import Diagnostic
from .htmlpage import Page, Script, locate_page, parse_page

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_UNSAFE_SCHEMES = {"javascript", "vbscript", "data"}
# Where the theme's script files live in the site (Material's bundle and workers, the
# offline edition's shim, the search index as a script): a <script src> must resolve there.
THEME_SCRIPT_FOLDERS = ("assets/javascripts/", "search/")
# How each inline script Material writes into every page begins (base.html, 9.x).
THEME_INLINE_SCRIPTS = (
    "__md_scope=new URL(",  # where the site is, and its local storage helpers
    'var palette=__md_get("__palette")',  # the reader's colour scheme, before the page paints
    "var target=document.getElementById(location.hash.slice(1))",  # open the <details> a link targets
)


# The anchor ids of site pages read before in this process, by file, with the stat they were
# read at.  `briefing serve` checks the pages an edit changed against every page they link to
# (400 at 1,000 articles), and most of those did not change since its last check.
_KNOWN_IDS: dict[Path, tuple[tuple[int, int, int], frozenset[str]]] = {}


def _stat_key(path: Path) -> tuple[int, int, int]:
    facts = path.stat()
    return facts.st_mtime_ns, facts.st_size, facts.st_ino


def _read_ids(path: Path) -> tuple[tuple[int, int, int], frozenset[str]]:
    """A page's anchor ids, with the stat of the file they were read from."""
    return _stat_key(path), frozenset(parse_page(path).ids)


class SiteChecker:
    """Checks every HTML page under `site`; messages name files as `display`/…"""

    def __init__(self, site: Path, display: str = "site"):
        self.site = site.resolve()
        self.display = display
        self._pages: dict[str, Page] = {}
        # The site's files and folders, listed once: a large site has hundreds of thousands
        # of links, and asking the file system about each one took a sixth of the build.
        self._files: set[str] = set()
        self._folders: set[str] = {"."}
        for folder, folders, files in os.walk(self.site):
            here = Path(folder).relative_to(self.site).as_posix()
            self._folders.update(posixpath.join(here, name) if here != "." else name for name in folders)
            self._files.update(posixpath.join(here, name) if here != "." else name for name in files)
        self._resolved: dict[tuple[str, str], str | None] = {}
        self._verdicts: dict[tuple[str, str], str | None] = {}  # _link_key -> check_link's answer
        self._targets: dict[tuple[str, str], str | None] = {}  # _link_key -> _anchor_target's answer

    def page(self, name: str) -> Page:
        """The parsed page `name` (relative to the site), parsed once."""
        if name not in self._pages:
            self._pages[name] = parse_page(self.site / name)
        return self._pages[name]

    def shown(self, name: str) -> str:
        """A site file as messages show it: site/actors/x/index.html."""
        return posixpath.join(self.display, name)

    def check(self, pages: list[str] | None = None) -> list[Diagnostic]:
        """One message per broken or unsafe link, in a stable order: of every page, or of `pages` only."""
        problems: list[Diagnostic] = []
        wanted = self._files if pages is None else set(pages) & self._files
        names = sorted((f for f in wanted if f.endswith(".html")), key=lambda f: f.split("/"))
        # Parsing is most of the work, and pages are independent: share it among the forked workers,
        # by size (a stance page is worth hundreds of article pages), with the pages each one's
        # #anchors point into.
        sizes = [self._size(name) for name in names]
        targets: set[str] = set()
        for name, (page, its_targets) in zip(names, parallel.run_all(self._parse_with_targets, names, sizes=sizes)):
            self._pages[name] = page
            targets |= its_targets
        _KNOWN_IDS.update((self.site / name, (_stat_key(self.site / name), frozenset(self._pages[name].ids))) for name in names)
        self._read_anchor_targets(targets)
        # So is checking each page's links, once every page is parsed (the workers fork with them).
        for name, found in zip(names, parallel.run_all(lambda name: self.problems(name, self.page(name)), names,
                                                       sizes=sizes)):
            if found:  # say where: read the page again with a parser that counts lines
                located = self.problems(name, locate_page(self.site / name))
                seen = {message for _, _, message in located}
                found = located + [problem for problem in found if problem[2] not in seen]
            problems += [Diagnostic(self.shown(name), line, col, message=message) for line, col, message in sorted(
                found, key=lambda f: (f[0], f[1]))]
        return problems

    def _size(self, name: str) -> int:
        try:
            return (self.site / name).stat().st_size
        except OSError:
            return 0

    def _parse_with_targets(self, name: str) -> tuple[Page, set[str]]:
        """The page `name` parsed, and the site pages its links' #anchors must be found in."""
        page = parse_page(self.site / name)
        targets = {self._anchor_target(name, link.url) for link in page.links}
        targets.discard(None)
        return page, targets

    def _read_anchor_targets(self, targets: set[str]) -> None:
        """Read the ids of the pages `targets` that were not parsed here, on every core, unless this
        process read them since the file last changed."""
        wanted = {self.site / target for target in targets if target not in self._pages}
        stale = sorted(path for path in wanted if path not in _KNOWN_IDS or _KNOWN_IDS[path][0] != _stat_key(path))
        _KNOWN_IDS.update(zip(stale, parallel.run_all(_read_ids, stale)))

    def ids(self, name: str) -> frozenset[str] | set[str]:
        """The anchor ids of the page `name` (relative to the site)."""
        if name in self._pages:
            return self._pages[name].ids
        path = self.site / name
        known = _KNOWN_IDS.get(path)
        if known is None or known[0] != _stat_key(path):
            known = _KNOWN_IDS[path] = _read_ids(path)
        return known[1]

    def _anchor_target(self, page: str, url: str) -> str | None:
        """The site page whose ids a link `url` on `page` must find its #anchor among, or None."""
        key = _link_key(page, url)
        if key not in self._targets:
            self._targets[key] = self._find_anchor_target(page, url)
        return self._targets[key]

    def _find_anchor_target(self, page: str, url: str) -> str | None:
        if _SCHEME.match(url) or url.startswith("//"):
            return None
        parts = urlsplit(url)
        if not parts.fragment:
            return None
        target = self.resolve(page, unquote(parts.path)) if parts.path else page
        return target if target is not None and target.endswith(".html") else None

    def problems(self, name: str, page: Page) -> list[tuple[int, int, str]]:
        """(line, column, message) of every problem on the page `name`, read as `page`."""
        found = [(link.line, link.col, self.check_link(name, link.url)) for link in page.links]
        found += [(script.line, script.col, self.check_script(name, script)) for script in page.scripts]
        found += [(h.line, h.col, f"event handler {h.url} would run code") for h in page.handlers]
        found += [(label.line, label.col, _html_label(label.url)) for label in page.html_labels]
        return [f for f in found if f[2]]

    def check_script(self, page: str, script: Script) -> str | None:
        """Why the <script> `script` on page `page` is not one of the theme's, or None."""
        if script.in_content:
            return "<script> in the page content"
        if script.src is not None:
            if _SCHEME.match(script.src) or script.src.startswith("//"):
                # Outside the content only mkdocs.yml can add one (extra_javascript): the
                # maintainer's choice, which the offline edition refuses on its own terms.
                return None
            target = self.resolve(page, unquote(urlsplit(script.src).path))
            if target is None or not target.startswith(THEME_SCRIPT_FOLDERS):
                return f"<script src='{_short(script.src)}'> is not one of the theme's scripts"
            return None
        if script.type == "application/json" and script.id == "__config":
            return None  # Material's configuration: data, not code
        if script.type in ("", "text/javascript", "module") and script.text.strip().startswith(THEME_INLINE_SCRIPTS):
            return None
        return f"inline <script> '{_short(' '.join(script.text.split()))}' is not one of the theme's scripts"

    def check_link(self, page: str, url: str) -> str | None:
        """Why the link `url` on page `page` (relative to the site) is broken or unsafe, or None."""
        key = _link_key(page, url)
        if key not in self._verdicts:
            self._verdicts[key] = self._judge_link(page, url)
        return self._verdicts[key]

    def _judge_link(self, page: str, url: str) -> str | None:
        scheme = _SCHEME.match(url)
        if scheme:
            if scheme.group(1).lower() in _UNSAFE_SCHEMES:
                return f"link '{_short(url)}' would run code or embed content ({scheme.group(1).lower()}: URL)"
            return None
        if url.startswith("//"):
            return None  # another site, whatever its scheme
        parts = urlsplit(url)
        target = self.resolve(page, unquote(parts.path)) if parts.path else page
        if target is None:
            return f"link '{_short(url)}' leads to no file in the site"
        if parts.fragment and target.endswith(".html"):
            anchor = unquote(parts.fragment)
            if anchor not in self.ids(target):
                return f"link '{_short(url)}': {self.shown(target)} has no anchor '{anchor}'"
        return None

    def resolve(self, page: str, path: str) -> str | None:
        """The site file (relative to the site) a link path on `page` leads to, or None."""
        here = _folder(page) or "."
        if path.startswith("/"):
            if page != "404.html":
                return None
            here, path = ".", path.lstrip("/") or "."
        key = (here, path)
        if key not in self._resolved:  # pages in one folder share most of their links
            self._resolved[key] = self._resolve_in_site(here, path)
        return self._resolved[key]

    def _resolve_in_site(self, here: str, path: str) -> str | None:
        # Resolve lexically (normpath), not through the file system: ".." must not leave the site.
        joined = posixpath.normpath(posixpath.join(here, path))
        if joined == ".." or joined.startswith("../"):
            return None
        if joined in self._folders:
            joined = posixpath.join(joined, "index.html") if joined != "." else "index.html"
        return joined if joined in self._files else None


def _link_key(page: str, url: str) -> tuple[str, str]:
    """What a link's verdict depends on: its URL and the folder of its page, or the page itself
    for a URL read from the page's own address (empty, `#x`, `?x`) or from the root (404.html's)."""
    return (page, url) if not url or url[0] in "#?/" else (_folder(page), url)


@functools.lru_cache(maxsize=4096)
def _folder(page: str) -> str:
    return posixpath.dirname(page)


def _html_label(text: str) -> str:
    return (f"'{_short(' '.join(text.split()))}' is in a label Material may shorten (.md-ellipsis), "
            "whose tooltip would show it as HTML")


def _short(url: str) -> str:
    """A URL as quoted in a message: at most 100 characters."""
    return url if len(url) <= 100 else url[:97] + "..."


def check_site(site: Path, display: str = "site", pages: list[str] | None = None) -> list[Diagnostic]:
    """Every broken internal link or anchor, and every unsafe URL, in the built site.

    `pages` (HTML files relative to the site) checks only the links on those
    pages, against the whole site: `briefing serve` after a partial build.
    """
    return SiteChecker(site, display).check(pages)
