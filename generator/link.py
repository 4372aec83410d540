"""Find actor and term names in prose, link them, and keep prose inert.

One compiled regular expression holds every name and alias, longest first,
so a text is scanned once whatever the number of names (Python's `re` tries
the alternatives at each position; see benchmarks/ for how that scales).

Prose from seed files is Markdown written by editors, and it ends up on a
public site, so before linking it is made inert: raw HTML is escaped, links
to anything but http(s), mailto or relative addresses are reduced to their
text, and the Markdown extensions that could inject markup or files
(attribute lists, abbreviation definitions, snippets) are neutralised.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

# Spans of Markdown that must not be linked into: links/images, code, autolinks.
_PROTECTED = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\([^()\s]*(?:\([^()]*\))?[^()]*\)"  # [text](url)
    r"|`+[^`]*`+"  # inline code
    r"|&[a-zA-Z]+;|&#[0-9]+;"  # entities produced by escaping
)
_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s>]*)>?((?:\s+\"[^\"]*\")?)\s*\)")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:|#|\.{0,2}/|[a-zA-Z0-9_.-]+(?:[/#?]|$))")
# Any "](scheme:" left after _LINK (e.g. nested parentheses in the URL) is unsafe.
_UNSAFE_SCHEME = re.compile(r"\]\(\s*(?!(?:https?|mailto):)(?=[a-zA-Z][a-zA-Z0-9+.-]*:)", re.I)
_REF_DEFINITION = re.compile(r"^(\s{0,3})(\[[^\]]*\]:)", re.M)
_ABBR_DEFINITION = re.compile(r"^(\s*)\*\[", re.M)
_HEADING_LINE = re.compile(r"^(\s{0,3})(#|=+\s*$|-{3,}\s*$)", re.M)
_TEXT_SPECIALS = re.compile(r"([\\`*_\[\]{}#|>~])")


def escape_text(text: str) -> str:
    """Plain text as Markdown that renders exactly that text (for names, headlines, quotes)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _TEXT_SPECIALS.sub(r"\\\1", text)
    # A leading "1. ", "-" or "+" would start a list.
    text = re.sub(r"^(\s*)([0-9]+)\.(?=\s)", r"\1\2\\.", text)
    return re.sub(r"^(\s*)([-+])", r"\1\\\2", text)


def inline(text: str) -> str:
    """Fold line breaks so the text stays within one list item or table cell."""
    return " ".join(text.split())


def sanitize(prose: str) -> str:
    """Editor Markdown made inert: no raw HTML, no unsafe links, no injected structure."""
    text = prose.replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace("{", "\\{").replace("}", "\\}")  # attr_list could add onclick=…
    text = _LINK.sub(_safe_link, text)
    text = _UNSAFE_SCHEME.sub(r"\\](", text)  # no longer a link, shown as text
    text = _REF_DEFINITION.sub(r"\1\\\2", text)
    text = _ABBR_DEFINITION.sub(r"\1\\*[", text)
    return _HEADING_LINE.sub(r"\1\\\2", text)


def _safe_link(match: re.Match[str]) -> str:
    bang, label, url, title = match.groups()
    if bang or not _SAFE_URL.match(url):
        return label  # images and javascript:/data: links keep only their text
    return match.group(0)


@dataclass(frozen=True)
class Target:
    """Where a name points: a page (relative to docs/) and what it is."""

    key: str
    page: str
    title: str


class Matcher:
    """Every name of every target, compiled into one expression."""

    def __init__(self, names: Iterable[tuple[str, Target]]):
        self.targets: dict[str, Target] = {}
        for name, target in names:
            self.targets.setdefault(name, target)
        ordered = sorted(self.targets, key=lambda n: (-len(n), n))
        alternation = "|".join(re.escape(n) for n in ordered) or r"(?!x)x"
        self.pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")

    def find(self, text: str) -> Iterator[tuple[int, int, Target]]:
        """(start, end, target) of every name in `text` outside protected spans."""
        position = 0
        for protected in _PROTECTED.finditer(text):
            yield from self._find_in(text, position, protected.start())
            position = protected.end()
        yield from self._find_in(text, position, len(text))

    def _find_in(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, Target]]:
        for match in self.pattern.finditer(text, start, end):
            yield match.start(), match.end(), self.targets[match.group(0)]


def relative(from_page: str, to: str) -> str:
    """A link from one docs/ page to another page (with an optional #anchor)."""
    path, _, anchor = to.partition("#")
    here = posixpath.dirname(from_page)
    link = posixpath.relpath(path, here) if path != from_page else ""
    return f"{link}#{anchor}" if anchor else link


class PageLinker:
    """Links the first mention of each target per section of one page."""

    def __init__(self, matcher: Matcher, page: str, self_keys: Iterable[str] = ()):
        self.matcher = matcher
        self.page = page
        self.self_keys = set(self_keys)
        self.seen: dict[str, set[str]] = {}

    def prose(self, text: str, section: str) -> str:
        """Sanitised Markdown with first mentions linked, for a block of prose."""
        return self._link(sanitize(text), section)

    def line(self, text: str, section: str) -> str:
        """Like prose(), folded onto one line (list items, table cells)."""
        # Pipes are escaped so the text can sit in a table cell.
        return self._link(sanitize(inline(text)).replace("|", "\\|"), section)

    def _link(self, text: str, section: str) -> str:
        seen = self.seen.setdefault(section, set())
        out, position = [], 0
        for start, end, target in self.matcher.find(text):
            if target.key in seen or target.key in self.self_keys:
                continue
            seen.add(target.key)
            out.append(text[position:start])
            out.append(f"[{text[start:end]}]({relative(self.page, target.page)})")
            position = end
        out.append(text[position:])
        return "".join(out)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def sentences_naming(matcher: Matcher, text: str) -> Iterator[tuple[Target, str]]:
    """(target, sentence) for each target named in `text`, once per sentence."""
    for sentence in _SENTENCE_END.split(inline(text)):
        named = {target.key: target for _, _, target in matcher.find(sentence)}
        for target in named.values():
            yield target, sentence


def actor_target(actor) -> Target:
    """The link target for an actor's page."""
    return Target(f"actor:{actor.id}", actor.page, actor.name)


def term_target(term) -> Target:
    """The link target for a term: its actor's page when it names one, else its entry."""
    if term.actor is not None:
        return actor_target(term.actor)
    return Target(f"term:{term.id}", term.page, term.term)


def briefing_matcher(briefing) -> Matcher:
    """A matcher for every actor name and alias and every glossary term form."""
    names: list[tuple[str, Target]] = []
    for actor in briefing.actors:
        names += [(name, actor_target(actor)) for name in actor.names]
    for term in briefing.terms:
        forms = [term.term, *term.aliases] + ([term.expansion] if term.expansion else [])
        names += [(form, term_target(term)) for form in forms]
    return Matcher(names)
