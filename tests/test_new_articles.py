"""Acceptance of issue 13: an editor adds two new articles, from new outlets, with no code change.

tests/fixtures/new_articles holds what the editor drops into a copy of the
project: two article summaries and their plain-text sources (written for
these tests, from made-up outlets), the new actors (the outlets, a person,
a programme, a city that shares its name with a metonym of Russia) and a
new glossary term.  The editor's three small edits to existing files are
made here as text edits (edit_as_the_guide_says).  Then `briefing check`
(which checks every quote against the `sources` folder) and `briefing build`
run as the editor would run them, and the pages are read back.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, make_project, serve_folder
from helpers import briefing
from test_sources import SEED_SOURCES

NEW = FIXTURES / "new_articles"
RESULTS = Path(__file__).resolve().parent.parent / "test-results"  # git-ignored
FIRST, SECOND = "operation-channel-returns-to-moscow", "drug-police-chiefs-meet-in-moscow"

NEW_ISSUE = """  - id: intelligence-sharing
    title: Sharing drug intelligence across borders
    description: >-
      Whether customs and police services should tell one another about
      shipments before they cross.
"""


def edit_as_the_guide_says(seeds: Path) -> None:
    """The edits docs/editors-guide.md walks through: keep sources inside, add an issue, point the term at its actor, cite one more article."""
    settings = seeds / "briefing.yaml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^sources: .*$", "sources: sources", text)
    settings.write_text(text.rstrip("\n") + "\n" + NEW_ISSUE, encoding="utf-8")
    term = seeds / "glossary" / "operation-channel.yaml"
    term.write_text(term.read_text(encoding="utf-8") + "actor: operation-channel\n", encoding="utf-8")
    ivanov = seeds / "actors" / "viktor-ivanov.yaml"
    text = ivanov.read_text(encoding="utf-8")
    old = "  as_of: russia-pushes-csto-nato-counternarcotics\n"
    assert text.count(old) == 1, "the Ivanov seed changed: update this test's edit"
    ivanov.write_text(text.replace(old, old + f"  evidence:\n  - {SECOND}\n"), encoding="utf-8")


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    """A copy of the project with the new articles added, checked and built; returns its root."""
    root = tmp_path_factory.mktemp("grown") / "project"
    make_project(root, REPO / "seeds")
    (root / "sources").mkdir()
    for text in sorted(SEED_SOURCES.glob("*.txt")):
        shutil.copy(text, root / "sources" / text.name)
    shutil.copytree(NEW, root, dirs_exist_ok=True)  # drop the files in
    edit_as_the_guide_says(root / "seeds")
    checked = briefing(root, "check")
    assert checked.returncode == 0, checked.stderr
    assert "ok: 7 articles" in checked.stdout
    quotes = sum(t.count("- text:") for t in (p.read_text(encoding="utf-8") for p in (root / "seeds" / "articles").glob("*.yaml")))
    assert f"ok: {quotes} quotes found verbatim in 7 sources" in checked.stdout, checked.stdout
    built = briefing(root, "build", timeout=600)
    assert built.returncode == 0, built.stderr
    return root


def page(root: Path, name: str) -> str:
    return (root / "docs" / name).read_text(encoding="utf-8")


def plain(markdown: str) -> str:
    """`markdown` without link hover titles and inline HTML tags, to compare what a reader reads."""
    return re.sub(r"<[^>]+>", "", re.sub(r' "[^"\n]*"\)', ")", markdown))


def test_new_articles_get_pages_with_open_and_approximate_dates(grown):
    first = plain(page(grown, f"articles/{FIRST}.md"))
    assert "| since 2014 | [Sadykova](../actors/aigerim-sadykova.md) observes" in first
    assert "| by 8 February 2018 |" in first and "| about February 2018 |" in first
    assert "Customs Officers Trade Notes" in page(grown, "articles/index.md")
    assert (grown / "site" / "articles" / FIRST / "index.html").is_file()
    assert (grown / "site" / "articles" / SECOND / "index.html").is_file()


def test_the_city_and_the_state_share_a_name(grown):
    first, second = page(grown, f"articles/{FIRST}.md"), page(grown, f"articles/{SECOND}.md")
    # Explicit [Moscow](@moscow) links the city; the same article's cast has no Russia.
    assert "met in [Moscow](../actors/moscow.md) to take stock" in first
    assert "gathered in [Moscow](../actors/moscow.md)." in second
    # Prose written before the city existed keeps meaning the state.
    assert "How [Moscow](actors/russia.md) has tried" in plain(page(grown, "index.md"))
    city = page(grown, "actors/moscow.md")
    assert city.startswith("# Moscow\n") and "*City*" in city and "also meant by" not in city
    assert "met in Moscow to take stock" in city  # its backlink, the link syntax gone
    assert "](@" not in city and "](@" not in page(grown, "timeline.md")
    assert "also meant by Moscow, the Kremlin, Kremlin" in page(grown, "actors/russia.md")
    assert "met in Moscow to take stock" not in page(grown, "actors/russia.md")


def test_programme_role_new_term_and_new_issue(grown):
    person = plain(page(grown, "actors/aigerim-sadykova.md"))
    assert "| Observer in Operation Channel | [Operation Channel](operation-channel.md) | since 2014 |" in person
    assert "*Programme*" in page(grown, "actors/operation-channel.md")
    assert "## controlled delivery { #controlled-delivery }" in page(grown, "glossary.md")
    assert "[controlled delivery](../glossary.md#controlled-delivery)" in page(grown, f"articles/{FIRST}.md")
    assert "Sharing drug intelligence across borders" in page(grown, "stances.md")


def test_role_over_time_from_several_articles(grown):
    ivanov = page(grown, "actors/viktor-ivanov.md")
    assert "attested October 2010 to November 2010, 2 articles: earliest [Drug Police Chiefs" in ivanov


def test_home_page_counts_come_from_the_model(grown):
    home = plain(page(grown, "index.md"))
    outlets = {re.search(r"(?m)^  outlet: (\S+)", p.read_text(encoding="utf-8")).group(1)
               for p in (grown / "seeds" / "articles").glob("*.yaml")}
    assert f"Built from 7 articles by {len(outlets)} outlets, published between 2009 and 2018; " in home
    assert f"the newest is [Customs Officers Trade Notes as Operation Channel Returns to Moscow](articles/{FIRST}.md), published 8 February 2018." in home


def test_timeline_orders_open_dates_after_the_year_they_start(grown):
    rows = [line for line in plain(page(grown, "timeline.md")).splitlines() if line.startswith("| ")]
    when = [row.split(" | ")[0].lstrip("| ") for row in rows]
    assert when.index("since 2014") > max(i for i, w in enumerate(when) if w == "2014")
    assert when.index("2001") < when.index("after 2001 (inferred)")
    assert when.index("August 2008") < next(i for i, w in enumerate(when) if w.startswith("2008–2009"))


def test_existing_pages_keep_their_meaning(grown):
    """The seed briefing's pages change only where the new articles touch them."""
    for name in ("actors/mullah-omar.md", "actors/barack-obama.md"):
        assert page(grown, name) == (REPO / "docs" / name).read_text(encoding="utf-8"), name


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_new_pages_in_chromium(browser, grown, width, height):
    """The new article, the profile with a role attested by two articles and the home page, as a reader sees them."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    RESULTS.mkdir(exist_ok=True)
    with serve_folder(grown / "site") as url:
        page.goto(f"{url}/articles/{FIRST}/")
        city = page.locator("article p a", has_text="Moscow").first
        assert city.get_attribute("href") == "../../actors/moscow/"
        assert page.get_by_role("cell", name="since 2014").is_visible()
        page.screenshot(path=str(RESULTS / f"new-article-{width}.png"), full_page=True)
        page.goto(f"{url}/actors/viktor-ivanov/")
        attested = page.get_by_text("attested October 2010 to November 2010, 2 articles")
        attested.scroll_into_view_if_needed()
        assert attested.is_visible()
        page.screenshot(path=str(RESULTS / f"new-role-evidence-{width}.png"))
        page.goto(f"{url}/")
        assert page.get_by_text("Built from 7 articles by 7 outlets").is_visible()
        page.screenshot(path=str(RESULTS / f"new-home-{width}.png"))
    context.close()
