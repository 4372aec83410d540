"""generator.markdown_inline must write exactly what Python-Markdown's own inline processor writes."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown import inlinepatterns

from conftest import (REPO, assert_pages_convert_alike, convert_with_and_without, corpus_pages, mkdocs_extensions,
                      site_markdown)
from generator import markdown_inline

EXTENSION = "generator.markdown_inline"


def convert_both(texts: list[str]) -> tuple[list[str], list[str]]:
    """Each text converted with mkdocs.yml's extensions, without this one and with it."""
    return convert_with_and_without(EXTENSION, texts)


def test_mkdocs_yml_lists_the_extension():
    """The site build uses it (both routes read mkdocs.yml), else this file tests nothing the reader gets."""
    assert EXTENSION in mkdocs_extensions()
    assert isinstance(site_markdown().treeprocessors["inline"], markdown_inline.InlineProcessor)
    assert not isinstance(site_markdown(without=EXTENSION).treeprocessors["inline"], markdown_inline.InlineProcessor)


def test_every_pattern_of_the_site_has_a_known_need():
    """With the pinned Python-Markdown every pattern is skipped where it cannot match: an upgrade
    that changes an expression makes that pattern tried everywhere again, and fails here."""
    unknown = [type(pattern).__name__ for pattern in site_markdown().inlinePatterns
               if markdown_inline.needs(pattern) is None]
    assert unknown == []


def test_a_pattern_of_unknown_expression_is_tried_everywhere():
    """Another extension's pattern (an expression not in NEEDS) still applies, wherever it matches."""

    class Marked(inlinepatterns.SimpleTagInlineProcessor):
        pass

    class MarkExtension(markdown.Extension):
        def extendMarkdown(self, md):  # noqa: N802
            md.inlinePatterns.register(Marked(r"(=)=(.+?)==", "mark"), "mark", 65)

    html = markdown.markdown("a ==b== [c ==d==](u) ==e==", extensions=[MarkExtension(), "generator.markdown_inline"])
    assert html == '<p>a <mark>b</mark> <a href="u">c <mark>d</mark></a> <mark>e</mark></p>'
    assert markdown_inline.needs(Marked(r"(=)=(.+?)==", "mark")) is None


def test_another_extensions_inline_processor_is_left_in_place():
    """An extension loaded earlier that put its own inline processor there keeps it."""
    from markdown import treeprocessors

    class Theirs(treeprocessors.InlineProcessor):
        pass

    class TheirExtension(markdown.Extension):
        def extendMarkdown(self, md):  # noqa: N802
            md.treeprocessors.register(Theirs(md), "inline", 20)

    md = markdown.Markdown(extensions=[TheirExtension(), "generator.markdown_inline"])
    assert type(md.treeprocessors["inline"]) is Theirs
    assert md.convert("*a* [b](u)") == '<p><em>a</em> <a href="u">b</a></p>'


# Each pattern's own cases: its trigger alone, escaped, nested in others, at the start and end of a run.
EDGE_CASES = [
    "`a`", "``a ` b``", "\\`a`", "\\\\`a`", "a\\\\\\`b`", "`a", "a `[b](u)` c", "[a `b`](u)", "*`a`*",
    "\\*a\\*", "\\[a](u)", "a\\\\", "\\", "a\\", "\\<b>", "&amp;", "&#38;", "&#x26;", "& a", "&a", "&;", "a &copy; b",
    "<http://e/a>", "<https://e/a?b=1&c=2>", "<a@b.c>", "<mailto:a@b.c>", "< a@b.c>", "<b>a</b>", "<b a=\"1\">x</b>",
    "<!-- c -->", "a <!-- c --> b", "<?php x ?>", "<![CDATA[x]]>", "a < b > c", "a<b", "a  \nb", "a \nb", "a  ",
    "*a*", "**a**", "***a***", "_a_", "__a__", "a_b_c", "a * b * c", "*a _b_ c*", "[*a*](u)", "**[a](u)**",
    "![i](s)", "![i][r]\n\n[r]: s", "!a [b](u)", "![", "[a]", "[a][]", "[a] [b]", "[a][r]\n\n[r]: u", "a ![i](s \"t\") b",
    "| `a` | *b* |\n|---|---|\n| <b>c</b> | &amp; |", "## `a` *b* {#id}", "- `a`\n- *b*\n    - [c](u)",
    "!!! note \"*t*\"\n    `a` <b>b</b>", "??? note \"T\"\n    - [a](u) &amp; *b*", "*[CSTO]: x\n\nCSTO `CSTO` *CSTO*",
    "\u00e9 `\u00fc` *\u00e4*", "a\u2019s *b*", "\x02 a \x03", "klzzwxh:1", "\x02klzzwxh:0\x03 *a*",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_convert_as_with_the_stock_processor(text):
    stock, ours = convert_both([text])
    assert ours == stock


def test_random_inline_soup_converts_as_with_the_stock_processor():
    """Random runs of every pattern's trigger and the characters around them, in lists, tables and headings."""
    rng = random.Random(29)
    pieces = ["`", "\\", "[", "]", "(", ")", "<", ">", "&", ";", "#", "*", "_", "!", "  \n", "\n", "a", " ", "u",
              "http://e", "@", "amp", "x.md", "<b>", "</b>", "<!--", "-->", "\"t\"", "![", "](", "&amp;", "CSTO"]
    texts = []
    for _ in range(3000):
        middle = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 24)))
        texts.append(rng.choice(["", "- ", "## ", "| a | b |\n|---|---|\n| ", "> "]) + middle)
    stock, ours = convert_both(texts)
    for text, expected, found in zip(texts, stock, ours):
        assert found == expected, repr(text)


def test_every_page_of_the_briefing_converts_as_with_the_stock_processor():
    ours = assert_pages_convert_alike(EXTENSION, sorted((REPO / "docs").rglob("*.md")))
    assert sum(html.count("<a href=") for html in ours) > 1000  # the comparison is not vacuous
    assert sum(html.count("<strong>") + html.count("<code>") for html in ours) > 50


def test_a_200_article_corpus_converts_as_with_the_stock_processor(tmp_path):
    pages = corpus_pages(tmp_path)
    assert_pages_convert_alike(EXTENSION, pages)
    assert len(pages) > 200
