"""Material's search entries for a page rendered in pieces, parsing only the pieces that changed.

searchindex.page_entries runs Material's HTML parser (html.parser, in
Python) over a whole page.  A large page (an 800 KB stance table) is
rendered in pieces (chunking.py), and an edit changes one or two of them;
parsing the other pieces again was most of the search work of an edit.

Material's parser reads a page as sections, each a heading and the text
after it.  What a piece adds depends on the piece and on a little of what
came before it (`_State`):

- the open elements at the cut (none, or the list or table the cut is in);
- the element and depth of the section the piece starts in;
- which of the kept tags (<p>, <code>, <li>, ...) that section's text
  already holds, followed by other text (Material drops a kept element
  left empty by looking back to the first of its tag in the section);
- whether the section's text so far ends with a space (spaces collapse).

A piece that excludes nothing (`data-search-exclude`, line numbers), falls
in a section that is not nested (a heading inside another element) and
starts only sections that are not nested either is parsed on its own, by a
parser primed with that state; the text it adds to the section it starts
in, and the sections it starts, are kept in the piece's cache entry under
that state.  The next build of the page takes them from there when the
piece and the state are the same.  Every other piece is fed to the page's
own parser, as Material does.  The entries are then made by Material's own
entry maker; tests compare them with page_entries' on random pages and on
whole briefings.
"""

from __future__ import annotations

import json
import re
from typing import Callable

from material.plugins.search.plugin import Element, Parser, SearchIndex, Section

from . import searchindex

# A piece with any of these is fed to the page's parser: it changes what is skipped.
_NOT_ALONE = re.compile(r"data-search-exclude|linenodiv", re.IGNORECASE)
# What Material's parser skips unless told otherwise, and the tags it keeps in the text (its Parser.__init__).
_BASE_SKIP = frozenset(Parser().skip)
_KEEP = frozenset(Parser().keep)


def page_entries(page, pieces: list[dict], finish: Callable[[str, object], str] | None) -> list[dict]:
    """searchindex.page_entries(page) for a page whose body is `pieces` (each {"html", "gap"}, as
    piecewise.body joins them); each piece parsed alone keeps its result in the piece's "search"."""
    texts = [done["html"] + done["gap"] for done in pieces[:-1]] + [pieces[-1]["html"]]
    if finish is not None:
        texts = [finish(text, page) for text in texts]
    if "".join(texts) != page.content:  # a finish that reaches across pieces: the whole page, as Material does
        return searchindex.page_entries(page)
    if (page.meta.get("search") or {}).get("exclude"):
        return []
    parser = Parser()
    state = _State()
    for done, text in zip(pieces, texts):
        key = state.key(parser) if not _NOT_ALONE.search(text) else None
        added = _alone(done, text, key, parser) if key is not None else None
        if added is None:
            parser.feed(text)
            state.forget()
        else:
            text_added, sections, context = added
            parser.section.text.extend(text_added)  # State.key reads it from where it stopped
            for tag, depth, ident, title, section_text in sections:  # the sections the piece started
                section = Section(Element(tag), depth)
                section.id, section.title, section.text = ident, list(title), list(section_text)
                parser.data.append(section)
                parser.section = section
            parser.context = [Element(tag, dict(attrs)) for tag, attrs in context]
    parser.close()
    # Material's SearchIndex.add_entry_from_context, from here on.
    scratch = SearchIndex()
    for section in parser.data:
        if not section.is_excluded():
            scratch.create_entry_for_section(section, page.toc, page.url, page)
    return scratch.entries


def _alone(done: dict, text: str, key: str, parser: Parser) -> tuple[list[str], list, list] | None:
    """(the text the piece adds to the section it starts in, the sections it starts, the open
    elements after it): kept in the piece's entry, or parsed now by a parser primed with the
    state `key`; None when the piece cannot be read alone."""
    kept = done.get("search")
    if isinstance(kept, list) and len(kept) == 4 and kept[0] == key:
        return kept[1], kept[2], kept[3]
    primed, prefix = _primed(parser, json.loads(key))
    primed.feed(text)
    first, *started = primed.data
    if (primed.rawdata or primed.cdata_elem is not None or first.title or set(primed.skip) != _BASE_SKIP
            or primed.section is not primed.data[-1] or any(section.depth != 1 for section in started)):
        # It ends inside a tag or a script, adds to a title, or starts a section inside another
        # element (which Material leaves for an earlier one): the page's parser reads it.
        return None
    added = first.text[len(prefix):]
    sections = [[s.el.tag, s.depth, s.id, s.title, s.text] for s in started]
    context = [[el.tag, sorted(el.attrs.items())] for el in primed.context]
    done["search"] = [key, added, sections, context]
    return added, sections, context


def _primed(parser: Parser, state: list) -> tuple[Parser, list[str]]:
    """A fresh parser in the state `state` (see _State.key), and the text it was primed with."""
    tag, depth, context, sticky, ending = state
    primed = Parser()
    primed.context = [Element(name, dict(attrs)) for name, attrs in context]
    # The section's own element and depth: they decide what counts as its title and when it ends.
    primed.section = Section(Element(tag), depth)
    primed.data.append(primed.section)
    prefix = [item for tag in sticky for item in (f"<{tag}>", "x")] + ([] if ending is None else [ending])
    primed.section.text.extend(prefix)
    return primed, prefix


class _State:
    """What of the page's parser a piece parsed alone depends on, followed along its current section."""

    def __init__(self) -> None:
        self.section: Section | None = None
        self.first: dict[str, int] = {}  # kept tag -> index of its first "<tag>" in the section's text
        self.last_text = -1  # index of the section's last item that is not whitespace
        self.seen = 0  # how many items of the section's text were looked at

    def forget(self) -> None:
        """The page's parser read a piece itself: look at its section again from the start."""
        self.section = None

    def key(self, parser: Parser) -> str | None:
        """The state a piece would start in, as a key; None when it cannot be parsed alone."""
        section = parser.section
        if (section is None or parser.rawdata or parser.cdata_elem is not None or section.depth > 1
                or set(parser.skip) != _BASE_SKIP or any(el.tag == "pre" for el in parser.context)):
            return None
        if section is not self.section:
            self.section, self.first, self.last_text, self.seen = section, {}, -1, 0
        self._scan(section.text, self.seen)
        if any(index >= self.last_text for index in self.first.values()):
            return None  # a kept tag not yet followed by text: Material may still drop it with what follows
        text = section.text
        ending = None if not text else " " if text[-1].isspace() else "x"
        context = [[el.tag, sorted(el.attrs.items())] for el in parser.context]
        return json.dumps([section.el.tag, section.depth, context, sorted(self.first), ending])

    def _scan(self, text: list[str], start: int) -> None:
        for index in range(start, len(text)):
            item = text[index]
            if not item.isspace():
                self.last_text = index
            if item.startswith("<") and item.endswith(">") and item[1:-1] in _KEEP:
                self.first.setdefault(item[1:-1], index)
        self.seen = len(text)
