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


def make_project(tmp: Path, seeds_from: Path) -> pipeline.Project:
    """A scratch project: the given seeds plus this repository's templates and config."""
    shutil.copytree(seeds_from, tmp / "seeds")
    shutil.copytree(REPO / "templates", tmp / "templates")
    shutil.copy(REPO / "mkdocs.yml", tmp / "mkdocs.yml")
    (tmp / "docs").mkdir(exist_ok=True)
    # Hand-written pages (the nav lists the editor's guide); generated ones are rebuilt.
    shutil.copy(REPO / "docs" / "editors-guide.md", tmp / "docs" / "editors-guide.md")
    return pipeline.Project(tmp)


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
