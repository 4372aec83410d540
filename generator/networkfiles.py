"""The actors' network as files: docs/data/ties.csv, network.gexf (Gephi), network.graphml.

All three come from network.build_network, the graph the network pages draw,
so a tie in a file is a tie on the site, with the same type, weight and
evidence (the articles behind it).  networkx writes GEXF and GraphML; XML
escaping is its own.  Its GEXF writer stamps today's date into the file, so
the date is set to the newest article's instead: the same seeds give the
same bytes.
"""

from __future__ import annotations

import io

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from . import tables
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


def gexf(graph: nx.MultiGraph, briefing: Briefing) -> bytes:
    """The graph as GEXF 1.2, dated by the newest article rather than by the clock.

    GEXF reserves an edge's `type` for directed, undirected or mutual, so the
    tie's type is written as `tie` there.
    """
    renamed = graph.copy()
    for _, _, attributes in renamed.edges(data=True):
        attributes["tie"] = attributes.pop("type")
    writer = GEXFWriter(graph=renamed, encoding="utf-8", prettyprint=True)
    newest = max((a.date.start for a in briefing.articles), default=None)
    meta = writer.xml.find("meta")
    if newest is None:
        del meta.attrib["lastmodifieddate"]
    else:
        meta.set("lastmodifieddate", f"{newest.year:04d}-{newest.month or 1:02d}-{newest.day or 1:02d}")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def graphml(graph: nx.MultiGraph) -> bytes:
    """The graph as GraphML, every attribute typed."""
    out = io.BytesIO()
    nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def files(graph: nx.MultiGraph, briefing: Briefing) -> dict[str, str | bytes]:
    """docs/data/ file name -> content of the three network files."""
    return {
        "ties.csv": tables.to_csv(TIE_COLUMNS, tie_rows(graph)),
        "network.gexf": gexf(graph, briefing),
        "network.graphml": graphml(graph),
    }
