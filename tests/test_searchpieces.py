"""Search entries of a page in pieces (generator/searchpieces.py) are Material's for the whole page.

Pages are made at random from the shapes Python-Markdown and the generator
write (headings, paragraphs, lists and tables cut between items and rows,
empty kept elements that Material drops, code blocks, nested headings,
excluded blocks) and cut where chunking.py cuts: before a line that starts
with a tag.  Each page's entries from its pieces are compared with
searchindex.page_entries on the whole page: first with nothing kept, then
after an edit of one piece, with every other piece's kept text.
"""

from __future__ import annotations

import copy
import random
import re
from types import SimpleNamespace

import pytest

from generator import searchindex, searchpieces

WORDS = ["Russia", "NATO", "CSTO", "heroin", "border", "  ", "a&amp;b", "x &lt;y&gt;", "Kabul"]


def _words(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4)))


def _inline(rng: random.Random) -> str:
    """Text with, now and then, a kept element that may be empty (Material drops an empty one)."""
    parts = [_words(rng)]
    if rng.random() < 0.4:
        parts.append(f"<code>{_words(rng) if rng.random() < 0.7 else ''}</code>")
    if rng.random() < 0.3:
        parts.append(f'<a href="x.html">{_words(rng)}</a>')
    return " ".join(parts) if rng.random() < 0.8 else "".join(parts)


def _block(rng: random.Random, number: int) -> str:
    kind = rng.choice(["h", "p", "p", "ul", "table", "table", "pre", "nested", "excluded", "empty"])
    if kind == "h":
        return f'<h2 id="part-{number}">Part {number} {_words(rng)}</h2>'
    if kind == "p":
        return f"<p>{_inline(rng)}</p>"
    if kind == "empty":
        return rng.choice(["<p></p>", "<p> </p>", "<p><code></code></p>", "<ul>\n<li></li>\n</ul>"])
    if kind == "ul":
        return "<ul>\n" + "\n".join(f"<li>{_inline(rng)}</li>" for _ in range(rng.randint(1, 6))) + "\n</ul>"
    if kind == "table":
        rows = "\n".join(f"<tr>\n<td>{_inline(rng)}</td>\n<td>{_inline(rng)}</td>\n</tr>" for _ in range(rng.randint(1, 8)))
        return f"<table>\n<thead>\n<tr>\n<th>Who</th>\n<th>Said</th>\n</tr>\n</thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
    if kind == "pre":
        return f"<pre><code>{_words(rng)}\n   {_words(rng)}\n</code></pre>"
    if kind == "nested":
        return f'<div class="admonition">\n<h3 id="note-{number}">Note</h3>\n<p>{_inline(rng)}</p>\n</div>'
    return f"<div data-search-exclude>\n<p>{_inline(rng)}</p>\n</div>"


def _page_html(rng: random.Random) -> str:
    blocks = [f"<h1 id=\"title\">Page {_words(rng)}</h1>"] + [_block(rng, n) for n in range(rng.randint(1, 14))]
    return "\n".join(blocks) if rng.random() < 0.7 else "\n\n".join(blocks)


def _cut(html: str, rng: random.Random) -> list[dict]:
    """The HTML cut before some lines that start with a tag, as pieces ({"html", "gap"})."""
    starts = [m.start() for m in re.finditer(r"\n(?=<)", html)]
    cuts = sorted(rng.sample(starts, k=min(len(starts), rng.randint(1, 12)))) if starts else []
    edges = [0] + [at + 1 for at in cuts] + [len(html)]
    return [{"html": html[a:b], "gap": ""} for a, b in zip(edges, edges[1:]) if b > a]


def _page(html: str) -> SimpleNamespace:
    return SimpleNamespace(content=html, toc=[], url="stances/x/", meta={}, title="Stances")


def _entries(pieces: list[dict]) -> list[dict]:
    html = "".join(p["html"] + p["gap"] for p in pieces)
    return searchpieces.page_entries(_page(html), pieces, None)


@pytest.mark.parametrize("seed", range(300))
def test_entries_from_pieces_are_materials_for_the_whole_page(seed):
    rng = random.Random(seed)
    html = _page_html(rng)
    pieces = _cut(html, rng)
    assert len(pieces) >= 2
    assert _entries(pieces) == searchindex.page_entries(_page(html))

    # An edit of one piece: the others' kept text is used, and the entries are still Material's.
    edited = copy.deepcopy(pieces)
    at = rng.randrange(len(edited))
    edited[at] = {"html": edited[at]["html"].replace("Russia", "Kazakhstan"), "gap": ""}
    assert _entries(edited) == searchindex.page_entries(_page("".join(p["html"] for p in edited)))


def test_an_edited_row_of_a_large_table_is_the_only_piece_parsed_again(monkeypatch):
    rows = [f"<tr>\n<td><a href=\"a{n}.html\">Actor {n}</a></td>\n<td><code>q{n}</code> backs it</td>\n</tr>" for n in range(400)]
    head = '<h1 id="stances">Stances</h1>\n<table>\n<thead>\n<tr>\n<th>Who</th>\n<th>Said</th>\n</tr>\n</thead>\n<tbody>\n'
    html = head + "\n".join(rows) + "\n</tbody>\n</table>"
    cuts = [m.start() + 1 for m in re.finditer(r"\n(?=<tr>)", html)][1::40]
    pieces = [{"html": html[a:b], "gap": ""} for a, b in zip([0, *cuts], [*cuts, len(html)])]
    assert len(pieces) == 11
    assert _entries(pieces) == searchindex.page_entries(_page(html))
    primed: list[int] = []
    real = searchpieces._primed
    monkeypatch.setattr(searchpieces, "_primed", lambda *a: primed.append(1) or real(*a))
    at = len(pieces) // 2
    pieces[at] = {"html": pieces[at]["html"].replace("backs it", "opposes it", 1), "gap": ""}
    assert _entries(pieces) == searchindex.page_entries(_page("".join(p["html"] for p in pieces)))
    assert primed == [1]  # the edited piece; every other piece's text was kept
