"""Read a built HTML page for the link check (linkcheck.py): its anchors, links, scripts,
event handlers and the labels Material may shorten.

Two readers fill the same Page.  parse_page uses selectolax (the lexbor
HTML5 parser, in C; about a twelfth of the standard library's parser's
time on a large site), which parses as a browser does and knows no line
numbers.  locate_page uses html.parser, only to say where each problem is
(line and column) on a page where one was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

# Attributes that load or lead to another resource.
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Link:
    """One URL found in a page, with where it is (1-based line and column)."""

    url: str
    line: int
    col: int


@dataclass
class Script:
    """One <script> element: where it is, its src (or None), type, id and text, and if it is in the content."""

    line: int
    col: int
    src: str | None
    type: str
    id: str
    in_content: bool
    text: str = ""


@dataclass
class Page:
    """What the checker needs from one HTML file: its anchors, links, scripts and event handlers."""

    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    handlers: list[Link] = field(default_factory=list)  # "tag onx=…" with where it is
    html_labels: list[Link] = field(default_factory=list)  # .md-ellipsis text holding "<", with where it is


class _PageParser(HTMLParser):
    """Collects ids, <a name> anchors and URL attributes (the standard library's parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._content_depth = 0  # >0 inside Material's .md-content (the page's own content)
        self._script: Script | None = None
        self._label: Link | None = None  # the .md-ellipsis label being read
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        self._track_content(tag, attrs)
        self._track_label(tag, attrs, line, offset + 1)
        if tag == "script":
            found = dict(attrs)
            self._script = Script(line, offset + 1, found.get("src"), (found.get("type") or "").lower(),
                                  found.get("id") or "", self._content_depth > 0)
            self.page.scripts.append(self._script)
        for name, value in attrs:
            if name.startswith("on"):
                self.page.handlers.append(Link(f"<{tag} {name}=…>", line, offset + 1))
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)
            elif name in _URL_ATTRIBUTES:
                self.page.links.append(Link(value.strip(), line, offset + 1))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        if self._content_depth and tag not in _VOID:
            self._content_depth -= 1
        if self._label_depth and tag not in _VOID:
            self._label_depth -= 1
            if not self._label_depth and "<" in self._label.url:
                self.page.html_labels.append(self._label)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.text += data
        if self._label_depth:
            self._label.url += data

    def _track_label(self, tag: str, attrs: list[tuple[str, str | None]], line: int, col: int) -> None:
        # Material's tooltip for a shortened label is built from the label's text (innerText).
        if self._label_depth:
            if tag not in _VOID:
                self._label_depth += 1
        elif "md-ellipsis" in (dict(attrs).get("class") or "").split():
            self._label, self._label_depth = Link("", line, col), 1

    def _track_content(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Depth counting is enough: Material's and Python-Markdown's HTML closes what it opens.
        if self._content_depth:
            if tag not in _VOID:
                self._content_depth += 1
        elif "md-content" in (dict(attrs).get("class") or "").split():
            self._content_depth = 1


def locate_page(path: Path) -> Page:
    """What parse_page finds, with the line and column of each item (html.parser: slower)."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.page


def parse_page(path: Path) -> Page:
    """The ids, links, scripts, event handlers and HTML-bearing labels of one HTML file (no places)."""
    page = Page()
    _read_tree(LexborHTMLParser(path.read_text(encoding="utf-8", errors="replace")), page, in_content=False)
    return page


def _classes(node) -> list[str]:
    return (node.attributes.get("class") or "").split()


def _read_tree(tree: LexborHTMLParser, page: Page, in_content: bool) -> None:
    """Fill `page` from a lexbor tree; `in_content` when the tree is a part of .md-content."""
    for node in tree.root.traverse(include_text=False) if tree.root is not None else ():
        tag, attrs = node.tag, node.attributes
        for name, value in attrs.items():
            if name.startswith("on"):
                page.handlers.append(Link(f"<{tag} {name}=…>", 0, 0))
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                page.ids.add(value)
            elif name in _URL_ATTRIBUTES:
                page.links.append(Link(value.strip(), 0, 0))
        if tag == "script":
            page.scripts.append(Script(0, 0, attrs.get("src"), (attrs.get("type") or "").lower(),
                                       attrs.get("id") or "", in_content or _in(node, "md-content"),
                                       node.text(deep=True)))
        elif tag == "template":
            # lexbor keeps a template's content out of the tree; html.parser saw it, so read it too.
            _read_tree(LexborHTMLParser("<div" + node.html[len("<template"):-len("</template>")] + "</div>"),
                       page, in_content or _in(node, "md-content"))
    for label in tree.css(".md-ellipsis"):
        if not _in(label, "md-ellipsis") and "<" in label.text(deep=True):
            page.html_labels.append(Link(label.text(deep=True), 0, 0))


def _in(node, name: str) -> bool:
    """True when an element around `node` has the class `name`."""
    return any(name in _classes(up) for up in _ancestors(node))


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent
