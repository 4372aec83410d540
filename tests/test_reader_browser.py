"""What a reader sees of issue 14's content changes, in Chromium at desktop and phone width.

The real briefing is built once, online and as the offline edition.  On
each: an actor page opens with its glance; a long "Appears with" is folded
and opens on click; "Mentioned in" carries no quote marks; links to actors
and articles show their one-line description on hover, from disk too;
glossary terms and date notes show their text on hover and on keyboard
focus; the home page's judgements link their evidence.  Screenshots go to
test-results/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO, make_project, serve_folder
from generator import cli, markup, offline

RESULTS = REPO / "test-results"
SIZES = [(1280, 900), (390, 844)]
SIZE_IDS = ["desktop", "phone"]

ACTIVE_TIP = ".md-tooltip2--active .md-tooltip2__inner"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The real briefing built as a site and as the unzipped offline edition."""
    project = make_project(tmp_path_factory.mktemp("reader") / "project", REPO / "seeds")
    assert cli.main(["--root", str(project.root), "build"]) == 0
    site = tmp_path_factory.mktemp("site-copy") / "site"
    shutil.copytree(project.root / "site", site)
    assert cli.main(["--root", str(project.root), "build", "--offline"]) == 0
    into = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(project.root / "dist" / "briefing-offline.zip") as archive:
        archive.extractall(into)
    return {"site": site, "offline": into / offline.NAME}


def description(actor_id: str) -> str:
    """The one line an actor link shows on hover: its description's first sentence."""
    data = yaml.safe_load((REPO / "seeds" / "actors" / f"{actor_id}.yaml").read_text(encoding="utf-8"))
    return markup.first_sentence(data["description"])


def tooltip_of(page, locator) -> str:
    """Hover `locator`; the text of the tooltip Material shows for it."""
    locator.scroll_into_view_if_needed()
    locator.hover()
    tip = page.locator(ACTIVE_TIP)
    tip.wait_for(state="visible", timeout=3_000)
    return " ".join(tip.inner_text().split())


# The text of a section: everything after its h2 up to the next h2.
_SECTION_TEXT = """h => { let text = '', el = h.nextElementSibling;
  while (el && el.tagName !== 'H2') { text += el.innerText + '\\n'; el = el.nextElementSibling; }
  return text; }"""


def section_text(page, heading_id: str) -> str:
    return page.evaluate(_SECTION_TEXT, page.locator(f"h2#{heading_id}").element_handle())


def focus_tooltip(page, locator) -> tuple[str, str]:
    """Move the mouse away and focus `locator`'s element; its title and the text of its tooltip.

    The element is held once: Material moves a title into its tooltip when the
    tooltip first shows, so `abbr[title]` would match another element after.
    """
    page.mouse.move(0, 0)
    element = locator.element_handle()
    title = element.get_attribute("title")
    element.scroll_into_view_if_needed()
    element.focus()
    page.wait_for_function(
        "el => { const id = el.getAttribute('aria-describedby'); const tip = id && document.getElementById(id);"
        " return tip && tip.classList.contains('md-tooltip2--active'); }",
        arg=element, timeout=3_000,
    )
    return title, page.evaluate("el => document.getElementById(el.getAttribute('aria-describedby')).innerText", element)


def shot(page, name: str, width: int) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"reader-{name}-{width}.png"))


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def viewer(request, browser, sites):
    """A page at one width, and the base URL of the served site."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    with serve_folder(sites["site"]) as url:
        yield page, url, width
    context.close()


def test_actor_page_opens_with_its_glance_and_quotes_are_attributed_once(viewer):
    page, url, width = viewer
    page.goto(f"{url}/actors/viktor-ivanov/")
    glance = page.locator("h2#at-a-glance")
    assert glance.is_visible()
    # The glance comes before every other section.
    assert page.locator("article h2").first.get_attribute("id") == "at-a-glance"
    items = page.locator("h2#at-a-glance + ul > li")
    labels = [items.nth(i).locator("strong").first.inner_text() for i in range(items.count())]
    assert labels == ["Roles now:", "Stances:", "Most telling quotes:"]
    assert items.nth(2).locator("li").count() == 3
    shot(page, "actor-glance", width)
    # Eight quotes from one article on one date: the attribution once, not eight times.
    quotes_section = section_text(page, "quotes")
    assert quotes_section.count("Viktor Ivanov, 15–19 November 2010") == 1
    assert page.locator("article blockquote").count() == 8


def test_long_appears_with_is_ranked_and_folded(viewer):
    page, url, width = viewer
    page.goto(f"{url}/actors/russia/")
    folded = page.locator("article details")
    assert folded.count() == 1
    assert folded.get_attribute("open") is None
    summary = folded.locator("summary")
    assert re.fullmatch(r"All \d+ actors named with Russia, by type", summary.inner_text().strip())
    assert not folded.locator("li").first.is_visible()
    summary.scroll_into_view_if_needed()
    summary.click()
    assert folded.locator("li").first.is_visible()
    groups = [s.inner_text() for s in folded.locator("li > strong").all()]
    assert groups[0] == "People:" and "Cities:" in groups and "Citys:" not in groups
    shot(page, "appears-with-open", width)


def test_mentioned_in_is_our_words_not_quotes(viewer):
    page, url, width = viewer
    page.goto(f"{url}/actors/viktor-ivanov/")
    heading = page.locator("h2#mentioned-in")
    section = section_text(page, "mentioned-in")
    assert "our words, not the sources'" in section
    assert "“" not in section and "”" not in section
    # FSKN is one entity: its actor profile is listed, its glossary entry is not a second mention.
    assert "Our glossary entry FSKN" not in section
    assert section.count("Federal Drug Control Service of Russia") == 1
    in_context = page.locator("h2#mentioned-in ~ ul a", has_text="in context").first
    assert re.search(r"/articles/[^/]+/#(summary|key-points|actors-involved|quote-\d+|stances|events|figures)$",
                     in_context.evaluate("a => a.href"))
    heading.scroll_into_view_if_needed()
    shot(page, "mentioned-in", width)


def test_links_to_actors_show_their_description_on_hover(viewer):
    page, url, width = viewer
    page.goto(f"{url}/actors/viktor-ivanov/")
    link = page.locator("article a[href$='/actors/csto/'], article a[href='../csto/']").first
    assert tooltip_of(page, link) == description("csto")
    shot(page, "actor-link-tooltip", width)


def test_glossary_terms_underlined_once_per_section_and_reachable_by_keyboard(viewer):
    page, url, width = viewer
    page.goto(f"{url}/articles/russia-pushes-csto-nato-counternarcotics/")
    abbrs = page.locator("article abbr")
    # Every underlined term can take keyboard focus.
    assert abbrs.count() > 0
    assert page.locator("article abbr:not([tabindex='0'])").count() == 0
    # Once per section: no term is underlined twice between two headings.
    repeats = page.evaluate(
        """() => { const seen = new Set(), twice = [];
                   for (const el of document.querySelectorAll('article h2, article abbr:not(.briefing-note)')) {
                     if (el.tagName === 'H2') { seen.clear(); continue; }
                     if (seen.has(el.textContent)) twice.push(el.textContent);
                     seen.add(el.textContent); }
                   return twice; }""")
    assert repeats == []
    # A keyboard user focuses a term and gets its definition.
    term = page.locator("article abbr[title]:not(.briefing-note)").first
    title, shown = focus_tooltip(page, term)
    assert title and shown == title
    shot(page, "abbr-focus", width)


def test_date_notes_are_tooltips_not_brackets(viewer):
    page, url, width = viewer
    page.goto(f"{url}/actors/viktor-ivanov/")
    events = page.locator("h2#events + .md-typeset__scrollwrap table, h2#events + table").first
    assert "(inferred:" not in events.inner_text()
    note = events.locator("abbr.briefing-note").first
    assert note.inner_text() == "inferred"
    text = tooltip_of(page, note)
    assert text.startswith("The article says 'early November'")
    shot(page, "date-note", width)


def test_home_judgements_link_their_evidence(viewer):
    page, url, width = viewer
    page.goto(f"{url}/")
    judgements = page.locator("h2#key-judgements + ol > li")
    assert judgements.count() == 5
    for index in range(judgements.count()):
        item = judgements.nth(index)
        assert "Evidence:" in item.inner_text()
        assert item.locator("a[href*='articles/']").count() >= 1
    quote = judgements.first.locator("a", has_text="quote of Dmitry Medvedev")
    quote.click()
    page.wait_for_url(re.compile(r"/articles/lets-just-be-friends/#quote-8$"))
    shot(page, "judgement-evidence", width)


def test_tooltips_work_in_the_offline_edition(browser, sites):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto((sites["offline"] / "actors" / "viktor-ivanov.html").as_uri())
    link = page.locator("article a[href$='csto.html']").first
    assert tooltip_of(page, link) == description("csto")
    shot(page, "offline-tooltip", 1280)
    page.goto((sites["offline"] / "articles" / "russia-pushes-csto-nato-counternarcotics.html").as_uri())
    term = page.locator("article abbr[title]:not(.briefing-note)").first
    title, shown = focus_tooltip(page, term)
    assert title and shown == title
    context.close()
