"""When the cyclic garbage collector runs (generator/collector.py): paused during jobs, blind to what
is frozen, and the serve worker's garbage collected while it is idle.

The collector's state is the whole process's: every case puts it back as it found it.
"""

from __future__ import annotations

import gc
import weakref

import pytest

from generator import collector, pipeline


class Node:
    """An object that can be in a cycle and be watched by a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle_garbage() -> weakref.ref:
    """A cycle nothing refers to: only the collector frees it.  Its weak reference."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


@pytest.fixture(autouse=True)
def collector_as_found():
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    yield
    if not frozen:
        gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


def test_paused_turns_collection_off_and_back_on():
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
        watched = cycle_garbage()
        gc.collect(0)  # a young collection, as allocation would trigger: explicit ones still run
    assert gc.isenabled()
    gc.collect()
    assert watched() is None


def test_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_frozen_hides_what_lives_and_gives_it_back():
    gc.unfreeze()
    watched = cycle_garbage()
    with collector.frozen():
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert watched() is not None  # frozen: out of the collector's sight
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert watched() is None


def test_frozen_inside_a_frozen_process_keeps_everything_frozen_until_collect_and_freeze():
    gc.unfreeze()
    before = cycle_garbage()
    gc.freeze()  # as the serve worker leaves itself between requests
    model = cycle_garbage()  # made by the request before the block, as generation's model is
    with collector.frozen():
        pass
    gc.collect()
    assert before() is not None and model() is not None and gc.get_freeze_count() > 0
    collector.collect_and_freeze()
    assert before() is None and model() is None
    assert gc.get_freeze_count() > 0  # what is left is frozen again


def test_freeze_more_freezes_only_inside_a_frozen_block_and_gives_back_with_it():
    gc.unfreeze()
    outside = cycle_garbage()
    collector.freeze_more()  # no block: nothing frozen that nobody would give back
    assert gc.get_freeze_count() == 0
    with collector.frozen():
        inside = cycle_garbage()  # made during the block, as a site build's bodies are
        gc.collect()
        assert inside() is None  # not frozen: collected
        later = cycle_garbage()
        collector.freeze_more()
        gc.collect()
        assert later() is not None  # frozen by freeze_more: out of sight
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert outside() is None and later() is None


def test_the_site_build_runs_frozen_and_checks_links_with_the_collector_paused(monkeypatch, tmp_path):
    from generator import site

    seen = {}

    def fake_mkdocs(config, dirty=False):  # MkDocs' own build, called by MkDocsBuilder
        seen["build_frozen"] = gc.get_freeze_count() > 0

    def fake_check(staging, display):
        seen["check_collecting"] = gc.isenabled()
        return []

    monkeypatch.setattr("mkdocs.commands.build.build", fake_mkdocs)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    monkeypatch.setattr(site, "check_site", fake_check)
    gc.unfreeze()
    gc.enable()
    site.build_site(pipeline.Project(tmp_path))
    assert seen == {"build_frozen": True, "check_collecting": False}
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_every_job_of_a_generation_runs_with_the_collector_paused():
    gc.enable()
    assert pipeline._run(gc.isenabled) is False
    assert gc.isenabled()
