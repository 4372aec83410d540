"""The reader's side of the site in Chromium: axe-core, the phone layout, and where search leads.

One page of every kind of the seed briefing, built for real:

- axe-core (the npm package pinned in tests/axe/, injected from disk: no network at test
  time) finds no serious or critical violation, in the light and in the dark colour scheme,
  at 1280 and at 390 px (where tables are cards);
- at 390 px no table scrolls sideways and nothing reaches past the screen: a table of three
  columns or more is a card per row, each cell after its column's name; at 1280 px the
  tables are tables;
- search entries for the timeline lead to the year of the event, and for the stances to
  the issue, not to the top of the page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, make_project, serve_folder
from generator import pipeline
from helpers import briefing

AXE = REPO / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = REPO / "test-results" / "reader"  # git-ignored
PAGES = {
    "home": "", "articles index": "articles/", "article": "articles/lets-just-be-friends/",
    "actors index": "actors/", "actor": "actors/viktor-ivanov/", "glossary": "glossary/",
    "timeline": "timeline/", "stances": "stances/", "network": "network/", "data": "data/",
    "editors' guide": "editors-guide/",
}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> pipeline.Project:
    """The seed briefing, built into its site/ with `briefing build`."""
    project = make_project(tmp_path_factory.mktemp("reader") / "project", REPO / "seeds")
    result = briefing(project.root, "build")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def site_url(project):
    """The built site on a local HTTP server."""
    with serve_folder(project.site) as url:
        yield url


def open_page(browser, url: str, viewport: dict, scheme: str = "light"):
    """A new page at `url` in its own context; the caller closes page.context."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


# ------------------------------------------------------------------ axe-core

def run_axe(page, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page: [{id, impact, nodes: [target, ...]}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], **({"runOnly": rules} if rules else {})}
    return page.evaluate("""async options => (await axe.run(document, options)).violations.map(v => ({
        id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))""", options)


def test_axe_is_the_locked_version():
    """The axe-core on disk is the one tests/axe/package-lock.json pins (setup.sh runs npm ci)."""
    lock = json.loads((AXE.parents[2] / "package-lock.json").read_text(encoding="utf-8"))
    installed = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))
    assert installed["version"] == lock["packages"]["node_modules/axe-core"]["version"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_axe_finds_nothing_serious(browser, site_url, scheme, viewport):
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(REPO)} is missing: bash scripts/setup.sh --test (npm ci in tests/axe)")
    found: dict[str, list[dict]] = {}
    for kind, path in PAGES.items():
        page = open_page(browser, f"{site_url}/{path}", viewport, scheme)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme], kind
        found[kind] = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
        if kind == "home":
            # The harness can fail: a nameless dialog, as Material's search was, is reported.
            page.evaluate("document.body.insertAdjacentHTML('beforeend', '<div role=\"dialog\">x</div>')")
            assert [v["id"] for v in run_axe(page, ["aria-dialog-name"])] == ["aria-dialog-name"]
        page.context.close()
    assert {kind: v for kind, v in found.items() if v} == {}


def test_prose_links_are_underlined_and_the_footer_readable(browser, site_url):
    page = open_page(browser, f"{site_url}/{PAGES['article']}", DESKTOP)
    decorations = page.evaluate("""() => [...document.querySelectorAll('.md-content p a')]
        .map(a => getComputedStyle(a).textDecorationLine)""")
    assert decorations and set(decorations) == {"underline"}
    assert page.locator(".md-search[role=dialog]").get_attribute("aria-label") == "Search"
    page.context.close()


# ------------------------------------------------------------------ phone and desktop

# Everything in the content that scrolls sideways or reaches past the screen's right edge.
# A picture keeps a readable size and scrolls in its own box (analysis.css; test_network.py
# checks its text size): its box must fit, what is inside it is left out.
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, found = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  // Visually hidden (a card table's header, kept for screen readers): clipped to nothing.
  const clipped = el => { for (; el; el = el.parentElement) if (getComputedStyle(el).clipPath !== 'none') return true; };
  for (const el of document.querySelectorAll('.md-content *')) {
    if (el.closest('.briefing-figure > *') || clipped(el)) continue;
    const box = el.getBoundingClientRect();
    if (!box.width) continue;
    const overflowX = getComputedStyle(el).overflowX;
    if (el.scrollWidth > el.clientWidth + 1 && (overflowX === 'auto' || overflowX === 'scroll')
        && !el.matches('.briefing-figure'))
      found.push('scrolls: ' + name(el));
    if (box.right > width + 1 || box.left < -1) found.push('outside: ' + name(el));
  }
  return {page: document.documentElement.scrollWidth - width, found: found.slice(0, 10)};
}"""

# Every table: its header's names, each body row's cells as [display, data-label, text, width].
_TABLES = """() => [...document.querySelectorAll('.md-content table')].map(table => ({
  names: [...table.querySelectorAll('thead th')].map(th => th.textContent.trim()),
  display: getComputedStyle(table).display,
  headerHeight: table.querySelector('thead').getBoundingClientRect().height,
  rows: [...table.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(td => [
    getComputedStyle(td).display, td.getAttribute('data-label'), td.innerText.trim(),
    td.getBoundingClientRect().width])),
}))"""


def test_phone_pages_never_scroll_sideways(browser, site_url):
    RESULTS.mkdir(parents=True, exist_ok=True)
    for kind, path in PAGES.items():
        page = open_page(browser, f"{site_url}/{path}", PHONE)
        overflow = page.evaluate(_OVERFLOW)
        assert overflow == {"page": 0, "found": []}, kind
        page.screenshot(path=str(RESULTS / f"{kind.replace(' ', '-').replace(chr(39), '')}-390.png"))
        page.context.close()


def cards(tables: list[dict], first_name: str) -> list[dict]:
    """The tables whose first column is `first_name`, checked to be cards: every cell a block
    labelled with its column's name (a blank one hidden)."""
    found = [t for t in tables if t["names"] and t["names"][0] == first_name]
    for table in found:
        assert table["display"] == "block" and table["headerHeight"] <= 1, table["names"]
        for row in table["rows"]:
            for (display, label, text, _), name in zip(row, table["names"]):
                assert label == name, (name, label, text)
                assert display == ("none" if re.fullmatch(r"[\s–-]*", text) else "block"), (name, text)
    return found


def test_phone_tables_are_cards_with_every_column(browser, site_url):
    def tables(kind):
        page = open_page(browser, f"{site_url}/{PAGES[kind]}", PHONE)
        found = page.evaluate(_TABLES)
        page.context.close()
        return found

    timeline = cards(tables("timeline"), "When")
    assert len(timeline) > 5 and all(t["names"] == ["When", "What", "Who", "Source"] for t in timeline)
    assert all(row[3][2] for t in timeline for row in t["rows"])  # every event shows its source
    positions = [row[3] for t in cards(tables("stances"), "Actor") if "Position" in t["names"] for row in t["rows"]]
    # The Position column is a full-width line on its card, not a sliver of a column.
    assert positions and min(width for *_, width in positions) > 300, positions[:3]
    index = cards(tables("articles index"), "Published")
    assert index and all(len(row) == len(index[0]["names"]) for t in index for row in t["rows"])
    assert "Author" in index[0]["names"] and all(row[index[0]["names"].index("Author")][2] for row in index[0]["rows"])
    assert cards(tables("actor"), "Issue") and cards(tables("actor"), "Role")
    # A two-column table of names and values stays a table, and fits.
    source = [t for t in tables("article") if t["names"] == ["Source", "Details"]]
    assert source and source[0]["display"] != "block"
    assert all(cell[0] == "table-cell" for row in source[0]["rows"] for cell in row)


def test_desktop_tables_stay_tables(browser, site_url):
    for kind in ("article", "actor", "timeline", "stances", "articles index", "actors index"):
        page = open_page(browser, f"{site_url}/{PAGES[kind]}", DESKTOP)
        tables = page.evaluate(_TABLES)
        page.context.close()
        assert tables, kind
        for table in tables:
            # Material shows a table as an inline-block; its cells stay table cells.
            assert table["display"] != "block" and table["headerHeight"] > 10, (kind, table["names"])
            assert all(cell[0] == "table-cell" for row in table["rows"] for cell in row), (kind, table["names"])


# ------------------------------------------------------------------ search

def search_entries(project) -> dict[str, str]:
    """location -> text of every entry of the built search index."""
    index = json.loads((project.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {entry["location"]: entry["text"] for entry in index["docs"]}


def words(text: str) -> str:
    """The first words of seed prose, as the search index keeps them (no markup)."""
    return " ".join(re.sub(r"[*_`\[\]]", "", text).split()[:4])


def test_search_entries_lead_to_the_year_and_the_issue(project):
    entries = search_entries(project)
    model = pipeline.load_briefing(project)
    assert model.events()
    for event in model.events():
        location = f"timeline/#year-{event.date.year}"
        assert location in entries, location
        assert words(event.what) in entries[location], (location, event.what)
    for issue in model.issues:
        assert f"stances/#{issue.id}" in entries, issue.id


def test_search_in_the_browser_leads_to_the_year(browser, site_url, project):
    event = next(e for e in pipeline.load_briefing(project).events() if e.date.year == 2010)
    page = open_page(browser, f"{site_url}/", DESKTOP)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator(".md-search__input").press_sequentially(words(event.what), delay=20)
    page.locator(".md-search-result__link[href*='timeline/']").first.wait_for(timeout=10_000)
    # Read every address at once: Material renders more results while the list is read.
    hrefs = page.locator(".md-search-result__link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    # The timeline's result holds the year's section, the place the event stands.
    assert any(re.search(r"/timeline/(\?h=[^#]*)?#year-2010$", href) for href in hrefs), hrefs
    page.screenshot(path=str(RESULTS / "search-timeline.png"))
    page.context.close()
