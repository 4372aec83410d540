"""The briefing book: the whole briefing as one PDF (`briefing build --pdf`).

Built from the same model as the site, not from its pages: one HTML document
rendered from templates/book/book.html.j2, styled by templates/book/book.css
(A4 or US Letter), and typeset by WeasyPrint into dist/briefing.pdf.

- Escaping has one place: the book's Jinja2 environment has autoescape on, so
  every seed value reaches the HTML escaped.  Prose fields (which may hold the
  project's inert Markdown) are shown as plain text, paragraph by paragraph.
  The only markup let through is the network picture, which generator/analysis.py
  writes with every seed value escaped by svg.esc(); its links are pointed at
  the book's own anchors here.
- Nothing is fetched: the document loads no image, font or stylesheet by
  address (the URL fetcher refuses every request), and WeasyPrint runs no script.
- The same seeds give the same bytes: the edition's date is the newest article's
  date (never the clock), and it is the PDF's creation date; the PDF identifier
  is a hash of the document.
- The file is written as the project's other outputs are: to a temporary name
  in dist/, renamed into place, with the mode open() would give, and never
  through a dist/ that is a link leading outside the project.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import analysis, atomicfile, pipeline, svg, write
from .diagnostics import BuildError, Diagnostic
from .markup import plain_mentions
from .project import Project
from .model import Briefing

PATH = "dist/briefing.pdf"
# CSS page sizes for --paper.
PAPERS = {"a4": "A4", "letter": "letter"}
_SVG_LINK = re.compile(r'<a href="[^"]*" data-page="([^"]*)"')
_SVG_LABEL = re.compile(r'<text class="(label[^"]*)"([^>]*)>([^<]*)</text>')
_SVG_OPEN = re.compile(r"(<svg [^>]*>)")


@dataclass(frozen=True)
class Book:
    """What `briefing build --pdf` wrote, for the user and for tests."""

    path: Path
    pages: int
    size: int
    paper: str
    seconds: float

    def summary(self, root: Path) -> str:
        return (f"pdf: wrote {self.path.relative_to(root)} ({self.pages} pages, {PAPERS[self.paper]}, "
                f"{self.size / 1_000_000:.2f} MB) in {self.seconds:.2f} s")


def environment(templates: Path) -> jinja2.Environment:
    """The book's Jinja2 environment: HTML, so autoescape is on for every template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates / "book")),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["paragraphs"] = paragraphs
    env.filters["oneline"] = lambda value: " ".join(plain_mentions(str(value)).split())
    return env


def paragraphs(prose: str) -> list[str]:
    """Prose as plain-text paragraphs (split at blank lines, white space folded)."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", plain_mentions(str(prose))) if part.strip()]


def edition(briefing: Briefing) -> tuple[str, str]:
    """The edition's date in words and as a W3C date: the newest article's date, never the clock."""
    if not briefing.articles:
        return "", ""
    newest = max(briefing.articles, key=lambda a: ((a.date.end or a.date.start).year, (a.date.end or a.date.start).month,
                                                   (a.date.end or a.date.start).day, a.date.sort_key))
    point = newest.date.end or newest.date.start
    w3c = "-".join([f"{point.year:04d}", *([f"{point.month:02d}"] if point.month else []),
                    *([f"{point.day:02d}"] if point.month and point.day else [])])
    return point.text(), w3c


def target(page: str) -> str:
    """The book's anchor for a docs/ page of the site (with its #anchor): 'articles/x.md#quote-2'
    -> '#article-x-quote-2', 'actors/x.md' -> '#actor-x', 'glossary.md#x' -> '#term-x'."""
    path, _, fragment = page.partition("#")
    folder, _, name = path.removesuffix(".md").rpartition("/")
    if folder == "articles":
        return f"#article-{name}-{fragment}" if fragment else f"#article-{name}"
    if folder == "actors":
        return f"#actor-{name}"
    if path == "glossary.md" and fragment:
        return f"#term-{fragment}"
    return "#contents"


def network_svg(views: analysis.Analysis) -> tuple[str, analysis.Overview]:
    """The overview picture with its links turned into the book's anchors and its styles inside it."""
    overview = views.overview()
    picture = views.overview_svg("network.md", overview)
    if not picture:
        return "", overview

    picture = _SVG_LINK.sub(lambda m: f'<a href="{svg.esc(target(m.group(1)))}"', picture)
    # Each name over a white copy of itself: lines crossing it stay behind the letters.
    picture = _SVG_LABEL.sub(r'<text class="\1 halo" stroke="#fff" stroke-width="4" stroke-linejoin="round"\2>\3</text><text class="\1"\2>\3</text>', picture)
    # WeasyPrint draws an inline <svg> on its own: the document's stylesheet does not reach it.
    return _SVG_OPEN.sub(lambda m: m.group(1) + f"\n<style>{SVG_STYLE}</style>", picture, count=1), overview


# analysis.css for print: no dark mode, no hover; WeasyPrint draws no paint-order, so each
# name's white halo is a copy of it drawn first (.halo).
SVG_STYLE = (
    ".tie{stroke:#8a8fa8;stroke-opacity:.75}.tie-affiliation{stroke:#3f51b5}.tie-agreement{stroke:#2e7d32}"
    ".tie-opposition{stroke:#c62828;stroke-dasharray:6 3}.node{stroke:#fff;stroke-width:1.5;fill:#5c6bc0}"
    ".node-person{fill:#00897b}.node-state,.node-place{fill:#8d6e63}.node-outlet{fill:#757575}"
    ".node-programme{fill:#f9a825}.label{font-size:13px;text-anchor:middle;fill:#222;"
    "font-family:sans-serif}.label.halo{fill:#fff}"
    ".label-start{text-anchor:start}.label-end{text-anchor:end}"
)


def render_html(briefing: Briefing, templates: Path) -> str:
    """The book as one HTML document."""
    views = analysis.Analysis(briefing)
    picture, overview = network_svg(views)
    issues = [issue for issue in briefing.issues if issue.stances]
    rows, left_out = views.grid(issues, True)
    words, w3c = edition(briefing)
    return environment(templates).get_template("book.html.j2").render(
        briefing=briefing, views=views, edition=words, created=w3c,
        network=jinja2.utils.markupsafe.Markup(picture), overview=overview,
        grid_issues=issues, grid_rows=rows, grid_left_out=left_out,
        target=target,
    )


def typeset(html: str, templates: Path, paper: str) -> tuple[bytes, int]:
    """The PDF of `html` on `paper` (a4 or letter), and its number of pages."""
    import weasyprint  # the pdf extra: only `briefing build --pdf` needs it (and Pango)

    css = (templates / "book" / "book.css").read_text(encoding="utf-8")
    size = f"@page {{ size: {PAPERS[paper]}; }} @page landscape {{ size: {PAPERS[paper]} landscape; }}"
    nothing = weasyprint.URLFetcher(allowed_protocols=())  # no file:, http(s): or data: address is loaded
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=nothing).render(
        stylesheets=[weasyprint.CSS(string=css), weasyprint.CSS(string=size)],
    )
    identifier = hashlib.sha256(f"{paper}\n{html}".encode("utf-8")).hexdigest()[:32].encode("ascii")
    return document.write_pdf(pdf_identifier=identifier), len(document.pages)


def build_pdf(project: Project, paper: str = "a4", briefing: Briefing | None = None) -> Book:
    """Write dist/briefing.pdf from the seeds; raise BuildError (dist/ left as it was)."""
    started = time.perf_counter()
    if briefing is None:
        briefing = pipeline.load_briefing(project)
    try:
        html = render_html(briefing, project.templates)
    except jinja2.TemplateError as exc:
        raise BuildError([pipeline.template_error(exc, "templates/book")]) from None
    try:
        data, pages = typeset(html, project.templates, paper)
    except ImportError as exc:
        raise BuildError([Diagnostic(PATH, message=(
            f"the briefing book needs WeasyPrint ({exc}); "
            "install it with `bash scripts/setup.sh --pdf` or `pip install -c constraints.txt -e '.[pdf]'`"
        ))]) from None
    except OSError as exc:  # WeasyPrint could not load Pango
        raise BuildError([Diagnostic(PATH, message=(
            f"WeasyPrint cannot start ({exc}); it needs Debian's libpango-1.0-0 "
            "and libpangoft2-1.0-0 (bash scripts/setup.sh --pdf installs them)"
        ))]) from None
    write.refuse_link_outside(project.root, "dist", "copy the book where it should go")
    target = project.root / PATH
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomicfile.remove_leftovers(target.parent, atomicfile.TEMP_FILE)  # what killed runs left
        atomicfile.atomic_write(target, data, folder_exists=True)
    except OSError as exc:
        raise BuildError([write.cannot_write(PATH, exc)]) from None
    return Book(target, pages, len(data), paper, time.perf_counter() - started)
