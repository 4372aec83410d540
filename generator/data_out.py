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

from pathlib import Path

from . import citations, export, feed, ftm, network, networkfiles, render, tables
from .model import Briefing
from .write import Output

DATA_PAGE = "data.md"
DATA_TEMPLATE = "data.md.j2"


def outputs(briefing: Briefing, templates: Path) -> list[Output]:
    """The data files and the Data page, as generated outputs."""
    data = export.export(briefing)
    entities = ftm.entities(briefing)
    graph = network.build_network(briefing)
    files: dict[str, str | bytes] = {
        "data/briefing.json": export.dumps(data),
        "data/briefing.schema.json": export.dumps(export.json_schema()),
        **{f"data/{name}": text for name, text in tables.csv_files(data).items()},
        "data/entities.ftm.jsonl": ftm.jsonl(entities),
        **{f"data/{name}": data for name, data in networkfiles.files(graph, briefing).items()},
        "data/sources.bib": citations.bibtex(briefing),
        "data/sources.csl.json": export.dumps(citations.csl_json(briefing)),
        "feed.xml": feed.atom(briefing),
    }
    counts = {key: len(value) for key, value in data.items() if isinstance(value, list)}
    counts["ties"] = graph.number_of_edges()
    page = data_page(templates, counts, ftm.schemata(entities))
    sources = {"data/briefing.schema.json": "generator/export.py"}
    result = [Output(f"docs/{path}", text, sources.get(path, "seeds/")) for path, text in files.items()]
    return result + [Output(f"docs/{DATA_PAGE}", page, "templates/data.md.j2")]


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
