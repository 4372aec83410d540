"""Static SVG pictures written into pages: escaping, links and numbers, in one place.

Pictures are inline <svg> in a raw-HTML block of the Markdown page, so they
need no JavaScript and work from file://.  Three rules keep them safe and
reproducible:

- Every value from a seed reaches the SVG through `esc()` (text and
  attribute values alike): XML-escaped, control characters dropped (they
  include Python-Markdown's placeholder markers), white space folded onto
  one line (a blank line would end the raw-HTML block).
- MkDocs rewrites the links of Markdown, not those in raw HTML, and the
  right address depends on `use_directory_urls` (folder URLs online, .html
  files in the offline edition).  So each link is written for folder URLs
  (right for `mkdocs build` and for builders without plugins) together with
  the page it leads to, `data-page`; the `briefing` MkDocs plugin calls
  `relink()` on every page to write the address for the build's own setting.
- Coordinates are rounded by `num()`, so the same input gives the same bytes.
"""

from __future__ import annotations

import posixpath
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: object) -> str:
    """Seed text as SVG text or attribute value: escaped, one line, no control characters."""
    text = " ".join(_CONTROL.sub("", str(value)).split())
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def num(value: float) -> str:
    """A coordinate with one decimal, without a trailing '.0' or a '-0'."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def short(text: str, limit: int = 26) -> str:
    """A label cut to `limit` characters with an ellipsis (the full name is in the <title>)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page_url(page: str, directory_urls: bool) -> str:
    """Where MkDocs puts a docs/ page, relative to the site: 'actors/x.md' -> 'actors/x/' or 'actors/x.html'."""
    stem = page.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def href(from_page: str, to: str, directory_urls: bool = True) -> str:
    """The relative address of docs/ page `to` (with an optional #anchor) from page `from_page`."""
    path, _, anchor = to.partition("#")
    here = page_url(from_page, directory_urls)
    base = here if here.endswith("/") or here == "" else posixpath.dirname(here)
    target = page_url(path, directory_urls)
    if target == here:
        link = ""
    else:
        link = posixpath.relpath(target or ".", base or ".")
        if target.endswith("/") or target == "":
            link = "./" if link == "." else link + "/"
    return f"{link}#{anchor}" if anchor else (link or "./")


def link(from_page: str, to: str, inner: str, label: str = "", hidden: bool = False) -> str:
    """An SVG <a> around `inner` leading to docs/ page `to`; relink() can rewrite its address.

    `hidden`: a second link to the same page (for the mouse), left out of the tab order and
    of what screen readers announce.  A link that shows text (a name, maybe cut short) is
    named by a <title> rather than aria-label: an aria-label must contain the visible text
    (WCAG 2.5.3, axe-core's label-content-name-mismatch), and a shortened name does not."""
    aria = ""
    if label and "<text" in inner:
        inner += "" if "<title>" in inner else f"<title>{esc(label)}</title>"
    elif label:
        aria = f' aria-label="{esc(label)}"'
    aria += ' tabindex="-1" aria-hidden="true"' if hidden else ""
    return f'<a href="{esc(source_href(from_page, to))}" data-page="{esc(to)}"{aria}>{inner}</a>'


def source_href(from_page: str, to: str) -> str:
    """`to` relative to `from_page` as Markdown files (actors/x.md), the form a builder rewrites.

    Zensical rewrites such links even inside raw HTML; MkDocs does not, and
    the briefing plugin's relink() puts the built address in their place."""
    path, _, anchor = to.partition("#")
    link = posixpath.relpath(path, posixpath.dirname(from_page) or ".") if path != from_page else ""
    return f"{link}#{anchor}" if anchor else link


_LINK = re.compile(r'<a href="[^"]*" data-page="([^"]*)"')


def relink(html: str, page: str, directory_urls: bool) -> str:
    """Rewrite the addresses of link() in a built page for the build's `use_directory_urls`."""
    if "data-page=" not in html:
        return html

    def fix(match: re.Match) -> str:
        to = match.group(1).replace("&amp;", "&")
        return f'<a href="{esc(href(page, to, directory_urls))}" data-page="{match.group(1)}"'

    return _LINK.sub(fix, html)


def picture(kind: str, width: int, height: int, title: str, desc: str, parts: list[str], name: str = "") -> str:
    """The <svg> in its raw-HTML block: one line per element and no blank line (it would end the block).

    `name` tells apart the ids of several pictures of one kind on a page."""
    # role="group", not "img": an image's children are presentational, and these hold links
    # a keyboard reaches (axe-core's nested-interactive); the group is named by its title.
    ident = esc(f"{kind}-{name}-svg" if name else f"{kind}-svg")
    head = (f'<div class="briefing-figure briefing-{kind}">\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="group" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" aria-labelledby="{ident}-title {ident}-desc">\n'
            f'<title id="{ident}-title">{esc(title)}</title>\n<desc id="{ident}-desc">{esc(desc)}</desc>')
    return "\n".join([head, *parts, "</svg>\n</div>"])
