"""The offline edition: `briefing build --offline`, unzipped elsewhere, opened from file:// with no network.

The browser test does what a new user does: build the zip of the real seeds, unzip
it into an unrelated folder (with a space in its path), open every page in
Chromium with every request that is not file: blocked, and search.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit


from generator import cli, offline, pipeline, site

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"  # git-ignored
MB = 1_000_000
# Schemes that never leave the machine: about:blank is the shim's iframe, data: are inline icons.
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


def build_offline_cli(project: pipeline.Project, capsys) -> str:
    """Run `briefing --root ROOT build --offline`; return what it printed."""
    status = cli.main(["--root", str(project.root), "build", "--offline"])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def unzip(zip_path: Path, into: Path) -> Path:
    """Unzip like a user would; return the edition's folder."""
    into.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(into)
    return into / offline.NAME


# ---------------------------------------------------------------------------
# The command and the zip (mini fixture: fast)
# ---------------------------------------------------------------------------


def test_offline_command_writes_zip_and_leaves_online_config_alone(mini, capsys):
    config_before = mini.config.read_bytes()
    out = build_offline_cli(mini, capsys)
    assert re.search(
        r"^offline: wrote dist/briefing-offline\.zip \(\d+\.\d\d MB, \d+ bytes, \d+ files\) in \d+\.\d\d s; "
        r"unzip it and open briefing-offline/index\.html$", out, re.M), out
    assert mini.config.read_bytes() == config_before
    assert not mini.site.exists(), "--offline builds only the zip, not site/"
    names = zipfile.ZipFile(mini.root / "dist" / "briefing-offline.zip").namelist()
    assert "briefing-offline/index.html" in names
    assert "briefing-offline/search/search_index.js" in names
    assert "briefing-offline/assets/javascripts/iframe-worker-shim.js" in names
    assert not [n for n in names if n.endswith(("/404.html", "sitemap.xml", "sitemap.xml.gz"))]
    assert all(n.startswith("briefing-offline/") for n in names)


def test_vendored_shim_is_the_recorded_upstream_file():
    """The shim below its header is byte for byte iframe-worker 1.0.4's shim/index.js."""
    text = (offline.VENDOR / "shim.js").read_text(encoding="utf-8")
    header, body = text.split("*/\n", 1)
    recorded = re.search(r"sha256:\s*\*?\s*([0-9a-f]{64})", header).group(1)
    assert hashlib.sha256(body.encode("utf-8")).hexdigest() == recorded
    assert "MIT" in header and "1.0.4" in header
    assert (offline.VENDOR / "LICENSE").read_text(encoding="utf-8").startswith("Copyright (c) 2020-2022 Martin Donath")


def test_offline_zip_is_reproducible(mini):
    pipeline.generate(mini)
    first = offline.build_offline(mini).zip_path.read_bytes()
    second = offline.build_offline(mini).zip_path.read_bytes()
    assert first == second


def test_offline_overrides_replace_what_needs_the_network(mini):
    """Instant navigation (XHR) and the unpkg shim go; the project's other settings stay."""
    with mini.config.open("a", encoding="utf-8") as config:
        config.write("\nextra:\n  polyfills: [https://unpkg.com/iframe-worker/shim]\n  note: kept\n")
    text = mini.config.read_text(encoding="utf-8")
    assert "    - navigation.top\n" in text
    mini.config.write_text(text.replace("    - navigation.top\n", "    - navigation.top\n    - navigation.instant\n"))

    settings = offline.overrides(mini)

    assert settings["use_directory_urls"] is False
    assert settings["plugins"][-1] == "offline" and "search" in settings["plugins"]
    assert settings["theme"]["font"] is False
    assert "navigation.instant" not in settings["theme"]["features"]
    assert "navigation.top" in settings["theme"]["features"]
    assert settings["extra"] == {"polyfills": ["assets/javascripts/iframe-worker-shim.js"], "note": "kept"}


def test_plain_build_keeps_directory_urls_and_no_offline_switches(mini):
    pipeline.generate(mini)
    site.build_site(mini)
    assert (mini.site / "glossary" / "index.html").is_file()
    assert not (mini.site / "glossary.html").exists()
    assert not (mini.site / "search" / "search_index.js").exists()
    assert "iframe-worker" not in (mini.site / "index.html").read_text(encoding="utf-8")


def test_outside_request_refuses_offline_build(mini, capsys):
    """A CDN script in the config is refused by name and place; the previous zip stays."""
    build_offline_cli(mini, capsys)
    zip_path = mini.root / "dist" / "briefing-offline.zip"
    before = zip_path.read_bytes()
    with mini.config.open("a", encoding="utf-8") as config:
        config.write("\nextra_javascript:\n  - https://cdn.example.org/mermaid.min.js\n")

    status = cli.main(["--root", str(mini.root), "build", "--offline"])
    err = capsys.readouterr().err

    assert status == 1
    pages = sorted(n for n in zipfile.ZipFile(zip_path).namelist() if n.endswith(".html"))
    first = re.escape(pages[0])
    assert re.fullmatch(
        rf"{first}:\d+:\d+: error: offline: <script> loads https://cdn\.example\.org/mermaid\.min\.js "
        rf"from outside the edition \(also in {len(pages) - 1} other pages\)\n"
        r"1 error; nothing was changed\.\n", err), err
    assert "Traceback" not in err
    assert zip_path.read_bytes() == before
    assert [p.name for p in zip_path.parent.iterdir()] == ["briefing-offline.zip"]


# ---------------------------------------------------------------------------
# The real briefing in Chromium from file://, network blocked
# ---------------------------------------------------------------------------


class Traffic:
    """Blocks and records every request that is not local; records failed file: loads."""

    def __init__(self, context) -> None:
        self.outside: list[str] = []
        self.missing: list[str] = []
        context.route("**/*", self._route)
        context.on("request", self._requested)
        context.on("requestfailed", self._failed)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def _requested(self, request) -> None:
        if request.url.startswith("file:") and not local_path(request.url).is_file():
            self.missing.append(f"{request.url} (no such file)")

    def _failed(self, request) -> None:
        # Leaving a page aborts its pending loads (the favicon): ERR_ABORTED is not a missing file.
        if request.url.startswith("file:") and request.failure != "net::ERR_ABORTED":
            self.missing.append(f"{request.url} ({request.failure})")


# Per page: is Material's CSS applied, every file: link, every image's state, tooltips.
PAGE_FACTS = """() => ({
    styled: getComputedStyle(document.querySelector('.md-header')).position === 'sticky',
    links: [...document.querySelectorAll('a[href]')].map(a => new URL(a.getAttribute('href'), document.baseURI).href).filter(h => h.startsWith('file:')),
    images: [...document.images].map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0})),
    abbrs: document.querySelectorAll('article abbr[title]').length,
})"""


LOAD_IMAGE = """src => new Promise(done => {
    const image = new Image();
    image.onload = image.onerror = done;
    image.src = src;
})"""


def local_path(url: str) -> Path:
    """The file a file: URL points to, without query or fragment."""
    return Path(unquote(urlsplit(url).path))


def search(page, query: str) -> list[str]:
    """Type a query into Material's search box like a user; return the result links."""
    page.click("input.md-search__input")
    page.keyboard.press("Control+A")
    page.keyboard.type(query, delay=20)
    page.wait_for_function(
        "() => /matching document/.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=15_000,
    )
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(a => a.href)")


def result_pages(links: list[str], edition: Path) -> set[str]:
    return {local_path(link).relative_to(edition).as_posix() for link in links}


def test_offline_edition_works_from_disk_in_chromium(seed_project, browser, tmp_path, capsys):
    out = build_offline_cli(seed_project, capsys)
    zip_path = seed_project.root / "dist" / "briefing-offline.zip"
    size = zip_path.stat().st_size
    print(out.strip())  # the size, visible with pytest -s
    assert size < 10 * MB

    edition = unzip(zip_path, tmp_path / "Downloads" / "from a colleague")
    pages = sorted(edition.rglob("*.html"))
    assert len(pages) > 100

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    traffic = Traffic(context)
    page = context.new_page()
    unstyled, bad_links, bad_images, abbrs = [], set(), [], 0
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        facts = page.evaluate(PAGE_FACTS)
        name = path.relative_to(edition).as_posix()
        if not facts["styled"]:
            unstyled.append(name)
        for link in facts["links"]:
            target = local_path(link)
            if not (target.is_file() and target.is_relative_to(edition)):
                bad_links.add(f"{name} -> {link}")
        bad_images += [f"{name}: {i['src']}" for i in facts["images"] if not i["ok"]]
        abbrs += facts["abbrs"]

    assert unstyled == []
    assert sorted(bad_links) == []
    assert bad_images == []
    assert abbrs > 0

    # A glossary tooltip: Material turns abbr[title] into its own tooltip on hover.
    page.goto((edition / "articles" / "russia-pushes-csto-nato-counternarcotics.html").as_uri())
    term = page.locator("article abbr[title]", has_text=re.compile(r"^CSTO$")).first
    assert term.get_attribute("title") == "Collective Security Treaty Organization"
    term.hover()
    tooltip = page.locator(".md-tooltip2--active .md-tooltip2__inner")
    tooltip.wait_for(state="visible")
    assert tooltip.inner_text() == "Collective Security Treaty Organization"

    # Search, in a fresh page as a reader would arrive at the home page.
    page.goto((edition / "index.html").as_uri())
    ivanov = result_pages(search(page, "Ivanov"), edition)
    assert {
        "actors/viktor-ivanov.html",
        "articles/russia-anti-drug-crusade-afghanistan.html",
        "articles/russia-pushes-csto-nato-counternarcotics.html",
    } <= ivanov
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The header and the result panel: enough to see styles, the query and the results.
    page.screenshot(path=str(SCREENSHOTS / "offline-search.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 520})
    assert "glossary.html" in result_pages(search(page, "Rainbow"), edition)
    assert {"glossary.html", "actors/csto.html"} <= result_pages(search(page, "CSTO"), edition)

    assert traffic.outside == []
    assert traffic.missing == []

    # The recorders themselves work: an outside load and a missing file are both caught.
    page.evaluate(LOAD_IMAGE, "https://fonts.googleapis.com/probe.png")
    page.evaluate(LOAD_IMAGE, "missing-figure.png")
    context.close()
    assert traffic.outside == ["https://fonts.googleapis.com/probe.png"]
    assert [m.rsplit("/", 1)[1] for m in traffic.missing] == [
        "missing-figure.png (no such file)", "missing-figure.png (net::ERR_FILE_NOT_FOUND)"]
