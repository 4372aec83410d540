"""generator.markdown_links must write exactly what Python-Markdown's own link patterns write."""

from __future__ import annotations

import random

import pytest

from conftest import REPO, assert_pages_convert_alike, convert_with_and_without, corpus_pages, mkdocs_extensions

EXTENSION = "generator.markdown_links"


def convert_both(texts: list[str]) -> tuple[list[str], list[str]]:
    return convert_with_and_without(EXTENSION, texts)


def test_mkdocs_yml_lists_the_extension():
    """The site build uses it (both routes read mkdocs.yml), else this file tests nothing the reader gets."""
    assert "generator.markdown_links" in mkdocs_extensions()


# The stock loops' own cases: nesting, <url>, quotes of both kinds, unclosed titles, spaces.
EDGE_CASES = [
    "[a](u)", "[a]()", "[a](u \"t\")", "[a](u \"\")", "[a](u 't')", "[a](u \"it's\")", "[a](u \"t(x)\")",
    "[a](u(v))", "[a](u(v) \"t\")", "[a](<u v> \"t\")", "[a](<u>)", "[a]( u)", "[a](u )", "[a](u  \"t\")",
    "[a](u \"t\" )", "[a](u\"t\")", "[a](u \"t)", "[a](u \"t\"x\")", "[a](u \"x\" \"y\")", "[a](u\n\"t\")",
    "[a](u \"t\nx\")", "[a [b] c](u)", "[a [b](v) c](u)", "[a\\]](u)", "\\[a](u)", "[`a]`](u)", "[*a*](u)",
    "[a](u)x[b](v \"w\")", "[a](u&amp;v \"t &amp; s\")", "[a](u \"t &quot; s\")", "[a](u\\)v)", "[a](u \"t\\\"s\")",
    "[a][r]\n\n[r]: http://e \"T\"", "[a] [r]\n\n[r]: http://e", "[a]", "[a][]", "![i](s \"t\")", "![i [j]](s)",
    "[a](u", "[a](u \"t\"", "[a](#x \"t\")", "[a](../x.md#y \"t\")", "[a](http://e/?q=1&r=(2))",
    "| h | i |\n|---|---|\n| [a](u \"t\") | [b](v) |", "## [a](u \"t\") {#id}", "- [a](u \"t\")\n- [b](v)",
    "[a]\n(u)", "[a](\nu)", "[a](u\t\"t\")", "[\u00e9](\u00fc \"\u00e4\")", "[a](u \"t\u2019s\")",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_convert_as_with_the_stock_patterns(text):
    stock, ours = convert_both([text])
    assert ours == stock


def test_random_link_soup_converts_as_with_the_stock_patterns():
    """Random runs of the characters the loops treat specially, in and around links."""
    rng = random.Random(17)
    pieces = ["[", "]", "(", ")", "\"", "'", " ", "<", ">", "\\", "u", "t", "!", "\n", "`", "*", "&amp;", "x.md", "#a"]
    texts = []
    for _ in range(1500):
        middle = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        texts.append(rng.choice(["", "see ", "*e* "]) + "[" + middle + "](" + "".join(
            rng.choice(pieces) for _ in range(rng.randint(0, 12))) + rng.choice([")", "", " \"t\")"]))
    stock, ours = convert_both(texts)
    for text, expected, found in zip(texts, stock, ours):
        assert found == expected, text


def test_every_page_of_the_briefing_converts_as_with_the_stock_patterns():
    ours = assert_pages_convert_alike(EXTENSION, sorted((REPO / "docs").rglob("*.md")))
    assert sum(html.count("<a href=") for html in ours) > 1000  # the comparison is not vacuous


def test_a_200_article_corpus_converts_as_with_the_stock_patterns(tmp_path):
    pages = corpus_pages(tmp_path)
    assert_pages_convert_alike(EXTENSION, pages)
    assert len(pages) > 200
