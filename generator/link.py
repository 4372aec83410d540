"""Find actor and term names in prose, link them, and keep prose inert.

One compiled regular expression holds every name and alias, longest first,
so a text is scanned once whatever the number of names (Python's `re` tries
the alternatives at each position; see benchmarks/ for how that scales).

Prose from seed files is Markdown written by editors, and it ends up on a
public site, so before linking it is made inert: raw HTML is escaped, links
to anything but http(s) or mailto addresses are reduced to their text, stray
brackets and indentation are escaped or dropped (no nested link, no deep
nesting for Python-Markdown to recurse into), and the Markdown extensions
that could inject markup or files (attribute lists, abbreviation
definitions, snippets) are neutralised.
"""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

# Spans of Markdown that must not be linked into: links/images, code, autolinks.
_PROTECTED = re.compile(
    # [text](url): the URL part may hold balanced (...) groups.  Written so that no
    # two quantifiers can match the same characters: hostile prose such as
    # "[a](" followed by a megabyte without ")" must not backtrack quadratically.
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\([^()]*(?:\([^()]*\)[^()]*)*\)"
    r"|`+[^`]*`+"  # inline code
)
_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s>]*)>?((?:\s+\"[^\"]*\")?)\s*\)")
# Prose may link out to the web or to an address, nowhere else: javascript:/data: links
# would run, and relative links or #anchors would break on some page that shows the text.
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)", re.I)
# A link (as _LINK) or a lone bracket: brackets outside kept links are escaped, so no
# link can hide inside another, and Python-Markdown (quadratic on unmatched brackets)
# never sees a run of them.
_LINK_OR_BRACKET = re.compile(_LINK.pattern + r"|([\[\]])")
_INDENT = re.compile(r"^[ \t]+", re.M)
# Headings, setext underlines and rules ("---", "* * *", "___"): prose adds no structure.
_HEADING_LINE = re.compile(r"^(\s{0,3})(#|=+\s*$|(?:[-*_][ \t]*){3,}$)", re.M)
# A second block marker right after a line's first one ("- - x", "> # x", "1. 2. x"):
# nested lists and quotes on one line, or a heading inside them.  Only the first is kept;
# hundreds of them would make Python-Markdown recurse past Python's limit.
_STACKED_MARKER = re.compile(r"^((?:[-*+]|[0-9]+\.)[ \t]+|>[ \t]*)(#|>|[-*+](?=[ \t])|[0-9]+\.(?=[ \t]))", re.M)
# Only characters Python-Markdown (with `tables`) lets a backslash escape: "\~" would show its backslash.
_TEXT_SPECIALS = re.compile(r"([\\`*_\[\]{}#|>])")


def escape_text(text: str) -> str:
    """Plain text as Markdown that renders exactly that text (for names, headlines, quotes)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _TEXT_SPECIALS.sub(r"\\\1", text)
    # A leading "1. ", "-" or "+" would start a list.
    text = re.sub(r"^(\s*)([0-9]+)\.(?=\s)", r"\1\2\\.", text)
    return re.sub(r"^(\s*)([-+])", r"\1\\\2", text)


# What Python-Markdown keeps as an HTML character reference: "&amp;" reaches the browser as "&".
CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);", re.I)
# In an autolink <…>, ASCII that Markdown or HTML would read rather than show: the
# autolink's end, code, a table cell's end, escapes, an attribute's quote.
_AUTOLINK_SPECIALS = frozenset(' <>`|\\"{}^')
# "scheme://host" (with user and port): up to where the path, query or fragment starts.
_AUTHORITY = re.compile(r"[^:/?#]*://[^/?#]*")


def autolink(url: str) -> str:
    """An http(s) URL as a Markdown autolink that makes exactly one link, to exactly `url`.

    The loader refuses URLs holding anything Markdown would read here
    (validate.url_problem), so a checked URL comes out unchanged; this is the
    second line of defence: whatever is left is %-encoded, so the link can
    neither end early nor hold another.  [ and ] are encoded after the host
    (before it they enclose an IPv6 address); ( and ) stay, as nothing in an
    autolink reads them once no [ is left to open a link.
    """
    authority = _AUTHORITY.match(url)
    path_start = authority.end() if authority else 0
    out = []
    for index, char in enumerate(url):
        if (
            char in _AUTOLINK_SPECIALS
            or char.isspace()
            or not char.isprintable()
            or (char in "[]" and index >= path_start)
            or (char == "&" and CHARACTER_REFERENCE.match(url, index))
        ):
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
        else:
            out.append(char)
    return "<" + "".join(out) + ">"


def inline(text: str) -> str:
    """Fold line breaks so the text stays within one list item or table cell."""
    return " ".join(text.split())


def sanitize(prose: str) -> str:
    """Editor Markdown made inert: no raw HTML, no unsafe links, no injected structure."""
    # Backslashes are text, as in escape_text(): an editor's "\\[" must not undo ours.
    text = prose.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace("{", "\\{").replace("}", "\\}")  # attr_list could add onclick=…
    # No indented code or nested lists: Python-Markdown recurses once per level.
    text = _INDENT.sub("", text)
    # Escaped brackets also rule out reference and abbreviation definitions ("*[X]: …").
    text = _LINK_OR_BRACKET.sub(_safe_link, text)
    text = _HEADING_LINE.sub(r"\1\\\2", text)
    return _STACKED_MARKER.sub(_escape_second_marker, text)


def _escape_second_marker(match: re.Match[str]) -> str:
    first, second = match.groups()
    if second[0].isdigit():
        return first + second[:-1] + "\\."  # "2." -> "2\.": a digit cannot be escaped
    return first + "\\" + second


def _safe_link(match: re.Match[str]) -> str:
    bang, label, url, _title, bracket = match.groups()
    if bracket:
        return "\\" + bracket
    label = re.sub(r"([\[\]])", r"\\\1", label)
    if bang or not _SAFE_URL.match(url):
        return label  # images and javascript:/data: links keep only their text
    return f"[{label}]({url})"  # the title, if any, is dropped


@dataclass(frozen=True)
class Target:
    """Where a name points: a page (relative to docs/) and what it is."""

    key: str
    page: str
    title: str


# A name is a whole word: no letter, digit, "_" or "-" just before or after it.  In
# sanitised prose (see prose_form) a name cannot start just after "&" either: every "&"
# there begins an entity (&amp; or &lt;), and "amp" or "lt" inside one is no mention.
_WHOLE_WORD = r"(?<![\w-])(?:{})(?![\w-])"
_WHOLE_WORD_IN_PROSE = r"(?<![\w&-])(?:{})(?![\w-])"


def prose_form(name: str) -> str:
    """`name` as it reads in prose after sanitize(): the escapes that apply anywhere in a line.

    "Bosnia & Herzegovina" reads "Bosnia &amp; Herzegovina" there, "Group [A]"
    reads "Group \\[A\\]"; PageLinker matches these forms, so such names are
    linked in prose as names without those characters are.
    """
    text = name.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace("{", "\\{").replace("}", "\\}")
    return re.sub(r"([\[\]])", r"\\\1", text)


def compile_names(names: list[str], template: str) -> re.Pattern[str]:
    """`template` (with one "{}") compiled around an expression matching any of `names`, the longest first.

    The names are arranged as a trie ("Ivan|Ivanov|Iran" becomes
    "I(?:ran|van(?:ov)?)"): a flat alternation makes `re` try every name at
    every word start, so its cost grows with the number of names, while the
    trie is walked one character at a time.  Greedy `?` tries the longer name
    first and falls back to the shorter one when the end-of-word check fails,
    exactly as the longest-first alternation did.  Where the trie nests too
    deep for `re` (thousands of nested prefixes), it is the flat alternation,
    longest name first.
    """
    try:
        body = _trie_regex(_trie(names)) if names else r"(?!x)x"
        return re.compile(template.format(body))
    except (RecursionError, re.error, OverflowError):
        ordered = sorted(names, key=lambda n: (-len(n), n))
        return re.compile(template.format("|".join(re.escape(n) for n in ordered)))


def _trie(names: list[str]) -> dict:
    """A character trie of `names`; the key "" marks where a name ends."""
    root: dict = {}
    for name in names:
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return root


def _trie_regex(node: dict) -> str:
    """The trie below `node` as a regular expression (single-child chains kept literal)."""
    branches = []
    for char in sorted(k for k in node if k):
        chain, child = char, node[char]
        while len(child) == 1 and "" not in child:  # one way on: no choice to encode
            (next_char, child), = child.items()
            chain += next_char
        branches.append(re.escape(chain) + _trie_regex(child))
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
    return group + "?" if "" in node else group


class Matcher:
    """Every name of every target, compiled into one expression.

    `in_prose`: match the names as they read in sanitised prose (prose_form),
    for PageLinker; otherwise as written, for plain text.
    """

    def __init__(self, names: Iterable[tuple[str, Target]], in_prose: bool = False):
        self.targets: dict[str, Target] = {}
        for name, target in names:
            self.targets.setdefault(prose_form(name) if in_prose else name, target)
        self.pattern = compile_names(list(self.targets), _WHOLE_WORD_IN_PROSE if in_prose else _WHOLE_WORD)

    def find(self, text: str) -> Iterator[tuple[int, int, Target]]:
        """(start, end, target) of every name in `text` outside protected spans."""
        position = 0
        for protected in _PROTECTED.finditer(text):
            yield from self._find_in(text, position, protected.start())
            position = protected.end()
        # Most prose has no protected span: scan it here, one generator level less.
        targets = self.targets
        for match in self.pattern.finditer(text, position, len(text)):
            yield match.start(), match.end(), targets[match.group(0)]

    def _find_in(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, Target]]:
        for match in self.pattern.finditer(text, start, end):
            yield match.start(), match.end(), self.targets[match.group(0)]


# Pages sit in a few folders, so the same few thousand links recur on every page.
_relpath = functools.lru_cache(maxsize=1 << 17)(posixpath.relpath)
_dirname = functools.lru_cache(maxsize=1 << 12)(posixpath.dirname)


def relative(from_page: str, to: str) -> str:
    """A link from one docs/ page to another page (with an optional #anchor)."""
    path, _, anchor = to.partition("#")
    link = _relpath(path, _dirname(from_page)) if path != from_page else ""
    return f"{link}#{anchor}" if anchor else link


class PageLinker:
    """Links the first mention of each target per section of one page.

    `matcher` matches names in their prose form (Matcher(..., in_prose=True)),
    since the text is sanitised before it is searched.
    """

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
        # Pipes are escaped so the text can sit in a table cell (after linking, so that a
        # name with a pipe still reads as its prose form; links add no pipes).
        return self._link(sanitize(inline(text)), section).replace("|", "\\|")

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


# A sentence ends at . ! or ? before a capital, but not after an initial or a title:
# "the U.S. Army", "J. Smith", "Gen. Petraeus" (fixed-width look-behinds, one per length).
_NOT_AFTER = ("(?<!\\b[A-Z]\\.)", "(?<!\\b(?:Mr|Dr|St|Lt|No|vs)\\.)",
              "(?<!\\b(?:Mrs|Gen|Col|Sen|Rep|Gov|Maj|Sgt|Amb)\\.)", "(?<!\\b(?:Prof|Capt|Pres)\\.)")
_SENTENCE_END = re.compile(r"(?<=[.!?])" + "".join(_NOT_AFTER) + r"\s+(?=[A-Z“\"(])")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, folded onto one line."""
    return _SENTENCE_END.split(inline(text))


def names_per_sentence(matcher: Matcher, text: str) -> list[tuple[int, list[Target]]]:
    """(index in sentences(text), the targets it names) for each sentence naming any."""
    flat = inline(text)
    found = None if "[" in flat or "`" in flat else _names_by_sentence(matcher, flat)
    if found is None:
        found = [{t.key: t for _, _, t in matcher.find(s)} for s in _SENTENCE_END.split(flat)]
    return [(index, list(named.values())) for index, named in enumerate(found) if named]


def _names_by_sentence(matcher: Matcher, flat: str) -> list[dict[str, Target]] | None:
    """Like searching each sentence on its own, in one pass over the whole text.

    Only for text without protected spans (which a sentence break could cut
    in two); None when a name runs across a sentence break, where searching
    sentence by sentence would find something else.
    """
    breaks = list(_SENTENCE_END.finditer(flat))
    starts = [0] + [b.end() for b in breaks]
    ends = [b.start() for b in breaks] + [len(flat)]
    named: list[dict[str, Target]] = [{} for _ in starts]
    for start, end, target in matcher.find(flat):
        index = bisect.bisect_right(starts, start) - 1
        if end > ends[index]:
            return None
        named[index][target.key] = target
    return named


def actor_target(actor) -> Target:
    """The link target for an actor's page."""
    return Target(f"actor:{actor.id}", actor.page, actor.name)


def term_target(term) -> Target:
    """The link target for a term: its actor's page when it names one, else its entry."""
    if term.actor is not None:
        return actor_target(term.actor)
    return Target(f"term:{term.id}", term.page, term.term)


def briefing_matcher(briefing, in_prose: bool = False) -> Matcher:
    """A matcher for every actor name and alias and every glossary term form (see Matcher)."""
    names: list[tuple[str, Target]] = []
    for actor in briefing.actors:
        names += [(name, actor_target(actor)) for name in actor.names]
    for term in briefing.terms:
        forms = [term.term, *term.aliases] + ([term.expansion] if term.expansion else [])
        names += [(form, term_target(term)) for form in forms]
    return Matcher(names, in_prose)
