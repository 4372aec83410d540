"""Actor names with characters that Markdown escapes: "&", "<", "[", "]", "|".

Prose is sanitised before names are linked ("&" becomes "&amp;", "[" becomes
"\\["), so names are matched in that form (markup.prose_form).  Such a name is
linked in prose and in table cells like any other, gathers its backlinks,
and reads exactly as written in the built site and in Chromium.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import serve_folder
from generator import markup, names, pipeline, site

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"  # git-ignored

# (id, name): each is mentioned once in the article's summary and once in a key point.
NAMES = [
    ("bosnia-and-herzegovina", "Bosnia & Herzegovina"),
    ("group-a", "Group [A]"),
    ("a-b-inc", "A<B Inc"),
    ("either-or", "Either|Or"),
]
ARTICLE = "seeds/articles/petrov-interview.yaml"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> pipeline.Project:
    """The mini briefing, with four such actors named in an article; generated and built."""
    from conftest import FIXTURES, make_project

    project = make_project(tmp_path_factory.mktemp("names"), FIXTURES / "mini" / "seeds")
    for actor_id, name in NAMES:
        (project.seeds / "actors" / f"{actor_id}.yaml").write_text(
            f"name: '{name}'\ntype: organisation\ndescription: A test actor.\n", encoding="utf-8")
    article = project.root / ARTICLE
    text = article.read_text(encoding="utf-8")
    said = " ".join(f"{name} agrees." for _, name in NAMES)
    text = text.replace("summary: Iwan Petrov speaks about crop eradication and the Pact.",
                        f"summary: 'Iwan Petrov speaks about crop eradication and the Pact. {said}'")
    text = text.replace("  - He backs eradication.\n", f"  - He backs eradication.\n  - '{said}'\n")
    text = text.replace("actors:\n", "actors:\n" + "".join(
        f"  - actor: {actor_id}\n    role: Agrees.\n" for actor_id, _ in NAMES), 1)
    article.write_text(text, encoding="utf-8")
    pipeline.generate(project)
    site.build_site(project)  # strict MkDocs and the link check
    return project


def test_prose_form_is_what_sanitize_makes_of_a_name():
    for _, name in NAMES + [("x", "back\\slash {curly}"), ("y", "AT&amp;T")]:
        assert markup.sanitize(f"Before {name} after.") == f"Before {markup.prose_form(name)} after."


def test_names_are_linked_in_prose_and_in_list_items(project):
    page = (project.docs / "articles" / "petrov-interview.md").read_text(encoding="utf-8")
    summary, key_points = page.split("## Summary", 1)[1].split("## Key points", 1)
    for actor_id, name in NAMES:
        linked = f'[{markup.prose_form(name)}](../actors/{actor_id}.md "'  # then the actor's one-line title
        assert linked in summary, name
        assert linked.replace("|", "\\|") in key_points.split("\n## ", 1)[0], name


def test_no_name_is_found_inside_the_escapes_sanitising_adds():
    targets = [(n, names.Target(n, f"actors/{n}.md", n)) for n in ("amp", "lt", "D")]
    linker = names.PageLinker(names.Matcher(targets, in_prose=True), "articles/x.md")
    # "R&D <x>" reads "R&amp;D &lt;x>": neither "amp" nor "lt" is in what the reader sees.
    assert linker.prose("R&D <x>", "s") == "R&amp;[D](../actors/D.md) &lt;x>"
    # Typed out, "&amp;" is text: "amp" is a word there, as the backlinks (plain text) find it.
    assert linker.prose("AT&amp;T", "t") == "AT&amp;[amp](../actors/amp.md);T"
    assert [t.key for _, named in names.names_per_sentence(names.Matcher(targets), "AT&amp;T") for t in named] == ["amp"]


def test_each_actor_page_has_the_backlink(project):
    for actor_id, name in NAMES:
        page = (project.docs / "actors" / f"{actor_id}.md").read_text(encoding="utf-8")
        assert "An Interview with Petrov" in page.split("## Mentioned in", 1)[1], name


def test_a_reader_follows_each_name_to_its_actor(browser, project):
    with serve_folder(project.site) as url:
        page = browser.new_page()
        for actor_id, name in NAMES:
            page.goto(f"{url}/articles/petrov-interview/")
            summary_link = page.locator("article p a", has_text=name).first
            assert summary_link.inner_text() == name
            if actor_id == NAMES[0][0]:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "names-with-markup.png"))
            summary_link.click()
            page.wait_for_url(f"{url}/actors/{actor_id}/")
            assert page.locator("h1").inner_text().rstrip("¶").strip() == name
        page.close()


def test_the_built_html_escapes_the_names_once(project):
    built = (project.site / "articles" / "petrov-interview" / "index.html").read_text(encoding="utf-8")
    summary = built.split('id="summary"', 1)[1].split("<h2", 1)[0]
    key_points = built.split('id="key-points"', 1)[1].split("<h2", 1)[0]
    for actor_id, name in NAMES:
        # The link's title (the actor's description) comes between; the name is escaped once.
        anchor = re.compile(re.escape(f'<a href="../../actors/{actor_id}/"') + r' title="[^"<>]*">'
                            + re.escape(f"{html.escape(name, quote=False)}</a>"))
        assert anchor.search(summary) and anchor.search(key_points), name
