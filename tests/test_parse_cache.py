"""The parse cache `briefing serve` keeps (load.ParseCache, in pipeline.Memory): an edit parses only the files it changed,
and generation with it writes exactly what generation without it writes."""

from __future__ import annotations

import pytest

from conftest import REPO, make_project
from generator import load, pipeline
from generator.diagnostics import BuildError

ARTICLE = "seeds/articles/lets-just-be-friends.yaml"


def docs(project: pipeline.Project) -> dict[str, bytes]:
    return {p.relative_to(project.root).as_posix(): p.read_bytes() for p in sorted(project.docs.rglob("*")) if p.is_file()}


def test_an_edit_parses_only_the_file_it_changed(seed_project, monkeypatch):
    cache = pipeline.Memory()
    pipeline.load_briefing(seed_project, cache)
    parsed = []
    real = load.check_bytes
    monkeypatch.setattr(load, "check_bytes", lambda kind, path, *rest: parsed.append(path.name) or real(kind, path, *rest))
    path = seed_project.root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    pipeline.load_briefing(seed_project, cache)
    assert parsed == [path.name]


def test_generation_with_the_cache_writes_what_a_fresh_generation_writes(tmp_path):
    warm = make_project(tmp_path / "warm", REPO / "seeds")
    cache = pipeline.Memory()
    pipeline.generate(warm, cache)
    path = warm.root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("Let’s Just Be Friends", "Still Friends", 1), encoding="utf-8")
    pipeline.generate(warm, cache)
    cold = make_project(tmp_path / "cold", warm.seeds)  # the edited seeds, loaded once, without a cache
    pipeline.generate(cold)
    assert docs(warm) == docs(cold) and b"Still Friends" in b"".join(docs(warm).values())


def test_a_broken_file_is_reported_the_same_from_the_cache(seed_project):
    path = seed_project.root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("headline:", "headline: [", 1), encoding="utf-8")
    cache = pipeline.Memory()
    messages = []
    for _ in range(2):
        with pytest.raises(BuildError) as error:
            pipeline.load_briefing(seed_project, cache)
        messages.append(error.value.messages)
    assert messages[0] == messages[1] and messages[0] and all(m.startswith(ARTICLE) for m in messages[0])
