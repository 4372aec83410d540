"""networkx's GEXF writer, one batch of elements at a time.

networkx's GEXFWriter builds the whole XML tree of a graph before writing
it: for the 200,000 ties of a 10,000-article briefing that tree took about
800 MB and 20 s.  This module makes the same bytes in pieces:

- the attribute definitions are registered first, in the order networkx
  meets them (every node's, then every edge's), so the `<attributes>`
  blocks at the top are complete before a node is written;
- the document's frame (root, meta, graph, attributes) is made and indented
  by networkx, with an empty `<nodes>` and `<edges>` standing in for the
  elements;
- nodes and edges are made by networkx's own add_nodes and add_edges, a
  batch at a time, on a small graph holding just that batch, indented as
  networkx indents them and serialised by ElementTree (which does all the
  XML escaping), the batch in one call, then dropped.

tests/test_data_out.py holds the result byte-identical to networkx's own
writer, on the seed briefing and on graphs with hostile text.
"""

from __future__ import annotations

from typing import Callable, Iterator
from xml.etree.ElementTree import Element, tostring

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

BATCH = 2000
# Node and edge keys networkx writes as XML attributes of the element, not as <attvalue>s.
_NODE_FIELDS = ("id", "label", "pid", "start", "end", "viz", "parents", "spells", "slices")
_EDGE_FIELDS = ("id", "label", "weight", "type", "start", "end", "viz", "spells", "slices")
# A marker no escaped XML can contain (ElementTree writes "<" as "&lt;" in text).
_SLOT = "<{}-go-here />"


def writer(graph: nx.MultiGraph, last_modified: str | None, edge_data: Callable[[dict], dict]) -> GEXFWriter:
    """A GEXFWriter with the graph's frame and every attribute registered; `last_modified` (or no date)."""
    gexf = GEXFWriter(encoding="utf-8", prettyprint=True)
    meta = gexf.xml.find("meta")
    if last_modified is None:
        del meta.attrib["lastmodifieddate"]
    else:
        meta.set("lastmodifieddate", last_modified)
    mode = "dynamic" if graph.graph.get("mode") == "dynamic" else "static"
    default = "directed" if graph.is_directed() else "undirected"
    gexf.graph_element = Element("graph", defaultedgetype=default, mode=mode, name=graph.graph.get("name", ""))
    _register(gexf, "node", (data for _, data in graph.nodes(data=True)), _NODE_FIELDS, graph.graph.get("node_default", {}))
    edges = ({**edge_data(data), "key": key} for _, _, key, data in graph.edges(keys=True, data=True))
    _register(gexf, "edge", edges, _EDGE_FIELDS, graph.graph.get("edge_default", {}))
    return gexf


def _register(gexf: GEXFWriter, kind: str, records: Iterator[dict], fields: tuple[str, ...], default: dict) -> None:
    """Give every attribute its id, in the order networkx's add_nodes / add_edges would."""
    seen: set[str] = set()
    for data in records:
        for key, value in data.items():
            if key in fields or key in seen or isinstance(value, list):
                continue  # lists are dynamic attributes: the ordinary writer is used for those
            seen.add(key)
            title = "networkx_key" if key == "key" else str(key)
            gexf.get_attr_id(title, gexf.xml_type[type(value)], kind, default, "static")


def pieces(graph: nx.MultiGraph, last_modified: str | None,
           edge_data: Callable[[dict], dict] = dict) -> Iterator[str]:
    """The GEXF 1.2 document of `graph`, as networkx writes it, in pieces of text.

    `last_modified`: the meta element's date (None: no date).  `edge_data`
    gives the attributes to write for an edge's data (a new dict: the graph
    is not changed).
    """
    if graph.graph.get("mode") == "dynamic" or not graph.is_multigraph() or any(
        isinstance(value, list) for _, _, data in graph.edges(data=True) for value in data.values()
    ):
        raise ValueError("gexfstream writes static multigraphs only")
    gexf = writer(graph, last_modified, edge_data)
    frame = gexf.graph_element
    frame.append(Element("nodes"))
    frame.append(Element("edges"))
    gexf.xml.append(frame)
    # The frame's empty <nodes/> and <edges/> get one child each, replaced by the streamed elements.
    for holder in ("nodes", "edges"):
        frame.find(holder).append(Element(f"{holder}-go-here"))
    gexf.indent(gexf.xml)
    text = "<?xml version='1.0' encoding='utf-8'?>\n" + tostring(gexf.xml, encoding="unicode")
    before_nodes, rest = text.split(_SLOT.format("nodes"), 1)
    between, after_edges = rest.split(_SLOT.format("edges"), 1)
    yield before_nodes
    yield from _elements(gexf, graph, "nodes", edge_data)
    yield between
    yield from _elements(gexf, graph, "edges", edge_data)
    yield after_edges


def _elements(gexf: GEXFWriter, graph: nx.MultiGraph, kind: str, edge_data: Callable[[dict], dict]) -> Iterator[str]:
    """Every node (or edge) element, indented at its level; the frame closes the list after the last."""
    items = list(graph.nodes(data=True)) if kind == "nodes" else list(graph.edges(keys=True, data=True))
    order = {node: index for index, node in enumerate(graph)}
    for start in range(0, len(items), BATCH):
        part = items[start:start + BATCH]
        batch = nx.MultiGraph(**graph.graph)
        parent = Element("graph")
        if kind == "nodes":
            batch.add_nodes_from(part)
            gexf.add_nodes(batch, parent)
        else:
            # Nodes in the graph's own order, edges in its order: the batch lists its edges as the graph does.
            batch.add_nodes_from(sorted({node for u, v, _, _ in part for node in (u, v)}, key=order.__getitem__))
            batch.add_edges_from((u, v, key, edge_data(data)) for u, v, key, data in part)
            gexf.add_edges(batch, parent)
        holder = parent[0]  # <nodes> or <edges>, with no text, attributes or tail of its own
        for element in holder:
            gexf.indent(element, 3)
        if start + len(part) == len(items):
            holder[-1].tail = None  # the frame has the line break that closes the list
        # The batch serialised at once, then unwrapped from its holder's tags: ElementTree's set-up
        # is per call (once an element, network.gexf took 5.7 s at 10,000 articles; 5.0 s so).
        text = tostring(holder, encoding="unicode")
        opening, closing = f"<{holder.tag}>", f"</{holder.tag}>"
        if not (text.startswith(opening) and text.endswith(closing)):
            raise ValueError(f"gexfstream: unexpected <{holder.tag}> from networkx")
        yield text[len(opening):-len(closing)]
