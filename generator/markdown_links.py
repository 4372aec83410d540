"""Python-Markdown's inline links, same output, without reading every link a character at a time.

A briefing page is mostly links: 240,000 of them in a 1,000-article
briefing.  Stock Python-Markdown finds each `[text](url "title")` with two
loops over its characters in Python (`getText` for the brackets, `getLink`
for the parentheses, which tracks nested brackets and quotes), and it
reads every link's text twice: the `reference` pattern, tried first, reads
it before finding that no `[id]` follows.  Reading them in one step makes
Python-Markdown about a tenth faster on a generated page.

The generator writes links of one plain form: a text without brackets, an
address without spaces, brackets, quotes, `<` or backslashes, and at most a
title in double quotes without quotes or parentheses.  For exactly that
form one regular expression finds what the loops find, and the element is
made by the stock code from it; anything else (nested brackets, `<url>`,
single-quoted titles, spaces) goes to the stock loops.  mkdocs.yml lists
this module beside the others; `tests/test_markdown_links.py` converts the
seed site, a synthetic corpus and the loops' own edge cases with both and
compares.
"""

from __future__ import annotations

import re

from markdown import inlinepatterns
from markdown.extensions import Extension

# The link's text up to the first "]", when no "[" comes before it: the loop then ends there too.
_PLAIN_TEXT = re.compile(r"[^\[\]]*\]")
# "(address)" or '(address "title")', with nothing in them the loop treats specially.
_PLAIN_LINK = re.compile(r'\(([^\s()\'"<>\\]*)(?: "([^"\'()\\]*)")?\)')


class _PlainText:
    """getText with the plain case read by one regular expression (stock loop otherwise)."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 (Python-Markdown's name)
        """The text between `[` and its `]`: (text, index after `]`, found)."""
        plain = _PLAIN_TEXT.match(data, index)
        if plain is None:
            return super().getText(data, index)
        return data[index:plain.end() - 1], plain.end(), True


class LinkInlineProcessor(_PlainText, inlinepatterns.LinkInlineProcessor):
    """`[text](url "title")` as the stock processor reads it."""

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        """(href, title or None, index after `)`, found), as the stock method gives them."""
        plain = _PLAIN_LINK.match(data, index)
        if plain is None:
            return super().getLink(data, index)
        href, title = plain.group(1), plain.group(2)
        if title is not None:  # the stock method's clean-up of a title it found
            title = self.RE_TITLE_CLEAN.sub(" ", inlinepatterns.dequote(self.unescape(title.strip())))
        return self.unescape(href).strip(), title, plain.end(), True


class ReferenceInlineProcessor(_PlainText, inlinepatterns.ReferenceInlineProcessor):
    """`[text][id]` as the stock processor reads it (it reads every link's text first)."""


# The stock patterns' names and priorities (Python-Markdown's inlinepatterns.build_inlinepatterns).
_REPLACED = (("reference", ReferenceInlineProcessor, 170), ("link", LinkInlineProcessor, 160))


class LinksExtension(Extension):
    """Puts the processors above in place of the stock `reference` and `link` ones, same names and order."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        """Replace the two stock patterns, with their own expressions and priorities."""
        for name, processor, priority in _REPLACED:
            md.inlinePatterns.register(processor(md.inlinePatterns[name].pattern, md), name, priority)


def makeExtension(**kwargs) -> LinksExtension:  # noqa: N802 (Python-Markdown's name)
    """Entry point for Python-Markdown: `markdown_extensions: [generator.markdown_links]`."""
    return LinksExtension(**kwargs)
