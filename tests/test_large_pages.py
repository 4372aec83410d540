"""A large briefing's aggregate pages: the timeline by year and the stances by issue, in Chromium too."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import REPO, serve_folder
from generator import pipeline, site

sys.path.insert(0, str(REPO / "benchmarks"))

from make_corpus import make_corpus  # noqa: E402

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"  # git-ignored
TITLE = r'(?: "[^"]*")?'  # a link's title: the one-line description of what it leads to
ROW = re.compile(rf"^\| .* \| .* \| .* \| \[.*\]\((?:\.\./)?articles/.*\.md{TITLE}\) \|$", re.M)  # an event row


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> pipeline.Project:
    """A synthetic briefing of 300 articles (about 1,200 events), generated and built (strict)."""
    root = tmp_path_factory.mktemp("large") / "briefing"
    make_corpus(root, 300)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "docs").mkdir()
    shutil.copy(REPO / "docs" / "editors-guide.md", root / "docs" / "editors-guide.md")  # in the nav
    project = pipeline.Project(root)
    pipeline.generate(project)
    site.build_site(project)  # strict, and every link of the HTML checked
    return project


def test_the_timeline_is_split_by_year_past_the_limit(large):
    briefing = pipeline.load_briefing(large)
    events = briefing.events()
    assert len(events) > briefing.split_timeline_after == 1000  # the default
    overview = (large.docs / "timeline.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| \[(\d{4})\]\(timeline/\1\.md\) \| (\d+) \|$", overview, re.M))
    years = sorted({e.date.year for e in events})
    assert [int(y) for y in listed] == years
    assert f"{len(events):,} events, too many for one page" in overview
    assert not ROW.search(overview)  # the overview lists years, not events
    for year in years:
        page = (large.docs / "timeline" / f"{year}.md").read_text(encoding="utf-8")
        rows = ROW.findall(page)
        assert len(rows) == int(listed[str(year)]) == sum(1 for e in events if e.date.year == year)
        assert page.startswith(f"# Timeline: {year}\n")
    assert sorted(p.stem for p in (large.docs / "timeline").glob("*.md")) == [str(y) for y in years]


def test_year_pages_go_when_the_timeline_fits_one_page_again(large, tmp_path):
    project = pipeline.Project(tmp_path / "copy")
    shutil.copytree(large.root, project.root, ignore=shutil.ignore_patterns("site", ".briefing-cache"))
    settings = project.seeds / "briefing.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "split_timeline_after: 1000000\n", encoding="utf-8")
    report = pipeline.generate(project)
    assert not (project.docs / "timeline").exists()
    assert len([p for p in report.removed if p.startswith("docs/timeline/")]) > 10
    events = len(pipeline.load_briefing(project).events())
    assert len(ROW.findall((project.docs / "timeline.md").read_text(encoding="utf-8"))) == events


def test_a_reader_goes_from_the_overview_to_a_year_and_on(large, browser):
    briefing = pipeline.load_briefing(large)
    years = sorted({e.date.year for e in briefing.events()})
    first, second = years[0], years[1]
    with serve_folder(large.site) as url:
        page = browser.new_page()
        try:
            page.goto(f"{url}/timeline/")
            assert page.locator("h1").inner_text().rstrip("¶").strip() == "Timeline"
            page.get_by_role("link", name=str(first), exact=True).click()
            page.wait_for_url(f"{url}/timeline/{first}/")
            assert page.locator("h1").inner_text().rstrip("¶").strip() == f"Timeline: {first}"
            rows = page.locator("article table tbody tr")
            assert rows.count() == sum(1 for e in briefing.events() if e.date.year == first)
            assert rows.first.locator("td").nth(3).locator("a").count() == 1  # the source article
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "timeline-year.png"))
            # On to the next year, and back to the overview.
            page.locator("article").get_by_role("link", name=str(second), exact=True).click()
            page.wait_for_url(f"{url}/timeline/{second}/")
            page.locator("article").get_by_role("link", name="All years").click()
            page.wait_for_url(f"{url}/timeline/")
        finally:
            page.close()


STANCE_ROW = re.compile(rf"^\| \[.*\]\(\.\./actors/.*\.md{TITLE}\) \| .* \| .* \| \[.*\]\(\.\./articles/.*\.md{TITLE}\), .* \|$", re.M)


def test_the_stances_are_split_by_issue_past_the_limit(large):
    briefing = pipeline.load_briefing(large)
    issues = [i for i in briefing.issues if i.stances]
    total = sum(len(i.stances) for i in issues)
    assert total > briefing.split_stances_after == 1000  # the default
    overview = (large.docs / "stances.md").read_text(encoding="utf-8")
    assert f"{total:,} stances, too many for one page" in overview
    assert not STANCE_ROW.search(overview)
    for issue in issues:
        counts = re.search(rf"^\| \[[^]]*\]\(stances/{issue.id}\.md\) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", overview, re.M)
        leanings = [s.leaning for s in issue.stances]
        assert [int(n) for n in counts.groups()] == [len(leanings)] + [leanings.count(x) for x in ("supports", "opposes", "mixed", "neutral")]
        page = (large.docs / "stances" / f"{issue.id}.md").read_text(encoding="utf-8")
        assert len(STANCE_ROW.findall(page)) == len(issue.stances)
    # Articles and actors link to the issue's page, not to an anchor of stances.md.
    pages = [p.read_text(encoding="utf-8") for p in (large.docs / "articles").glob("*.md")]
    assert not any("stances.md#" in page for page in pages)
    assert sum(page.count("](../stances/issue-") for page in pages) == total


def test_a_reader_goes_from_the_stances_overview_to_an_issue(large, browser):
    issue = next(i for i in pipeline.load_briefing(large).issues if i.stances)
    with serve_folder(large.site) as url:
        page = browser.new_page()
        try:
            page.goto(f"{url}/stances/")
            # The grid's column head and the list of issues both lead there.
            page.locator("article").get_by_role("link", name=issue.title, exact=True).first.click()
            page.wait_for_url(f"{url}/stances/{issue.id}/")
            assert page.locator("h1").inner_text().rstrip("¶").strip() == f"Stances: {issue.title}"
            assert page.locator("article table tbody tr").count() == len(issue.stances)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "stances-issue.png"))
        finally:
            page.close()


def test_the_glossary_lists_the_newest_fifty_articles_of_a_term(large):
    briefing = pipeline.load_briefing(large)
    term = max(briefing.terms, key=lambda t: len(t.articles))
    assert len(term.articles) > 50
    glossary = (large.docs / "glossary.md").read_text(encoding="utf-8")
    entry = glossary.split(f"{{ #{term.id} }}", 1)[1].split("\n## ", 1)[0]
    used_in = next(line for line in entry.splitlines() if line.startswith("*Used in:*"))
    listed = re.findall(r"\]\(articles/([^)]+)\.md\)", used_in)
    # Newest first, as everywhere on the site (ties by id).
    newest = sorted(term.articles, key=lambda a: (tuple(-x for x in a.date.sort_key), a.id))[:50]
    assert listed == [a.id for a in newest]
    assert used_in.endswith(f" · …and {len(term.articles) - 50} earlier articles")


def test_briefing_yaml_sets_where_the_pages_split(mini):
    """Any briefing can ask for the split: here the small one, after one event and one stance."""
    settings = mini.seeds / "briefing.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "split_timeline_after: 1\nsplit_stances_after: 1\n",
                        encoding="utf-8")
    pipeline.generate(mini)
    briefing = pipeline.load_briefing(mini)
    years = sorted({e.date.year for e in briefing.events()})
    issues = sorted(i.id for i in briefing.issues if i.stances)
    assert len(years) > 1 and len(issues) > 1
    assert sorted(p.stem for p in (mini.docs / "timeline").glob("*.md")) == [str(y) for y in years]
    assert sorted(p.stem for p in (mini.docs / "stances").glob("*.md")) == issues
    site.build_site(mini)  # strict, every link checked
