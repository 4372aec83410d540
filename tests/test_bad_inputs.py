"""Broken and hostile seed files: refused clearly, nothing lost, accepted text inert.

Refused input (tests/bad_inputs/<case>/): each case is a set of seed files laid
over the small fixture briefing, and expected.txt, the exact standard error of
`briefing check` and of `briefing build` (the real command line, in a
subprocess).  Both must exit with status 1, print no traceback and leave every
file of an earlier good build (docs/, site/, includes/ …) byte-identical.
Cases too big or too deep to commit are written at run time (GENERATED).

Killed builds: a build killed at any moment leaves site/ the old or the new
complete site, each generated page an old or new complete file, and the next
build succeeds.

Accepted input (tests/bad_inputs/accepted/): a byte-order mark and CRLF line
ends change nothing; hostile text (HTML, scripts, javascript: links, template
and Markdown syntax) reaches the site as inert text, checked in the built HTML
and in Chromium.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

import helpers
from conftest import FIXTURES, make_project, serve_folder
from helpers import briefing

CASES = Path(__file__).resolve().parent / "bad_inputs"
ACCEPTED = CASES / "accepted"
MINI_SEEDS = FIXTURES / "mini" / "seeds"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"  # git-ignored
DIAGNOSTIC = re.compile(r"^[^:\n]+:\d+:\d+: error: .+$")


# --------------------------------------------------------------------------- helpers


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project except the seeds (which each case changes), by path."""
    return helpers.snapshot(root, exclude=("seeds/",))


def lay_over(case: Path, root: Path) -> None:
    """Copy the case's seed files over the project's (same relative paths)."""
    for path in sorted((case / "seeds").rglob("*")):
        if path.is_file():
            target = root / "seeds" / path.relative_to(case / "seeds")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def write_ten_megabytes(seeds: Path) -> None:
    """A valid-looking actor file of 10 MB: refused by size before it is parsed."""
    text = "name: NATO\ntype: organisation\ndescription: >-\n" + "  padding padding padding\n" * 400_000
    (seeds / "actors" / "nato.yaml").write_text(text)


def write_deep_nesting(seeds: Path) -> None:
    """100,000 nested lists (200 kB): refused at the depth limit, without recursion."""
    (seeds / "actors" / "nato.yaml").write_text("name: NATO\naliases: " + "[" * 100_000 + "]" * 100_000 + "\n")


def write_text_too_long(seeds: Path) -> None:
    """A 10,001-character description: over the limit for one text value."""
    text = "name: NATO\ntype: organisation\ndescription: " + "x" * 10_001 + "\n"
    (seeds / "actors" / "nato.yaml").write_text(text)


GENERATED = {
    "ten-megabytes": write_ten_megabytes,
    "deep-nesting": write_deep_nesting,
    "text-too-long": write_text_too_long,
}
REFUSED = sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file())


@pytest.fixture(scope="session")
def good_build(tmp_path_factory) -> Path:
    """The small fixture briefing, generated and built once by `briefing build`."""
    project = make_project(tmp_path_factory.mktemp("good") / "project", MINI_SEEDS)
    result = briefing(project.root, "build")
    assert result.returncode == 0, result.stderr
    return project.root


def copy_of(project: Path, tmp_path: Path) -> Path:
    """A scratch copy of a built project."""
    root = tmp_path / "project"
    shutil.copytree(project, root)
    return root


# --------------------------------------------------------------------------- refused input


def test_suite_has_at_least_25_cases():
    assert len(REFUSED) >= 25
    assert set(GENERATED) <= set(REFUSED)


@pytest.mark.parametrize("case", REFUSED)
def test_refused_input(case, good_build, tmp_path):
    root = copy_of(good_build, tmp_path)
    before = snapshot(root)
    lay_over(CASES / case, root)
    if case in GENERATED:
        GENERATED[case](root / "seeds")
    expected = (CASES / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    for command in ("check", "build"):
        result = briefing(root, command)
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines() == expected, command
    # Every line but the count names file:line:col, and nothing built before changed.
    assert all(DIAGNOSTIC.match(line) for line in expected[:-1])
    assert re.fullmatch(r"\d+ errors?; nothing was changed\.", expected[-1])
    assert snapshot(root) == before


def test_bad_file_names_never_write_outside_docs(good_build, tmp_path):
    """File names become ids: '..', separators and the like are refused before any write."""
    root = copy_of(good_build, tmp_path)
    before = snapshot(root)
    for name in ("..x.yaml", "a\\b.yaml", "x..yaml", " x.yaml", "x .yaml", "X.yaml"):
        (root / "seeds" / "actors" / name).write_text("name: Zed\ntype: person\ndescription: A bad file name.\n")
    result = briefing(root, "build")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"seeds/actors/{name}:1:1: error: file name '{name}' is not a valid id: use lowercase letters, "
        "digits and single hyphens (e.g. viktor-ivanov)"
        for name in sorted((" x.yaml", "X.yaml", "a\\b.yaml", "x .yaml", "x..yaml"))
    ] + ["5 errors; nothing was changed."]
    # "..x.yaml" starts with a dot: hidden files (editor swap files) are not seeds at all.
    assert snapshot(root) == before
    assert sorted(p.name for p in root.parent.iterdir()) == ["project"]


# --------------------------------------------------------------------------- broken templates

# Line 16 of templates/article.md.j2, the page heading, and what each case puts there.
HEADING = "# {{ article.headline | text }}\n"
BROKEN_TEMPLATES = {
    "python-error": (
        "# {{ article.headline + 1 }}\n",
        'templates/article.md.j2:16: error: TypeError: can only concatenate str (not "int") to str',
    ),
    "endless-macro": (
        "{% macro forever(n) %}\n{{ forever(n + 1) }}\n{% endmacro %}\n{{ forever(0) }}\n",
        "templates/article.md.j2:17: error: recursion too deep: a macro or include calls itself without end",
    ),
    "include-cycle": (
        '{% include "article.md.j2" %}\n',
        "templates/article.md.j2:16: error: recursion too deep: a macro or include calls itself without end",
    ),
    "missing-include": (
        '{% include "missing.j2" %}\n',
        "templates/article.md.j2:16: error: template 'missing.j2' not found",
    ),
}


def break_template(template: Path, old: str, new: str) -> None:
    """Replace `old`, which must be there once, by `new` in a template."""
    text = template.read_text(encoding="utf-8")
    assert text.count(old) == 1
    template.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("case", sorted(BROKEN_TEMPLATES))
def test_template_errors_are_located_at_the_failing_line(case, good_build, tmp_path):
    root = copy_of(good_build, tmp_path)
    line, expected = BROKEN_TEMPLATES[case]
    break_template(root / "templates" / "article.md.j2", HEADING, line)
    before = snapshot(root)
    result = briefing(root, "build")
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    assert result.stderr.splitlines() == [expected, "1 error; nothing was changed."]
    assert snapshot(root) == before


def test_template_errors_in_a_forked_worker_are_located_too(good_build, tmp_path):
    """A page rendered by a forked worker fails there (the worker survives the
    RecursionError and exits), and the error is reported as a plain run reports it."""
    root = copy_of(good_build, tmp_path)
    heading = "# {{ actor.name | text }}\n"  # line 5
    endless = (
        "{% macro forever(n) %}\n{{ forever(n + 1) }}\n{% endmacro %}\n"
        '{% if actor.id == "ivan-petrov" %}{{ forever(0) }}{% endif %}\n'
    )
    # Ivan Petrov's page is the tenth job: a worker's, not this process's.
    break_template(root / "templates" / "actor.md.j2", heading, endless + heading)
    before = snapshot(root)
    # MIN_JOBS lowered so that the fixture's fifteen pages are shared with workers.
    code = (
        "import sys\nfrom generator import cli, parallel\nparallel.MIN_JOBS = 2\n"
        "sys.exit(cli.main(['--root', sys.argv[1], 'build']))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    assert result.stderr.splitlines() == [
        "templates/actor.md.j2:6: error: recursion too deep: a macro or include calls itself without end",
        "1 error; nothing was changed.",
    ]
    assert snapshot(root) == before


# --------------------------------------------------------------------------- accepted input


def test_bom_and_crlf_are_accepted_and_change_nothing(good_build, tmp_path):
    root = copy_of(good_build, tmp_path)
    before = snapshot(root)
    lay_over(ACCEPTED / "bom-crlf", root)
    assert (root / "seeds/actors/ivan-petrov.yaml").read_bytes().startswith(b"\xef\xbb\xbfname: Ivan Petrov\r\n")
    result = briefing(root, "build")
    assert result.returncode == 0, result.stderr
    assert "0 files written" in result.stdout
    # The fast route's page cache may gain entries: it is a cache, not output.
    output = helpers.snapshot(root, exclude=("seeds/", ".briefing-cache/"))
    assert output.keys() == {k for k in before if not k.startswith(".briefing-cache/")}
    assert {k: v for k, v in output.items() if k.startswith("docs/")} == {
        k: v for k, v in before.items() if k.startswith("docs/")
    }


# --------------------------------------------------------------------------- killed builds

# Seeds B: the fixture with two names changed, so that most pages change.
def _seeds_b(seeds: Path) -> None:
    for rel, old, new in (
        ("actors/ivan-petrov.yaml", "name: Ivan Petrov", "name: Ivan P. Petrov"),
        ("actors/pact.yaml", "name: The Pact", "name: The Eastern Pact"),
    ):
        path = seeds / rel
        path.write_text(path.read_text().replace(old, new))


def _generated(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root).items() if k.startswith(("docs/", "includes/"))}


def _site(root: Path) -> dict[str, bytes]:
    # sitemap.xml carries the build date: it would differ across midnight.
    return {k: v for k, v in snapshot(root).items() if k.startswith("site/") and "sitemap.xml" not in k}


@pytest.fixture(scope="module")
def versions(good_build, tmp_path_factory):
    """The fixture built with seeds A (the good build) and with seeds B."""
    root_b = copy_of(good_build, tmp_path_factory.mktemp("b"))
    _seeds_b(root_b / "seeds")
    assert briefing(root_b, "build").returncode == 0
    return {"A": (_generated(good_build), _site(good_build)), "B": (_generated(root_b), _site(root_b))}


def assert_whole(root: Path, versions) -> None:
    """site/ is all A or all B; every generated file is complete in its A or B form."""
    site = _site(root)
    assert site in (versions["A"][1], versions["B"][1]), "site/ is neither the old nor the new site"
    for name, data in _generated(root).items():
        if name.endswith(".tmp"):
            continue  # a temporary file the kill left behind, never read (MkDocs skips dot files)
        if name != "docs/.briefing-manifest.json":
            assert data in (versions["A"][0].get(name), versions["B"][0].get(name)), name


# A build run in a subprocess that kills itself (SIGKILL, as `kill -9`) at a chosen point.
KILLER = """
import os, signal, sys
from generator import cli, swap, write
point, n = sys.argv[2], int(sys.argv[3])
calls = {"count": 0}
def die_at(module, name, when_count=n):
    real = getattr(module, name)
    def wrapper(*args, **kwargs):
        if calls["count"] == when_count:
            os.kill(os.getpid(), signal.SIGKILL)
        calls["count"] += 1
        result = real(*args, **kwargs)
        if point.endswith("-after"):
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(module, name, wrapper)
if point == "write":            # before the n-th file write of docs/ (manifest first)
    die_at(write, "_write_manifest")
    die_at(write, "_put_in_place")
elif point == "site":           # after the MkDocs build, before the swap
    die_at(swap, "swap_in")
elif point == "exchange-after": # right after the atomic exchange, before the old copy is removed
    die_at(swap, "_exchange")
elif point == "renames":        # no atomic exchange: between the two renames of the fallback
    swap._exchange = lambda a, b: False
    real_rename = type(swap.Path()).rename
    def rename(self, target):
        result = real_rename(self, target)
        if self.name == "site":
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    type(swap.Path()).rename = rename
sys.exit(cli.main(["--root", sys.argv[1], "build"]))
"""

KILL_POINTS = [("write", 0), ("write", 1), ("write", 3), ("site", 0), ("exchange-after", 0), ("renames", 0)]


@pytest.mark.parametrize("point,n", KILL_POINTS, ids=[f"{p}-{n}" for p, n in KILL_POINTS])
def test_build_killed_at_a_chosen_point(point, n, good_build, versions, tmp_path):
    root = copy_of(good_build, tmp_path)
    _seeds_b(root / "seeds")
    killed = subprocess.run([sys.executable, "-c", KILLER, str(root), point, str(n)], capture_output=True, text=True, cwd=root)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if point != "renames":
        assert_whole(root, versions)
    else:
        # Without an atomic exchange there is an instant with no site/: the old one waits
        # beside it, and the next build puts it back first.
        assert not (root / "site").exists() and (root / ".site-old").is_dir()
    # The next build finishes the job, whatever the kill left, even with the seeds put back.
    shutil.rmtree(root / "seeds")
    shutil.copytree(MINI_SEEDS, root / "seeds")
    rebuilt = briefing(root, "build")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (_generated(root), _site(root)) == versions["A"]


def test_build_killed_at_random_moments(good_build, versions, tmp_path):
    """SIGKILL a real `briefing build` at moments spread over its run."""
    start = time.perf_counter()
    probe = copy_of(good_build, tmp_path / "probe")
    _seeds_b(probe / "seeds")
    assert briefing(probe, "build").returncode == 0
    duration = time.perf_counter() - start
    outcomes = set()
    for index, fraction in enumerate((0.15, 0.3, 0.45, 0.6, 0.75, 0.9)):
        root = copy_of(good_build, tmp_path / f"run{index}")
        _seeds_b(root / "seeds")
        process = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "--root", str(root), "build"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root,
        )
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert_whole(root, versions)
        outcomes.add("new" if _site(root) == versions["B"][1] else "old")
        assert briefing(root, "build").returncode == 0
        assert (_generated(root), _site(root)) == versions["B"]
    print(f"build takes {duration:.2f} s; site after a kill: {sorted(outcomes)}")


# --------------------------------------------------------------------------- inert rendering


@pytest.fixture(scope="module")
def hostile_site(good_build, tmp_path_factory) -> Path:
    """The fixture with hostile but valid text, built by `briefing build` (strict, link-checked)."""
    root = copy_of(good_build, tmp_path_factory.mktemp("hostile"))
    lay_over(ACCEPTED / "hostile", root)
    result = briefing(root, "build")
    assert result.returncode == 0, result.stderr
    return root / "site"


VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")


class Content(HTMLParser):
    """A built page as the tests see it.

    `tags` and `text` are those of the main content (Material's <article>);
    `attributes` every attribute of every element of the whole document;
    `scripts` the text of every <script>; `title` the <title>; `h1` the text
    of the first heading, without its permalink.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 inside the article
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self.title = ""
        self.h1: str | None = None
        self._in: list[str] = []  # the open elements whose text is collected

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "article" and "md-content__inner" in (attributes.get("class") or ""):
            self.depth = 1
        elif self.depth and tag not in VOID:
            self.depth += 1
        if self.depth:
            self.tags.append((tag, attributes))
        if tag in ("script", "title") or (tag == "h1" and self.h1 is None and self.depth):
            self._in.append(tag)
            if tag == "h1":
                self.h1 = ""
        elif tag == "a" and "headerlink" in (attributes.get("class") or "") and "h1" in self._in:
            self._in.append("permalink")

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1
        if self._in and (self._in[-1] == tag or (self._in[-1] == "permalink" and tag == "a")):
            self._in.pop()

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
        where = self._in[-1] if self._in else None
        if where == "script":
            self.scripts.append(data)
        elif where == "title":
            self.title += data
        elif where == "h1":
            self.h1 += data


def content(page: Path) -> Content:
    parser = Content()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def assert_inert(page: Path, parsed: Content) -> None:
    """No markup from the seeds: nothing but text in the content, no handler or payload anywhere."""
    for tag, attributes in parsed.tags:
        ours = tag == "svg" and attributes.get("role") == "group" and "aria-labelledby" in attributes  # analysis.py's pictures
        assert tag not in ("script", "iframe", "img", "svg", "object", "embed", "style", "form") or ours, (page, tag, attributes)
    for tag, name, value in parsed.attributes:
        assert not name.startswith("on"), (page, tag, name, value)
        if name in ("href", "src", "action"):
            assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), (page, tag, name, value)
    for script in parsed.scripts:  # Material's own scripts only
        assert "alert(" not in script and "__pwned" not in script, (page, script[:200])


def test_hostile_text_is_inert_in_every_page(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    for page in pages:
        assert_inert(page, content(page))
    assert len(pages) > 10


def test_hostile_text_appears_literally(hostile_site):
    actor = content(hostile_site / "actors/evil-corp/index.html")
    text = "".join(actor.text)
    name = "Ev*il_ [Corp] | #1 </title><script>window.__pwned = 'name'; alert(1)</script>"
    # The heading and the page title are exactly the name, and there is one heading.
    assert [t for t, _ in actor.tags].count("h1") == 1
    assert actor.h1 == name
    assert actor.title.startswith(name + " - ")
    article = content(hostile_site / "articles/pact-asks-nato/index.html")
    assert article.h1 == article.title.split(" - ")[0] == "</title>The <script>alert(12)</script> Pact | # [x](javascript:alert(13)) {{ 1+1 }}"
    for literal in ("{{ 7*7 }}", "{% if true %}yes{% endif %}", '{: onclick="alert(9)" }', "# not a heading",
                    "*[HTML]: not an abbreviation", '--8<-- "mkdocs.yml"', "[ref]: javascript:alert(11)",
                    "[click me](javascript:window.__pwned='link';alert(6))", "<script>window.__pwned"):
        assert literal in text, literal
    assert "49" not in text  # {{ 7*7 }} was not evaluated
    glossary = "".join(content(hostile_site / "glossary/index.html").text)
    assert "An <em>evil</em> term {{ 7*7 }}." in glossary
    links = [a.get("href") for tag, a in actor.tags if tag == "a"]
    assert "https://example.org/" in links and "https://example.org/ok" in links  # safe links stay links
    assert not any("evil.example" in (a.get("src") or "") for _, a in actor.tags)  # images dropped


def test_markdown_control_characters_break_no_table(hostile_site):
    page = (hostile_site / "actors/index.html").read_text(encoding="utf-8")
    # The link's title (the actor's description) is escaped: no < in it, so [^<>]* ends it.
    row = re.search(r"<tr>\s*<td><a href=\"evil-corp/\" title=\"[^<>\"]*\">(.*?)</a></td>(.*?)</tr>", page, re.S)
    assert row, "the actor's row in the actors index"
    assert row.group(1) == "Ev*il_ [Corp] | #1 &lt;/title&gt;&lt;script&gt;window.__pwned = 'name'; alert(1)&lt;/script&gt;"
    assert row.group(2).count("<td>") == 3  # Articles, Quotes, Stances: no cell split by "|"
    article = (hostile_site / "articles/pact-asks-nato/index.html").read_text(encoding="utf-8")
    for table in re.findall(r"<table>.*?</table>", article, re.S):
        header = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        for body_row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[-1], re.S):
            assert len(re.findall(r"<td[ >]", body_row)) == header, body_row


@pytest.fixture
def served_hostile(hostile_site):
    with serve_folder(hostile_site) as url:
        yield url


def test_no_injected_script_runs_in_chromium(browser, served_hostile):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ("actors/evil-corp/", "articles/pact-asks-nato/", "", "glossary/"):
        page.goto(f"{served_hostile}/{path}")
        page.wait_for_load_state("networkidle")
        for element in page.locator("article.md-content__inner p, article.md-content__inner td").all()[:40]:
            element.hover()  # would fire any onmouseover=
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    # Search shows the hostile name and text among its results, as HTML: still inert.
    page.goto(f"{served_hostile}/actors/evil-corp/")
    page.click("input.md-search__input")
    page.keyboard.type("Hello", delay=20)  # a word of the hostile description
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert "window.__pwned = 'name'; alert(1)</script>" in page.locator(".md-search-result").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "hostile-search.png"))
    page.goto(f"{served_hostile}/actors/evil-corp/")
    page.screenshot(path=str(SCREENSHOTS / "hostile-actor.png"), full_page=True)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert "</title><script>window.__pwned" in page.locator("article h1").inner_text()
    assert page.title().startswith("Ev*il_ [Corp] | #1 </title><script>window.__pwned")
    page.close()

