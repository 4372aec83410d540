"""Seed text as Markdown: escaped plain text, safe autolinks, and prose made inert.

Prose from seed files is Markdown written by editors, and it ends up on a
public site, so before linking it is made inert: raw HTML is escaped, links
to anything but http(s) or mailto addresses are reduced to their text, stray
brackets and indentation are escaped or dropped (no nested link, no deep
nesting for Python-Markdown to recurse into), and the Markdown extensions
that could inject markup or files (attribute lists, abbreviation
definitions, snippets) are neutralised.  names.py links names in the result.
"""

from __future__ import annotations

import functools
import re

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


# An explicit mention an editor types in prose: [Washington](@washington-dc) links the
# name to that actor (or term), [Washington](@) keeps it unlinked (names.PageLinker).
EXPLICIT = re.compile(r"\[([^\[\]]+)\]\(@([a-z0-9-]*)\)")


def plain_mentions(text: str) -> str:
    """Prose with each explicit mention reduced to its name: for data files, feeds and quoted sentences."""
    return EXPLICIT.sub(r"\1", text) if "](@" in text else text


def prose_form(name: str) -> str:
    """`name` as it reads in prose after sanitize(): the escapes that apply anywhere in a line.

    "Bosnia & Herzegovina" reads "Bosnia &amp; Herzegovina" there, "Group [A]"
    reads "Group \\[A\\]"; PageLinker matches these forms, so such names are
    linked in prose as names without those characters are.
    """
    text = name.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace("{", "\\{").replace("}", "\\}")
    return re.sub(r"([\[\]])", r"\\\1", text)


def escape_tooltip(text: str) -> str:
    """Tooltip text as the title of an abbreviation definition: shown literally by Material's tooltips.

    Material's `content.tooltips` sets a tooltip's innerHTML to the element's
    `title`, so the title's value must itself be HTML (text escaped once), and
    that HTML must survive the attribute (escaped again).  Python-Markdown
    writes a title's "&" as it is when it begins an entity, so both layers are
    written here: "<b>" becomes "&amp;lt;b&gt;", whose attribute value is
    "&lt;b>", which Material shows as "<b>".  Text without & < > " is unchanged.
    """
    as_html = text.replace("&", "&amp;").replace("<", "&lt;")
    return as_html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
LINK_TITLE_CHARS = 200  # a tooltip is a line, not a paragraph


def first_sentence(text: str) -> str:
    """The first sentence of `text`, on one line."""
    return " ".join(_SENTENCE_END.split(text.strip(), maxsplit=1)[0].split())


def title_attribute(text: str) -> str:
    """`text` as a title attribute's value in Markdown, for a link title `[x](url "title")` or
    raw `<abbr title="…">`: escaped as escape_tooltip does, and also ` and \\, which
    Python-Markdown would read inside a title, and |, which would end a table cell."""
    return escape_tooltip(text).replace("`", "&amp;#96;").replace("\\", "&amp;#92;").replace("|", "&amp;#124;")


# A Markdown link in prose, `[name](address)`: a hover title shows only its name.
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]*\)")


# Cached: every link to an actor or article carries the same title, tens of thousands of links
# to a few thousand descriptions and summaries (a tenth of rendering the pages, uncached).
@functools.lru_cache(maxsize=1 << 15)
def link_title(text: str) -> str:
    """The first sentence of `text`, cut at LINK_TITLE_CHARS, as a link's title (title_attribute).

    A title is plain text: explicit mentions and Markdown links read as their names."""
    line = first_sentence(_MARKDOWN_LINK.sub(r"\1", plain_mentions(text)))
    if len(line) > LINK_TITLE_CHARS:
        line = line[: LINK_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return title_attribute(line)
