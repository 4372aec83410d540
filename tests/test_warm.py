"""`briefing serve`'s generator process (generator/warm.py): forked before the server's threads,
it generates what the server's own process would, refuses what it would refuse, and ends with it."""

from __future__ import annotations

import shutil

import pytest

from generator import pipeline, warm
from generator.diagnostics import BuildError

ARTICLE = "seeds/articles/lets-just-be-friends.yaml"


def docs(project: pipeline.Project) -> dict[str, bytes]:
    return {p.relative_to(project.root).as_posix(): p.read_bytes() for p in sorted(project.docs.rglob("*")) if p.is_file()}


def test_the_forked_generator_writes_what_generation_here_writes(seed_project, tmp_path):
    generator = warm.Generator(seed_project)
    try:
        assert generator.process is not None and generator.process.is_alive()
        first = generator.generate()
        path = seed_project.root / ARTICLE
        path.write_text(path.read_text(encoding="utf-8").replace("Let’s Just Be Friends", "Still Friends", 1),
                        encoding="utf-8")
        second = generator.generate()
    finally:
        process = generator.process
        generator.close()
    assert not process.is_alive()
    assert len(first.written) > len(second.written) > 0 and "docs/articles/lets-just-be-friends.md" in second.written
    here = pipeline.Project(tmp_path / "here")
    shutil.copytree(seed_project.root, here.root, ignore=shutil.ignore_patterns(".briefing-cache", "docs"))
    (here.root / "docs").mkdir()
    shutil.copy(seed_project.docs / "editors-guide.md", here.docs / "editors-guide.md")
    pipeline.generate(here)
    assert docs(here) == docs(seed_project)


def test_the_forked_generator_refuses_bad_seeds_with_the_same_messages(seed_project):
    path = seed_project.root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("headline:", "headline: [", 1), encoding="utf-8")
    with pytest.raises(BuildError) as here:
        pipeline.generate(seed_project)
    generator = warm.Generator(seed_project)
    try:
        with pytest.raises(BuildError) as there:
            generator.generate()
    finally:
        generator.close()
    assert there.value.lines() == here.value.lines() and there.value.messages


def test_a_generator_process_that_died_is_replaced_by_generation_here(seed_project):
    generator = warm.Generator(seed_project)
    generator.process.kill()
    generator.process.join()
    try:
        report = generator.generate()
    finally:
        generator.close()
    assert generator.process is None
    assert report.articles == len(list((seed_project.seeds / "articles").glob("*.yaml")))
