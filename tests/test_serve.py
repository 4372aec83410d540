"""`briefing serve` (and plain `mkdocs serve` with the plugin): live preview while editing.

The server runs in a subprocess on loopback, on a free port, over a scratch
copy of the real briefing.  Each test edits a seed file, polls the served page
until it changes (bounded), and puts the file back.  The time from save to
served page is printed (`pytest -s`), not asserted: timing targets belong to
benchmarks, the bound only stops a broken server from hanging the suite.
"""

from __future__ import annotations

import json

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest
import watchdog.events
import watchdog.observers.polling

from conftest import FIXTURES, REPO, make_project
from generator import pipeline, serve, write

BOUND = 60.0  # seconds: generous, for a loaded CI machine
ARTICLE = "seeds/articles/lets-just-be-friends.yaml"
ARTICLE_PAGE = "articles/lets-just-be-friends/"
SCREENSHOTS = REPO / "test-results"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check: Callable[[], object], bound: float = BOUND) -> float:
    """Poll `check` until it returns something true; return the seconds taken."""
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > bound:
            raise AssertionError(f"gave up after {bound:.0f} s waiting for {what}")
        time.sleep(0.05)
    return time.perf_counter() - started


def fetch(url: str) -> tuple[int, str]:
    """Status and text of a GET (404s included)."""
    try:
        with urllib.request.urlopen(url, timeout=BOUND) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError):
        return 0, ""


class Server:
    """A serving subprocess, its address and its output files."""

    def __init__(self, command: list[str], root: Path, port: int, logs: Path):
        self.root, self.url = root, f"http://127.0.0.1:{port}/"
        self.out, self.err = logs / "stdout.txt", logs / "stderr.txt"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
        with open(self.out, "w") as out, open(self.err, "w") as err:
            self.process = subprocess.Popen(command, cwd=root, stdout=out, stderr=err, env=env)
        wait_for("the first page", lambda: self.page("")[0] == 200 or self.process.poll() is not None)
        assert self.process.poll() is None, self.stderr()

    def page(self, path: str) -> tuple[int, str]:
        return fetch(self.url + path)

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8")

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=30)

    @contextmanager
    def edited(self, relative: str, old: str, new: str) -> Iterator[Path]:
        """Replace `old` by `new` in a file; put it back afterwards and wait until the site has it back."""
        path = self.root / relative
        original = path.read_text(encoding="utf-8")
        assert original.count(old) == 1, f"{old!r} is not in {relative} once"
        path.write_text(original.replace(old, new), encoding="utf-8")
        try:
            yield path
        finally:
            path.write_text(original, encoding="utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Server]:
    """`briefing serve` on a scratch copy of the seed briefing."""
    project = make_project(tmp_path_factory.mktemp("serve"), REPO / "seeds")
    port = free_port()
    command = [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"]
    server = Server(command, project.root, port, tmp_path_factory.mktemp("serve-logs"))
    yield server
    assert server.stop() == 0
    assert server.stdout().endswith("stopping\n")


def shows(server: Server, path: str, text: str) -> Callable[[], bool]:
    return lambda: text in server.page(path)[1]


def test_edit_reaches_the_served_page(served):
    assert "Let’s Just Be Friends" in served.page(ARTICLE_PAGE)[1]
    with served.edited(ARTICLE, "headline: Let’s Just Be Friends", "headline: Let’s Stay Friends"):
        seconds = wait_for("the new headline", shows(served, ARTICLE_PAGE, "Let’s Stay Friends"))
        print(f"\nbriefing serve: edit to served page in {seconds:.2f} s")
        # Other pages that show the headline follow in the same rebuild.
        assert "Let’s Stay Friends" in served.page("")[1]
    wait_for("the headline back", shows(served, ARTICLE_PAGE, "Let’s Just Be Friends"))


def quiet(server: Server) -> None:
    """Wait until the server has finished what earlier edits started (their data files follow the pages)."""
    def still() -> bool:
        log = server.stdout()
        time.sleep(1.0)
        last = log.rstrip("\n").rsplit("\n", 1)[-1]
        return server.stdout() == log and ("site rebuilt" in last or "no page changed" in last or "serving" in last)
    wait_for("the server to settle", still)


def test_one_rebuild_per_edit(served):
    """An edit and its revert rebuild twice, each in two steps (the pages, then the data files,
    both in the site): the generator's own writes into docs/ trigger nothing, and a save seen
    as several file events rebuilds once."""
    def counts() -> tuple[int, int, int, int]:
        log = served.stdout()
        return (log.count("] generated:"), log.count("] data files generated:"), log.count("site rebuilt"),
                log.count("no page changed"))

    quiet(served)
    before = counts()
    with served.edited(ARTICLE, "author: Tom Balmforth", "author: T. Balmforth"):
        wait_for("the new byline", shows(served, ARTICLE_PAGE, "T. Balmforth"))
    wait_for("the byline back", lambda: "T. Balmforth" not in served.page(ARTICLE_PAGE)[1])
    wait_for("the data files of the revert", lambda: counts()[1] - before[1] == 2)
    time.sleep(2.0)  # room for a spurious rebuild to start and show
    pages, data, rebuilt, skipped = (now - then for now, then in zip(counts(), before))
    assert (pages, data) == (2, 2)
    # The byline is on the article's page and in the data files; the revert may be saved before the
    # edit's data files are made (they then find nothing to change), so only the pages are sure to build.
    assert rebuilt >= 2
    assert pages + data == rebuilt + skipped  # each generation ends in a build or a reasoned skip


def test_the_data_files_follow_the_pages_into_the_served_site(served):
    """The pages are shown first; the data files (here the JSON export) follow, from the same edit."""
    assert "Let’s Just Be Friends" in served.page("data/briefing.json")[1]
    with served.edited(ARTICLE, "headline: Let’s Just Be Friends", "headline: Let’s Be Friends"):
        wait_for("the new headline in the data", shows(served, "data/briefing.json", "Let’s Be Friends"))
        assert "Let’s Be Friends" in served.page(ARTICLE_PAGE)[1]
    wait_for("the headline back in the data", shows(served, "data/briefing.json", "Let’s Just Be Friends"))
    log = served.stdout().splitlines()
    pages = max(i for i, line in enumerate(log) if "] generated:" in line)
    data = max(i for i, line in enumerate(log) if "] data files generated:" in line)
    assert pages < data and "site rebuilt" in log[pages + 1] and "site rebuilt" in log[data + 1]


def test_a_save_that_changes_no_page_skips_the_site_build(served):
    """A YAML comment changes no page: the generator runs, MkDocs does not."""
    quiet(served)
    log = served.stdout()
    rebuilt, skipped = log.count("site rebuilt"), log.count("no page changed")
    # Each save skips twice: after the pages, and after the data files.
    with served.edited(ARTICLE, "author: Tom Balmforth", "author: Tom Balmforth  # as in the byline"):
        wait_for("the skipped build", lambda: served.stdout().count("no page changed") > skipped + 1)
    wait_for("the revert, skipped too", lambda: served.stdout().count("no page changed") > skipped + 3)
    log = served.stdout()
    assert log.count("site rebuilt") == rebuilt
    lines = log.splitlines()
    last = max(i for i, line in enumerate(lines) if "no page changed" in line)
    generated = len(json.loads((REPO / "docs" / ".briefing-manifest.json").read_text())["files"])
    assert f": 0 files written, {generated} unchanged, 0 removed in " in lines[last - 1]  # the generator did run
    status, html = served.page(ARTICLE_PAGE)
    assert status == 200 and "Tom Balmforth" in html


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_invalid_edit_keeps_the_last_good_site_and_recovers(served):
    refusals = served.stdout().count("still serving the last good site")
    with served.edited(ARTICLE, "  kind: analysis\n", "  kind: analysys\n  author_note: BROKEN-EDIT\n") as path:
        line = line_of(path, "kind: analysys")
        wait_for("the refusal", lambda: served.stdout().count("still serving the last good site") > refusals)
        assert (
            f"{ARTICLE}:{line}:9: error: source.kind: 'analysys' is not one of: report, analysis, interview, "
            "news, opinion (did you mean 'analysis'?)\n1 error; nothing was changed.\n"
        ) in served.stderr()
        status, html = served.page(ARTICLE_PAGE)
        assert status == 200 and "Let’s Just Be Friends" in html and "BROKEN-EDIT" not in html
        # Broken YAML too: still the last good site, the error located.
        path.write_text(path.read_text(encoding="utf-8").replace("author: Tom", "author: Tom: "), encoding="utf-8")
        wait_for("the second refusal", lambda: served.stdout().count("still serving the last good site") > refusals + 1)
        assert (
            f"{ARTICLE}:{line_of(path, 'author:')}:14: error: invalid YAML: mapping values are not allowed in this context\n"
            "1 error; nothing was changed.\n"
        ) in served.stderr()
        # Fixed: the server rebuilds without a restart and shows the change.
        path.write_text(path.read_text(encoding="utf-8").replace("Tom: ", "Tom").replace("analysys", "analysis"),
                        encoding="utf-8")
        wait_for("the fixed page", shows(served, ARTICLE_PAGE, "BROKEN-EDIT"))
        assert served.process.poll() is None
    wait_for("the page back", lambda: "BROKEN-EDIT" not in served.page(ARTICLE_PAGE)[1])


def test_hand_written_page_edit_reaches_the_server(served):
    with served.edited("docs/editors-guide.md", "# Editor's guide\n", "# Editor's handbook\n"):
        wait_for("the new title", shows(served, "editors-guide/", 'id="editors-handbook"'))
    wait_for("the title back", lambda: 'id="editors-handbook"' not in served.page("editors-guide/")[1])


def test_added_then_deleted_article_page_comes_and_goes_while_serving(served):
    # Every article of the seed briefing is named by other seeds; a copy under a new id is not.
    copy = served.root / "seeds" / "articles" / "friends-again.yaml"
    copy.write_bytes((served.root / ARTICLE).read_bytes())
    try:
        wait_for("the new page", lambda: served.page("articles/friends-again/")[0] == 200)
        assert (served.root / "docs" / "articles" / "friends-again.md").is_file()
    finally:
        copy.unlink()
    wait_for("the page to go", lambda: served.page("articles/friends-again/")[0] == 404)
    assert not (served.root / "docs" / "articles" / "friends-again.md").exists()


def close(page) -> None:
    """Leave the served site first: a live reload racing Page.close can hang it."""
    if not page.is_closed():
        page.goto("about:blank")
        page.close()


def test_browser_reloads_itself_after_an_edit(served, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    try:
        page.goto(served.url + ARTICLE_PAGE)
        page.wait_for_selector("h1")
        assert page.inner_text("h1").startswith("Let’s Just Be Friends")
        with served.edited(ARTICLE, "headline: Let’s Just Be Friends", "headline: Friends Again, Live"):
            started = time.perf_counter()
            # No navigation from the test: the live-reload script must reload the page.
            page.wait_for_function("document.querySelector('h1') && "
                                   "document.querySelector('h1').innerText.startsWith('Friends Again, Live')",
                                   timeout=BOUND * 1000)
            print(f"\nbriefing serve: edit to reloaded browser page in {time.perf_counter() - started:.2f} s")
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "live-reload.png"))
            close(page)  # before the file is put back, which reloads the page again
        wait_for("the headline back", shows(served, ARTICLE_PAGE, "Let’s Just Be Friends"))
    finally:
        close(page)


def search_served(browser, url: str, query: str, width: int, shot: str) -> list[str]:
    """Open `url` at `width` px in a fresh context, type `query` into Material's search like a reader,
    screenshot the results, and return their links."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 800})
    page = context.new_page()
    try:
        page.goto(url)
        if width < 960:  # Material's narrow layout: the search box opens from the header's icon, focused
            page.click("label.md-header__button[for='__search']")
            page.wait_for_function("document.activeElement.classList.contains('md-search__input')")
        else:
            page.click("input.md-search__input")
        page.keyboard.type(query, delay=20)
        page.wait_for_function(
            "() => /matching document/.test(document.querySelector('.md-search-result__meta').textContent)",
            timeout=BOUND * 1000)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / shot))
        links = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(a => a.href)")
        return [urllib.parse.urlsplit(link).path for link in links]  # the address, without ?h=highlight#section
    finally:
        close(page)
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_search_finds_an_edit_built_in_part_and_every_other_page_still(served, browser, width):
    """A headline edit is built in part (generator/partial.py): its new search entries are merged
    into the index, and pages the build did not touch stay searchable."""
    new = "Friends Again, Searchable"
    with served.edited(ARTICLE, "headline: Let’s Just Be Friends", f"headline: {new}"):
        wait_for("the new headline", shows(served, ARTICLE_PAGE, new))
        wait_for("the partial build's log line", lambda: "site rebuilt in part" in served.stdout().rsplit("generated:", 1)[1])
        found = search_served(browser, served.url, "Searchable", width, f"serve-search-edited-{width}.png")
        assert "/" + ARTICLE_PAGE in found, found
        others = search_served(browser, served.url, "Serdyukov", width, f"serve-search-other-{width}.png")
        assert "/actors/anatoliy-serdyukov/" in others, others
    wait_for("the headline back", shows(served, ARTICLE_PAGE, "Let’s Just Be Friends"))


def test_editors_guide_is_in_the_site_nav(served, browser):
    """The hand-written guide is reached from the navigation and covers each task."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(served.url)
        page.get_by_role("navigation", name="Navigation").get_by_role("link", name="Editor's guide").click()
        page.wait_for_url(served.url + "editors-guide/")
        assert page.inner_text("h1").startswith("Editor's guide")
        headings = [h.strip("¶").strip() for h in page.locator("article h2").all_inner_texts()]
        assert headings == ["Set up once", "Add an article", "Add an actor", "Add a glossary term",
                            "Key judgements and their evidence", "Preview while you edit", "Check", "Add an issue",
                            "Walk-through: a new article from a new outlet", "Publish", "Make the offline edition"]
        # The steps render as one numbered list, the commands as code blocks.
        section = (REPO / "docs" / "editors-guide.md").read_text(encoding="utf-8").split("## Add an article")[1].split("\n## ")[0]
        steps = re.findall(r"(?m)^[0-9]+\. ", section)
        assert len(steps) >= 6
        assert page.locator("article ol").first.locator(":scope > li").count() == len(steps)
        assert "briefing new article csto-nato-talks-2013\n" in page.locator("article pre code").all_inner_texts()
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "editors-guide.png"))
    finally:
        close(page)


def test_sigterm_to_the_whole_process_group_stops_quietly(tmp_path):
    """`timeout` and `kill -- -GROUP` signal the worker process too: no traceback from it."""
    project = make_project(tmp_path / "mini", FIXTURES / "mini" / "seeds")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    try:
        wait_for("the first page", lambda: fetch(f"http://127.0.0.1:{port}/")[0] == 200 or process.poll() is not None)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert out.endswith("stopping\n")


# --------------------------------------------------------------------------- plain `mkdocs serve`


def test_plain_mkdocs_serve_regenerates_and_survives_bad_seeds(tmp_path):
    project = make_project(tmp_path / "mini", FIXTURES / "mini" / "seeds")
    port = free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
    server = Server(command, project.root, port, tmp_path)
    try:
        page = "articles/petrov-interview/"
        assert "An Interview with Petrov" in server.page(page)[1]
        with server.edited("seeds/articles/petrov-interview.yaml", "kind: interview", "kind: intervew") as path:
            wait_for("the diagnostics", lambda: "briefing: 1 error in the seeds" in server.stderr())
            assert (
                "seeds/articles/petrov-interview.yaml:7:9: error: source.kind: 'intervew' is not one of: report, "
                "analysis, interview, news, opinion (did you mean 'interview'?)\n"
                "briefing: 1 error in the seeds; docs/ was not changed; still serving the last good pages\n"
            ) in server.stderr()
            assert server.page(page)[0] == 200
            path.write_text(path.read_text(encoding="utf-8").replace("An Interview with Petrov", "Petrov, Live")
                            .replace("intervew", "interview"), encoding="utf-8")
            wait_for("the fixed page", shows(server, page, "Petrov, Live"))
        assert server.process.poll() is None
    finally:
        server.stop()


# --------------------------------------------------------------------------- the watcher's filter, in-process


@pytest.fixture
def preview(mini: pipeline.Project) -> serve.PreviewServer:
    pipeline.generate(mini)
    return serve.PreviewServer(mini, "127.0.0.1", free_port(), mini.root / "site")


def test_the_pages_are_served_while_the_data_files_are_made(preview, mini, monkeypatch):
    """MkDocs holds requests while a rebuild runs: the pages are let out before the data files start."""
    preview._rebuild()  # the first build
    served_then, real = [], preview._generate

    def generate(part, since=None):
        if part == "data":
            served_then.append(preview._visible_epoch == preview._wanted_epoch)
        return real(part, since)

    held_then, build = [], preview._build_site

    def build_site(started):
        held_then.append(preview._visible_epoch != preview._wanted_epoch)
        return build(started)

    monkeypatch.setattr(preview, "_generate", generate)
    monkeypatch.setattr(preview, "_build_site", build_site)
    seed = mini.seeds / "articles" / "petrov-interview.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("He backs eradication.", "He backs it."), encoding="utf-8")
    preview._wanted_epoch += 1  # what MkDocs' build loop does before each rebuild: requests now wait
    preview._rebuild()
    assert served_then == [True]
    assert held_then == [True, True]  # requests wait while the served site changes, both times
    # The data files' update is no new version for the browsers to reload to (it would empty a search).
    assert preview._wanted_epoch == preview._visible_epoch


def test_the_worker_hears_that_the_server_waits_for_nothing_after_each_rebuild(preview, monkeypatch):
    """Its garbage is collected then (warm.Generator.idle), not between an edit's requests."""
    told = []
    monkeypatch.setattr(preview.generator, "idle", lambda: told.append(preview.built))
    preview.rebuild()
    assert told == [True]  # once, after the site was built


def modified(path: Path) -> watchdog.events.FileModifiedEvent:
    return watchdog.events.FileModifiedEvent(str(path))


def test_watcher_ignores_the_generators_own_writes(preview, mini):
    generated = mini.docs / "articles" / "petrov-interview.md"
    assert not preview.wants_rebuild(modified(generated))
    assert not preview.wants_rebuild(modified(mini.root / write.MANIFEST))
    assert not preview.wants_rebuild(modified(mini.root / "includes" / "abbreviations.md"))
    assert not preview.wants_rebuild(modified(mini.docs / "articles" / ".petrov-interview.md.x1y2.tmp"))
    moved = watchdog.events.FileMovedEvent(str(mini.docs / "articles" / ".p.tmp"), str(generated))
    assert not preview.wants_rebuild(moved)
    assert not preview.wants_rebuild(watchdog.events.DirModifiedEvent(str(mini.docs)))


def test_watcher_reacts_to_edits(preview, mini):
    assert preview.wants_rebuild(modified(mini.seeds / "articles" / "petrov-interview.yaml"))
    assert preview.wants_rebuild(modified(mini.root / "templates" / "article.md.j2"))
    assert preview.wants_rebuild(modified(mini.docs / "editors-guide.md"))
    (mini.docs / "glossary.md").unlink()
    assert preview.wants_rebuild(watchdog.events.FileDeletedEvent(str(mini.docs / "glossary.md")))
    generated = mini.docs / "articles" / "petrov-interview.md"
    generated.write_text("edited by hand\n", encoding="utf-8")
    assert preview.wants_rebuild(modified(generated))


def test_watcher_holds_events_while_the_generator_writes(preview, mini, monkeypatch):
    # An event seen half-way through a generation is judged once the manifest is final.
    seen: list[bool] = []
    real = pipeline.generate

    def generate_with_an_event(project, *cache):
        report = real(project, *cache)
        preview._on_event(modified(mini.docs / "articles" / "petrov-interview.md"))
        seen.append(preview._want_rebuild)
        return report

    monkeypatch.setattr(pipeline, "generate", generate_with_an_event)
    seed = mini.seeds / "articles" / "petrov-interview.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("He backs eradication.", "He backs it."), encoding="utf-8")
    preview._generate("pages")
    assert seen == [False] and preview._want_rebuild is False


def test_watcher_judges_writes_against_the_manifest_as_it_is_now(preview, mini):
    # The manifest is read once per version of its file, not once per event.
    generated = mini.docs / "articles" / "petrov-interview.md"
    assert not preview.wants_rebuild(modified(generated))
    seed = mini.seeds / "articles" / "petrov-interview.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("He backs eradication.", "He backs it."), encoding="utf-8")
    before = generated.read_bytes()
    preview._generate("pages")
    assert generated.read_bytes() != before  # a new page, and a new manifest recording it
    assert not preview.wants_rebuild(modified(generated))
    generated.write_bytes(before)  # by hand: the page the manifest recorded before
    assert preview.wants_rebuild(modified(generated))


def wait_for_rebuild_request(preview: serve.PreviewServer) -> bool:
    """True when the watcher asked for a rebuild within a few seconds.

    The request is then cleared, and so is every later one until the watcher has been quiet for
    half a second: one save is several kernel events (the new file written, then renamed), which
    may reach the watcher in more than one batch, and a late one must not pass for the next save's.
    """
    if not _take_rebuild_request(preview, within=5):
        return False
    while _take_rebuild_request(preview, within=0.5):
        pass
    return True


def _take_rebuild_request(preview: serve.PreviewServer, within: float) -> bool:
    """True, and the request cleared, when the watcher asks for a rebuild within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with preview._rebuild_cond:
            if preview._want_rebuild:
                preview._want_rebuild = False
                return True
        time.sleep(0.01)
    return False


def replace_by_rename(path: Path, text: str) -> None:
    """Save as many editors do: a new file, renamed over the old one."""
    temporary = path.with_name(path.name + ".new~")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's file events checked here are inotify's")
def test_watcher_hears_saves_from_the_kernel_even_of_a_config_replaced_by_rename(preview, mini):
    for name in serve.WATCHED:
        if (mini.root / name).exists():
            preview.watch(str(mini.root / name))
    assert not isinstance(preview.observer, watchdog.observers.polling.PollingObserver)
    preview.observer.start()
    try:
        config = mini.root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        for number in range(2):  # the second save: the watch survived the first file's replacement
            replace_by_rename(config, text + f"# saved {number}\n")
            assert wait_for_rebuild_request(preview), f"save {number} of mkdocs.yml went unheard"
        seed = mini.seeds / "articles" / "petrov-interview.yaml"
        replace_by_rename(seed, seed.read_text(encoding="utf-8").replace("He backs eradication.", "He backs it."))
        assert wait_for_rebuild_request(preview)
        (mini.root / "README.md").write_text("not watched\n", encoding="utf-8")
        assert not wait_for_rebuild_request(preview)  # the project's folder is watched for mkdocs.yml only
    finally:
        preview.observer.stop()
        preview.observer.join()


def test_watcher_falls_back_to_polling_when_the_kernel_refuses(preview, mini, monkeypatch, capsys):
    def refused(*args, **kwargs):
        raise OSError(28, "inotify watch limit reached")

    preview.watch(str(mini.root / "mkdocs.yml"))  # scheduled before the refusal: moved to the new observer too
    monkeypatch.setattr(preview.observer, "schedule", refused)
    preview.watch(str(mini.seeds))
    assert isinstance(preview.observer, watchdog.observers.polling.PollingObserver)
    assert {emitter.watch.path for emitter in preview.observer.emitters} == {str(mini.root), str(mini.seeds)}
    assert "inotify watch limit reached" in capsys.readouterr().out


@pytest.mark.parametrize("address, message", [
    ("localhost", "error: 'localhost' is not HOST:PORT (for example 127.0.0.1:8000)"),
    ("127.0.0.1:http", "error: '127.0.0.1:http' is not HOST:PORT (for example 127.0.0.1:8000)"),
    ("127.0.0.1:70000", "error: '127.0.0.1:70000' is not HOST:PORT (for example 127.0.0.1:8000)"),
])
def test_bad_address_is_refused(mini, capsys, address, message):
    assert serve.serve(mini, address) == 1
    assert capsys.readouterr().err == message + "\n"


def test_address_in_use_is_refused_before_building(mini, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve.serve(mini, f"127.0.0.1:{port}") == 1
    assert capsys.readouterr().err == f"error: cannot serve on 127.0.0.1:{port}: Address already in use\n"
    assert not (mini.docs / "index.md").exists()


def test_parse_address_accepts_ipv6():
    assert serve.parse_address("[::1]:8001") == ("::1", 8001)
    assert serve.parse_address("127.0.0.1:8000") == ("127.0.0.1", 8000)
