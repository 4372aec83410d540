"""The source articles as references: docs/data/sources.bib (BibTeX) and sources.csl.json (CSL-JSON).

Each article seed describes a published source; these files let an analyst
cite those sources from Zotero, JabRef, BibTeX/biblatex, Pandoc or any
CSL processor.  (Each article page also carries `citation_*` meta tags,
written by templates/article.md.j2's front matter and
templates/theme/main.html, so Zotero saves the page as the source article.)

BibTeX's special characters are escaped in one place, bibtex_escape(); CSL-JSON
is JSON, escaped by json.dumps (export.dumps); a citation value in an article's
front matter by yaml_string(), and in the page's HTML by the theme (`| e`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .dates import PartialDate
from .model import Article, Briefing

# BibTeX/LaTeX's special characters and how each is written as text.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
# The first character of a TeX ligature: a character followed by one it joins with.
_LIGATURE_RE = re.compile(r"-(?=-)|`(?=`)|'(?=')|<(?=<)|>(?=>)|[?!](?=`)")

# CSL item types for the seeds' article kinds.
CSL_TYPES = {
    "news": "article-newspaper",
    "analysis": "article-magazine",
    "opinion": "article-magazine",
    "interview": "interview",
    "report": "report",
}
MONTH_NAMES = ("", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# What YAML does not take as it is inside a double-quoted scalar: characters outside its
# printable set, and NEL and the Unicode line and paragraph separators, which it reads as
# line breaks (folded into spaces).  JSON already escapes the C0 controls.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def yaml_string(value: str) -> str:
    """A string as a JSON string that YAML (front matter) reads back exactly.

    JSON strings are YAML double-quoted scalars.  Not json.dumps' ASCII form:
    it writes characters beyond the first plane as surrogate pairs, which
    LibYAML (MkDocs' loader) refuses.  Characters YAML would fold or refuse
    are written as \\u escapes instead; everything else is written as it is.
    """
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX field value: every special character escaped, white space collapsed.

    One pass, so the backslashes of escapes are never escaped again.  Then
    an empty group breaks each pair of characters that TeX's fonts join into
    another character (-- an en dash, `` and '' curly quotes, << >> ?` !`),
    so the text prints as written.  Line breaks become spaces (a field is one
    line of text to BibTeX anyway).
    """
    escaped = _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], " ".join(text.split()))
    return _LIGATURE_RE.sub(lambda m: m.group(0) + "{}", escaped)


def _bibtex_entry(article: Article) -> str:
    start = article.date.start
    fields: list[tuple[str, str]] = [("title", article.headline)]
    if article.author:
        fields.append(("author", article.author))
    fields.append(("journal", article.outlet.name))
    if article.publication:
        fields.append(("note", article.publication))
    fields.append(("year", str(start.year)))
    if start.month:
        fields.append(("month", MONTH_NAMES[start.month]))
    fields.append(("date", article.date.iso()))  # biblatex: ISO date or range at its precision
    if article.url:
        fields.append(("url", article.url))
    body = ",\n".join(
        # A month is BibTeX's macro (jan …), unbraced; every other value is braced text.
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{bibtex_escape(value)}}}"
        for name, value in fields
    )
    return f"@article{{{article.id},\n{body}\n}}\n"


def bibtex(briefing: Briefing) -> str:
    """Every article as a BibTeX @article entry keyed by its id, newest first."""
    return "\n".join(_bibtex_entry(article) for article in briefing.articles)


def csl_date(date: PartialDate) -> dict[str, Any]:
    """A date as CSL-JSON date-parts at its precision, marked `circa` when hedged or inferred."""
    parts = [[p for p in (point.year, point.month, point.day) if p] for point in (date.start, date.end) if point]
    found: dict[str, Any] = {"date-parts": parts}
    if date.qualifier or date.inferred:
        found["circa"] = True
    return found


def csl_item(article: Article) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": article.id,
        "type": CSL_TYPES[article.kind],
        "title": article.headline,
        "container-title": article.outlet.name,
        "publisher": article.outlet.name,
        "issued": csl_date(article.date),
    }
    if article.author:
        item["author"] = [{"literal": article.author}]  # a name as printed: not split into given and family
    if article.publication:
        item["note"] = article.publication
    if article.url:
        item["URL"] = article.url
    return item


def csl_json(briefing: Briefing) -> list[dict[str, Any]]:
    """Every article as a CSL-JSON item, newest first."""
    return [csl_item(article) for article in briefing.articles]
