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
from typing import Any, Callable, Iterator

from . import citations, export, feed, ftm, network, networkfiles, render, tables
from .model import Briefing
from .write import Output

DATA_PAGE = "data.md"
DATA_TEMPLATE = "data.md.j2"


def owns(path: str) -> bool:
    """True for a generated file (path relative to the project) that this module makes, pages excepted."""
    return path.startswith("docs/data/") or path in ("docs/feed.xml", f"docs/{DATA_PAGE}")


# A part of the data files: (files by path under docs/, facts the Data page states).
Part = tuple[dict[str, Any], dict[str, Any]]
# What a part does with each file it makes: spool.Spool.keep (path relative to the project, content).
Keep = Callable[[str, Any], Any]


def outputs(briefing: Briefing, templates: Path, keep: Keep | None = None) -> list[Output]:
    """The data files and the Data page, as generated outputs (`keep`: see jobs)."""
    return assemble([job() for job in jobs(briefing, keep)], templates)


def jobs(briefing: Briefing, keep: Keep | None = None) -> list[Callable[[], Part]]:
    """The data files in independent parts, each a function that makes its Part.

    Each part costs as much as dozens of pages: the pipeline runs them in one
    pool with the pages (render.page_jobs), first, so that the pages even out
    the shares of the cores.  `keep(path, content)` (spool.Spool.keep) takes
    each file as soon as it is made, in the process that made it, so the
    large ones (briefing.json, the network files) are never all held in
    memory, and briefing.json, the largest, never whole (its JSON text goes
    in pieces); without `keep` the contents are kept as made.
    """
    def add(files: dict[str, Any], path: str, content: str | bytes | Iterator[str]) -> None:
        if keep is not None:
            files[path] = keep(f"docs/{path}", content)
        else:
            files[path] = content if isinstance(content, (str, bytes)) else "".join(content)

    return [functools.partial(make, briefing, add) for make in (_model_files, _entity_files, _network_files, _source_files)]


def assemble(parts: list[Part], templates: Path) -> list[Output]:
    """The outputs of every part of jobs(), and the Data page, which states their counts."""
    files: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    for part_files, part_facts in parts:
        files.update(part_files)
        facts.update(part_facts)
    page = data_page(templates, {**facts["counts"], "ties": facts["ties"]}, facts["schemata"])
    sources = {"data/briefing.schema.json": "generator/export.py"}
    result = [Output(f"docs/{path}", text, sources.get(path, "seeds/")) for path, text in files.items()]
    return result + [Output(f"docs/{DATA_PAGE}", page, "templates/data.md.j2")]


# Each part: add(files, path under docs/, content) for every file it makes, as soon as it is made.
Add = Callable[[dict[str, Any], str, Any], None]


def _model_files(briefing: Briefing, add: Add) -> Part:
    """The model as JSON, its JSON Schema and the CSV tables."""
    files: dict[str, Any] = {}
    data = export.export(briefing)
    add(files, "data/briefing.json", export.chunks(data))
    add(files, "data/briefing.schema.json", export.dumps(export.json_schema()))
    for name, text in tables.csv_files(data).items():
        add(files, f"data/{name}", text)
    return files, {"counts": {key: len(value) for key, value in data.items() if isinstance(value, list)}}


def _entity_files(briefing: Briefing, add: Add) -> Part:
    """The FollowTheMoney entities."""
    files: dict[str, Any] = {}
    entities = ftm.entities(briefing)
    add(files, "data/entities.ftm.jsonl", ftm.jsonl(entities))
    return files, {"schemata": ftm.schemata(entities)}


def _network_files(briefing: Briefing, add: Add) -> Part:
    """The actors' network: ties and the graph files, made one after the other."""
    files: dict[str, Any] = {}
    graph = network.build_network(briefing)
    for name, content in networkfiles.files(graph, briefing):
        add(files, f"data/{name}", content)
    return files, {"ties": graph.number_of_edges()}


def _source_files(briefing: Briefing, add: Add) -> Part:
    """The sources as BibTeX and CSL-JSON, and the Atom feed."""
    files: dict[str, Any] = {}
    add(files, "data/sources.bib", citations.bibtex(briefing))
    add(files, "data/sources.csl.json", export.dumps(citations.csl_json(briefing)))
    add(files, "feed.xml", feed.atom(briefing))
    return files, {}


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
