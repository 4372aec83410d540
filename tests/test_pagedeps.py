"""`briefing serve` renders again only the pages an edit can change (generator/pagedeps.py, rerender.py).

The proof is the output: after each edit, a warm generation (one Memory
kept across edits, as serve's worker keeps it) leaves docs/ byte for byte
as a generation from scratch of the same seeds does.  Edits of every kind
are made, one after the other, so each warm generation starts from the
dependencies the one before recorded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest
import yaml

from conftest import make_project
from generator import analysis, model, pagedeps, pipeline, rerender
from generator.diagnostics import BuildError

ARTICLE = "seeds/articles/lets-just-be-friends.yaml"


def _edit(root: Path, relative: str, change) -> None:
    path = root / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _first_actor_file(root: Path, name: str) -> str:
    return f"seeds/actors/{name}.yaml"


def _glossary_file(root: Path) -> str:
    return "seeds/glossary/" + sorted(p.name for p in (root / "seeds/glossary").glob("*.yaml"))[0]


def _article_file(root: Path, index: int) -> str:
    return "seeds/articles/" + sorted(p.name for p in (root / "seeds/articles").glob("*.yaml"))[index]


def _edits(root: Path) -> list[tuple[str, str, object]]:
    """(what, file, change) for edits of every kind a page can read."""
    def headline(d): d["source"]["headline"] += " (edited)"
    def summary(d): d["summary"] += " NATO and the CSTO met again in Moscow."
    def key_point(d): d["key_points"].pop()
    def quote(d): d["quotes"][0]["text"] = d["quotes"][0]["text"].rstrip(".") + ", he said."
    def date(d): d["source"]["date"] = "2009-12-01"
    def leaning(d):
        d["stances"][0]["leaning"] = "mixed" if d["stances"][0]["leaning"] != "mixed" else "supports"
    def description(d): d["description"] += " Edited."
    def alias(d): d.setdefault("aliases", []).append("The Edited Alliance")
    def definition(d): d["definition"] = "Edited first sentence. " + d["definition"]
    def name(d): d["name"] += " Edited"
    return [
        ("headline", ARTICLE, headline),
        ("summary", ARTICLE, summary),
        ("key point removed", _article_file(root, 1), key_point),
        ("quote", _article_file(root, 2), quote),
        ("date", _article_file(root, 3), date),
        ("leaning", ARTICLE, leaning),
        ("actor description", _first_actor_file(root, "csto"), description),
        ("actor alias", _first_actor_file(root, "csto"), alias),
        ("term definition", _glossary_file(root), definition),
        ("actor name", _first_actor_file(root, "fskn"), name),
        ("headline again", ARTICLE, headline),
    ]


def _docs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "docs").rglob("*")) if p.is_file()}


def test_each_warm_generation_equals_one_from_scratch(tmp_path, seed_project):
    warm = seed_project
    memory = pipeline.Memory()
    pipeline.generate(warm, memory)
    rendered: dict[str, int] = {}
    for what, relative, change in _edits(warm.root):
        _edit(warm.root, relative, change)
        rendered[what] = pipeline.generate(warm, memory).rendered
        cold = make_project(tmp_path / f"cold-{len(rendered)}", warm.root / "seeds")
        pipeline.generate(cold)
        assert _docs(warm.root) == _docs(cold.root), f"after the {what} edit"
    pages = len(list((warm.root / "docs").rglob("*.md")))
    # The map prunes: a headline is read by its article's page and the lists naming it, not by all.
    # The map prunes: a headline is read by its article's page and the pages listing it; a quote
    # or a key point by its article's page (and the pages quoting it).
    assert 0 < rendered["headline again"] < pages / 2, rendered
    assert 0 < rendered["quote"] <= 3 and 0 < rendered["key point removed"] <= 3, rendered
    # A name is in the matcher every page links with: every generated page (not the Data page's data part).
    assert rendered["actor name"] >= pages - 2, rendered


def test_a_page_edited_by_hand_is_still_refused(seed_project):
    memory = pipeline.Memory()
    pipeline.generate(seed_project, memory)
    page = seed_project.root / "docs/articles/lets-just-be-friends.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA line added by hand.\n", encoding="utf-8")
    _edit(seed_project.root, _glossary_file(seed_project.root), lambda d: d.update(definition=d["definition"] + " More."))
    with pytest.raises(BuildError) as refused:
        pipeline.generate(seed_project, memory)
    assert "edited by hand" in "\n".join(refused.value.lines())


def test_a_template_change_renders_every_page(seed_project):
    memory = pipeline.Memory()
    pipeline.generate(seed_project, memory)
    template = seed_project.root / "templates/article.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n<!-- changed -->\n", encoding="utf-8")
    report = pipeline.generate(seed_project, memory)
    articles = len(list((seed_project.root / "seeds/articles").glob("*.yaml")))
    assert sum(path.startswith("docs/articles/") and not path.endswith("index.md") for path in report.written) == articles


def test_the_network_carried_between_edits_holds_no_model_object(seed_project):
    briefing = pipeline.load_briefing(seed_project)
    views = analysis.Analysis(briefing)
    for graph in (views.graph, views.pairs):
        values = [graph.graph, *(data for _, data in graph.nodes(data=True)),
                  *(data for *_, data in graph.edges(data=True))]
        assert not any(isinstance(v, pagedeps.MODEL_CLASSES) for v in _flatten(values)), graph
        assert isinstance(graph, nx.Graph)


def _flatten(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def test_reads_are_recorded_field_by_field(mini):
    briefing = pipeline.load_briefing(mini)
    keys, _ = pagedeps.index(briefing)
    deps = pagedeps.Dependencies()
    article = briefing.articles[0]
    with pagedeps.recording(deps.number(keys)):
        _, recorded = pagedeps.record(lambda: (article.headline, article.page, vars(article.outlet)))
    reads = set(recorded.reads)
    assert deps.read_number(("article", article.id), "headline") in reads
    assert deps.read_number(("article", article.id), "id") in reads  # what the property `page` read
    assert deps.read_number(("actor", article.outlet.id), pagedeps.WHOLE) in reads
    assert deps.read_number(("article", article.id), "summary") not in reads
    assert deps.read_number(("article", article.id), "outlet") in reads  # the reference followed
    # Off again after: plain attribute access.
    assert "__getattribute__" not in vars(model.Article)


def test_a_changed_field_is_found_and_so_are_the_fields_of_an_object_gone(mini):
    before = pagedeps.index(pipeline.load_briefing(mini))[1]
    briefing = pipeline.load_briefing(mini)
    article = briefing.articles[0]
    article.headline += "!"
    key = ("article", article.id)
    assert pagedeps.changed_reads(before, pagedeps.index(briefing)[1]) == {(key, "headline"), (key, pagedeps.WHOLE)}
    article.key_points.append("one more")
    assert (key, "key_points") in pagedeps.changed_reads(before, pagedeps.index(briefing)[1])
    holder = next(a for a in briefing.articles if a.quotes)
    keys, _ = pagedeps.index(briefing)
    gone = holder.quotes.pop()
    gone_key = keys[id(gone)]
    gone.speaker.quotes.remove(gone)
    changed = pagedeps.changed_reads(before, pagedeps.index(briefing)[1])
    assert {(("article", holder.id), "quotes"), (gone_key, "text"), (gone_key, pagedeps.WHOLE)} <= changed


def test_templates_digest_sees_any_file(tmp_path):
    (tmp_path / "a.md.j2").write_text("x", encoding="utf-8")
    first = rerender.templates_digest(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.j2").write_text("y", encoding="utf-8")
    assert rerender.templates_digest(tmp_path) != first


def test_prepare_learns_every_page_and_writes_nothing(seed_project):
    pipeline.generate(seed_project)
    before = _docs(seed_project.root)
    memory = pipeline.Memory()
    pipeline.prepare(seed_project, memory)
    assert _docs(seed_project.root) == before
    _edit(seed_project.root, ARTICLE, lambda d: d["source"].update(headline=d["source"]["headline"] + " (edited)"))
    report = pipeline.generate(seed_project, memory)
    assert 0 < report.rendered < len(before) / 2


def test_prepare_after_a_warm_generation_keeps_what_it_learnt(seed_project):
    # The server's first generation may render every page (seeds edited while it was off); the
    # warm-up after it then finds nothing to render, and must not forget what was learnt.
    memory = pipeline.Memory()
    pages = pipeline.generate(seed_project, memory).rendered
    pipeline.prepare(seed_project, memory)
    assert len(memory.pages.pages) == pages
    _edit(seed_project.root, ARTICLE, lambda d: d["source"].update(headline=d["source"]["headline"] + " (edited)"))
    assert 0 < pipeline.generate(seed_project, memory).rendered < pages / 2


def test_prepare_forgets_a_page_changed_on_disk(seed_project):
    pipeline.generate(seed_project)
    page = seed_project.root / "docs/articles/lets-just-be-friends.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nBy hand.\n", encoding="utf-8")
    memory = pipeline.Memory()
    pipeline.prepare(seed_project, memory)
    assert "articles/lets-just-be-friends.md" not in memory.page_stats
    assert len(memory.page_stats) > 50
