"""Benchmark: generate and build a synthetic briefing, against plain MkDocs.

    python benchmarks/bench.py --articles 1000

Steps, all in one temporary folder (removed at the end unless --keep):

1. make a corpus of N articles, N/5 actors, N/20 terms (make_corpus.py) and
   copy this repository's templates/, mkdocs.yml and hand-written pages;
2. generate docs/ in a fresh Python process, timed from spawn to exit
   (interpreter start and imports included); its CPU time and peak
   resident memory come from the kernel (os.wait4), helper included;
3. generate again with nothing changed: the no-op regeneration;
4. build the site with MkDocs (strict, as `briefing build` does), in its
   own process;
5. build, in the same run, plain MkDocs + Material sites with the same page
   paths and a nav of the top pages only, no Markdown extensions: pages of
   eight 60-word paragraphs, then pages of plain
   prose as long as each generated page;
6. start `briefing serve` on the generated project and, once it is ready
   for edits (its worker has learnt what every page reads, after the first
   build), save a new headline in one article's seed file, and time until
   the served page shows it;
7. time the linker alone on one text, with 50 names and with 5,000 names;
8. check, then generate, a briefing of one article naming C actors and one
   naming 2C (--cast C, default 2,000), each in a fresh process: the time
   should double, not quadruple (issue 12, item 10).

The last line printed is `key=value` pairs, for scripts and CI:
articles, generate_s, files_written, peak_rss_mb, noop_regenerate_s,
noop_files_written, mkdocs_build_s, plain_mkdocs_build_s, ratio (=
(generate_s + mkdocs_build_s) / plain_mkdocs_build_s), linker_50_names_s,
linker_5000_names_s, linker_ratio; then generate_cpu_s,
plain_same_volume_build_s, ratio_same_volume, build_peak_rss_mb and
plain_same_volume_peak_rss_mb (the peak memory of the site build's largest
process, ours and plain MkDocs' on pages of the same volume), the corpus counts (actors,
terms, pages, docs_mb); cast_actors, check_cast_s, check_double_cast_s,
check_cast_ratio, generate_cast_s, generate_double_cast_s,
generate_cast_ratio; issue 17's full_build_s (= generate_s + mkdocs_build_s,
each cold in a fresh process, the link check included), edit_to_preview_s,
edit_ratio (= edit_to_preview_s / plain_mkdocs_build_s) and generate_ratio
(= generate_s / plain_mkdocs_build_s); repeat and load_avg_end.

Step 4 and the builds of step 5 run in turn R times (--repeat R, default 3;
each of ours cold again: no site, no cache of bodies or search entries), and
mkdocs_build_s, plain_mkdocs_build_s, plain_same_volume_build_s and the
ratios built on them are the medians: the machine's speed drifts by a third
within minutes, and one run of each, minutes apart, can give either side
the slow minutes.

Nothing is asserted here: the targets and results are in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus, make_one_article_corpus  # noqa: E402

# Run in the child process: generate docs/ once and report what was written.
_GENERATE = """
import json, sys
from pathlib import Path
from generator import pipeline
report = pipeline.generate(pipeline.Project(Path(sys.argv[1])))
print(json.dumps({"written": len(report.written), "in_process_s": report.seconds}))
"""

# Run in the child process: `briefing check`, exactly as the command runs it.
_CHECK = """
import sys
from generator import cli
sys.exit(cli.main(["--root", sys.argv[1], "check"]))
"""

# Run in the child process: the site build exactly as `briefing build` runs it.
_BUILD = """
import logging, sys
from pathlib import Path
from generator import project, site
logging.basicConfig(level=logging.WARNING)
site.build_site(project.Project(Path(sys.argv[1])))
"""


@dataclass
class Run:
    """One child process: wall-clock seconds, CPU seconds (user + system), peak RSS in MB, stdout."""

    seconds: float
    cpu: float
    rss_mb: float
    stdout: str


def run_child(code: str, *args: str) -> Run:
    """Run Python `code` in a new process and measure it.

    The CPU time and the peak resident memory come from the kernel's
    accounting of that child (wait4), which includes any helper process it
    forked and waited for: CPU time is their sum, the peak is the largest
    single process.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        sys.exit(f"bench: child process failed ({proc.returncode}):\n{stderr}{stdout}")
    # ru_maxrss is in KiB on Linux.
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def generate(project: Path) -> tuple[Run, int]:
    """One generation in a fresh process, and the number of files it wrote."""
    run = run_child(_GENERATE, str(project))
    return run, json.loads(run.stdout.strip().splitlines()[-1])["written"]


def mkdocs_build(project: Path) -> Run:
    """The site build, as `briefing build` does it, in a fresh process."""
    return run_child(_BUILD, str(project))


# --------------------------------------------------------------------------- plain MkDocs

_PLAIN_CONFIG = """site_name: Plain pages
docs_dir: docs
site_dir: site
strict: true
nav:
  - Home: index.md
  - Articles: articles/index.md
  - Actors: actors/index.md
theme:
  name: material
  font: false
plugins:
  - search
validation:
  omitted_files: info
"""

_WORDS = (
    "the briefing reports that officials met again to discuss supply routes border security and "
    "the money that moves with trafficking across the region while partners argued over bases"
).split()


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def plain_site(folder: Path, pages: list[tuple[str, int]], same_volume: bool) -> None:
    """A plain MkDocs + Material project with one page per (path, size) of `pages`.

    Each page is a heading and paragraphs of plain prose: eight paragraphs of
    60 words, or, with
    `same_volume`, as many as make the page as long as the generated one.
    The nav holds only the top pages, as the briefing's does.
    """
    rng = random.Random(1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mkdocs.yml").write_text(_PLAIN_CONFIG, encoding="utf-8")
    for number, (path, size) in enumerate(pages):
        target = folder / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        paragraphs = [_paragraph(rng, 60) for _ in range(8)]
        while same_volume and sum(len(p) + 2 for p in paragraphs) < size:
            paragraphs.append(_paragraph(rng, 60))
        target.write_text(f"# Page {number}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def plain_build(folder: Path) -> Run:
    """`mkdocs build` of a plain project, in a fresh process: its time and peak memory."""
    code = "import sys; from mkdocs.__main__ import cli; sys.argv = ['mkdocs', 'build', '-q', '-f', sys.argv[1]]; cli()"
    return run_child(code, str(folder / "mkdocs.yml"))


# --------------------------------------------------------------------------- edit to preview


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _page(url: str) -> str:
    """The text at `url`, or '' while the server cannot answer it."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait(what: str, check, bound: float = 3600.0) -> float:
    """Poll `check` every 20 ms until it is true; the seconds it took."""
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > bound:
            sys.exit(f"bench: gave up waiting for {what}")
        time.sleep(0.02)
    return time.perf_counter() - started


# Seconds between the server saying it serves and the edit (see edit_to_preview).
WATCHER_START_S = 5.0


def edit_to_preview(project: Path) -> float:
    """Seconds from saving a new headline for one article to `briefing serve` serving its page with it.

    The server starts on the generated project (its first, full build is not
    timed); WATCHER_START_S after it says it is ready for edits, the first article's headline
    is replaced in its seed file, and the article's page is fetched every 20 ms until it
    shows the new one.
    """
    article = sorted((project / "seeds" / "articles").glob("*.yaml"))[0]
    text = article.read_text(encoding="utf-8")
    old = re.search(r"^(\s*headline: )(.*)$", text, re.M)
    new_headline = "Edited headline for the preview benchmark"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/articles/{article.stem}/"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(project), "serve",
                                   "-a", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            _wait("the first build", lambda: "serving http" in _read(log) or server.poll() is not None)
            if server.poll() is not None:
                sys.exit(f"bench: briefing serve stopped:\n{_read(log)}")
            # A running serve: its worker has learnt what every page reads (warm.warm_up), after
            # the first build; an edit saved before then waits for that too (printed below).
            warming = _wait("the warm-up", lambda: "ready for edits" in _read(log) or server.poll() is not None)
            print(f"serve: ready for edits {warming:.2f} s after the first build")
            # MkDocs' file watcher polls: it takes its first picture of the files only once
            # the server runs, and a save made before that would pass unseen.
            time.sleep(WATCHER_START_S)
            saved = time.perf_counter()
            article.write_text(text[:old.start(2)] + new_headline + text[old.end(2):], encoding="utf-8")
            _wait("the edited page", lambda: new_headline in _page(url))
            seconds = time.perf_counter() - saved
            # Then the data files, generated and built after the pages were shown (the log gives their times).
            _wait("the data files", lambda: re.search(r"data files generated:.*\n.*(site rebuilt|no page changed)",
                                                      _read(log).split("serving http", 1)[1]) is not None)
            print("\n".join("  serve: " + line for line in _read(log).split("serving http", 1)[1].splitlines()[1:]))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=120)
            article.write_text(text, encoding="utf-8")
    return seconds


def _read(log) -> str:
    log.seek(0)
    return log.read().decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- linker


def linker_times(repeat: int = 7) -> tuple[float, float]:
    """Best-of-`repeat` seconds for Matcher.find over one text, with 50 and 5,000 names.

    The text names only the first 50 names (which both matchers know), and
    is full of capitalised words that share first letters with the rest, so
    both find the same mentions and the larger one cannot win by luck.
    """
    from generator import names

    rng = random.Random(5)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "za", "dre", "gor", "pol"]
    pool: list[str] = []
    seen: set[str] = set()
    while len(pool) < 5000:
        name = " ".join("".join(rng.choice(syllables) for _ in range(3)).capitalize() for _ in range(rng.choice((1, 2))))
        if name not in seen:
            seen.add(name)
            pool.append(name)
    words = []
    for _ in range(40_000):
        roll = rng.random()
        if roll < 0.06:
            words.append(rng.choice(pool[:50]))
        elif roll < 0.2:
            words.append("".join(rng.choice(syllables) for _ in range(3)).capitalize() + "x")
        else:
            words.append(rng.choice(_WORDS))
    text = " ".join(words)
    matchers = {count: names.Matcher((n, names.Target(n, "p.md", n)) for n in pool[:count]) for count in (50, 5000)}
    found = {count: sum(1 for _ in matcher.find(text)) for count, matcher in matchers.items()}
    assert found[50] == found[5000], "both matchers must find the same mentions"
    best = {50: float("inf"), 5000: float("inf")}
    for _ in range(repeat):  # alternate, so a busy machine slows both alike
        for count, matcher in matchers.items():
            started = time.perf_counter()
            for _ in matcher.find(text):
                pass
            best[count] = min(best[count], time.perf_counter() - started)
    return best[50], best[5000]


# --------------------------------------------------------------------------- one article, many actors


def cast_times(work: Path, cast: int) -> dict[str, float]:
    """Check and generate seconds for one article naming `cast` actors, and `2 * cast`.

    Each briefing is checked, then generated, in fresh processes.
    """
    times = {}
    for label, actors in (("cast", cast), ("double_cast", 2 * cast)):
        project = work / f"one-article-{actors}"
        make_one_article_corpus(project, actors)
        shutil.copytree(REPO / "templates", project / "templates")
        (project / "docs").mkdir()
        times[f"check_{label}_s"] = run_child(_CHECK, str(project)).seconds
        times[f"generate_{label}_s"] = generate(project)[0].seconds
        print(f"one article, {actors} actors: check {times[f'check_{label}_s']:.2f} s, "
              f"generate {times[f'generate_{label}_s']:.2f} s", flush=True)
    return times


# --------------------------------------------------------------------------- main


def hand_written_pages(repo: Path) -> list[str]:
    """Markdown pages under docs/ that the generator did not write (not in its manifest)."""
    from generator import write

    generated = write.read_manifest(repo)
    pages = (p.relative_to(repo).as_posix() for p in sorted((repo / "docs").rglob("*.md")))
    return [page for page in pages if page not in generated]


def forget_site_build(project: Path) -> None:
    """Remove what a site build leaves for the next one (the site, the fast route's and search's
    caches), so that the next build is cold again; generation's files stay."""
    shutil.rmtree(project / "site", ignore_errors=True)
    for cache in ("html", "html-last", "search"):  # generator/fastroute.py's and plugin.py's DigestCache folders
        shutil.rmtree(project / ".briefing-cache" / cache, ignore_errors=True)


def median_run(runs: list[Run]) -> Run:
    """The run of median time (the lower middle one of an even count)."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


def bench(articles: int, work: Path, cast: int = 2000, repeat: int = 3) -> dict[str, object]:
    """Run every step in `work`; return the results."""
    project = work / "briefing"
    counts = make_corpus(project, articles)
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs").mkdir()
    for page in hand_written_pages(REPO):  # pages the nav names that people write, e.g. a guide
        (project / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / page, project / page)
    print(f"corpus: {counts['articles']} articles, {counts['actors']} actors, {counts['terms']} terms in {project}", flush=True)

    first, written = generate(project)
    print(f"generate: {first.seconds:.2f} s ({first.cpu:.2f} s CPU), {written} files written, peak RSS {first.rss_mb:.0f} MB", flush=True)
    noop, noop_written = generate(project)
    print(f"no-op regenerate: {noop.seconds:.2f} s, {noop_written} files written", flush=True)
    generated = sorted((p.relative_to(project / "docs").as_posix(), p.stat().st_size) for p in (project / "docs").rglob("*.md"))
    plain_site(work / "plain", generated, same_volume=False)
    plain_site(work / "plain-same-volume", generated, same_volume=True)
    # The three cold site builds, in turn, `repeat` times: the machine's speed drifts by a
    # third within minutes, so each figure is the median of its runs, taken side by side.
    builds, plains, volumes = [], [], []
    for number in range(repeat):
        if number:
            forget_site_build(project)
        builds.append(mkdocs_build(project))
        print(f"mkdocs build (generated, {len(generated)} pages): {builds[-1].seconds:.2f} s, "
              f"peak RSS {builds[-1].rss_mb:.0f} MB", flush=True)
        plains.append(plain_build(work / "plain"))
        print(f"mkdocs build (plain, {len(generated)} pages of 8 paragraphs): {plains[-1].seconds:.2f} s", flush=True)
        volumes.append(plain_build(work / "plain-same-volume"))
        print(f"mkdocs build (plain, {len(generated)} pages as long as the generated ones): "
              f"{volumes[-1].seconds:.2f} s", flush=True)
    build, plain_s = median_run(builds), median_run(plains).seconds
    volume = median_run(volumes)
    volume_s = volume.seconds

    edit_s = edit_to_preview(project)
    print(f"edit to preview (briefing serve, one headline): {edit_s:.2f} s", flush=True)
    small, large = linker_times()
    print(f"linker: 50 names {small * 1000:.1f} ms, 5000 names {large * 1000:.1f} ms, ratio {large / small:.2f}", flush=True)
    casts = cast_times(work, cast)
    full = first.seconds + build.seconds
    return {
        "articles": articles,
        "generate_s": round(first.seconds, 3),
        "files_written": written,
        "peak_rss_mb": round(first.rss_mb, 1),
        "noop_regenerate_s": round(noop.seconds, 3),
        "noop_files_written": noop_written,
        "mkdocs_build_s": round(build.seconds, 3),
        "plain_mkdocs_build_s": round(plain_s, 3),
        "ratio": round(full / plain_s, 3),
        "linker_50_names_s": round(small, 5),
        "linker_5000_names_s": round(large, 5),
        "linker_ratio": round(large / small, 3),
        "generate_cpu_s": round(first.cpu, 3),
        "plain_same_volume_build_s": round(volume_s, 3),
        "ratio_same_volume": round(full / volume_s, 3),
        "build_peak_rss_mb": round(build.rss_mb, 1),
        "plain_same_volume_peak_rss_mb": round(volume.rss_mb, 1),
        "actors": counts["actors"],
        "terms": counts["terms"],
        "pages": len(generated),
        "docs_mb": round(sum(size for _, size in generated) / 1e6, 1),
        "cast_actors": cast,
        "check_cast_s": round(casts["check_cast_s"], 3),
        "check_double_cast_s": round(casts["check_double_cast_s"], 3),
        "check_cast_ratio": round(casts["check_double_cast_s"] / casts["check_cast_s"], 3),
        "generate_cast_s": round(casts["generate_cast_s"], 3),
        "generate_double_cast_s": round(casts["generate_double_cast_s"], 3),
        "generate_cast_ratio": round(casts["generate_double_cast_s"] / casts["generate_cast_s"], 3),
        # Issue 17's figures: the cold full build (generation, MkDocs, link check, each in a fresh process),
        # an edit in a running `briefing serve`, and generation, against plain MkDocs.
        "full_build_s": round(full, 3),
        "edit_to_preview_s": round(edit_s, 3),
        "edit_ratio": round(edit_s / plain_s, 3),
        "generate_ratio": round(first.seconds / plain_s, 3),
        "repeat": repeat,
        # Other work on the machine slows every step; the 1-minute load average says how busy it was.
        "load_avg_end": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: python benchmarks/bench.py --articles N [--cast C] [--keep DIR]"""
    parser = argparse.ArgumentParser(description="Time generation and the MkDocs build of a synthetic briefing.")
    parser.add_argument("--articles", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--cast", type=int, default=2000,
                        help="actors named by the one article of the cast benchmark, then twice as many (default 2000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="cold site builds (ours, plain, plain of the same volume) in turn, this many times; "
                             "their figures are the medians (default 3)")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it, instead of a temporary one")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True)
        results = bench(args.articles, args.keep, args.cast, args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="briefing-bench-") as work:
            results = bench(args.articles, Path(work), args.cast, args.repeat)
    print(" ".join(f"{key}={value}" for key, value in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
