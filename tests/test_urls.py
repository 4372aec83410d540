"""Web addresses: refused at check time, or shown as exactly one link to exactly themselves."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from conftest import FIXTURES, make_project
from generator import markup, validate
from helpers import briefing

# Addresses an editor may well paste: all must pass and come out unchanged.
GOOD = [
    "https://example.org/petrov",
    "https://en.wikipedia.org/wiki/Foo_(bar)",
    "https://example.org/a_b*c*~d?x=1&y=2#top",
    "https://example.org/!$'+,;=:@/%5Bx%5D",
    "http://user@example.org:8080/",
    "http://[::1]:8000/a",
    "https://ru.wikipedia.org/wiki/Россия",
]
# Hostile or broken ones, each meant to end the link early, open another, or change it.
HOSTILE = [
    "https://example.org/petrov](https://evil.example)",
    "https://example.org/[x](https://evil.example)",
    "https://example.org/[x](javascript:alert(1))",
    "https://example.org/a b<script>",
    "https://example.org/a|b`c`\\d",
    "https://example.org/?a=1&amp;b=2&lt;",
    "https://example.org/{: onclick=alert(1) }",
    "https://example.org/\u200b\u202e",
]


class Links(HTMLParser):
    """The href of every <a> in a fragment of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


def hrefs(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    parser.close()
    return parser.hrefs


def rendered(url: str) -> list[str]:
    """The links of a table row showing `url` as the article template does."""
    text = f"| Field | Value |\n|---|---|\n| Address | {markup.autolink(url)} |\n"
    return hrefs(markdown.markdown(text, extensions=["tables", "attr_list"]))


@pytest.mark.parametrize("url", GOOD)
def test_a_good_address_passes_and_is_one_link_to_itself(url):
    assert validate.url_problem(url) is None
    assert markup.autolink(url) == f"<{url}>"
    assert rendered(url) == [url]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_address_is_refused(url):
    assert validate.url_problem(url)


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_address_still_makes_one_link_on_its_own_site(url):
    # The second line of defence, should an unchecked address ever reach a page.
    [href] = rendered(url)
    assert href.startswith("https://example.org/")


@pytest.mark.parametrize("url, reason", [
    ("javascript:alert(1)", ""),
    ("HTTPS://example.org/", ""),
    ("https://", ": it has no host name"),
    ("https://example.org:port/", ": malformed host or port (Port could not be cast to integer value as 'port')"),
    ("https://example.org/a b", ": it contains a space (write it %-encoded)"),
    ("https://example.org/\u200b", ": it contains the character U+200B (write it %-encoded)"),
    ("https://example.org/a|b", ": it contains | (write it as %7C)"),
])
def test_why_an_address_is_refused(url, reason):
    assert validate.url_problem(url) == reason


def test_every_address_is_refused_at_its_line_or_built_as_one_exact_link(tmp_path):
    """The whole pipeline: each address either fails `check` at its seed line, or its
    article page, as MkDocs builds it, has one link in the Address row, to exactly it."""
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "seeds")
    base = (project.seeds / "articles" / "petrov-interview.yaml").read_text(encoding="utf-8")
    urls = {f"url-{number}": url for number, url in enumerate(GOOD + HOSTILE)}
    for name, url in urls.items():
        quoted = "'" + url.replace("'", "''") + "'"
        text = base.replace("url: https://example.org/petrov", f"url: {quoted}")
        (project.seeds / "articles" / f"{name}.yaml").write_text(text, encoding="utf-8")
    check = briefing(project.root, "check")
    refused = {line.split(":")[0].split("/")[-1].removesuffix(".yaml") for line in check.stderr.splitlines()[:-1]}
    assert all(f"{name}.yaml:5:8: error: source.url: " in check.stderr for name in refused)
    assert refused == {name for name, url in urls.items() if url in HOSTILE}
    for name in refused:
        (project.seeds / "articles" / f"{name}.yaml").unlink()
    build = briefing(project.root, "build")
    assert build.returncode == 0, build.stderr
    for name, url in urls.items():
        if name in refused:
            continue
        page = (project.root / "site" / "articles" / name / "index.html").read_text(encoding="utf-8")
        row = page.split("<td>Address</td>", 1)[1].split("</tr>", 1)[0]
        assert hrefs(row) == [url], name


