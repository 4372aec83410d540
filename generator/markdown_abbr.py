"""Python-Markdown's `abbr` extension, same output, at a cost that does not grow with the glossary.

mkdocs.yml lists this module instead of `abbr`.  Stock `abbr` (Python-Markdown
3.x) does two things that grow faster than the page:

- it matches with one flat alternation of every abbreviation, which `re`
  tries one after the other at each word boundary of every text, so each
  text costs time in proportion to the number of terms (500 terms at 10,000
  articles);
- it finds each element's place among its parent's children with
  `list(parent).index(el)`, which makes a table of thousands of rows (the
  timeline of a large briefing) quadratic.

This subclass compiles the abbreviations as the trie-shaped expression
names.py uses for names (longest match first, as before) and passes each
child's position down instead of searching for it.  Definitions, the
`glossary` option and the HTML it writes are the stock extension's; a test
converts pages with both and compares.

It also reads the briefing's definitions from a file once (`glossary_file`,
relative to the working directory, as pymdownx.snippets' paths are), where
the site used to append that file to every page: each page then parsed every
definition as a block of its own, 1,000 blocks a page at 10,000 articles.
Definitions written in a page, or given with the stock `glossary` option,
still work and win over the file's.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown.extensions import abbr
from markdown.util import AtomicString

from . import names


# Python-Markdown's placeholders: STX, a marker word or a number, ETX ("\x02wzxhzdk:0\x03"
# for stashed raw HTML and entities, "\x0242\x03" for an escaped "*").  They are still in
# the text when abbreviations are found, and are replaced after; an abbreviation matched
# inside one ("wzxhzdk", "0", "42") would split it, leaving control characters and a
# stray <abbr> in the page.
_PLACEHOLDER = "\x02[^\x02\x03]*\x03"


@functools.lru_cache(maxsize=8)
def _pattern(abbreviations: tuple[str, ...]) -> re.Pattern[str]:
    # The same words and boundaries as stock abbr's r"\b(?:A|B|…)\b"; compiled once per glossary.
    # A placeholder is matched first, as a whole, so nothing inside it can match; it is no
    # abbreviation (seed text holds no control character), so it is left as it is.
    return names.compile_names(list(abbreviations), _PLACEHOLDER + r"|\b(?:{})\b")


class AbbrTreeprocessor(abbr.AbbrTreeprocessor):
    """Wraps known abbreviations in <abbr title=…>, as the stock processor does."""

    def __init__(self, md=None, abbrs: dict | None = None, glossary_file: str = "", first_per_section: bool = False):
        super().__init__(md, abbrs)
        self.glossary_file = glossary_file
        self.first_per_section = first_per_section

    def iter_element(self, el: etree.Element, parent: etree.Element | None = None, index: int = 0) -> None:
        """The stock method, with `index` (el's position in parent) passed down instead of searched for."""
        # Children last to first: inserting abbr elements after a child never moves the ones before it.
        for position in range(len(el) - 1, -1, -1):
            self.iter_element(el[position], el, position)
        text = el.text
        if text and not isinstance(text, AtomicString):
            for m in reversed(list(self.RE.finditer(text))):
                if self.abbrs.get(m.group(0)):  # None for a placeholder
                    el.insert(0, self.create_element(self.abbrs[m.group(0)], m.group(0), text[m.end():]))
                    text = text[:m.start()]
            el.text = text
        tail = el.tail
        if parent is not None and tail and not isinstance(tail, AtomicString):
            for m in reversed(list(self.RE.finditer(tail))):
                if self.abbrs.get(m.group(0)):  # None for a placeholder
                    parent.insert(index + 1, self.create_element(self.abbrs[m.group(0)], m.group(0), tail[m.end():]))
                    tail = tail[:m.start()]
            el.tail = tail

    def run(self, root: etree.Element) -> None:
        """Find the abbreviations in the whole tree."""
        if self.glossary_file:
            # Read when the first page is converted, not when the extension loads: MkDocs
            # loads extensions to check its configuration, before the briefing plugin has
            # generated the file.  Definitions made in the page win.
            for name, title in read_definitions(Path(self.glossary_file)).items():
                self.abbrs.setdefault(name, title)
        if not self.abbrs:
            return
        self.RE = _pattern(tuple(sorted(self.abbrs)))
        self.iter_element(root)
        if self.first_per_section:
            carried = _carried[-1] if _carried else None
            seen = first_use_per_section(root, carried.seen if carried else set(), carried)
            if carried is not None:
                carried.seen = seen


class CarriedSection:
    """The terms a section met before a piece of its page (`seen`); after the piece is converted,
    those it has met by the piece's end."""

    def __init__(self, seen: set[str]):
        self.seen = set(seen)
        # Every term the piece met, underlined or not: of the terms met before, the piece's HTML
        # depends only on these.  `restarted`: a heading in the piece started a section, so
        # `seen` at its end owes nothing to what came before the piece.
        self.met: set[str] = set()
        self.restarted = False


# The fast route converts a large page in pieces (generator/chunking.py).  A piece must
# underline only the terms its section has not met before it, so while it is converted
# the section's terms are carried in and out here.
_carried: list[CarriedSection] = []


@contextlib.contextmanager
def carried_section(seen: set[str]):
    """Within this block, a page converted is a piece of a section that met the terms `seen`
    before it; the CarriedSection yielded holds, after the conversion, the terms met by its end."""
    carried = CarriedSection(seen)
    _carried.append(carried)
    try:
        yield carried
    finally:
        _carried.pop()


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def first_use_per_section(root: etree.Element, seen: set[str], noted: CarriedSection | None = None) -> set[str]:
    """Keep each abbreviation's first <abbr> in each section (a heading starts one); the others
    become plain text again, as do those in headings.  Those kept are focusable (tabindex 0),
    so keyboard users reach their definitions too.  `seen`: the terms the section met before
    `root` (an empty set for a whole page); returns those it has met at root's end.  `noted`
    gets every term met and whether a heading started a section.

    An article page used to underline a term at every one of its uses, 193
    underlines in 2,500 words; once per section explains it where it is met.
    """
    seen = set(seen)
    for child in list(root):
        if child.tag in _HEADINGS:
            seen = set()
            if noted is not None:
                noted.restarted = True
        # A link with a title has its own tooltip (generator/names.py): a term inside it is
        # explained by the link, and a second tooltip on top of the first would hide it.
        in_titled_link = {id(el) for a in child.iter("a") if a.get("title") for el in a.iter("abbr")}
        drop = []
        for el in child.iter("abbr"):  # document order
            if child.tag in _HEADINGS:
                drop.append(el)
                continue
            if el.text in seen or id(el) in in_titled_link:
                drop.append(el)
            else:
                el.set("tabindex", "0")
            seen.add(el.text or "")
            if noted is not None:
                noted.met.add(el.text or "")
        if drop:
            _unwrap(child, set(map(id, drop)))
    return seen


def _unwrap(tree: etree.Element, drop: set[int]) -> None:
    """Replace each <abbr> under `tree` whose id() is in `drop` by its text (an <abbr> holds only
    text); each parent's children are rebuilt once, so a long row of them stays linear."""
    for parent in list(tree.iter()):
        if not any(id(el) in drop for el in parent):
            continue
        kept: list[etree.Element] = []
        for el in list(parent):
            if id(el) not in drop:
                kept.append(el)
                continue
            text = (el.text or "") + (el.tail or "")
            if kept:
                kept[-1].tail = (kept[-1].tail or "") + text
            else:
                parent.text = (parent.text or "") + text
        parent[:] = kept


def read_definitions(path: Path) -> dict[str, str]:
    """Abbreviation -> title, from a file of `*[ABBR]: Title` definitions (abbr's own syntax)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise FileNotFoundError(f"generator.markdown_abbr: glossary_file '{path}' cannot be read: {exc.strerror}") from None
    return dict(_definitions(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)
def _definitions(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, str], ...]:
    # Keyed by modification time and size too: `mkdocs serve` rereads the file after a regeneration.
    text = Path(path).read_text(encoding="utf-8")
    found = {}
    for match in abbr.AbbrBlockprocessor.RE.finditer(text):  # the pattern abbr itself reads them with
        name, title = match.group("abbr").strip(), match.group("title").strip()
        if name and title and title not in ("''", '""'):
            found[name] = title
    return tuple(found.items())


class AbbrExtension(abbr.AbbrExtension):
    """The stock extension with the processor above and a `glossary_file` option."""

    def __init__(self, **kwargs):
        # Ours; the stock options go to the stock class.
        glossary_file = kwargs.pop("glossary_file", "")
        self.first_per_section = bool(kwargs.pop("first_per_section", False))
        super().__init__(**kwargs)
        self.glossary_file = glossary_file

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        super().extendMarkdown(md)
        processor = AbbrTreeprocessor(md, self.abbrs, os.fspath(self.glossary_file), self.first_per_section)
        md.treeprocessors.register(processor, "abbr", 7)


def makeExtension(**kwargs) -> AbbrExtension:  # noqa: N802 (Python-Markdown's name)
    """Entry point for Python-Markdown: `markdown_extensions: [generator.markdown_abbr]`."""
    return AbbrExtension(**kwargs)
