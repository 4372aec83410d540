"""The seed briefing's committed docs/ built with Zensical, the second builder (no plugin API).

Zensical ignores the `briefing` plugin, so it builds docs/ and includes/ exactly as
committed; these tests check that what MkDocs gives a reader is there too: every
page, the glossary tooltips (generator.markdown_abbr, a Markdown extension, not a
plugin), the search index, and links that resolve.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from generator import builders
from generator.linkcheck import check_site
from generator.markdown_abbr import read_definitions

ABBR = re.compile(r'<abbr (?:tabindex="0" )?title="([^"]*)">([^<]*)</abbr>')
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Zensical colours its messages even into a pipe (and ignores NO_COLOR)


def generated_pages() -> list[str]:
    """The Markdown pages the generator wrote, relative to docs/ (from its manifest)."""
    manifest = json.loads((REPO / "docs" / ".briefing-manifest.json").read_text(encoding="utf-8"))
    # It also lists includes/abbreviations.md, which is not a page.
    return sorted(
        path.removeprefix("docs/") for path in manifest["files"] if path.startswith("docs/") and path.endswith(".md")
    )


def html_page(site: Path, page: str) -> Path:
    """The HTML file a docs/ page becomes (directory URLs: a/b.md -> a/b/index.html)."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / f"{stem}.html"
    return site / stem / "index.html"


def article_ids() -> list[str]:
    """The article pages of docs/ (every seed article has one)."""
    return sorted(path.stem for path in (REPO / "docs" / "articles").glob("*.md") if path.stem != "index")


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    """The committed docs/ built by `zensical build` in a scratch copy; the site folder."""
    try:
        command = builders.ZENSICAL.command(Path("mkdocs.yml"))
    except builders.BuilderMissing as exc:
        pytest.fail(str(exc))
    project = tmp_path_factory.mktemp("zensical")
    # What the config reads: mkdocs.yml, the pages, and the glossary feed of generator.markdown_abbr.
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "docs", project / "docs")
    shutil.copytree(REPO / "includes", project / "includes")
    shutil.copytree(REPO / "templates" / "theme", project / "templates" / "theme")  # mkdocs.yml's custom_dir
    # Zensical imports generator.markdown_abbr in its own process: this working copy's, not another install's.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)
    # mkdocs.yml says `strict: true`, which Zensical honours: a broken link or anchor exits 1.
    output = COLOUR.sub("", f"{done.stdout}\n{done.stderr}")
    assert done.returncode == 0, f"zensical build failed ({done.returncode}):\n{output}"
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    return project / config.get("site_dir", "site")


def test_zensical_is_installed():
    # A missing builder fails (not skips): the test extra installs it, pinned.
    try:
        builders.ZENSICAL.executable()
    except builders.BuilderMissing as exc:
        pytest.fail(str(exc))


def test_every_generated_page_is_built(zensical_site):
    pages = generated_pages()
    for page in ("index.md", "glossary.md", "timeline.md", "stances.md", "articles/index.md", "actors/index.md"):
        assert page in pages, f"the generator's manifest does not list {page}"
    assert {f"articles/{article}.md" for article in article_ids()} <= set(pages)
    missing = [page for page in pages if not html_page(zensical_site, page).is_file()]
    assert missing == [], f"pages of docs/ with no HTML page in the Zensical site: {missing}"


def test_article_pages_carry_the_glossary_tooltips(zensical_site):
    glossary = read_definitions(REPO / "includes" / "abbreviations.md")
    assert glossary, "includes/abbreviations.md defines no terms"
    for article in article_ids():
        markdown = (REPO / "docs" / "articles" / f"{article}.md").read_text(encoding="utf-8")
        used = {term for term in glossary if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", markdown)}
        assert used, f"{article}: no glossary term in the page; pick another check"
        page = html_page(zensical_site, f"articles/{article}.md").read_text(encoding="utf-8")
        tooltips = {html.unescape(term): html.unescape(title) for title, term in ABBR.findall(page)}
        shown = used & tooltips.keys()
        assert shown, f"{article}: none of the glossary terms it uses has a tooltip: {sorted(used)}"
        wrong = {term: tooltips[term] for term in shown if tooltips[term] != glossary[term]}
        assert wrong == {}, f"{article}: tooltips whose title is not the glossary's"


def test_search_index_lists_every_article(zensical_site):
    index = zensical_site / builders.ZENSICAL.search_index
    assert index.is_file(), f"no search index at {builders.ZENSICAL.search_index}"
    items = json.loads(index.read_text(encoding="utf-8"))["items"]
    titles = {item["location"]: item["title"] for item in items}
    for article in article_ids():
        markdown = (REPO / "docs" / "articles" / f"{article}.md").read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", markdown, re.MULTILINE).group(1).strip()
        location = f"articles/{article}/"
        assert location in titles, f"the search index has no entry for {location}"
        assert titles[location] == heading, location


def test_every_internal_link_and_anchor_resolves(zensical_site):
    # The link check `briefing build` runs on MkDocs' output (generator/linkcheck.py).
    assert check_site(zensical_site, display="site") == []
