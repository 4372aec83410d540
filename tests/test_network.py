"""The analysis views: the actors' network, its pictures, the stance grid (generator/network.py, analysis.py)."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

from conftest import FIXTURES, REPO, make_project, serve_folder
from generator import analysis, linkcheck, network, offline, pipeline, site, stancegrid, svg
from test_bad_inputs import ACCEPTED, lay_over

SCREENSHOTS = REPO / "test-results" / "screenshots"  # git-ignored


def built(project: pipeline.Project) -> Path:
    pipeline.generate(project)
    site.build_site(project)  # strict MkDocs, then the link check: raises on a broken link
    return project.site


def test_graph_of_the_mini_briefing(mini):
    graph = network.build_network(pipeline.load_briefing(mini))
    assert sorted(graph.nodes) == ["daily-news", "ivan-petrov", "nato", "pact", "ruritania"]
    assert graph.nodes["ivan-petrov"] == {"label": "Ivan Petrov", "type": "person", "page": "actors/ivan-petrov.md", "appearances": 2}
    edges = {(u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)}
    # A declared membership and a role "of" the Pact: two declared ties, the role citing its article.
    assert edges[("ivan-petrov", "pact", "affiliation")] == {
        "type": "affiliation", "weight": 2 * network.AFFILIATION_WEIGHT, "articles": "pact-asks-nato",
        "detail": "Ivan Petrov: official of The Pact; Ivan Petrov: Director of the drug agency of The Pact",
        "sources": "seeds/actors/ivan-petrov.yaml",
    }
    assert edges[("pact", "ruritania", "affiliation")]["articles"] == ""
    assert edges[("daily-news", "ivan-petrov", "co-mention")]["weight"] == 2
    assert edges[("daily-news", "ivan-petrov", "co-mention")]["articles"] == "pact-asks-nato petrov-interview"
    # Petrov supports cooperation, NATO opposes it, in the same article.
    assert edges[("ivan-petrov", "nato", "opposition")] == {
        "type": "opposition", "weight": 1, "articles": "pact-asks-nato", "detail": "cooperation", "sources": "",
    }
    assert not [k for k in edges if k[2] == "agreement"]
    assert len(edges) == 11
    for _, _, data in graph.edges(data=True):  # plain values only, for GEXF / GraphML / CSV
        assert all(isinstance(value, (str, int)) for value in data.values())


def test_pictures_are_deterministic(tmp_path):
    pages = []
    for name in ("one", "two"):
        project = make_project(tmp_path / name, REPO / "seeds")
        pipeline.generate(project)
        pages.append([(project.docs / p).read_bytes() for p in ("network.md", "actors/russia.md", "stances.md")])
    assert pages[0] == pages[1]
    assert b"<svg" in pages[0][0] and b"<svg" in pages[0][1] and b"<svg" in pages[0][2]


def svg_links(page: Path) -> list[str]:
    """The addresses of the links inside the page's inline SVG pictures."""
    text = page.read_text(encoding="utf-8")
    found = [re.findall(r'<a href="([^"]*)" data-page=', block) for block in re.findall(r"<svg.*?</svg>", text, re.S)]
    return [link for block in found for link in block]


def test_every_svg_link_leads_to_a_page_online_and_offline(mini, tmp_path):
    site = built(mini)
    links = svg_links(site / "network" / "index.html")
    assert "../actors/ivan-petrov/" in links and len(set(links)) == 5  # a dot and its name link each actor
    assert "../pact/" in svg_links(site / "actors" / "ivan-petrov" / "index.html")
    # The link check reads SVG links like any other: break one and it says so.
    checker = linkcheck.SiteChecker(site)
    assert "../actors/ivan-petrov/" in [link.url for link in checker.page("network/index.html").links]
    assert checker.check_link("network/index.html", "../actors/nobody/") is not None
    assert checker.check() == []
    # The offline edition (file URLs) gets .html addresses from the plugin's relink.
    edition = offline.build_offline(mini)
    with zipfile.ZipFile(edition.zip_path) as archive:
        archive.extractall(tmp_path / "unzipped")
    root = tmp_path / "unzipped" / offline.NAME
    assert "actors/ivan-petrov.html" in svg_links(root / "network.html")
    assert "pact.html" in svg_links(root / "actors" / "ivan-petrov.html")
    assert linkcheck.check_site(root) == []


def test_relink_and_escape():
    assert svg.href("network.md", "actors/x.md") == "../actors/x/"
    assert svg.href("network.md", "actors/x.md", directory_urls=False) == "actors/x.html"
    assert svg.href("actors/y.md", "articles/a.md#quote-1", False) == "../articles/a.html#quote-1"
    html = svg.link("actors/y.md", "actors/x.md#quote-1", "<circle/>", "X")
    assert 'href="x.md#quote-1"' in html  # as a Markdown link: what a builder without the plugin rewrites
    assert svg.relink(html, "actors/y.md", False) == html.replace('"x.md#quote-1"', '"x.html#quote-1"')
    assert svg.relink(html, "actors/y.md", True) == html.replace('"x.md#quote-1"', '"../x/#quote-1"')
    assert svg.esc('</title><script>a\x02b"\n\nc') == "&lt;/title&gt;&lt;script&gt;ab&quot; c"


def test_hostile_text_is_escaped_in_the_pictures(tmp_path):
    project = make_project(tmp_path / "hostile", FIXTURES / "mini" / "seeds")
    lay_over(ACCEPTED / "hostile", project.root)
    site = built(project)  # the link check refuses scripts and on…= handlers
    page = (site / "network" / "index.html").read_text(encoding="utf-8")
    pictures = "".join(re.findall(r"<svg.*?</svg>", page, re.S))
    assert "&lt;script&gt;" in pictures
    assert "<script" not in pictures and " on" not in pictures.replace(" one", "")


def test_overview_is_capped_on_a_large_briefing(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    import make_corpus

    make_corpus.make_corpus(tmp_path / "big", 1000)
    briefing = pipeline.load_briefing(pipeline.Project(tmp_path / "big"))
    views = analysis.Analysis(briefing)
    overview = views.overview()
    assert len(overview.actors) <= analysis.MAX_NODES and len(overview.ties) == analysis.MAX_EDGES
    tied = sum(1 for n in views.pairs if views.pairs.degree(n))
    assert overview.actors_left_out == tied - len(overview.actors) > 100
    assert overview.ties_left_out == views.pairs.number_of_edges() - analysis.MAX_EDGES
    picture = views.overview_svg("network.md", overview)
    assert picture.count("<circle") == len(overview.actors) and picture.count("<line") == analysis.MAX_EDGES
    assert f"{overview.actors_left_out} more actors" in picture
    rows, left_out = views.grid(briefing.issues, limited=True)
    assert len(rows) == stancegrid.GRID_ROWS and left_out > 0


def test_network_and_stances_in_chromium(seed_project, browser):
    site = built(seed_project)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve_folder(site) as base:
        for scheme in ("light", "dark"):
            for width in (1280, 390):
                _check_pages(browser, base, width, scheme)


def _check_pages(browser, base: str, width: int, scheme: str) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    for name in ("network", "stances", "actors/russia", "timeline"):
        page.goto(f"{base}/{name}/")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, width, overflow)
        picture = page.locator("svg[role=group]").first
        picture.evaluate("e => e.scrollIntoView({block: 'start', inline: 'nearest'})")
        # Names are drawn at 12px or more on screen (the overview is scaled to the column);
        # the letters inside stance marks repeat their colour and are 11px bold.
        sizes = picture.evaluate("""svg => [...svg.querySelectorAll('text:not(.markletter)')].map(t => {
            const size = parseFloat(getComputedStyle(t).fontSize);
            return size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; })""")
        assert sizes and min(sizes) >= 11.9, (name, width, min(sizes))
        page.wait_for_timeout(300)  # Material's header title settles after a scroll
        page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '-')}-{width}-{scheme}.png"))
    page.goto(f"{base}/network/")
    node = page.locator("svg a[aria-label='Russia'] circle")
    # Click the link itself, as a keyboard user would: a name may lie over another dot.
    with page.expect_navigation():
        node.dispatch_event("click")
    assert page.url == f"{base}/actors/russia/"
    page.close()
