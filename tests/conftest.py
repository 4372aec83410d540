"""Shared test fixtures: scratch copies of briefing projects, and a real browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from generator import pipeline

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def site_markdown(without: str | None = None):
    """A Python-Markdown converter with mkdocs.yml's extensions and settings, less the one named `without`."""
    import markdown
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions, settings = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        if name == without:
            continue
        extensions.append(name)
        settings[name] = {**(options or {}), **({"glossary_file": str(REPO / "includes" / "abbreviations.md")}
                                                  if name == "generator.markdown_abbr" else {})}
    return markdown.Markdown(extensions=extensions, extension_configs=settings)


def mkdocs_extensions() -> list[str]:
    """The Markdown extensions mkdocs.yml lists, by name."""
    import yaml

    return [next(iter(entry)) if isinstance(entry, dict) else entry
            for entry in yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]]


def make_project(tmp: Path, seeds_from: Path) -> pipeline.Project:
    """A scratch project: the given seeds plus this repository's templates and config."""
    shutil.copytree(seeds_from, tmp / "seeds")
    shutil.copytree(REPO / "templates", tmp / "templates")
    shutil.copy(REPO / "mkdocs.yml", tmp / "mkdocs.yml")
    (tmp / "docs").mkdir(exist_ok=True)
    # Hand-written pages (the nav lists the editor's guide); generated ones are rebuilt.
    shutil.copy(REPO / "docs" / "editors-guide.md", tmp / "docs" / "editors-guide.md")
    return pipeline.Project(tmp)


def convert_with_and_without(extension: str, texts: list[str]) -> tuple[list[str], list[str]]:
    """Each text converted with mkdocs.yml's extensions, first without `extension`, then with it."""
    stock, ours = site_markdown(without=extension), site_markdown()
    return [stock.reset().convert(text) for text in texts], [ours.reset().convert(text) for text in texts]


def assert_pages_convert_alike(extension: str, pages: list[Path]) -> list[str]:
    """Every page converts to the same HTML with and without `extension`; returns the HTML."""
    stock, ours = convert_with_and_without(extension, [page.read_text(encoding="utf-8") for page in pages])
    for page, expected, found in zip(pages, stock, ours):
        assert found == expected, page
    return ours


def corpus_pages(tmp_path: Path, articles: int = 200) -> list[Path]:
    """The Markdown pages the generator writes for a synthetic corpus of `articles` articles."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from make_corpus import make_corpus

    make_corpus(tmp_path / "corpus", articles)
    project = make_project(tmp_path / "project", tmp_path / "corpus" / "seeds")
    pipeline.generate(project)
    return sorted((project.root / "docs").rglob("*.md"))


@pytest.fixture
def mini(tmp_path: Path) -> pipeline.Project:
    """A scratch copy of the small fixture briefing (tests/fixtures/mini)."""
    return make_project(tmp_path / "mini", FIXTURES / "mini" / "seeds")


@pytest.fixture
def seed_project(tmp_path: Path) -> pipeline.Project:
    """A scratch copy of the real briefing's seeds."""
    return make_project(tmp_path / "seed", REPO / "seeds")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, headless, with no background traffic."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to the test output."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_folder(folder: Path):
    """A static HTTP server for `folder` on a free loopback port; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
