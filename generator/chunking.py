"""Cut a generated page's Markdown into pieces Python-Markdown can convert one at a time.

An edit changes a few lines of a large page: one row of an 800 KB stance
table, one item of the glossary's lists.  The fast route (fastroute.py)
keeps each piece's HTML by content, so it converts again only the pieces
whose Markdown changed, and joins the pieces' HTML into the page's body.

The joined body must be exactly the body of the whole page, so the cuts are
made only where Python-Markdown's output does not depend on what came
before or after:

- between two blocks (a blank line between them) when the second cannot be
  read as a continuation of the first: it is not indented, starts no list
  item, quote or attribute list, and the first is no raw HTML left open;
- between two items of a list whose every line is an item (`- `) or an
  indented continuation (one block, so the list is tight);
- between two rows of a table whose every line starts with `|`.  A piece
  that starts inside a table repeats the table's header and separator,
  which give the columns and alignment, and its header is cut off again.

A page that holds anything read across the whole page (reference-link or
abbreviation definitions, a `[TOC]` marker, raw HTML starting inside a
block), a tab or a carriage return is not cut.  What is left page-wide is
handled where the pieces are joined (piecewise.py): heading ids (a heading
whose id another piece holds too: the page is converted whole), the table
of contents, and the glossary's first-use underlines (markdown_abbr).

Where the cuts fall is decided by each cut's own lines (a hash), not by the
pieces' sizes, so an edit moves no cut but those in the lines it changed:
every other piece keeps its Markdown, hence its key.  The one exception is a
bound on a piece's size (MAX_PIECE_BYTES), which cuts a long run of lines
whose draws made no cut (the same row repeated draws the same each time);
an edit moves such cuts only up to the next drawn one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# A piece holds about this many bytes of Markdown: a cut is made after a unit (a block,
# an item, a row) with probability size/PIECE_BYTES.  Converting a piece costs about 0.3 ms
# besides its length (0.4 ms per KB), and an edit converts the pieces it touches again.
# Measured at 1,000 articles (three headline edits): from 32 KB to 16 KB pieces, the pieces the
# edits converted again took 28 % less time, and a cold build's conversions no more; at 8 KB a
# cold build's took 11 % more (BENCHMARKS.md, thirteenth round).
PIECE_BYTES = 16384
# A cut is made where one may be once a piece holds this many: the draws make pieces of every
# size (as a die's throws until a six), and an edit's line falls, more often than not, in one
# of the larger (a 230 KB piece was seen).  Such a cut depends on where the piece started, so
# an edit moves only the bounded cuts after it, up to the next cut drawn by its own lines.
MAX_PIECE_BYTES = 3 * PIECE_BYTES
# A page below this size is converted whole: converting it again costs less than a cold build's pieces.
MIN_PAGE_BYTES = 32768

# Read across the whole page by Python-Markdown: reference links, abbreviations, a table of contents.
_PAGE_WIDE = re.compile(r"^ {0,3}\[[^\]\n]+\]:|^\*\[|\[TOC\]", re.MULTILINE)
_LIST_ITEM = re.compile(r"- ")
_TABLE_SEPARATOR = re.compile(r"\|?(\s*:?-+:?\s*\|)*\s*:?-+:?\s*\|?\s*")
# A block that starts like this continues the one before it (a list, a quote, code, attributes).
_CONTINUES = re.compile(r"[ >{]|[-*+] |[-*+]$|\d+[.)]( |$)")
_BLOCK_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b")
_HTML_LINE = re.compile(r" {0,3}<")


@dataclass(frozen=True)
class Piece:
    """Markdown to convert on its own, and what to cut from its HTML.

    `opens` / `closes` is "list" or "table" when the piece starts / ends inside
    one (its HTML then starts / ends with that element's opening / closing,
    which the page has only once), else "".  `gap` is what the page's HTML
    has between this piece's and the next one's: Python-Markdown leaves a
    blank line after a raw HTML block.
    """

    markdown: str
    opens: str = ""
    closes: str = ""
    gap: str = "\n"


@dataclass
class _Unit:
    first: int  # its first line, as an index into the page's lines
    end: int  # one past its last line
    block: int  # which block of the page it belongs to
    kind: str  # "block", "item" (of a list) or "row" (of a table)
    head: tuple[str, ...] = ()  # a table's header and separator, for a piece that starts at a row


def pieces(markdown: str) -> list[Piece] | None:
    """The page's Markdown as pieces whose HTML, joined by newlines, is the page's; None: convert it whole."""
    if len(markdown) < MIN_PAGE_BYTES or "\t" in markdown or "\r" in markdown or _PAGE_WIDE.search(markdown):
        return None
    lines = markdown.split("\n")
    units = _units(lines)
    if units is None:
        return None
    found: list[Piece] = []
    start = 0
    size = 0  # Markdown since the last cut, in characters (the bound needs no exact byte count)
    for index, unit in enumerate(units):
        text = "\n".join(lines[unit.first:unit.end])
        size += len(text) + 1
        if index + 1 == len(units) or (_may_cut(units, lines, index)
                                       and (size >= MAX_PIECE_BYTES or _cut_here(text))):
            found.append(_piece(units, lines, start, index + 1))
            start, size = index + 1, 0
    return found


def _units(lines: list[str]) -> list[_Unit] | None:
    """Every block, list item and table row of the page, in order; None when raw HTML is left open
    or starts inside a block (Python-Markdown may then read it as a block of its own)."""
    units: list[_Unit] = []
    for number, (first, end) in enumerate(_blocks(lines)):
        block = lines[first:end]
        if block[0].startswith("<"):
            if not _closed_html(block):
                return None
        elif any(_HTML_LINE.match(line) for line in block):
            return None  # raw HTML that starts inside a block: where it ends is Python-Markdown's to say
        if _LIST_ITEM.match(block[0]) and all(_LIST_ITEM.match(line) or line.startswith("    ") for line in block):
            starts = [at for at in range(first, end) if _LIST_ITEM.match(lines[at])]
            units.extend(_Unit(at, stop, number, "item") for at, stop in zip(starts, starts[1:] + [end]))
        elif len(block) > 2 and all(line.startswith("|") for line in block) and _TABLE_SEPARATOR.fullmatch(block[1]):
            head = tuple(block[:2])
            units.append(_Unit(first, first + 3, number, "row", head))  # the header goes with the first row
            units.extend(_Unit(at, at + 1, number, "row", head) for at in range(first + 3, end))
        else:
            units.append(_Unit(first, end, number, "block"))
    return units


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Each run of non-blank lines, as (first line, one past its last)."""
    blocks: list[tuple[int, int]] = []
    first = None
    for at, line in enumerate(lines):
        if line.strip():
            if first is None:
                first = at
        elif first is not None:
            blocks.append((first, at))
            first = None
    if first is not None:
        blocks.append((first, len(lines)))
    return blocks


def _closed_html(block: list[str]) -> bool:
    """True when a raw HTML block closes within its own lines: one comment, or one element whose
    tag opens it and is closed on its last line as often as it is opened."""
    first, last = block[0], block[-1]
    if first.startswith("<!--"):
        return last.rstrip().endswith("-->") and sum(line.count("-->") for line in block) == 1
    tag = _BLOCK_TAG.match(first)
    if tag is None:
        return False
    name = tag.group(1)
    opened = sum(len(re.findall(rf"<{name}\b", line)) for line in block)
    closed = sum(line.count(f"</{name}>") for line in block)
    return opened == closed and last.rstrip().endswith(f"</{name}>")


def _may_cut(units: list[_Unit], lines: list[str], index: int) -> bool:
    """True when Python-Markdown reads what follows unit `index` without looking back at it."""
    here, after = units[index], units[index + 1]
    if here.block == after.block:
        return here.kind == after.kind and here.kind in ("item", "row")
    return not _CONTINUES.match(lines[after.first])


def _cut_here(unit_text: str) -> bool:
    """A cut after a unit, by its own lines (`unit_text`): about one per PIECE_BYTES of Markdown."""
    data = unit_text.encode("utf-8")
    draw = int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") / 2 ** 64
    return draw < len(data) / PIECE_BYTES


def _piece(units: list[_Unit], lines: list[str], start: int, end: int) -> Piece:
    """units[start:end] as a piece: the page's own lines, after a table's header when it starts at a row."""
    first, last = units[start], units[end - 1]
    opens = closes = ""
    head = ""
    if start > 0 and units[start - 1].block == first.block:
        opens = "list" if first.kind == "item" else "table"
        head = "".join(line + "\n" for line in first.head)
    if end < len(units) and units[end].block == last.block:
        closes = "list" if last.kind == "item" else "table"
    gap = "\n\n" if last.kind == "block" and lines[last.first].startswith("<") else "\n"
    return Piece(head + "\n".join(lines[first.first:last.end]) + "\n", opens, closes, gap)


_TABLE_HEAD_END = "</thead>\n<tbody>\n"


def trim(html: str, piece: Piece) -> str | None:
    """The piece's HTML without the opening and closing the page has only once; None when it is not
    shaped as expected (the page is then converted whole)."""
    if piece.opens == "list":
        if not html.startswith("<ul>\n"):
            return None
        html = html[len("<ul>\n"):]
    elif piece.opens == "table":
        end = html.find(_TABLE_HEAD_END)
        if not html.startswith("<table>\n<thead>\n") or end < 0:
            return None
        html = html[end + len(_TABLE_HEAD_END):]
    if piece.closes == "list":
        if not html.endswith("\n</ul>"):
            return None
        html = html[:-len("\n</ul>")]
    elif piece.closes == "table":
        if not html.endswith("\n</tbody>\n</table>"):
            return None
        html = html[:-len("\n</tbody>\n</table>")]
    return html
