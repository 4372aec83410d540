"""Every data file `briefing build` publishes, and the Data page that lists them.

The files are ordinary generated outputs (write.Output) under docs/data/
plus docs/feed.xml, so the writer's checks apply to them, MkDocs copies
them into site/ and the offline edition carries them:

    docs/data/briefing.json         the model (export.py) and
    docs/data/briefing.schema.json  its JSON Schema
    docs/data/*.csv                 tables (tables.py)
    docs/data/entities.ftm.jsonl    FollowTheMoney entities (ftm.py)
    docs/data/ties.csv, network.gexf, network.graphml
                                    the actors' network (networkfiles.py)
    docs/data/sources.bib           the source articles as BibTeX (citations.py)
    docs/data/sources.csl.json      and as CSL-JSON
    docs/feed.xml                   an Atom feed of the articles (feed.py)
    docs/data.md                    the Data page (templates/data.md.j2)
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

from . import citations, export, feed, ftm, network, networkfiles, render, tables
from .model import Briefing
from .write import Output

DATA_PAGE = "data.md"
DATA_TEMPLATE = "data.md.j2"


# A part of the data files: (files by path under docs/, facts the Data page states).
Part = tuple[dict[str, str | bytes], dict[str, Any]]


def outputs(briefing: Briefing, templates: Path) -> list[Output]:
    """The data files and the Data page, as generated outputs."""
    return assemble([job() for job in jobs(briefing)], templates)


def jobs(briefing: Briefing) -> list[Callable[[], Part]]:
    """The data files in independent parts, each a function that makes its Part.

    Each part costs as much as dozens of pages: the pipeline runs them in one
    pool with the pages (render.page_jobs), first, so that the pages even out
    the shares of the cores.
    """
    return [functools.partial(make, briefing) for make in (_model_files, _entity_files, _network_files, _source_files)]


def assemble(parts: list[Part], templates: Path) -> list[Output]:
    """The outputs of every part of jobs(), and the Data page, which states their counts."""
    files: dict[str, str | bytes] = {}
    facts: dict[str, Any] = {}
    for part_files, part_facts in parts:
        files.update(part_files)
        facts.update(part_facts)
    page = data_page(templates, {**facts["counts"], "ties": facts["ties"]}, facts["schemata"])
    sources = {"data/briefing.schema.json": "generator/export.py"}
    result = [Output(f"docs/{path}", text, sources.get(path, "seeds/")) for path, text in files.items()]
    return result + [Output(f"docs/{DATA_PAGE}", page, "templates/data.md.j2")]


def _model_files(briefing: Briefing) -> Part:
    """The model as JSON, its JSON Schema and the CSV tables."""
    data = export.export(briefing)
    files = {
        "data/briefing.json": export.dumps(data),
        "data/briefing.schema.json": export.dumps(export.json_schema()),
        **{f"data/{name}": text for name, text in tables.csv_files(data).items()},
    }
    return files, {"counts": {key: len(value) for key, value in data.items() if isinstance(value, list)}}


def _entity_files(briefing: Briefing) -> Part:
    """The FollowTheMoney entities."""
    entities = ftm.entities(briefing)
    return {"data/entities.ftm.jsonl": ftm.jsonl(entities)}, {"schemata": ftm.schemata(entities)}


def _network_files(briefing: Briefing) -> Part:
    """The actors' network: ties and the graph files."""
    graph = network.build_network(briefing)
    files = {f"data/{name}": data for name, data in networkfiles.files(graph, briefing).items()}
    return files, {"ties": graph.number_of_edges()}


def _source_files(briefing: Briefing) -> Part:
    """The sources as BibTeX and CSL-JSON, and the Atom feed."""
    return {
        "data/sources.bib": citations.bibtex(briefing),
        "data/sources.csl.json": export.dumps(citations.csl_json(briefing)),
        "feed.xml": feed.atom(briefing),
    }, {}


def data_page(templates: Path, counts: dict[str, int], schemata: dict[str, int]) -> str:
    """docs/data.md: what each data file is, and what to open it with."""
    env = render.environment(templates)
    try:
        return env.get_template(DATA_TEMPLATE).render(
            counts=counts,
            schemata=schemata,
            format_version=export.FORMAT_VERSION,
            affiliation_weight=network.AFFILIATION_WEIGHT,
            large_cast=network.LARGE_CAST,
            formula_starts=tables.FORMULA_STARTS,
            list_separator=tables.LIST_SEPARATOR,
            note=render.GENERATED_NOTE.format(source="seeds/"),
        )
    except Exception as exc:  # reported at the template line, as for every other page
        raise render.located(exc) from None
