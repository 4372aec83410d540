"""Incremental, safe regeneration: only changed files are written, only our own files removed.

Also the MkDocs plugin: plain `mkdocs build` regenerates docs/ the same way,
refuses bad seeds without touching docs/, and `briefing build` does not
generate twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import helpers
from generator import atomicfile, cli, pipeline, write


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """(modification time in ns, content) of every file under docs/, includes/ and seeds/schema/."""
    return helpers.snapshot(root, ("docs", "includes", "seeds/schema"), times=True)


def age(root: Path) -> None:
    """Set every output file's mtime one hour back, so any rewrite shows even on coarse clocks."""
    for folder in ("docs", "includes", "seeds/schema"):
        for path in (root / folder).rglob("*"):
            if path.is_file():
                stat = path.stat()
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 3600 * 10**9))


def changed(before: dict, after: dict) -> dict[str, list[str]]:
    """Which files were added, removed, rewritten (mtime moved) and altered (content differs)."""
    common = set(before) & set(after)
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "rewritten": sorted(p for p in common if before[p][0] != after[p][0]),
        "altered": sorted(p for p in common if before[p][1] != after[p][1]),
    }


@pytest.fixture
def generated(mini: pipeline.Project) -> pipeline.Project:
    """The mini project, generated once, with a hand-written page, files aged."""
    (mini.docs / "notes.md").write_text("# Notes\n\nWritten by hand.\n", encoding="utf-8")
    pipeline.generate(mini)
    age(mini.root)
    return mini


def test_second_generation_writes_nothing(generated):
    before = snapshot(generated.root)
    report = pipeline.generate(generated)
    assert (report.written, report.removed, report.unchanged) == ([], [], len(write.read_manifest(generated.root)))
    assert snapshot(generated.root) == before


def test_changed_article_rewrites_only_pages_whose_content_changes(generated):
    before = snapshot(generated.root)
    seed = generated.seeds / "articles" / "petrov-interview.yaml"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("He backs eradication.", "He backs eradication strongly."), encoding="utf-8")
    report = pipeline.generate(generated)
    diff = changed(before, snapshot(generated.root))
    # Key points show on the article's page and in the model's JSON only: those files (and the
    # manifest) are rewritten, nothing else.
    assert report.written == ["docs/articles/petrov-interview.md", "docs/data/briefing.json"]
    both = [write.MANIFEST, "docs/articles/petrov-interview.md", "docs/data/briefing.json"]
    assert diff == {"added": [], "removed": [], "rewritten": both, "altered": both}


def test_changed_headline_rewrites_exactly_the_pages_that_show_it(generated):
    before = snapshot(generated.root)
    seed = generated.seeds / "articles" / "petrov-interview.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("An Interview with Petrov", "Petrov Speaks"), encoding="utf-8")
    report = pipeline.generate(generated)
    diff = changed(before, snapshot(generated.root))
    pages = [p for p in diff["altered"] if p != write.MANIFEST]
    assert {"docs/articles/petrov-interview.md", "docs/articles/index.md", "docs/index.md"} <= set(pages)
    assert sorted(report.written) == pages
    assert diff["rewritten"] == diff["altered"]
    # Other pages (actor pages, for instance, list the articles that mention them) are left alone.
    assert "docs/actors/nato.md" not in pages and "docs/timeline.md" not in pages
    assert "docs/editors-guide.md" not in diff["rewritten"]


def test_deleting_an_article_removes_its_page_and_keeps_hand_written_ones(generated):
    (generated.seeds / "articles" / "petrov-interview.yaml").unlink()
    report = pipeline.generate(generated)
    assert report.removed == ["docs/articles/petrov-interview.md"]
    assert not (generated.docs / "articles" / "petrov-interview.md").exists()
    manifest = json.loads((generated.root / write.MANIFEST).read_text(encoding="utf-8"))["files"]
    assert "docs/articles/petrov-interview.md" not in manifest
    assert (generated.docs / "notes.md").read_text(encoding="utf-8") == "# Notes\n\nWritten by hand.\n"


def test_deleting_an_actor_or_a_term_removes_its_page(generated):
    actor = generated.seeds / "actors" / "new-body.yaml"
    actor.write_text("name: New Body\ntype: organisation\ndescription: A body.\n", encoding="utf-8")
    term = generated.seeds / "glossary" / "new-word.yaml"
    term.write_text("term: Newword\ndefinition: A word.\n", encoding="utf-8")
    assert "docs/actors/new-body.md" in pipeline.generate(generated).written
    glossary = (generated.docs / "glossary.md").read_text(encoding="utf-8")
    assert "Newword" in glossary
    actor.unlink()
    term.unlink()
    report = pipeline.generate(generated)
    assert report.removed == ["docs/actors/new-body.md"]
    assert not (generated.docs / "actors" / "new-body.md").exists()
    assert "Newword" not in (generated.docs / "glossary.md").read_text(encoding="utf-8")


def test_hand_written_page_in_the_way_is_an_error_naming_both_files(mini):
    page = mini.docs / "articles" / "petrov-interview.md"
    page.parent.mkdir(parents=True)
    page.write_text("# My own page\n", encoding="utf-8")
    with pytest.raises(pipeline.BuildError) as refused:
        pipeline.generate(mini)
    assert refused.value.messages == [
        "docs/articles/petrov-interview.md: error: a file the generator did not write is in the way of the "
        "page generated from seeds/articles/petrov-interview.yaml; rename one of them"
    ]
    # Refused before the first write: the hand-written page is intact and nothing else appeared.
    assert page.read_text(encoding="utf-8") == "# My own page\n"
    assert sorted(p.relative_to(mini.docs).as_posix() for p in mini.docs.rglob("*")) == [
        "articles", "articles/petrov-interview.md", "editors-guide.md",
    ]


def test_clash_through_the_command_line_exits_1_with_the_message(mini, capsys):
    page = mini.docs / "glossary.md"
    page.write_text("# Hand-made glossary\n", encoding="utf-8")
    assert cli.main(["--root", str(mini.root), "build"]) == 1
    assert capsys.readouterr().err == (
        "docs/glossary.md: error: a file the generator did not write is in the way of the page generated "
        "from seeds/glossary/; rename one of them\n"
        "1 error; nothing was changed.\n"
    )
    assert page.read_text(encoding="utf-8") == "# Hand-made glossary\n"
    assert not mini.site.exists()


def test_generated_page_edited_by_hand_is_kept_and_reported(generated):
    page = generated.docs / "articles" / "petrov-interview.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMy addition.\n", encoding="utf-8")
    before = snapshot(generated.root)
    with pytest.raises(pipeline.BuildError) as refused:
        pipeline.generate(generated)
    assert refused.value.messages == [
        "docs/articles/petrov-interview.md: error: this generated page was edited by hand; move the change "
        "into seeds/articles/petrov-interview.yaml and delete the page, then build again"
    ]
    (generated.seeds / "articles" / "petrov-interview.yaml").unlink()
    with pytest.raises(pipeline.BuildError) as refused:
        pipeline.generate(generated)
    assert refused.value.messages == [
        "docs/articles/petrov-interview.md: error: this generated page is no longer generated but was edited "
        "by hand, so it was kept; delete it yourself if it is not needed"
    ]
    assert snapshot(generated.root) == before


def test_briefing_build_twice_rewrites_nothing_and_generates_once(mini, capsys, monkeypatch):
    assert cli.main(["--root", str(mini.root), "build"]) == 0
    age(mini.root)
    before = snapshot(mini.root)
    calls = []
    real = pipeline.generate
    monkeypatch.setattr(pipeline, "generate", lambda project: calls.append(project) or real(project))
    capsys.readouterr()
    assert cli.main(["--root", str(mini.root), "build"]) == 0
    out = capsys.readouterr().out
    assert "files written" in out and ": 0 files written, " in out and ", 0 removed " in out
    # Once by `briefing build`; the MkDocs plugin is told not to do it again.
    assert len(calls) == 1
    assert snapshot(mini.root) == before
    assert (mini.site / "articles" / "petrov-interview" / "index.html").is_file()


# --------------------------------------------------------------------------- plain MkDocs, through the plugin


def mkdocs(project: pipeline.Project, *args: str) -> subprocess.CompletedProcess:
    """Run the `mkdocs` command line in the project, as a user would."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args], cwd=project.root, env=env,
        capture_output=True, text=True, timeout=300,
    )


def test_mkdocs_build_generates_then_rewrites_nothing(mini):
    first = mkdocs(mini, "build")
    assert first.returncode == 0, first.stderr
    assert (mini.docs / "articles" / "petrov-interview.md").is_file()
    assert (mini.site / "articles" / "petrov-interview" / "index.html").is_file()
    age(mini.root)
    before = snapshot(mini.root)
    second = mkdocs(mini, "build")
    assert second.returncode == 0, second.stderr
    assert "INFO    -  briefing: 2 articles, 5 actors, 3 terms: 0 files written, " in second.stderr
    assert snapshot(mini.root) == before


def test_mkdocs_build_from_another_folder_keeps_the_tooltips(mini, tmp_path):
    """`mkdocs build -f project/mkdocs.yml` run elsewhere: the plugin points abbr at the project's feed."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(mini.config)], cwd=elsewhere, env=env,
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    html = (mini.site / "articles" / "pact-asks-nato" / "index.html").read_text(encoding="utf-8")
    assert '<abbr tabindex="0" title="International Security Assistance Force">ISAF</abbr>' in html


def test_mkdocs_build_with_bad_seeds_aborts_and_changes_nothing(generated):
    assert mkdocs(generated, "build").returncode == 0
    age(generated.root)
    site_before = sorted((p.relative_to(generated.site).as_posix(), p.stat().st_mtime_ns) for p in generated.site.rglob("*"))
    docs_before = snapshot(generated.root)
    seed = generated.seeds / "articles" / "petrov-interview.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("kind: interview", "kind: intervew"), encoding="utf-8")
    result = mkdocs(generated, "build")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR   -  seeds/articles/petrov-interview.yaml:7:9: error: source.kind: 'intervew' is not one of: "
        "report, analysis, interview, news, opinion (did you mean 'interview'?)",
        "ERROR   -  briefing: 1 error in the seeds; docs/ was not changed",
    ]
    assert "Aborted with a BuildError!" in result.stdout + result.stderr
    assert snapshot(generated.root) == docs_before
    assert sorted((p.relative_to(generated.site).as_posix(), p.stat().st_mtime_ns) for p in generated.site.rglob("*")) == site_before


def _dead_pid() -> int:
    """The id of a process that has exited (ids are not reused this quickly)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_build_removes_what_killed_builds_left_and_nothing_else(mini):
    """Temporary files and half-built sites of dead processes go; a live process's stay."""
    dead, alive = _dead_pid(), os.getpid()
    mini.docs.joinpath("articles").mkdir(parents=True)
    leftovers = [
        mini.docs / f".index.md.briefing-{dead}-k2j3.tmp",
        mini.docs / "articles" / f".petrov-interview.md.briefing-{dead}-x9.tmp",
    ]
    kept = [
        mini.docs / f".index.md.briefing-{alive}-a1.tmp",  # another build, writing right now
        mini.docs / ".notes.md.tmp",  # a file we did not name: not ours to remove
    ]
    for path in leftovers + kept:
        path.write_text("partial", encoding="utf-8")
    (mini.root / f".site-new-{dead}-abc").mkdir()
    (mini.root / f".site-new-{dead}-abc" / "index.html").write_text("half", encoding="utf-8")
    (mini.root / f".site-new-{alive}-def").mkdir()

    assert cli.main(["--root", str(mini.root), "build"]) == 0

    assert [p.name for p in leftovers if p.exists()] == []
    assert not (mini.root / f".site-new-{dead}-abc").exists()
    assert all(p.exists() for p in kept)
    assert (mini.root / f".site-new-{alive}-def").is_dir()
    # And the build's own temporary names are of the kind it recognises.
    assert atomicfile.TEMP_FILE.match(f".index.md.briefing-{alive}-q8w7e6.tmp")
