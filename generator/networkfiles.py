"""The actors' network as files: docs/data/ties.csv, network.gexf (Gephi), network.graphml.

All three come from network.build_network, the graph the network pages draw,
so a tie in a file is a tie on the site, with the same type, weight and
evidence (the articles behind it).  networkx writes GEXF and GraphML; XML
escaping is ElementTree's.  Its GEXF writer stamps today's date into the
file, so the date is set to the newest article's instead: the same seeds
give the same bytes.  GEXF is made a batch of elements at a time
(gexfstream.py): the whole tree of a large briefing took 800 MB.
"""

from __future__ import annotations

import io
from typing import Iterator

import networkx as nx

from . import gexfstream, tables
from .model import Briefing

# ties.csv: one row per edge, both ends named, the evidence as article ids.
TIE_COLUMNS: list[tables.Column] = [
    ("source", lambda e: e["source"]), ("source_name", lambda e: e["source_name"]),
    ("target", lambda e: e["target"]), ("target_name", lambda e: e["target_name"]),
    ("type", lambda e: e["type"]), ("weight", lambda e: e["weight"]),
    ("articles", lambda e: e["articles"].split()), ("detail", lambda e: e["detail"]),
    ("sources", lambda e: e["sources"].split()),
]


def tie_rows(graph: nx.MultiGraph) -> list[dict]:
    """Every edge as a record, in the graph's (deterministic) order."""
    labels = nx.get_node_attributes(graph, "label")
    return [
        {"source": u, "source_name": labels[u], "target": v, "target_name": labels[v], **attributes}
        for u, v, attributes in graph.edges(data=True)
    ]


def gexf(graph: nx.MultiGraph, briefing: Briefing) -> Iterator[str]:
    """The graph as GEXF 1.2 (in pieces of text), dated by the newest article rather than by the clock.

    GEXF reserves an edge's `type` for directed, undirected or mutual, so the
    tie's type is written as `tie` there.  networkx makes every element;
    gexfstream hands them over a batch at a time instead of as one tree.
    """
    newest = max((a.date.start for a in briefing.articles), default=None)
    dated = None if newest is None else f"{newest.year:04d}-{newest.month or 1:02d}-{newest.day or 1:02d}"
    return gexfstream.pieces(graph, dated, _tie_not_type)


def _tie_not_type(data: dict) -> dict:
    """An edge's attributes with `type` renamed `tie` (placed last, as networkx met it before)."""
    renamed = dict(data)
    renamed["tie"] = renamed.pop("type")
    return renamed


def graphml(graph: nx.MultiGraph) -> bytes:
    """The graph as GraphML, every attribute typed."""
    out = io.BytesIO()
    nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def files(graph: nx.MultiGraph, briefing: Briefing) -> Iterator[tuple[str, str | bytes]]:
    """(docs/data/ file name, content) of the three network files, made one after the other.

    One at a time, so the caller can put each away (spool.py) before the next
    is made: networkx builds the whole XML tree of a GEXF or GraphML file.
    """
    yield "ties.csv", tables.to_csv(TIE_COLUMNS, tie_rows(graph))
    yield "network.gexf", gexf(graph, briefing)
    yield "network.graphml", graphml(graph)
