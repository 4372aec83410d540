"""What keeps generation linear at thousands of articles, and still correct.

- the name matcher is a trie-shaped expression that finds exactly what the
  longest-first alternation found;
- related articles come from a bounded candidate set and are exact for
  small briefings;
- actors seen together are ranked without counting every pair of a large
  cast, and are exactly what counting every pair gave;
- long lists are capped;
- work is shared among forked workers with the results and errors of a
  plain loop;
- a regeneration with nothing changed is skipped, and anything that a full
  run would notice still takes the full run.
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import subprocess
import sys
import textwrap
from collections import Counter

import pytest
import yaml

from conftest import REPO
from generator import cache, mentions, names, parallel, pipeline, resolve

sys.path.insert(0, str(REPO / "benchmarks"))

from make_corpus import make_corpus, make_one_article_corpus  # noqa: E402


# --------------------------------------------------------------------------- the matcher


def flat_alternation(names: list[str]) -> re.Pattern[str]:
    """The matcher's former expression: every name, longest first."""
    ordered = sorted(names, key=lambda n: (-len(n), n))
    return re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(n) for n in ordered)})(?![\w-])")


def test_trie_expression_finds_what_the_alternation_found():
    rng = random.Random(3)
    alphabet = "abAB -.I'"
    for _ in range(3000):
        given = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 12))})
        text = "".join(rng.choice(alphabet + "x_") for _ in range(60))
        expected = [m.span() for m in flat_alternation(given).finditer(text)]
        assert [m.span() for m in names.compile_names(given, names._WHOLE_WORD).finditer(text)] == expected, (given, text)


def test_longest_name_wins_and_word_edges_hold():
    given = ["Ivan", "Ivanov", "Viktor Ivanov", "NATO", "NATO-Russia Council"]
    matcher = names.Matcher((n, names.Target(n, "p.md", n)) for n in given)
    text = "Viktor Ivanov met Ivanova, Ivan and the NATO-Russia Council; NATO-x and `NATO` stay."
    assert [text[s:e] for s, e, _ in matcher.find(text)] == ["Viktor Ivanov", "Ivan", "NATO-Russia Council"]


def test_thousands_of_nested_names_fall_back_to_the_alternation():
    given = ["a" * n for n in range(1, 3000)]  # each a prefix of the next: too deep for a trie
    matcher = names.Matcher((n, names.Target(n, "p.md", n)) for n in given)
    text = "x " + "a" * 2500 + " y aaa"
    assert [e - s for s, e, _ in matcher.find(text)] == [2500, 3]


# --------------------------------------------------------------------------- related articles


def all_pairs_related(article, others):
    """The former definition: every other article sharing anything, most shared, then newest, first."""
    mine = resolve._shared_keys(article)
    scored = [(o, sorted(mine & resolve._shared_keys(o), key=str.casefold)) for o in others if o is not article]
    scored = [(o, shared) for o, shared in scored if shared]
    scored.sort(key=lambda p: (-len(p[1]), tuple(-x for x in p[0].date.sort_key), p[0].id))
    return scored


@pytest.fixture(scope="module")
def corpus_briefing(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    make_corpus(root, 120)
    return pipeline.load_briefing(pipeline.Project(root))


def test_related_articles_are_exact_while_every_posting_is_short(mini):
    briefing = pipeline.load_briefing(mini)
    for article in briefing.articles:
        assert article.related == all_pairs_related(article, briefing.articles)[: resolve.MAX_RELATED]


def test_related_articles_are_capped_ranked_and_truly_shared(corpus_briefing):
    for article in corpus_briefing.articles:
        assert 0 < len(article.related) <= resolve.MAX_RELATED
        mine = resolve._shared_keys(article)
        for other, shared in article.related:
            assert other is not article
            assert shared == sorted(mine & resolve._shared_keys(other), key=str.casefold)
        counts = [len(shared) for _, shared in article.related]
        assert counts == sorted(counts, reverse=True)


def test_related_articles_match_all_pairs_on_a_small_corpus(tmp_path):
    make_corpus(tmp_path, 9)  # every actor and term is in at most 9 articles: all are candidates
    briefing = pipeline.load_briefing(pipeline.Project(tmp_path))
    for article in briefing.articles:
        assert article.related == all_pairs_related(article, briefing.articles)[: resolve.MAX_RELATED]


# --------------------------------------------------------------------------- actors seen together


def all_pairs_co_actors(actor):
    """The former definition: every pair of appearances counted, most often first, then by name."""
    seen = Counter()
    for appearance in actor.appearances:
        for other in appearance.article.appearances:
            if other.actor is not actor:
                seen[other.actor] += 1
    return sorted(seen.items(), key=lambda p: (-p[1], p[0].name.casefold()))[: resolve.MAX_CO_ACTORS]


def name_twice(seed_file, count: int) -> None:
    """Name the first `count` actors of an article seed a second time (a count is per appearance)."""
    data = yaml.safe_load(seed_file.read_text(encoding="utf-8"))
    data["actors"] += [dict(entry) for entry in data["actors"][:count]]
    seed_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("large_cast", [3, 9, 100])
def test_co_actors_match_all_pairs_with_large_and_small_casts(tmp_path, monkeypatch, large_cast):
    make_corpus(tmp_path, 120)
    for seed_file in sorted((tmp_path / "seeds" / "articles").glob("*.yaml"))[:3]:
        name_twice(seed_file, 2)
    monkeypatch.setattr(resolve, "LARGE_CAST", large_cast)  # 6-14 actors an article: some large, some small
    monkeypatch.setattr(resolve, "MAX_CO_ACTORS", 6)  # so the cap cuts, and ties on counts are broken by name
    briefing = pipeline.load_briefing(pipeline.Project(tmp_path))
    assert any(len(a.appearances) > 1 for a in briefing.actors)
    for actor in briefing.actors:
        assert actor.co_actors == all_pairs_co_actors(actor), actor.id


def test_co_actors_of_one_article_naming_hundreds(tmp_path):
    make_one_article_corpus(tmp_path, 3 * resolve.LARGE_CAST)
    name_twice(tmp_path / "seeds" / "articles" / "the-long-list.yaml", 5)
    briefing = pipeline.load_briefing(pipeline.Project(tmp_path))
    for actor in briefing.actors:
        assert actor.co_actors == all_pairs_co_actors(actor), actor.id
    assert {len(a.co_actors) for a in briefing.actors} == {resolve.MAX_CO_ACTORS}


# --------------------------------------------------------------------------- caps


def test_mentions_and_co_actors_are_capped(mini, monkeypatch):
    full = pipeline.load_briefing(mini)
    actor = max(full.actors, key=lambda a: len(a.mentions))
    assert len(actor.mentions) >= 2 and actor.mentions_omitted == 0
    monkeypatch.setattr(mentions, "MAX_MENTIONS", 1)
    monkeypatch.setattr(resolve, "MAX_CO_ACTORS", 1)
    capped = pipeline.load_briefing(mini)
    same = next(a for a in capped.actors if a.id == actor.id)
    assert same.mentions == actor.mentions[:1]
    assert same.mentions_omitted == len(actor.mentions) - 1
    assert all(len(a.co_actors) <= 1 for a in capped.actors)


# --------------------------------------------------------------------------- the process pool


def in_fresh_process(code: str) -> object:
    """Run `code` (which prints JSON) in a new interpreter and return what it printed.

    The test session has other threads (the browser fixture's), and the
    helper is never forked beside other threads; a fresh process has none.
    """
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         cwd=REPO, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_shared_work_gives_the_plain_loop_results_and_is_shared():
    # Each job takes a millisecond: processes take slices as they come free, and jobs that take no
    # time at all would all be done here before a worker has started.
    results, parent = in_fresh_process("""
        import json, os, time
        from generator import parallel
        print(json.dumps([parallel.run_all(lambda n: time.sleep(0.001) or [n * n, os.getpid()], range(1000)), os.getpid()]))
    """)
    assert [square for square, _ in results] == [n * n for n in range(1000)]
    # On two or more cores this process and one worker per other core share the items.
    assert results[0][1] == parent
    assert len({pid for _, pid in results}) == (parallel.cores() if parallel.cores() >= 2 and sys.platform.startswith("linux") else 1)


def test_slices_cover_every_item_once_in_order():
    for count, parts, sizes in [(10, 4, None), (1000, 128, None), (7, 128, None),
                                (6, 3, [100, 1, 1, 1, 1, 1]), (5, 2, [0, 0, 0, 0, 0]),
                                (1000, 1023, [1000 - n for n in range(1000)])]:
        bounds = parallel.slices(count, parts, sizes)
        assert [index for start, end in bounds for index in range(start, end)] == list(range(count))
        assert all(end > start for start, end in bounds)
        assert len(bounds) <= parts + 1  # a pipe's buffer holds them: run_all asks for MAX_SLICES - 1


def test_slices_by_size_put_a_large_item_alone_and_group_the_small():
    sizes = [800, 700, 600] + [10] * 190  # three stance pages, then article pages
    bounds = parallel.slices(len(sizes), 16, sizes)  # a share is 250
    assert bounds[:3] == [(0, 1), (1, 2), (2, 3)]
    assert all(end - start > 1 for start, end in bounds[3:-1])  # 25 of the small ones make a share
    # Without sizes the three large items would share the first slice with nine others.
    assert parallel.slices(len(sizes), 16)[0] == (0, 13)


def test_shared_work_by_size_gives_the_plain_loop_results():
    results = in_fresh_process("""
        import json, time
        from generator import parallel
        sizes = [1] * 200 + [50] * 4 + [1] * 200  # shared out largest first, given back in this order
        print(json.dumps(parallel.run_all(lambda n: time.sleep(0.0005) or n * 3, range(404), sizes=sizes)))
    """)
    assert results == [n * 3 for n in range(404)]


def test_the_first_failing_item_is_the_error_raised():
    assert in_fresh_process("""
        import json
        from generator import parallel
        def job(n):
            if n in (7, 301):
                raise ValueError(f"item {n}")
            return n
        try:
            parallel.run_all(job, range(600))
        except ValueError as error:
            print(json.dumps(str(error)))
    """) == "item 7"


def test_a_worker_that_dies_is_replaced_by_doing_the_work_here():
    assert in_fresh_process("""
        import json, os
        from generator import parallel
        parent = os.getpid()
        def job(n):
            if os.getpid() != parent and n == 401:
                os._exit(3)  # a worker process dies abruptly
            return -n
        print(json.dumps(parallel.run_all(job, range(600))))
    """) == [-n for n in range(600)]


def test_no_worker_is_forked_beside_other_threads():
    assert in_fresh_process("""
        import json, threading
        from generator import parallel
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        print(json.dumps(parallel.worth_forking(10_000)))
        stop.set()
    """) is False


def test_generation_leaves_the_collector_as_it_found_it(mini):
    pipeline.generate(mini)
    assert gc.isenabled() and gc.get_freeze_count() == 0


# --------------------------------------------------------------------------- the no-op fast path


@pytest.fixture
def generated(mini):
    pipeline.generate(mini)
    return mini


def refuse_full_run(monkeypatch):
    def fail(project):
        raise AssertionError("the full run was taken")

    monkeypatch.setattr(pipeline, "load_briefing", fail)


def test_nothing_changed_skips_the_full_run(generated, monkeypatch):
    refuse_full_run(monkeypatch)
    report = pipeline.generate(generated)
    assert report.written == [] and report.removed == []
    assert report.unchanged == len(pipeline.write.read_manifest(generated.root))
    assert (report.articles, report.actors, report.terms) == (2, 5, 3)


def test_an_edited_seed_takes_the_full_run(generated):
    seed = generated.seeds / "actors" / "nato.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("description:", "description: Changed.", 1), encoding="utf-8")
    assert "docs/actors/nato.md" in pipeline.generate(generated).written


def test_an_edited_template_takes_the_full_run(generated):
    template = generated.templates / "actor.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\nEnd of profile.\n", encoding="utf-8")
    assert "docs/actors/nato.md" in pipeline.generate(generated).written


def test_a_deleted_page_is_written_again(generated):
    (generated.docs / "actors" / "nato.md").unlink()
    assert pipeline.generate(generated).written == ["docs/actors/nato.md"]


def test_a_page_edited_by_hand_is_still_refused(generated):
    page = generated.docs / "actors" / "nato.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMy note.\n", encoding="utf-8")
    with pytest.raises(pipeline.BuildError) as refused:
        pipeline.generate(generated)
    assert refused.value.messages == [
        "docs/actors/nato.md: error: this generated page was edited by hand; move the change "
        "into seeds/actors/nato.yaml and delete the page, then build again"
    ]


def test_the_cache_folder_keeps_itself_out_of_git(generated):
    assert (generated.root / ".briefing-cache" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


# --------------------------------------------------------------------------- what a site build reads


def test_site_inputs_change_with_pages_config_and_tooltips_only(generated):
    """The digest `briefing serve` compares before it skips a site build."""
    root = generated.root
    before = cache.site_inputs_digest(generated)
    assert before is not None

    # What the site does not read: seeds (only through pages), the manifest, dot files.
    seed = generated.seeds / "actors" / "nato.yaml"
    seed.write_text(seed.read_text(encoding="utf-8") + "# a comment changes no page\n", encoding="utf-8")
    (generated.docs / ".notes.md.swp").write_bytes(b"editor swap file")
    (root / pipeline.write.MANIFEST).write_text("{}", encoding="utf-8")
    assert cache.site_inputs_digest(generated) == before

    # What it does read: each change gives a new digest.
    digests = {before}
    for path, extra in (
        (generated.docs / "actors" / "nato.md", "\nA changed page.\n"),
        (generated.docs / "notes.md", "# Notes\n"),  # a new hand-written page
        (root / "includes" / "abbreviations.md", "*[XYZ]: A new tooltip\n"),
        (generated.config, "\n# a comment in mkdocs.yml\n"),
    ):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(extra)
        digest = cache.site_inputs_digest(generated)
        assert digest not in digests, path
        digests.add(digest)
