"""One page's body, rendered by MkDocs' own `Page.render`, piece by piece.

The fast route (fastroute.py) keeps each generated page's body in its cache
as the pieces chunking.py cuts it into, each with its own key.  When a page
changes, `PageRenderer.entry` is given the page's last entry and converts
only the pieces whose key is new; the rest are taken as they were.

Each piece goes through `Page.render` with this build's configuration and
file list, so the HTML, the table of contents, the title and the anchors
are MkDocs' own (no second implementation to keep in step with
Python-Markdown, its extensions or our templates).  What a whole page has
once and its pieces have each (a list's or table's opening, the heading ids
made unique, the table of contents, the glossary's first-use underlines) is
handled by chunking.trim, `_joined` and markdown_abbr.carried_section; a
page whose pieces do not join exactly is converted whole.  A render that
logs anything raises nothing outward: `entry` returns None, and MkDocs
renders the page itself, where strict mode counts the warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from typing import Iterator

from markdown.extensions.toc import nest_toc_tokens

from . import chunking, markdown_abbr

# Loggers whose records during a render make a page take MkDocs' route (strict counts them there).
_WATCHED_LOGGERS = ("mkdocs", "mkdocs.structure.pages", "mkdocs.structure.files", "MARKDOWN")


class _Held(logging.Filter):
    """Holds back every record of a render done ahead of time, and remembers there was one."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return True  # `mkdocs build -v` chatter: no reason to take the ordinary route
        self.seen = True
        return False


@contextlib.contextmanager
def held_logs():
    """Within this block, the render loggers' records are held back; the filter yielded says whether there was one."""
    held = _Held()
    loggers = [logging.getLogger(name) for name in _WATCHED_LOGGERS]
    for logger in loggers:
        logger.addFilter(held)
    try:
        yield held
    finally:
        for logger in loggers:
            logger.removeFilter(held)


class _Logged(Exception):
    """A render logged something: MkDocs must render the page itself (strict mode counts it there)."""


class PageRenderer:
    """Renders pages of one build (its configuration, its files) into cache entries.

    `salt` is a digest of everything besides a page's own Markdown that its
    HTML depends on (fastroute.render_salt): it starts every key.
    """

    def __init__(self, config, files, salt: str):
        self.config = config
        self.files = files
        self.salt = salt
        self.converted = 0  # pieces converted by this object in this process
        self.titles = nav_titles(config.nav)

    def key(self, src_uri: str, markdown: str, page_meta: dict | None = None, *more: str) -> str:
        """The cache key of `markdown` (with its front matter `page_meta`, and `more`) at `src_uri`."""
        found = hashlib.sha256()
        for part in (self.salt, src_uri, json.dumps(page_meta or {}, sort_keys=True, default=str), *more, markdown):
            data = part.encode("utf-8")
            found.update(b"%d:" % len(data))  # the lengths keep the parts apart, whatever they hold
            found.update(data)
        return found.hexdigest()

    def entry(self, src_uri: str, markdown: str, page_meta: dict, last: dict | None = None,
              whole: bool = False) -> dict | None:
        """The cache entry of a page: its pieces' HTML, and what MkDocs reads from a render.

        Pieces found in `last` (an earlier entry of the page) under the same key are taken
        from it, not converted.  `whole`: convert the page as one piece.  None when a
        conversion logged anything.
        """
        kept = {key: done for key, done in last.get("pieces", ())} if isinstance(last, dict) else {}
        cut = None if whole else chunking.pieces(markdown)
        try:
            made = self._from_pieces(src_uri, cut, page_meta, kept) if cut is not None else None
            if made is None:
                made = self._from_pieces(src_uri, [chunking.Piece(markdown)], page_meta, kept)
        except _Logged:
            return None
        return made

    def page(self, src_uri: str, made: dict, page_meta: dict, finish=None):
        """A scratch Page holding an entry's body (after `finish(html, page)`), as search indexing reads it."""
        from mkdocs.structure.pages import Page
        from mkdocs.structure.toc import get_toc

        file = self.files.get_file_from_path(src_uri)
        owner = file.page
        try:
            page = Page(None, file, self.config)
        finally:
            file.page = owner  # MkDocs makes its own Page objects after this
        page.meta = page_meta
        if src_uri in self.titles:  # as MkDocs titles it: the nav's title, then the front matter's, then the heading
            page.title = self.titles[src_uri]
        elif "title" not in page_meta:
            page.title = made["title"]
        page.toc = get_toc(made["toc"])
        page.content = body(made) if finish is None else finish(body(made), page)
        return page

    def _from_pieces(self, src_uri: str, cut: list, page_meta: dict, kept: dict) -> dict | None:
        """The entry of a page made of these pieces; None when they do not join into the page's
        body (a piece not shaped as expected, a heading id in two pieces)."""
        pieces = []
        seen: set[str] = set()  # the glossary's terms the section met before the piece (markdown_abbr)
        for piece in cut:
            key = self.key(src_uri, piece.markdown, page_meta, piece.opens, piece.closes, piece.gap)
            done = kept.get(key)
            # Its HTML depends on the terms met before it only through those it meets itself.
            if done is None or set(done["before"]) != seen & set(done["met"]):
                done = self._convert(src_uri, piece, page_meta, seen)
            if done is None:
                return None
            pieces.append([key, done])
            seen = set(done["seen"]) if done["restarted"] else seen | set(done["met"])
        return _joined(pieces)

    def _convert(self, src_uri: str, piece: chunking.Piece, page_meta: dict, seen: set[str]) -> dict | None:
        """MkDocs' own render of one piece, as plain data; None when its HTML is not shaped as
        the piece expects.  Raises _Logged when the render logged anything."""
        from mkdocs.structure.pages import Page

        self.converted += 1
        file = self.files.get_file_from_path(src_uri)
        owner = file.page
        try:
            page = Page(None, file, self.config)
            page.markdown, page.meta = piece.markdown, page_meta
            with held_logs() as held, markdown_abbr.carried_section(set(seen)) as section:
                page.render(self.config, self.files)
            if held.seen:
                raise _Logged
            html = chunking.trim(page.content, piece)
            if html is None:
                return None
            return {
                "html": html, "gap": piece.gap, "toc": _flat_toc(page.toc), "title": page.title,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links_to_anchors": {target.src_uri: links for target, links in (page.links_to_anchors or {}).items()},
                "seen": sorted(section.seen), "met": sorted(section.met), "restarted": section.restarted,
                "before": sorted(seen & section.met),
            }
        finally:
            file.page = owner  # MkDocs makes its own Page objects after this


def nav_entries(nav, title: str | None = None) -> Iterator[tuple[str | None, str]]:
    """(its title, or None, and the page) of every page mkdocs.yml's `nav` names, in order."""
    if isinstance(nav, str):
        yield title, nav
    elif isinstance(nav, dict):
        for named, value in nav.items():
            yield from nav_entries(value, str(named))
    elif isinstance(nav, list):
        for item in nav:
            yield from nav_entries(item)


def nav_titles(nav) -> dict[str, str]:
    """The title the nav gives each page it names as `Title: page.md` (the first, if twice)."""
    found: dict[str, str] = {}
    for title, page in nav_entries(nav):
        if title is not None:
            found.setdefault(page, title)
    return found


def body(entry: dict) -> str:
    """A page's finished HTML: its pieces' HTML, each followed by its gap but the last."""
    pieces = [done for _key, done in entry["pieces"]]
    return "".join(done["html"] + done["gap"] for done in pieces[:-1]) + pieces[-1]["html"]


def _flat_toc(toc) -> list[list]:
    """A table of contents as [level, id, name] of every heading, in the page's order."""
    flat = []
    for item in toc:
        flat.append([item.level, item.id, item.title])
        flat.extend(_flat_toc(item.children))
    return flat


def _joined(pieces: list) -> dict | None:
    """A page's cache entry from its converted pieces; None when a heading's id is an id of
    another piece too (converted whole, the page would have made the heading's id unique;
    a duplicate in the HTML itself, such as a repeated `{: #quote-1 }`, stays one)."""
    holders: dict[str, int] = {}  # id -> how many pieces hold it
    links: dict[str, dict] = {}
    for _key, done in pieces:
        for anchor in done["anchors"]:
            holders[anchor] = holders.get(anchor, 0) + 1
        for target, found in done["links_to_anchors"].items():
            into = links.setdefault(target, {})
            for anchor, url in found.items():
                into.setdefault(anchor, url)
    if any(holders[id_] > 1 for _key, done in pieces for _level, id_, _name in done["toc"]):
        return None
    flat = [{"level": level, "id": id_, "name": name} for _key, done in pieces for level, id_, name in done["toc"]]
    return {
        "pieces": pieces, "toc": nest_toc_tokens(flat), "title": pieces[0][1]["title"],
        "anchors": sorted(holders), "links_to_anchors": links,
    }
