"""The timeline picture (generator/chronology.py): events by year and roles as bars."""

from __future__ import annotations

import re
import shutil
import sys

from conftest import FIXTURES, REPO, make_project
from generator import analysis, chronology, linkcheck, pipeline
from test_bad_inputs import ACCEPTED, lay_over
from test_network import built, svg_links


def test_timeline_picture_is_deterministic(tmp_path):
    pages = []
    for name in ("one", "two"):
        project = make_project(tmp_path / name, REPO / "seeds")
        pipeline.generate(project)
        pages.append((project.docs / "timeline.md").read_bytes())
    assert pages[0] == pages[1]
    assert pages[0].count(b"<svg") == 1 and b"## Roles" in pages[0]


def test_roles_are_drawn_with_their_uncertainty(mini):
    briefing = pipeline.load_briefing(mini)
    picture = analysis.Analysis(briefing).timeline_svg("timeline.md", split=False)
    # Ivan Petrov: Director 2008 to 2016 (given: solid); "Subject of sanctions" has no end (open, faded).
    rows, left_out = chronology.role_rows(briefing)
    assert [r.role.title for r in rows][:1] == ["Director of the drug agency"] and left_out == 0
    assert '<rect class="role" ' in picture and '<rect class="role faded" ' in picture
    assert "no end given" in picture and "from 2008, to 2016" in picture
    # One dot per event, each linked to its article; the key and the text equivalent say what fading means.
    events = briefing.events()
    assert picture.count('<circle class="event') == len(events)
    assert "inferred, hedged or not given" in picture


def test_timeline_links_lead_to_pages(mini):
    site = built(mini)  # strict MkDocs, then the link check over every page, SVG links included
    links = svg_links(site / "timeline" / "index.html")
    assert "../articles/pact-asks-nato/" in links and "../actors/ivan-petrov/" in links
    assert linkcheck.SiteChecker(site).check() == []


def test_hostile_text_is_escaped_in_the_timeline(tmp_path):
    project = make_project(tmp_path / "hostile", FIXTURES / "mini" / "seeds")
    lay_over(ACCEPTED / "hostile", project.root)
    actor = project.seeds / "actors" / "evil-corp.yaml"
    actor.write_text(actor.read_text(encoding="utf-8") + (
        'roles:\n  - title: "Chief </text><script>alert(12)</script>"\n'
        '    from: {on: "2009", qualifier: by, inferred: true, note: "<i>guess</i>"}\n'), encoding="utf-8")
    article = project.seeds / "articles" / "pact-asks-nato.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "what: A joint raid took place.", "what: \"A raid </title><svg onload=alert(13)> took place.\""), encoding="utf-8")
    site = built(project)  # the link check refuses scripts and on…= handlers
    page = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    picture = "".join(re.findall(r"<svg.*?</svg>", page, re.S))
    assert "Chief &lt;/text&gt;&lt;script&gt;" in picture and "&lt;svg onload=alert(13)&gt;" in picture
    assert "<script" not in picture and "onload=" not in picture.replace("&lt;svg onload=", "")


def test_timeline_picture_is_bounded_on_a_large_corpus(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    import make_corpus

    make_corpus.make_corpus(tmp_path / "big", 1000)
    project = pipeline.Project(tmp_path / "big")
    briefing = pipeline.load_briefing(project)
    events = briefing.events()
    years = {e.date.year for e in events}
    assert len(events) > 1000
    picture = analysis.Analysis(briefing).timeline_svg("timeline.md", split=True)
    # A bar per year, not a mark per event; at most ROLE_ROWS roles; a bounded size.
    assert picture.count('<rect class="event"') == len(years)
    assert '<circle class="event' not in picture
    assert picture.count("<g><rect class=\"role") + picture.count("<g><circle") <= chronology.ROLE_ROWS
    assert len(picture.encode("utf-8")) < 60_000
    # Each bar links to its year's page, which the split timeline writes.
    targets = set(re.findall(r'data-page="(timeline/[0-9]+\.md)"', picture))
    assert targets == {f"timeline/{year}.md" for year in years}
    shutil.copytree(REPO / "templates", project.root / "templates")
    pipeline.generate(project)
    assert (project.docs / "timeline.md").read_text(encoding="utf-8").count("<svg") == 1
    assert all((project.docs / target).is_file() for target in targets)
