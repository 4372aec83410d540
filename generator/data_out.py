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
from typing import Any, Callable, Iterator

from . import citations, export, feed, ftm, network, networkfiles, render, tables
from .model import Briefing
from .write import Output

DATA_PAGE = "data.md"
DATA_TEMPLATE = "data.md.j2"


def outputs(briefing: Briefing, templates: Path, keep: Callable[[str, str | bytes], Any] | None = None) -> list[Output]:
    """The data files and the Data page, as generated outputs.

    `keep(path, content)` (spool.Spool.keep) takes each file as soon as it
    is made, so the large ones (briefing.json, the network files) are never
    all held in memory at once, and briefing.json, the largest, never whole
    (its JSON text goes to the spool in pieces); without `keep` the contents
    are kept as made.
    """
    made: dict[str, Any] = {}

    def add(path: str, content: str | bytes | Iterator[str]) -> None:
        if keep is not None:
            made[path] = keep(f"docs/{path}", content)
        else:
            made[path] = content if isinstance(content, (str, bytes)) else "".join(content)

    data = export.export(briefing)
    counts = {key: len(value) for key, value in data.items() if isinstance(value, list)}
    add("data/briefing.json", export.chunks(data))
    add("data/briefing.schema.json", export.dumps(export.json_schema()))
    for name, text in tables.csv_files(data).items():
        add(f"data/{name}", text)
    del data  # the largest structure: gone before the next ones are built
    entities = ftm.entities(briefing)
    add("data/entities.ftm.jsonl", ftm.jsonl(entities))
    schemata = ftm.schemata(entities)
    del entities
    graph = network.build_network(briefing)
    for name, content in networkfiles.files(graph, briefing):
        add(f"data/{name}", content)
    counts["ties"] = graph.number_of_edges()
    add("data/sources.bib", citations.bibtex(briefing))
    add("data/sources.csl.json", export.dumps(citations.csl_json(briefing)))
    add("feed.xml", feed.atom(briefing))
    add(DATA_PAGE, data_page(templates, counts, schemata))
    sources = {"data/briefing.schema.json": "generator/export.py", DATA_PAGE: "templates/data.md.j2"}
    return [Output(f"docs/{path}", content, sources.get(path, "seeds/")) for path, content in made.items()]


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
