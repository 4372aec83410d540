"""Large outputs never held whole (issue 17, memory at 10,000 articles): the same bytes as before.

- gexfstream writes GEXF a batch of elements at a time: byte-identical to
  networkx's own writer, on the seed briefing's network and on a graph of
  hostile text, across batch boundaries;
- export.chunks is export.dumps in pieces;
- the spool (generated files waiting on disk until written) leaves nothing
  behind, on success and on a refused build, and keeps only a digest for a
  file already on disk.
"""

from __future__ import annotations

import errno
import io
import json
import os

import networkx as nx
import pytest
from networkx.readwrite.gexf import GEXFWriter

from conftest import REPO, make_project
from generator import atomicfile, export, gexfstream, network, networkfiles, pipeline, running, spool
from generator.diagnostics import BuildError

HOSTILE = ['<script>alert("x")</script>', "Tom & Jerry's \"quote\"", "line\nbreak\ttab\rreturn", "Ünïcödé — ‘quotes’ 🙂",
           "]]> <!-- --> <![CDATA[", "&amp; already escaped"]


def networkx_gexf(graph: nx.MultiGraph, dated: str | None, edge_data=dict) -> bytes:
    """What networkx's GEXFWriter writes for the graph (the reference gexfstream must equal)."""
    copy = nx.MultiGraph(**graph.graph)
    copy.add_nodes_from(graph.nodes(data=True))
    copy.add_edges_from((u, v, k, edge_data(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    writer = GEXFWriter(graph=copy, encoding="utf-8", prettyprint=True)
    meta = writer.xml.find("meta")
    if dated is None:
        del meta.attrib["lastmodifieddate"]
    else:
        meta.set("lastmodifieddate", dated)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hostile_graph() -> nx.MultiGraph:
    """Nodes and parallel edges whose every label and attribute is hostile text, added out of order."""
    graph = nx.MultiGraph(name="")
    names = [f"n{i}" for i in range(9)]
    for index, name in enumerate(reversed(names)):
        graph.add_node(name, label=HOSTILE[index % len(HOSTILE)], type="person", page=f"actors/{name}.md", appearances=index)
    pairs = [(0, 5), (3, 1), (0, 5), (8, 2), (2, 8), (4, 4), (7, 0), (1, 3), (6, 5), (5, 6), (0, 1)]
    for index, (a, b) in enumerate(pairs):
        graph.add_edge(names[a], names[b], type=HOSTILE[index % len(HOSTILE)], weight=index + 1,
                       articles=" ".join(HOSTILE[:2]), detail=HOSTILE[(index + 2) % len(HOSTILE)], sources="")
    return graph


@pytest.mark.parametrize("batch", [1, 2, 3, 1000])
def test_gexf_in_batches_is_networkx_byte_for_byte_on_hostile_text(monkeypatch, batch):
    monkeypatch.setattr(gexfstream, "BATCH", batch)
    graph = hostile_graph()
    rename = networkfiles._tie_not_type
    for dated in ("2017-12-11", None):
        ours = "".join(gexfstream.pieces(graph, dated, rename)).encode("utf-8")
        assert ours == networkx_gexf(graph, dated, rename)
    assert nx.read_gexf(io.BytesIO(ours)).nodes["n8"]["label"] == HOSTILE[0]


def test_seed_network_gexf_is_networkx_byte_for_byte(seed_project):
    briefing = pipeline.load_briefing(seed_project)
    graph = network.build_network(briefing)
    ours = "".join(networkfiles.gexf(graph, briefing)).encode("utf-8")
    newest = max(a.date.start for a in briefing.articles)
    assert ours == networkx_gexf(graph, f"{newest.year:04d}-{newest.month or 1:02d}-{newest.day or 1:02d}",
                                 networkfiles._tie_not_type)
    assert ours == (REPO / "docs" / "data" / "network.gexf").read_bytes()  # the committed file, as before


def test_json_in_pieces_is_the_same_text(seed_project):
    data = export.export(pipeline.load_briefing(seed_project))
    pieces = list(export.chunks(data))
    assert len(pieces) > 100  # really in pieces
    assert "".join(pieces) == export.dumps(data) == json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def spool_folders(project) -> list[str]:
    folder = project.root / running.RUN_DIR
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("spool-")) if folder.exists() else []


def test_spool_keeps_only_a_digest_for_a_file_already_on_disk(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "same.md").write_bytes(b"# Same\n")
    with spool.spool(tmp_path) as kept:
        same = kept.keep("docs/same.md", "# Same\n")
        new = kept.keep("docs/new.md", iter(["# New", "\n"]))
        assert same.file is None and new.file is not None and new.file.parent == kept.folder
        assert new.read() == b"# New\n" and new.hash == pipeline.write.digest(b"# New\n")
        with pytest.raises(OSError):
            same.read()  # nothing was kept: the writer must never need it
    assert not kept.folder.exists()


def test_spool_never_reads_through_a_link(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"# Same\n")
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    os.symlink(outside, root / "docs" / "linked.md")
    with spool.spool(root) as kept:
        assert kept.keep("docs/linked.md", "# Same\n").file is not None  # not compared through the link


def test_generation_leaves_no_spool_behind_on_success_or_refusal(tmp_path):
    project = make_project(tmp_path / "p", REPO / "seeds")
    pipeline.generate(project)
    assert spool_folders(project) == []
    page = sorted((project.docs / "articles").glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8") + "\nedited by hand\n", encoding="utf-8")
    (project.templates / "article.md.j2").write_text(
        (project.templates / "article.md.j2").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(BuildError):  # the hand-edited page is refused, after every page was spooled
        pipeline.generate(project)
    assert spool_folders(project) == []
    assert page.read_text(encoding="utf-8").endswith("edited by hand\n")


def test_plan_does_not_read_again_a_file_the_spool_found_unchanged(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "same.md").write_bytes(b"# Same\n")
    with spool.spool(tmp_path) as kept:
        outputs = [pipeline.write.Output("docs/same.md", kept.keep("docs/same.md", "# Same\n"), "seeds/"),
                   pipeline.write.Output("docs/new.md", kept.keep("docs/new.md", "# New\n"), "seeds/")]
        read: list[str] = []
        real = pipeline.write.disk_hash
        monkeypatch.setattr(pipeline.write, "disk_hash", lambda path: read.append(path.name) or real(path))
        plan = pipeline.write.plan_writes(tmp_path, outputs)
    assert plan.unchanged == ["docs/same.md"] and [o.path for o in plan.write] == ["docs/new.md"]
    assert "same.md" not in read and "new.md" in read


def spooled_write(tmp_path, monkeypatch=None, refuse_rename: bool = False) -> tuple[bytes, int, bool]:
    """Write one spooled page with write.apply: (its content, its mode, whether the spool still held it)."""
    (tmp_path / "docs").mkdir()
    with spool.spool(tmp_path) as kept:
        output = pipeline.write.Output("docs/new.md", kept.keep("docs/new.md", "# New ‘page’\n"), "seeds/")
        if refuse_rename:  # as between two file systems
            real = os.replace

            def replace(source, target):
                if source == output.text.file:
                    raise OSError(errno.EXDEV, "Invalid cross-device link")
                return real(source, target)
            monkeypatch.setattr(pipeline.write.os, "replace", replace)
        plan = pipeline.write.plan_writes(tmp_path, [output])
        pipeline.write.apply(tmp_path, [output], plan)
        still_spooled = output.text.file.exists()
    page = tmp_path / "docs" / "new.md"
    return page.read_bytes(), page.stat().st_mode & 0o777, still_spooled


def test_a_spooled_page_is_renamed_into_place_with_the_mode_the_umask_gives(tmp_path):
    content, mode, still_spooled = spooled_write(tmp_path)
    assert content == "# New ‘page’\n".encode("utf-8")
    assert mode == atomicfile.file_mode()
    assert not still_spooled  # moved, not read and copied


def test_a_spooled_page_on_another_file_system_is_copied(tmp_path, monkeypatch):
    content, mode, still_spooled = spooled_write(tmp_path, monkeypatch, refuse_rename=True)
    assert content == "# New ‘page’\n".encode("utf-8")
    assert mode == atomicfile.file_mode()
    assert still_spooled
