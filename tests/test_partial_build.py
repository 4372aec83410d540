"""`briefing serve`'s partial site build (generator/partial.py) gives the site a full build gives.

Each test builds the seed briefing in full, edits something, then builds the
edit both ways (in part into the first site, in full into a second one) and
compares every file of the two sites, the search index entry for entry.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from generator import partial, pipeline, site
from generator.diagnostics import BuildError

ARTICLE = "seeds/articles/lets-just-be-friends.yaml"
ARTICLE_PAGE = "articles/lets-just-be-friends.md"


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def retitle(project: pipeline.Project) -> str:
    """Give the article a new headline (its page's title); return the new one."""
    path = project.root / ARTICLE
    text = path.read_text(encoding="utf-8")
    old = re.search(r"^ *headline: (.*)$", text, re.M).group(1)
    new = "Friends again, for now"
    assert new != old
    path.write_text(text.replace(f"headline: {old}\n", f"headline: {new}\n", 1), encoding="utf-8")
    return new


@pytest.fixture
def built(seed_project):
    """The seed briefing generated and built in full into `served/`, with what the build read."""
    pipeline.generate(seed_project)
    served = seed_project.root / "served"
    site.build_site(seed_project, site_dir=served, check_links=True)
    state = partial.read_state(seed_project)
    return seed_project, served, state, partial.settings(seed_project)


def build_in_part(project, served, before, settings):
    after = partial.read_state(project, before)
    change = partial.compare(before, after, settings.nav_pages)
    assert change.full_build_because == ""
    checked = partial.rebuild(project, served, {}, after, change, settings.use_directory_urls)
    return change, checked


def assert_same_as_a_full_build(project: pipeline.Project, partial: Path) -> None:
    """Build the project in full next to `partial`; every file the same, the search index entry for entry."""
    full = project.root / "full"
    site.build_site(project, site_dir=full, check_links=True)
    a, b = site_files(partial), site_files(full)
    assert sorted(a) == sorted(b)
    index = "search/search_index.json"
    assert json.loads(a.pop(index)) == json.loads(b.pop(index))
    different = [name for name in a if a[name] != b[name]]
    assert different == []


def test_a_new_headline_builds_in_part_and_gives_the_full_build(built):
    project, served, before, settings = built
    everything = len(site_files(served))
    headline = retitle(project)
    report = pipeline.generate(project)
    change, checked = build_in_part(project, served, before, settings)
    assert ARTICLE_PAGE in change.changed
    assert change.changed == sorted(w.removeprefix("docs/") for w in report.written if w.startswith("docs/"))
    html = (served / "articles/lets-just-be-friends/index.html").read_text(encoding="utf-8")
    assert headline in html
    assert "articles/lets-just-be-friends/index.html" in checked and len(checked) < everything
    index = json.loads((served / "search/search_index.json").read_text(encoding="utf-8"))
    assert any(entry["title"] == headline for entry in index["docs"])
    assert_same_as_a_full_build(project, served)


def test_a_hand_written_page_edit_builds_in_part(built):
    project, served, before, settings = built
    guide = project.docs / "editors-guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n## A new section\n\nWith words nobody wrote before.\n",
                     encoding="utf-8")
    change, checked = build_in_part(project, served, before, settings)
    assert change.changed == ["editors-guide.md"]
    # It lost no anchor: no page linking to it can have broken, only it is checked (and 404.html).
    assert checked == ["404.html", "editors-guide/index.html"]
    assert_same_as_a_full_build(project, served)


def test_a_lost_anchor_fails_the_partial_build_and_puts_the_site_back(built):
    """A page that loses a heading others link to: the links to it are checked, and the site is restored."""
    project, served, before, settings = built
    guide = project.docs / "editors-guide.md"
    text = guide.read_text(encoding="utf-8")
    heading = re.search(r"^## (.+)$", text, re.M).group(1)
    anchor = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
    (project.docs / "index.md").write_text((project.docs / "index.md").read_text(encoding="utf-8")
                                           + f"\nSee [the guide](editors-guide.md#{anchor}).\n", encoding="utf-8")
    site.build_site(project, site_dir=served, check_links=True)  # the link works
    before = partial.read_state(project)
    untouched = site_files(served)
    guide.write_text(text.replace(f"## {heading}\n", f"## {heading} renamed\n", 1), encoding="utf-8")
    after = partial.read_state(project, before)
    change = partial.compare(before, after, settings.nav_pages)
    with pytest.raises(BuildError) as error:
        partial.rebuild(project, served, {}, after, change, settings.use_directory_urls)
    assert any(d.file == "site/index.html" and anchor in d.message for d in error.value.diagnostics)
    assert site_files(served) == untouched


@pytest.mark.parametrize("edit, reason", [
    (lambda p: (p.root / "templates" / "article.md.j2").write_text(
        (p.root / "templates" / "article.md.j2").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
     "mkdocs.yml, templates/ or includes/ changed"),
    (lambda p: (p.docs / "new-page.md").write_text("# New\n", encoding="utf-8"), "a file was added or removed"),
    (lambda p: (p.docs / "editors-guide.md").write_text("# Another title\n", encoding="utf-8"),
     "a page of the nav has a new title"),
    (lambda p: (p.config).write_text(p.config.read_text(encoding="utf-8") + "\n", encoding="utf-8"),
     "mkdocs.yml, templates/ or includes/ changed"),
])
def test_changes_a_partial_build_cannot_reproduce_take_a_full_build(seed_project, edit, reason):
    pipeline.generate(seed_project)
    before = partial.read_state(seed_project)
    edit(seed_project)
    after = partial.read_state(seed_project, before)
    assert partial.compare(before, after, {"index.md", "editors-guide.md"}).full_build_because == reason


def test_an_unchanged_docs_folder_reads_as_unchanged(seed_project):
    pipeline.generate(seed_project)
    before = partial.read_state(seed_project)
    change = partial.compare(before, partial.read_state(seed_project, before), set())
    assert (change.changed, change.full_build_because) == ([], "")


def test_search_merge_puts_each_page_where_it_was():
    old = {"config": {"lang": ["en"]}, "docs": [
        {"location": "", "title": "Home"}, {"location": "#a", "title": "A"},
        {"location": "x/", "title": "X"}, {"location": "x/#s", "title": "S"},
        {"location": "y/", "title": "Y"},
    ]}
    dirty = {"config": {"lang": ["en"]}, "docs": [{"location": "x/", "title": "X2"}, {"location": "x/#t", "title": "T"}]}
    merged = partial.merge_search(old, dirty, {"x/"})
    assert [e["title"] for e in merged["docs"]] == ["Home", "A", "X2", "T", "Y"]
    # A rebuilt page with no entries any more loses them; a page new to the index has no known place.
    assert [e["title"] for e in partial.merge_search(old, {"docs": []}, {"x/"})["docs"]] == ["Home", "A", "Y"]
    assert partial.merge_search(old, {"docs": [{"location": "z/", "title": "Z"}]}, {"z/"}) is None


def material_writes(index: dict) -> bytes:
    return json.dumps(index, separators=(",", ":"), default=str).encode()


def test_the_search_merge_on_bytes_writes_what_the_merge_on_objects_writes():
    """briefing serve merges a rebuilt page's entries into the index file without reading its other
    entries into objects; the file must be what Material would write for merge_search's index."""
    rng = random.Random(3)
    hostile = ['{"location":"x/"}', '\\"', ',{"location":"', "é ü ✓ \u2028", "</script>", '"docs":[', "#"]
    pages = ["", "x/", "y/", "a b/", 'q"/', "z/"]
    for _ in range(300):
        entries = [{"location": page + (f"#{rng.choice(hostile)}" if rng.random() < 0.5 else ""),
                    "title": rng.choice(hostile), "text": " ".join(rng.sample(hostile, 3)),
                    **({"tags": [rng.choice(hostile)]} if rng.random() < 0.2 else {}),
                    **({"boost": rng.choice([1, 2.5])} if rng.random() < 0.2 else {})}
                   for page in rng.sample(pages, rng.randint(1, len(pages))) for _ in range(rng.randint(1, 3))]
        old = {"config": {"lang": ["en"], "separator": '[\\s\\-,:!=\\[\\]()"/]+', "fields": {"title": {"boost": 1000.0}}},
               "docs": entries}
        rebuilt = set(rng.sample(pages, rng.randint(0, 2)))
        fresh = {"docs": [entry for entry in rng.sample(entries, rng.randint(0, len(entries)))]}
        on_objects = partial.merge_search(old, fresh, rebuilt)
        on_bytes = partial.merge_search_bytes(material_writes(old), fresh, rebuilt)
        assert on_bytes == (None if on_objects is None else material_writes(on_objects))
    assert partial.merge_search_bytes(json.dumps(old, indent=1).encode(), fresh, rebuilt) is None  # not Material's form


def test_page_title_and_links_are_read_from_markdown():
    text = "---\ntitle_like: no\n---\n# The title\n\nSee [x](../actors/x.md#roles), <a href=\"y.md\">y</a>, [w](https://e.org/a.md).\n"
    assert partial.page_title(text) == "The title"
    assert partial.page_links("articles/a.md", text) == {"actors/x.md", "articles/y.md"}


def test_tags_merge_replaces_the_rebuilt_pages_mappings():
    old = {"mappings": [{"item": {"url": "a/", "title": "A"}, "tags": ["t"]},
                        {"item": {"url": "b/", "title": "B"}, "tags": ["t"]}]}
    dirty = {"mappings": [{"item": {"url": "a/", "title": "A2"}, "tags": ["u"]}]}
    assert partial.merge_tags(old, dirty, {"a/"})["mappings"] == [dirty["mappings"][0], old["mappings"][1]]
