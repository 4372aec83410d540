"""The fast route (generator/fastroute.py) gives the site Python-Markdown gives, only sooner.

Each briefing is built three times by the real `briefing build`: every page
through Python-Markdown and Material's own search index
(BRIEFING_FAST_ROUTE=0), then through the fast route with an empty cache,
then again with the cache of that build.  Every HTML page (whitespace runs
made one space) and the search index must be the same in all three, on the
seed briefing and on a synthetic 200-article corpus; and the fast route must
have been taken (one cached body per generated page).  Nothing here names
page content: the templates may change, the routes must still agree.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, make_project
from generator import fastroute, piecewise, pipeline, searchindex
from generator.htmlcache import DigestCache

sys.path.insert(0, str(REPO / "benchmarks"))

from make_corpus import make_corpus  # noqa: E402

CACHE = ".briefing-cache"


def build(root: Path, fast: bool) -> None:
    env = {**os.environ, "BRIEFING_FAST_ROUTE": "1" if fast else "0"}
    done = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(root), "build"],
                          capture_output=True, text=True, timeout=900, cwd=root, env=env)
    assert done.returncode == 0, done.stderr


def site_pages(site: Path) -> dict[str, str]:
    """Every HTML page of the built site, whitespace runs made one space; and the search index, parsed."""
    pages = {path.relative_to(site).as_posix(): re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
             for path in sorted(site.rglob("*.html"))}
    pages["search/search_index.json"] = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return pages


def generated_pages(root: Path) -> int:
    manifest = json.loads((root / "docs" / ".briefing-manifest.json").read_text(encoding="utf-8"))
    return sum(1 for path in manifest["files"] if path.startswith("docs/") and path.endswith(".md"))


def cached(root: Path, kind: str) -> dict[str, int]:
    """Cache entry -> modification time, of one kind."""
    return {path.name: path.stat().st_mtime_ns for path in (root / CACHE / kind).glob("*/*.json")}


def assert_same(expected: dict, found: dict) -> None:
    assert sorted(found) == sorted(expected)
    differing = [name for name in expected if expected[name] != found[name]]
    assert differing == []


@pytest.fixture(params=["seeds", "corpus-200"])
def briefing_project(request, tmp_path):
    if request.param == "seeds":
        return make_project(tmp_path / "seed", REPO / "seeds")
    make_corpus(tmp_path / "corpus", 200)
    return make_project(tmp_path / "project", tmp_path / "corpus" / "seeds")


def test_the_fast_route_builds_the_site_python_markdown_builds(briefing_project):
    root = briefing_project.root
    build(root, fast=False)
    assert not (root / CACHE / "html").exists()  # the plain route used no body
    plain = site_pages(briefing_project.site)
    assert len(plain["search/search_index.json"]["docs"]) > len(plain)

    build(root, fast=True)  # an empty cache: every generated page rendered ahead, in workers
    assert_same(plain, site_pages(briefing_project.site))
    bodies, entries = cached(root, "html"), cached(root, "search")
    assert len(bodies) == generated_pages(root) > 0
    # One entry list per page: each worker's guess was the one Material took (a page the nav
    # titles otherwise, the home page, included), and the hand-written pages were parsed in the build.
    documentation = [p for p in (root / "docs").rglob("*.md") if not any(part.startswith(".") for part in p.parts)]
    assert len(entries) == len(documentation)

    build(root, fast=True)  # the cache of that build: nothing rendered or parsed again
    assert_same(plain, site_pages(briefing_project.site))
    assert cached(root, "html") == bodies
    assert cached(root, "search") == entries  # the same search entries, none made again


def test_a_changed_page_gets_a_new_body_and_the_old_one_goes(mini):
    root = mini.root
    build(root, fast=True)
    before = cached(root, "html")
    seed = root / "seeds" / "articles" / "petrov-interview.yaml"  # a one-line summary
    seed.write_text(seed.read_text(encoding="utf-8").replace("summary: ", "summary: Newly edited. ", 1), encoding="utf-8")
    build(root, fast=True)
    after = cached(root, "html")
    assert len(after) == len(before) == generated_pages(root)
    assert 0 < len(set(before) - set(after)) < len(before)  # the pages that show the summary, no others
    assert all(after[name] == before[name] for name in set(after) & set(before))
    plain = root.parent / "plain"
    shutil.copytree(root, plain, ignore=shutil.ignore_patterns(CACHE, "site"))
    build(plain, fast=False)
    assert_same(site_pages(plain / "site"), site_pages(mini.site))


def test_only_untouched_generated_pages_take_the_fast_route(mini):
    pipeline.generate(mini)
    docs = mini.root / "docs"
    untouched = fastroute.untouched_pages(mini.root, docs)
    assert "index.md" in untouched and "editors-guide.md" not in untouched  # hand-written: never
    page = docs / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited by hand.\n", encoding="utf-8")
    assert "index.md" not in fastroute.untouched_pages(mini.root, docs)
    (docs / ".briefing-manifest.json").write_text("{", encoding="utf-8")
    assert fastroute.untouched_pages(mini.root, docs) == {}  # an unreadable manifest: every page the plain way



def test_a_second_build_in_one_process_reads_only_the_pages_that_changed(mini, monkeypatch):
    """briefing serve's worker builds after each edit: the pages' keys are worked out again only
    for files whose stat changed, and a page edited by hand still leaves the fast route."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    pipeline.generate(mini)
    monkeypatch.chdir(mini.root)
    monkeypatch.setattr(fastroute, "_KEYED", {})

    def route() -> fastroute.FastRoute:
        config = load_config(str(mini.root / "mkdocs.yml"))
        return fastroute.FastRoute(config, get_files(config))

    first = route()
    read: list[str] = []
    real = fastroute._read_untouched
    monkeypatch.setattr(fastroute, "_read_untouched", lambda full, expected: read.append(full.name) or real(full, expected))
    assert route().keys == first.keys and read == []
    page = mini.root / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited by hand.\n", encoding="utf-8")
    again = route()
    assert read == ["index.md"] and "index.md" not in again.keys
    assert {name: key for name, key in first.keys.items() if name != "index.md"} == again.keys

def test_a_render_that_logs_is_held_back_and_noticed():
    pages = logging.getLogger("mkdocs.structure.pages")
    seen = []
    handler = logging.Handler()
    handler.emit = seen.append
    logging.getLogger("mkdocs").addHandler(handler)
    level = logging.getLogger("mkdocs").level
    logging.getLogger("mkdocs").setLevel(logging.DEBUG)
    try:
        with piecewise.held_logs() as held:
            pages.debug("chatter")
            assert not held.seen
            pages.warning("Doc file 'x.md' contains a link 'y.md', but the target is not found")
        assert held.seen and [record.getMessage() for record in seen] == ["chatter"]  # the warning held back
        pages.warning("after")
        assert [record.getMessage() for record in seen] == ["chatter", "after"]
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
        logging.getLogger("mkdocs").setLevel(level)


class FakePage:
    def __init__(self, content: str):
        from mkdocs.structure.toc import get_toc

        self.content, self.url, self.title, self.meta = content, "p/", "P", {"tags": ["t"]}
        self.toc = get_toc([{"level": 2, "id": "b", "name": "B", "children": []}])


def test_search_entries_come_from_the_cache_only_for_the_same_page(tmp_path):
    page = FakePage('<h1 id="p">P</h1><p>one</p><h2 id="b">B</h2><p>two &amp; <em>three</em></p>')
    entries = searchindex.page_entries(page)
    assert [entry["location"] for entry in entries] == ["p/", "p/#b"]
    assert entries[1]["tags"] == ["t"] and "three" in entries[1]["text"]

    index = searchindex.CachedSearchIndex(DigestCache(tmp_path, "search"))
    index.add_entry_from_context(page)
    assert index.entries == entries
    key = searchindex.entries_key(page)
    index.cache.put(key, [{"location": "p/", "title": "kept", "text": ""}])
    again = searchindex.CachedSearchIndex(DigestCache(tmp_path, "search"))
    again.add_entry_from_context(page)
    assert again.entries[0]["title"] == "kept"  # read from the cache, not parsed
    page.content = page.content.replace("two", "2")
    assert searchindex.entries_key(page) != key


def test_the_cache_never_writes_through_a_link(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / CACHE).symlink_to(outside)
    cache = DigestCache(tmp_path / "root", "html")
    cache.put("ab" * 32, {"x": 1})
    assert list(outside.iterdir()) == [] and cache.get("ab" * 32) is None


RESULTS = REPO / "test-results" / "screenshots"  # git-ignored

# What a reader sees of a page: the article's text, the table of contents, the title.
READER_VIEW = """() => ({
    title: document.title,
    article: document.querySelector('article').innerText,
    toc: [...document.querySelectorAll('.md-sidebar--secondary .md-nav__link')].map(a => a.innerText + ' ' + a.getAttribute('href')),
})"""


def search_results(page, query: str, phone: bool) -> list[str]:
    """Type `query` into Material's search on a fresh page, as a reader would; the results' addresses and texts."""
    if phone and not page.is_visible("input.md-search__input"):
        page.click("label.md-header__button[for='__search']")  # the phone layout's search button
    page.type("input.md-search__input", query, delay=20)
    # Material shows the count, then renders the results in batches of 10 (more on scrolling):
    # wait for the count and the first batch, and read those.
    page.wait_for_function(
        """() => {
            const meta = document.querySelector('.md-search-result__meta').textContent;
            const count = /No matching/.test(meta) ? 0 : parseInt(meta.replace(/\\D/g, '') || '-1');
            return count >= 0 && document.querySelectorAll('.md-search-result__item').length >= Math.min(count, 10);
        }""",
        timeout=15_000,
    )
    meta = page.inner_text(".md-search-result__meta")
    return [meta] + page.eval_on_selector_all(
        ".md-search-result__item > a",
        "els => els.slice(0, 10).map(a => new URL(a.href).pathname + new URL(a.href).search + ' '"
        " + a.querySelector('h1, h2').innerText)",
    )


def queries_from(index: dict) -> list[str]:
    """A few search words taken from the index itself (the first long word of some section titles)."""
    words = []
    for entry in index["docs"][:: max(1, len(index["docs"]) // 6)]:
        found = re.findall(r"[^\W\d_]{5,}", entry["title"])
        if found and found[0] not in words:
            words.append(found[0])
    return words[:5]


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_reader_sees_the_same_pages_and_search_results_on_both_routes(seed_project, browser, width, height):
    from conftest import serve_folder

    root = seed_project.root
    build(root, fast=False)
    plain = root.parent / "plain-site"
    shutil.copytree(seed_project.site, plain)
    build(root, fast=True)
    index = json.loads((plain / "search" / "search_index.json").read_text(encoding="utf-8"))
    queries = queries_from(index)
    assert len(queries) >= 3
    pages = ["", "articles/", "actors/", "glossary/"]
    located = sorted({entry["location"].split("#")[0] for entry in index["docs"]} - set(pages))
    pages += [next(page for page in located if page.startswith(kind)) for kind in ("articles/", "actors/")]
    seen = {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for route, folder in (("plain", plain), ("fast", seed_project.site)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        with serve_folder(folder) as url:
            views = []
            for address in pages:
                page.goto(f"{url}/{address}", wait_until="load")
                views.append(page.evaluate(READER_VIEW))
            page.goto(f"{url}/{pages[4]}", wait_until="load")
            page.screenshot(path=str(RESULTS / f"fastroute-{route}-article-{width}.png"))
            found = []
            for query in queries:  # a fresh page each time: no result list of the last query to mistake
                page.goto(f"{url}/", wait_until="load")
                found.append(search_results(page, query, phone=width < 600))
            page.screenshot(path=str(RESULTS / f"fastroute-{route}-search-{width}.png"))
        context.close()
        assert errors == []
        seen[route] = (views, found)
    assert all(view["article"].strip() for view in seen["fast"][0])
    assert all(results for results in seen["fast"][1])  # every word from the index finds something
    assert seen["fast"] == seen["plain"]
