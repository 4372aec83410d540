"""The link check over built HTML (generator/linkcheck.py), and its place in `briefing build`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import FIXTURES, make_project
from generator import htmlpage, linkcheck
from helpers import briefing, snapshot

PAGE = """<!doctype html>
<html><head><link rel="stylesheet" href="{up}assets/main.css"></head>
<body><h1 id="top">Title</h1>
{links}
</body></html>
"""


def site(tmp_path: Path, pages: dict[str, str]) -> Path:
    """A small built site: path -> the links (HTML) in its body."""
    root = tmp_path / "site"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "main.css").write_text("body {}")
    (root / "assets" / "javascripts").mkdir()
    (root / "assets" / "javascripts" / "bundle.js").write_text("")
    for path, links in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        up = "../" * path.count("/")
        (root / path).write_text(PAGE.format(up=up, links=links))
    return root


def test_links_that_resolve_pass(tmp_path):
    root = site(tmp_path, {
        "index.html": '<a href="actors/">all</a> <a href="actors/nato/#top">NATO</a> <a href="#top">up</a>'
                      ' <a href="actors/nato/index.html?x=1">query</a> <a name="old-anchor"></a>',
        "actors/index.html": '<a href="nato/">NATO</a> <a href="../#old-anchor">home</a> <a href="%6Eato/">encoded</a>',
        "actors/nato/index.html": '<a href="../../">home</a> <a href=".">here</a> <a href="../../assets/main.css#x">css</a>'
                                  ' <a href="https://example.org/x">out</a> <a href="//cdn.example/x.js">cdn</a>'
                                  ' <a href="mailto:a@example.org">mail</a>',
        "404.html": '<a href="/">home</a> <a href="/actors/nato/#top">NATO</a> <script src="/assets/javascripts/bundle.js"></script>',
    })
    assert linkcheck.check_site(root) == []


def test_broken_links_are_named_exactly(tmp_path):
    root = site(tmp_path, {
        "index.html": '<a href="actors/">all</a>\n<a href="actors/natto/">typo</a> <a href="#nowhere">up</a>',
        "actors/index.html": '<a href="../index.html#top">home</a>\n<a href="../../../etc/passwd">out</a>'
                             ' <img src="/assets/main.css"> <a href="../#Top">case</a>',
        "actors/nato/index.html": '<a href="javascript:alert(1)">x</a> <iframe src="DATA:text/html,x"></iframe>',
    })
    assert [str(d) for d in linkcheck.check_site(root)] == [
        "site/actors/index.html:5:1: error: link '../../../etc/passwd' leads to no file in the site",
        "site/actors/index.html:5:39: error: link '/assets/main.css' leads to no file in the site",
        "site/actors/index.html:5:68: error: link '../#Top': site/index.html has no anchor 'Top'",
        "site/actors/nato/index.html:4:1: error: link 'javascript:alert(1)' would run code or embed content (javascript: URL)",
        "site/actors/nato/index.html:4:37: error: link 'DATA:text/html,x' would run code or embed content (data: URL)",
        "site/index.html:5:1: error: link 'actors/natto/' leads to no file in the site",
        "site/index.html:5:34: error: link '#nowhere': site/index.html has no anchor 'nowhere'",
    ]


THEME = (
    '<script id="__config" type="application/json">{{"base": "."}}</script>\n'
    '<script>__md_scope=new URL(".",location)</script>\n'
    '<script>var palette=__md_get("__palette");</script>\n'
    '<div class="md-content" data-md-component="content"><article class="md-content__inner">{content}</article></div>\n'
    '<script src="{up}assets/javascripts/bundle.js"></script>'
)


def test_the_themes_scripts_pass(tmp_path):
    root = site(tmp_path, {
        "index.html": THEME.format(up="", content="<p>Text <b>bold</b> <br> <img src=assets/main.css></p>"),
        "actors/index.html": THEME.format(up="../", content="<svg><path d=''/></svg>"),
    })
    assert linkcheck.check_site(root) == []


def test_scripts_and_event_handlers_that_are_not_the_themes_are_refused(tmp_path):
    root = site(tmp_path, {
        # In the content, even a script the theme has elsewhere is refused; so is any on…= anywhere.
        "index.html": THEME.format(up="", content='<p>x</p>\n<script src="assets/javascripts/bundle.js"></script>'
                                                   '\n<img src="assets/main.css" onerror="alert(1)">'),
        "actors/index.html": '<script>alert(1)</script>\n<script src="https://cdn.example/extra.js"></script>\n'
                             '<script src="../assets/main.css"></script>\n<body onload="alert(2)">'
                             '\n<script type="application/json" id="other">{}</script>',
    })
    assert [str(d) for d in linkcheck.check_site(root)] == [
        "site/actors/index.html:4:1: error: inline <script> 'alert(1)' is not one of the theme's scripts",
        "site/actors/index.html:6:1: error: <script src='../assets/main.css'> is not one of the theme's scripts",
        "site/actors/index.html:7:1: error: event handler <body onload=…> would run code",
        "site/actors/index.html:8:1: error: inline <script> '{}' is not one of the theme's scripts",
        "site/index.html:8:1: error: <script> in the page content",
        "site/index.html:9:1: error: event handler <img onerror=…> would run code",
    ]


def test_html_in_a_label_material_shortens_is_refused(tmp_path):
    """Material builds the tooltip of a shortened .md-ellipsis label from its text, as HTML."""
    root = site(tmp_path, {
        "index.html": '<span class="md-ellipsis">Fine &amp; plain <code>text</code></span>\n'
                      '<span class="md-ellipsis">\n  <span>&lt;img src=x onerror=alert(1)&gt;</span>\n</span>\n'
                      '<span class="briefing-ellipsis">&lt;b&gt; is safe here</span>',
    })
    assert [str(d) for d in linkcheck.check_site(root)] == [
        "site/index.html:5:1: error: '<img src=x onerror=alert(1)>' is in a label Material may shorten "
        "(.md-ellipsis), whose tooltip would show it as HTML",
    ]


def test_the_checker_reads_each_page_once(tmp_path):
    links = " ".join(f'<a href="../target/#top">{n}</a>' for n in range(50))
    root = site(tmp_path, {f"p{n}/index.html": links for n in range(20)} | {"target/index.html": ""})
    checker = linkcheck.SiteChecker(root)
    assert checker.check() == []
    assert len(checker._pages) == 21  # every page parsed once, the target included


def files(root: Path, folder: str) -> dict[str, bytes]:
    return snapshot(root, (folder,))


def test_a_broken_link_fails_the_build_and_changes_nothing(tmp_path):
    """MkDocs does not check links in raw HTML; the link check does, before the new site goes in."""
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "seeds")
    assert briefing(project.root, "build").returncode == 0
    assert linkcheck.check_site(project.site) == []
    docs, site_before = files(project.root, "docs"), files(project.root, "site")
    # A hand-written page with a raw-HTML link MkDocs' strict mode lets through, and a seed change.
    (project.docs / "editors-guide.md").write_text(
        "# Editor's guide\n\nSee <a href=\"../actors/ivan-petrow/\">Petrov</a>.\n"
    )
    docs["docs/editors-guide.md"] = (project.docs / "editors-guide.md").read_bytes()
    nato = project.root / "seeds" / "actors" / "nato.yaml"
    nato.write_text(nato.read_text().replace("The Western military alliance", "The Atlantic alliance"))
    result = briefing(project.root, "build")
    assert result.returncode == 1
    # The line and column are those of Material's page around the guide's text.
    assert re.fullmatch(
        r"site/editors-guide/index\.html:\d+:\d+: error: link '\.\./actors/ivan-petrow/' leads to no file in the site\n"
        r"1 error; nothing was changed\.\n",
        result.stderr,
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert files(project.root, "docs") == docs  # the regenerated pages were put back
    assert files(project.root, "site") == site_before
    assert not [p.name for p in project.root.iterdir() if p.name.startswith(".site")]


def test_the_seed_site_and_its_404_page_pass(tmp_path):
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "seeds")
    assert briefing(project.root, "build").returncode == 0
    assert (project.site / "404.html").is_file()
    shutil.copytree(project.site, tmp_path / "copy")
    assert linkcheck.check_site(tmp_path / "copy", display="copy") == []


def test_what_lexbor_reads_and_html_parser_places(tmp_path):
    """Pages are read with selectolax (lexbor); a template's content counts too, and a page with a
    problem is read again with html.parser for the line and column."""
    root = site(tmp_path, {
        "index.html": THEME.format(up="", content='<template><p id="kept">x</p>\n<script>alert(1)</script></template>'
                                                   '\n<a href="#kept">k</a>'),
        "fine/index.html": THEME.format(up="../", content='<template><a href="../#kept">k</a></template>'),
    })
    page = htmlpage.parse_page(root / "index.html")
    assert "kept" in page.ids and [s.in_content for s in page.scripts if s.text == "alert(1)"] == [True]
    assert [(link.line, link.col) for link in page.links][:1] == [(0, 0)]  # lexbor knows no places
    assert [str(d) for d in linkcheck.check_site(root)] == ["site/index.html:8:1: error: <script> in the page content"]


def test_a_problem_only_lexbor_sees_is_reported_without_a_place(tmp_path, monkeypatch):
    root = site(tmp_path, {"index.html": '<a href="nowhere/">x</a>'})
    monkeypatch.setattr(linkcheck, "locate_page", lambda path: htmlpage.Page())
    assert [str(d) for d in linkcheck.check_site(root)] == ["site/index.html: error: link 'nowhere/' leads to no file in the site"]


def test_a_second_check_reads_again_only_the_link_targets_that_changed(tmp_path, monkeypatch):
    """briefing serve checks the pages an edit changed; the pages they point into (#anchor) are read
    once per change of the file, and a target that changed is read again, its new ids checked."""
    root = site(tmp_path, {f"p{n}/index.html": f'<a href="../t{n % 5}/#top">t</a>' for n in range(20)}
                | {f"t{n}/index.html": "" for n in range(5)})
    read: list[str] = []
    real = htmlpage.parse_page
    monkeypatch.setattr(linkcheck, "parse_page", lambda path: read.append(path.parent.name) or real(path))
    monkeypatch.setattr(linkcheck, "_KNOWN_IDS", {})
    monkeypatch.setenv("BRIEFING_SERIAL", "1")
    assert linkcheck.check_site(root, pages=["p0/index.html", "p1/index.html"]) == []
    assert sorted(read) == ["p0", "p1", "t0", "t1"]
    read.clear()
    assert linkcheck.check_site(root, pages=["p0/index.html", "p5/index.html", "p1/index.html"]) == []
    assert sorted(read) == ["p0", "p1", "p5"]  # t0 and t1 were read before and have not changed
    read.clear()
    (root / "t1" / "index.html").write_text("<p>no anchor any more</p>")
    broken = linkcheck.check_site(root, pages=["p1/index.html"])
    assert read == ["p1", "t1"] and [problem.message for problem in broken] == [
        "link '../t1/#top': site/t1/index.html has no anchor 'top'"]


def test_after_a_whole_check_a_partial_one_reads_only_its_own_pages(tmp_path, monkeypatch):
    root = site(tmp_path, {f"p{n}/index.html": f'<a href="../p{n + 1}/#top">next</a>' for n in range(10)}
                | {"p10/index.html": ""})
    monkeypatch.setattr(linkcheck, "_KNOWN_IDS", {})
    monkeypatch.setenv("BRIEFING_SERIAL", "1")
    assert linkcheck.check_site(root) == []
    read: list[str] = []
    real = htmlpage.parse_page
    monkeypatch.setattr(linkcheck, "parse_page", lambda path: read.append(path.parent.name) or real(path))
    assert linkcheck.check_site(root, pages=["p3/index.html"]) == []
    assert read == ["p3"]  # p4, which it links into, was read by the whole check
