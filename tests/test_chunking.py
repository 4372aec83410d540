"""A page converted in pieces (generator/chunking.py, generator/piecewise.py) is the page converted whole.

The fast route keeps a large page's body as pieces, each converted by MkDocs
on its own, so an edit converts again only the pieces it changed.  These
tests convert pages both ways with this repository's mkdocs.yml and compare
everything MkDocs takes from a render, byte for byte: the body, the table of
contents, the title, the anchors and the links to anchors.  Pieces are made
far smaller than in a build, so nearly every place a cut may fall is cut.
"""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, make_project
from generator import chunking, fastroute, pipeline
from generator.piecewise import PageRenderer, body

sys.path.insert(0, str(REPO / "benchmarks"))

from make_corpus import make_corpus  # noqa: E402

COMPARED = ("toc", "title", "anchors", "links_to_anchors")


def renderer(project: pipeline.Project, monkeypatch) -> PageRenderer:
    """A renderer for the generated project, as a build of it would make one."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    pipeline.generate(project)
    monkeypatch.chdir(project.root)  # the glossary feed's path is relative, as in a build
    config = load_config(str(project.root / "mkdocs.yml"))
    return PageRenderer(config, get_files(config), "test")


def pages(project: pipeline.Project) -> dict[str, tuple[str, dict]]:
    from mkdocs.utils import meta

    found = fastroute.untouched_pages(project.root, project.root / "docs")
    return {src: meta.get_data(data.decode("utf-8")) for src, data in found.items()}


def assert_same(whole: dict, cut: dict, what: str) -> None:
    assert body(cut) == body(whole), what
    for name in COMPARED:
        assert cut[name] == whole[name], f"{what}: {name}"


def small_pieces(monkeypatch, size: int) -> None:
    monkeypatch.setattr(chunking, "PIECE_BYTES", size)
    monkeypatch.setattr(chunking, "MIN_PAGE_BYTES", 0)


@pytest.mark.parametrize("seeds,size", [("seeds", 1), ("corpus-200", 1024)])
def test_every_generated_page_in_pieces_is_the_page_converted_whole(seeds, size, tmp_path, monkeypatch):
    if seeds == "seeds":
        project = make_project(tmp_path / "p", REPO / "seeds")
    else:
        make_corpus(tmp_path / "corpus", 200)
        project = make_project(tmp_path / "p", tmp_path / "corpus" / "seeds")
    render = renderer(project, monkeypatch)
    small_pieces(monkeypatch, size)
    in_pieces = 0
    for src, (markdown, page_meta) in pages(project).items():
        whole = render.entry(src, markdown, page_meta, whole=True)
        cut = render.entry(src, markdown, page_meta)
        assert whole is not None and cut is not None, src
        assert_same(whole, cut, src)
        in_pieces += len(cut["pieces"]) > 1
    assert in_pieces >= 0.9 * len(pages(project))  # the comparison was not of whole pages with themselves


def test_an_edit_converts_only_the_pieces_it_changed(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p", REPO / "seeds")
    render = renderer(project, monkeypatch)
    small_pieces(monkeypatch, 2048)
    markdown, page_meta = pages(project)["stances.md"]
    last = render.entry("stances.md", markdown, page_meta)
    assert len(last["pieces"]) > 4
    rows = [line for line in markdown.split("\n") if line.startswith("| [")]
    edited = markdown.replace(rows[len(rows) // 2], rows[len(rows) // 2].replace("|", "| Edited", 2), 1)
    before = render.converted
    again = render.entry("stances.md", edited, page_meta, last)
    assert 1 <= render.converted - before <= 2  # the edited piece (and the next, if a cut moved)
    assert_same(render.entry("stances.md", edited, page_meta, whole=True), again, "edited")
    before = render.converted
    assert render.entry("stances.md", markdown, page_meta, again) is not None
    assert render.converted - before <= 2


# Random pages: every kind of block the cuts must respect, with glossary terms in them.

def random_page(rng: random.Random, terms: list[str], links: list[str]) -> str:
    def words(n: int) -> str:
        chosen = [rng.choice(terms) if rng.random() < 0.25 else rng.choice(["alpha", "beta", "talks", "aid"])
                  for _ in range(n)]
        if rng.random() < 0.4:
            chosen.insert(rng.randrange(len(chosen) + 1), f"[{rng.choice(terms)} link]({rng.choice(links)} \"about {rng.choice(terms)}\")")
        return " ".join(chosen)

    def block() -> str:
        kind = rng.randrange(19)
        if kind == 0:
            return f"{'#' * rng.randint(1, 3)} {rng.choice(['Heading', 'Same', words(2)])}"
        if kind == 1:
            return "\n".join(f"- {words(4)}" + ("\n    - " + words(2) if rng.random() < 0.3 else "")
                             for _ in range(rng.randint(1, 6)))
        if kind == 2:
            rows = "\n".join(f"| {words(2)} | {words(3)} |" for _ in range(rng.randint(1, 8)))
            return f"| Term | {rng.choice(terms)} |\n|:---|---:|\n{rows}"
        if kind == 3:
            return f'<div class="box">\n<p>{words(3)}</p>\n</div>'
        if kind == 4:
            return f"!!! note\n    {words(5)}"
        if kind == 5:
            return f"    code {words(2)}"  # after a paragraph: code; after a list: part of its last item
        if kind == 6:
            return f"{words(4)}\n{{: #{rng.choice(['same', 'other'])} }}"
        if kind == 7:
            return f"1. {words(3)}\n2. {words(2)}"
        if kind == 8:
            return f"> {words(4)}"
        if kind == 9:
            return f"??? info \"More\"\n    - {words(3)}"
        if kind == 10:
            return f"<!-- {words(2)} -->"
        if kind == 11:
            return f"{words(3)}\n- {words(2)}"  # a list line inside a paragraph
        if kind == 12:
            return f"{words(2)}\n{rng.choice(['===', '---'])}"  # a setext heading
        if kind == 13:
            return rng.choice(["---", "* * *", "- - -"])
        if kind == 14:
            return f"{rng.choice('*+')} {words(2)}\n{rng.choice('*+-')} {words(2)}\nlazy {words(1)}"
        if kind == 15:
            return f"## {words(1)} {{#{rng.choice(['same', 'heading', 'other'])}}}"
        if kind == 16:
            return f"{words(2)} <span>{words(1)}</span> &amp; \\*not\\* *em {words(1)}*  \n{words(2)}"
        if kind == 17:
            return f"- {words(2)}\n\n    {words(3)}"  # a loose item with a second paragraph
        return words(rng.randint(3, 12))

    gaps = ["\n\n", "\n\n", "\n\n\n", "\n"]
    return "".join(block() + rng.choice(gaps) for _ in range(rng.randint(3, 30)))


RANDOM_PAGES = int(os.environ.get("BRIEFING_RANDOM_PAGES", "300"))


def test_random_pages_in_pieces_are_the_pages_converted_whole(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p", FIXTURES / "mini" / "seeds")
    render = renderer(project, monkeypatch)
    small_pieces(monkeypatch, 1)
    terms = re.findall(r"^\*\[(.+?)\]:", (project.root / "includes" / "abbreviations.md").read_text(encoding="utf-8"), re.M)
    assert terms
    links = [src for src in pages(project) if src.startswith("actors/")][:5]
    links = [os.path.relpath(src, "articles").replace(os.sep, "/") for src in links]
    src = next(path for path in pages(project) if path.startswith("articles/"))
    rng = random.Random(int(os.environ.get("BRIEFING_RANDOM_SEED", "11")))
    cut_pages = 0
    for number in range(RANDOM_PAGES):
        markdown = random_page(rng, terms, links)
        whole = render.entry(src, markdown, {}, whole=True)
        cut = render.entry(src, markdown, {})
        assert (whole is None) == (cut is None), markdown
        if whole is not None:
            assert_same(whole, cut, f"random page {number}:\n{markdown}")
            cut_pages += len(cut["pieces"]) > 1
            # An edit that moves a term's first use: the pieces kept from `cut` still join into the page.
            term = rng.choice(terms)
            edited = markdown.replace(term, "aid", 1) if term in markdown else f"{term} first.\n\n{markdown}"
            again = render.entry(src, edited, {}, cut)
            whole = render.entry(src, edited, {}, whole=True)
            assert (whole is None) == (again is None), edited
            if whole is not None:
                assert_same(whole, again, f"random page {number}, edited:\n{edited}")
    assert cut_pages > RANDOM_PAGES // 4  # the others hold what is never cut (raw HTML inside a block)


def test_a_term_met_earlier_converts_again_only_the_pieces_that_use_it(tmp_path, monkeypatch):
    # The first use of a glossary term is underlined once per section: an edit that makes a term's
    # first use earlier changes the section's pieces that use it after, and only those.
    project = make_project(tmp_path / "p", REPO / "seeds")
    render = renderer(project, monkeypatch)
    small_pieces(monkeypatch, 2048)
    markdown, page_meta = pages(project)["stances.md"]
    terms = re.findall(r"^\*\[(.+?)\]:", (project.root / "includes" / "abbreviations.md").read_text(encoding="utf-8"), re.M)
    last = render.entry("stances.md", markdown, page_meta)
    sections = re.split(r"(?m)^(?=## )", markdown)
    largest = max(range(1, len(sections)), key=lambda n: len(sections[n]))
    heading_line, rest = sections[largest].split("\n", 1)
    used = [term for term in terms if re.search(rf"\b{re.escape(term)}\b", rest)]
    term = min(used, key=lambda t: rest.count(t))  # a term few of the section's pieces use
    sections[largest] = f"{heading_line}\n\nOn {term}, first.\n{rest}"
    edited = "".join(sections)
    before = render.converted
    again = render.entry("stances.md", edited, page_meta, last)
    assert_same(render.entry("stances.md", edited, page_meta, whole=True), again, "edited")
    pieces_using = sum(1 for _key, done in again["pieces"] if term in done["met"])
    # The new piece, the next one if a cut moved, and those using the term (9 of 35 before this rule).
    assert render.converted - before <= 2 + pieces_using < len(again["pieces"]) // 2


@pytest.mark.parametrize("page", [
    "Text\n\n[TOC]\n\n## A\n\nmore\n",
    "See [x][ref].\n\n[ref]: https://example.org\n\nmore\n",
    "The NATO plan.\n\n*[NATO]: North Atlantic Treaty Organization\n\nmore\n",
    "A\tB\n\nmore\n",
    "<div>\n\nopen across a blank line\n\n</div>\n\nmore\n",
])
def test_a_page_read_as_a_whole_is_not_cut(page, monkeypatch):
    small_pieces(monkeypatch, 1)
    assert chunking.pieces(page) is None


def test_no_cut_falls_where_the_next_block_continues_the_last(monkeypatch):
    small_pieces(monkeypatch, 1)
    page = "Para\n\n    code\n\n- a\n- b\n\n- c\n\n> quote\n\n> more\n\n{: .x }\n\n1. one\n\nend\n"
    found = chunking.pieces(page)
    starts = [piece.markdown.split("\n", 1)[0] for piece in found]
    assert starts == ["Para", "- b", "end"]  # not before code, a list, a quote, attributes or an ordered list
    assert [piece.opens for piece in found] == ["", "list", ""]
    assert [piece.closes for piece in found] == ["list", "", ""]


def test_a_piece_that_starts_inside_a_table_repeats_its_header(monkeypatch):
    small_pieces(monkeypatch, 1)
    found = chunking.pieces("| A | B |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\n")
    assert [piece.markdown for piece in found] == ["| A | B |\n|---|:-:|\n| 1 | 2 |\n", "| A | B |\n|---|:-:|\n| 3 | 4 |\n"]
    assert (found[0].closes, found[1].opens) == ("table", "table")
    assert chunking.trim("<p>not a table</p>", found[1]) is None  # not shaped as expected: converted whole


def test_a_run_of_rows_whose_draws_make_no_cut_is_cut_at_the_bound(monkeypatch):
    # The same row draws the same each time: one that draws no cut, repeated, would be one
    # piece however long, and every edit in it would convert all of it again.
    monkeypatch.setattr(chunking, "PIECE_BYTES", 4096)
    monkeypatch.setattr(chunking, "MAX_PIECE_BYTES", 8192)
    monkeypatch.setattr(chunking, "MIN_PAGE_BYTES", 0)
    row = next(f"| row {n} | the same cells again |" for n in range(100)
               if not chunking._cut_here(f"| row {n} | the same cells again |"))
    page = "| A | B |\n|---|---|\n" + "\n".join([row] * 3000) + "\n"
    found = chunking.pieces(page)
    assert len(found) >= len(page) // 8192
    assert all(len(piece.markdown) <= 8192 + 2 * len(row) + 40 for piece in found)  # a cut after the unit that reached the bound
    assert "".join(piece.markdown.split("|---|---|\n", 1)[-1] for piece in found) == "\n".join([row] * 3000) + "\n"


def test_an_edit_moves_only_the_cuts_up_to_the_next_drawn_one(monkeypatch):
    monkeypatch.setattr(chunking, "PIECE_BYTES", 2048)
    monkeypatch.setattr(chunking, "MAX_PIECE_BYTES", 3000)  # close to the mean: many cuts are the bound's
    monkeypatch.setattr(chunking, "MIN_PAGE_BYTES", 0)
    rng = random.Random(7)
    items = [f"- item {n}: " + " ".join(rng.choice(["aid", "talks", "routes", "bases"]) for _ in range(rng.randint(5, 40)))
             for n in range(2000)]
    before = [piece.markdown for piece in chunking.pieces("# Title\n\n" + "\n".join(items) + "\n")]
    items[1000] += " and an edit"
    after = [piece.markdown for piece in chunking.pieces("# Title\n\n" + "\n".join(items) + "\n")]
    same_start = next(n for n, (old, new) in enumerate(zip(before, after)) if old != new)
    same_end = next(n for n, (old, new) in enumerate(zip(before[::-1], after[::-1])) if old != new)
    assert len(before) > 100
    assert len(after) - same_start - same_end <= 4  # pieces converted again: the edited one and a few bounded ones
