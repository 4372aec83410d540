"""generate(part="pages") then generate(part="data"): what `briefing serve` does after an edit.

Together the two parts must write exactly what one whole generation writes,
each must leave the other's files alone, and the no-op check must never
take a half-made docs/ for a current one.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import REPO, make_project
from generator import cache, data_out, pipeline, write

ARTICLE = "seeds/articles/lets-just-be-friends.yaml"
OLD, NEW = "headline: Let’s Just Be Friends", "headline: Let’s Stay Friends"


def files(project: pipeline.Project) -> dict[str, str]:
    """The digest of every generated file, by path in the project (the manifest's list)."""
    listed = write.read_manifest(project.root)
    return {path: hashlib.sha256((project.root / path).read_bytes()).hexdigest() for path in sorted(listed)}


def edit(project: pipeline.Project, old: str = OLD, new: str = NEW) -> None:
    path = project.root / ARTICLE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def generated(seed_project: pipeline.Project) -> pipeline.Project:
    pipeline.generate(seed_project)
    return seed_project


def test_the_pages_part_writes_the_pages_and_leaves_the_data_files(generated):
    edit(generated)
    report = pipeline.generate(generated, part="pages")
    assert report.data_pending and report.written
    assert not [path for path in report.written if data_out.owns(path)]
    assert "docs/articles/lets-just-be-friends.md" in report.written
    assert "Let’s Stay Friends" not in (generated.root / "docs/data/briefing.json").read_text(encoding="utf-8")
    # The data files are still the generator's own: listed in the manifest, not removed.
    listed = write.read_manifest(generated.root)
    assert "docs/data/briefing.json" in listed and "docs/feed.xml" in listed and "docs/data.md" in listed


def test_both_parts_write_what_one_whole_generation_writes(generated, tmp_path):
    memory = pipeline.Memory()
    edit(generated)
    pages = pipeline.generate(generated, memory, part="pages")
    data = pipeline.generate(generated, memory, part="data", since=pages.inputs)
    assert not data.data_pending
    assert data.written and all(data_out.owns(path) for path in data.written)
    assert "Let’s Stay Friends" in (generated.root / "docs/data/briefing.json").read_text(encoding="utf-8")
    whole = make_project(tmp_path / "whole", REPO / "seeds")
    edit(whole)
    pipeline.generate(whole)
    assert files(generated) == files(whole)
    assert json.loads((generated.root / write.MANIFEST).read_text()) == json.loads((whole.root / write.MANIFEST).read_text())


def test_after_both_parts_of_the_same_inputs_the_next_generation_is_a_no_op(generated):
    edit(generated)
    pages = pipeline.generate(generated, part="pages")
    # Half-made: the no-op check must not hold (it would keep the old data files for good).
    assert cache.counts_if_current(generated, cache.inputs_digest(generated), generated.root / write.MANIFEST,
                                   write.disk_hash) is None
    pipeline.generate(generated, part="data", since=pages.inputs)
    assert cache.counts_if_current(generated, cache.inputs_digest(generated), generated.root / write.MANIFEST,
                                   write.disk_hash) is not None


def test_seeds_changed_between_the_parts_are_not_taken_as_done(generated):
    edit(generated)
    pages = pipeline.generate(generated, part="pages")
    edit(generated, NEW, "headline: Let’s Be Friends Again")  # saved while the pages were built
    pipeline.generate(generated, part="data", since=pages.inputs)
    # The pages still show the headline of the first save: the next generation must make them again.
    assert cache.counts_if_current(generated, cache.inputs_digest(generated), generated.root / write.MANIFEST,
                                   write.disk_hash) is None
    report = pipeline.generate(generated, part="pages")
    assert "docs/articles/lets-just-be-friends.md" in report.written


def test_each_part_removes_only_its_own_stale_files(generated):
    # Files the manifest lists that no generation makes any more: a data file and a page.
    listed = json.loads((generated.root / write.MANIFEST).read_text(encoding="utf-8"))
    for path, text in (("docs/data/retired.csv", "a,b\n"), ("docs/articles/retired.md", "# Retired\n")):
        (generated.root / path).write_text(text, encoding="utf-8")
        listed["files"][path] = write.digest(text.encode("utf-8"))
    (generated.root / write.MANIFEST).write_text(json.dumps(listed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    edit(generated)
    pages = pipeline.generate(generated, part="pages")
    assert pages.removed == ["docs/articles/retired.md"]
    assert (generated.root / "docs/data/retired.csv").exists()
    data = pipeline.generate(generated, part="data", since=pages.inputs)
    assert data.removed == ["docs/data/retired.csv"]
    assert "docs/data/retired.csv" not in write.read_manifest(generated.root)


def test_a_hand_edited_data_file_stops_the_data_part_with_a_message(generated):
    (generated.root / "docs/data/actors.csv").write_text("edited by hand\n", encoding="utf-8")
    edit(generated)
    pages = pipeline.generate(generated, part="pages")  # the pages part does not look at it
    with pytest.raises(pipeline.BuildError) as raised:
        pipeline.generate(generated, part="data", since=pages.inputs)
    assert [d.file for d in raised.value.diagnostics] == ["docs/data/actors.csv"]
    assert "edited by hand" in raised.value.diagnostics[0].message
    assert (generated.root / "docs/data/actors.csv").read_text(encoding="utf-8") == "edited by hand\n"


def test_an_unknown_part_is_refused(generated):
    with pytest.raises(ValueError, match="part must be one of"):
        pipeline.generate(generated, part="everything")
