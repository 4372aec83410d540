"""generator.markdown_abbr must write exactly what Python-Markdown's own `abbr` writes."""

from __future__ import annotations

import random
import time

import markdown
import pytest

from conftest import REPO

EXTENSIONS = ["attr_list", "tables", "toc", "admonition"]


def convert(text: str, abbr_module: str) -> str:
    return markdown.Markdown(extensions=[abbr_module, *EXTENSIONS]).convert(text)


def with_feed(page: str) -> str:
    # The abbreviation feed appended to the page: how the site fed stock abbr before.
    return page + "\n\n" + (REPO / "includes" / "abbreviations.md").read_text(encoding="utf-8")


PAGES = sorted(p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_the_glossary_file_gives_what_the_appended_feed_gave(page, monkeypatch):
    """mkdocs.yml's glossary_file (read once) against the feed appended to each page (parsed per page)."""
    monkeypatch.chdir(REPO)  # glossary_file is relative to the working directory, as MkDocs runs
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    from_file = markdown.Markdown(
        extensions=["generator.markdown_abbr", *EXTENSIONS],
        extension_configs={"generator.markdown_abbr": {"glossary_file": "includes/abbreviations.md"}},
    ).convert(text)
    assert from_file == convert(with_feed(text), "abbr")


def test_a_missing_glossary_file_is_named_when_a_page_is_converted():
    # Loading the extension must not need the file: MkDocs loads extensions to check
    # mkdocs.yml before the briefing plugin has generated it.
    md = markdown.Markdown(extensions=["generator.markdown_abbr"],
                           extension_configs={"generator.markdown_abbr": {"glossary_file": "no/such/file.md"}})
    with pytest.raises(FileNotFoundError, match="glossary_file 'no/such/file.md' cannot be read"):
        md.convert("Some text.")


@pytest.mark.parametrize("page", sorted(p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md")))
def test_every_page_of_the_briefing_converts_as_with_stock_abbr(page):
    text = with_feed((REPO / "docs" / page).read_text(encoding="utf-8"))
    ours = convert(text, "generator.markdown_abbr")
    assert ours == convert(text, "abbr")
    if page.startswith("articles/") and not page.endswith("index.md"):
        assert "<abbr title=" in ours  # the comparison is not vacuous


def test_random_texts_with_overlapping_abbreviations():
    """Prefixes, suffixes, punctuation, tables and nested inline markup, with many terms."""
    rng = random.Random(7)
    stems = ["CST", "CSTO", "CSTOs", "NATO", "NAT", "U.S.", "U.S", "UN", "UNODC", "UNO", "C++", "Rainbow 2", "Rainbow", "x-ray"]
    words = stems + ["and", "the", "*em*", "**strong**", "`code`", "(", ")", ",", ".", "-", "O", "S"]
    definitions = "\n\n".join(f"*[{stem}]: Meaning of {stem}" for stem in stems)
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.3:
                row = " | ".join(" ".join(rng.choice(words) for _ in range(3)) for _ in range(2))
                lines.append(f"| a | b |\n|---|---|\n| {row} |\n")
            else:
                lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 20))) + "\n")
        text = "\n".join(lines) + "\n" + definitions + "\n"
        assert convert(text, "generator.markdown_abbr") == convert(text, "abbr"), text


def test_a_large_table_with_a_large_glossary():
    """3,000 rows and 1,000 terms (the timings are printed, not asserted: see benchmarks/)."""
    terms = [f"TERM{n}X" for n in range(1000)]
    rows = "\n".join(f"| TERM{n % 1000}X event {n} | TERM7X |" for n in range(3000))
    text = "| a | b |\n|---|---|\n" + rows + "\n\n" + "\n\n".join(f"*[{t}]: {t} meaning" for t in terms) + "\n"
    timings = {}
    for module in ("abbr", "generator.markdown_abbr"):
        started = time.perf_counter()
        html = convert(text, module)
        timings[module] = time.perf_counter() - started
        assert html.count("<abbr title=") == 6000
    print(f"3,000 rows, 1,000 terms: stock {timings['abbr']:.2f} s, ours {timings['generator.markdown_abbr']:.2f} s")


@pytest.mark.parametrize("word", ["wzxhzdk", "klzzwxh", "hzzhzkh", "0", "42", "wzxhzdk:0"])
def test_markdown_placeholders_are_never_abbreviated(word):
    """Python-Markdown's placeholders (raw HTML, entities, escapes) stay whole whatever the glossary holds.

    The page has a comment and an entity (stashed as "\\x02wzxhzdk:N\\x03") and an
    escaped "*" ("\\x0242\\x03"); stock abbr splits them when an abbreviation is
    their word or number, leaving control characters and a stray <abbr>.
    """
    page = f"<!-- note -->\n\nA &lt;b&gt; and \\* star, and {word} as a word.\n\n*[{word}]: Marker\n"
    html = convert(page, "generator.markdown_abbr")
    assert "\x02" not in html and "\x03" not in html, html
    assert html.count("<abbr") == 1 and f'<abbr title="Marker">{word}</abbr> as a word' in html, html
    assert html.startswith("<!-- note -->") and "A &lt;b&gt; and * star" in html, html
