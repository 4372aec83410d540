"""The benchmark keeps working: a small run prints every key with sane values.

Timings are printed by benchmarks/bench.py, never asserted here (they depend
on the machine and on what else runs); this only checks that the script runs
end to end and that what it counts is right.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from generator import markup, mentions, names, pipeline

sys.path.insert(0, str(REPO / "benchmarks"))

from make_corpus import make_corpus, make_one_article_corpus  # noqa: E402

KEYS = [
    "articles", "generate_s", "files_written", "peak_rss_mb", "noop_regenerate_s",
    "noop_files_written", "mkdocs_build_s", "plain_mkdocs_build_s", "ratio",
    "linker_50_names_s", "linker_5000_names_s", "linker_ratio",
]


@pytest.fixture(scope="module")
def results() -> dict[str, float]:
    """The key=value pairs of the last line of a 200-article (and 300-actor cast) benchmark run."""
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py"), "--articles", "200", "--cast", "300", "--repeat", "2"],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )
    assert run.returncode == 0, run.stderr
    last = run.stdout.strip().splitlines()[-1]
    return {key: float(value) for key, value in (pair.split("=") for pair in last.split())}


def test_last_line_has_every_key_in_order(results):
    assert list(results)[: len(KEYS)] == KEYS


def test_counts_are_those_of_the_corpus(results):
    assert results["articles"] == 200
    assert (results["actors"], results["terms"]) == (40, 10)
    # One page per article and actor, the six index pages, and the hand-written pages.
    assert results["pages"] >= 200 + 40 + 6
    # Every page, the abbreviation feed and the four JSON Schemas.
    assert results["files_written"] >= 200 + 40 + 6 + 1 + 4


def test_repeated_builds_give_medians(results):
    from bench import Run, median_run

    assert results["repeat"] == 2
    runs = [Run(seconds, 0.0, 0.0, "") for seconds in (4.0, 1.0, 3.0, 2.0)]
    assert median_run(runs).seconds == 2.0  # the lower middle of an even count: a real run, not a mean
    assert median_run(runs[:3]).seconds == 3.0


def test_noop_regeneration_writes_nothing(results):
    assert results["noop_files_written"] == 0


def test_measurements_are_positive_and_ratios_consistent(results):
    for key in ("generate_s", "peak_rss_mb", "noop_regenerate_s", "mkdocs_build_s", "plain_mkdocs_build_s",
                "linker_50_names_s", "linker_5000_names_s"):
        assert results[key] > 0, key
    full = results["generate_s"] + results["mkdocs_build_s"]
    assert results["ratio"] == pytest.approx(full / results["plain_mkdocs_build_s"], rel=0.01)
    assert results["full_build_s"] == pytest.approx(full, rel=0.01)
    assert results["ratio_same_volume"] == pytest.approx(full / results["plain_same_volume_build_s"], rel=0.01)
    assert results["generate_ratio"] == pytest.approx(results["generate_s"] / results["plain_mkdocs_build_s"], rel=0.01)
    assert results["linker_ratio"] == pytest.approx(results["linker_5000_names_s"] / results["linker_50_names_s"], rel=0.01)


def test_an_edit_reaches_the_preview_and_is_timed(results):
    """The edit was seen by a running `briefing serve` (bench.py exits non-zero if it never is)."""
    assert results["edit_to_preview_s"] > 0
    assert results["edit_ratio"] == pytest.approx(results["edit_to_preview_s"] / results["plain_mkdocs_build_s"], rel=0.01)


def test_one_article_cast_is_checked_and_generated_at_both_sizes(results):
    assert results["cast_actors"] == 300
    for key in ("check_cast_s", "check_double_cast_s", "generate_cast_s", "generate_double_cast_s"):
        assert results[key] > 0, key
    assert results["check_cast_ratio"] == pytest.approx(results["check_double_cast_s"] / results["check_cast_s"], rel=0.01)
    assert results["generate_cast_ratio"] == pytest.approx(
        results["generate_double_cast_s"] / results["generate_cast_s"], rel=0.01)


def test_one_article_corpus_names_every_actor_in_its_article(tmp_path):
    assert make_one_article_corpus(tmp_path, 150) == {"articles": 1, "actors": 150, "terms": 4}
    briefing = pipeline.load_briefing(pipeline.Project(tmp_path))  # raises on any seed error
    (article,) = briefing.articles
    assert {a.actor.id for a in article.appearances} == {a.id for a in briefing.actors}


def test_corpus_is_valid_sized_and_the_same_every_time(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert make_corpus(first, 60) == {"articles": 60, "actors": 12, "terms": 4}
    make_corpus(second, 60)
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*.yaml"))
    assert files == sorted(p.relative_to(second).as_posix() for p in second.rglob("*.yaml"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    briefing = pipeline.load_briefing(pipeline.Project(first))  # raises on any seed error
    assert (len(briefing.articles), len(briefing.actors), len(briefing.terms)) == (60, 12, 4)
    # Mention density as in the real summaries: about 13 names per 100 words of prose.
    matcher = names.briefing_matcher(briefing)
    words = mentioned = 0
    for article in briefing.articles:
        for block in mentions.article_prose(article):
            words += len(block.split())
            mentioned += sum(1 for _ in matcher.find(block))
    assert 10 <= 100 * mentioned / words <= 16


def test_long_actor_sections_keep_the_newest_fifty(tmp_path):
    """A popular actor's page lists its newest 50 appearances and events, and counts the rest."""
    make_corpus(tmp_path, 200)
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    project = pipeline.Project(tmp_path)
    pipeline.generate(project)
    briefing = pipeline.load_briefing(project)
    actor = max(briefing.actors, key=lambda a: len(a.appearances))
    assert len(actor.appearances) > 50 and len(actor.events) > 50  # the corpus reaches the cap
    page = (tmp_path / "docs" / actor.page).read_text(encoding="utf-8")
    listed = page.split("## In the articles\n\n")[1].split("\n\n")[0].splitlines()
    assert len(listed) == 51
    assert listed[-1] == f"- …and {len(actor.appearances) - 50} earlier articles: see [all articles](../articles/index.md)."
    newest = actor.appearances[0].article  # appearances are sorted newest first
    # The link to the article, with its summary's first sentence as its title.
    link = f"- [{markup.escape_text(markup.inline(newest.headline))}](../{newest.page} \"{markup.link_title(newest.summary)}\")"
    assert listed[0].startswith(link)
    events = f"The newest 50; {len(actor.events) - 50} earlier events are on [the timeline](../timeline.md)."
    assert events in page
    rows = page.split(events)[1].split("\n\n")[1].splitlines()
    assert len(rows) == 2 + 50  # header, rule, the 50 newest events (oldest first, as on the timeline)
