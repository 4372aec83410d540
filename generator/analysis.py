"""The analysis views: the network pictures (and, from stancegrid, the stance grid), as data and SVG for the templates.

Templates get one `Analysis` object (`views`).  It builds the network once,
when a page first asks for it, and draws each picture with a fixed layout:
networkx's spring layout with a fixed seed for the overview, a circle for
an actor's ego network, dates along a line for stance changes.  Pictures
show the strongest ties only (MAX_NODES, MAX_EDGES, EGO_TIES) and say how
many are left out; the tables next to them are their text equivalent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from . import chronology, network, pagedeps, stancegrid, svg
from .model import Actor, Article, Briefing
from .stancegrid import by_name as _by_name

LAYOUT_SEED = 20260515
# The overview draws the MAX_NODES actors with the strongest ties and the MAX_EDGES strongest ties among them.
MAX_NODES = 40
MAX_EDGES = 60
# The overview is this many units wide, about the content column of a desktop (~700px), so
# its labels of LABEL_SIZE units show at about LABEL_SIZE px; only the LABELLED strongest are named.
OVERVIEW_WIDTH = 720
LABEL_SIZE = 13
LABELLED = 18
# A group of n actors gets a square of about CELL * sqrt(n) units.
CELL = 88
# An actor page draws the actor and its EGO_TIES strongest ties.
EGO_TIES = 10
# Evidence links shown per tie in a table; the rest are counted.
EVIDENCE_SHOWN = 3


@dataclass
class Tie:
    """One drawn or listed pair of actors, with what ties them."""

    first: Actor
    second: Actor
    weight: int
    main: str
    kinds: list[tuple[str, int, str]]  # (type, weight, detail) per type of tie
    articles: list[Article]  # the evidence, newest first

    @property
    def kinds_text(self) -> str:
        return ", ".join(f"{kind} ({weight})" for kind, weight, _ in self.kinds)


@dataclass
class Overview:
    """The overview picture's selection: what is drawn and what is left out."""

    ties: list[Tie]
    actors: list[Actor]
    tied_actors: int  # actors with at least one tie
    all_ties: int  # pairs of actors with at least one tie
    large_casts: int
    large_camps: int

    @property
    def actors_left_out(self) -> int:
        return self.tied_actors - len(self.actors)

    @property
    def ties_left_out(self) -> int:
        return self.all_ties - len(self.ties)


class Analysis(stancegrid.StanceViews):
    """The analysis views of one briefing (built lazily, once); the stance views come from stancegrid."""

    def __init__(self, briefing: Briefing):
        self.briefing = briefing
        self._memos: dict[str, nx.Graph] = {}  # the network, built once (pagedeps.memo: its reads kept once)
        self.actors = {a.id: a for a in briefing.actors}
        self.articles = {a.id: a for a in briefing.articles}
        self.issues = {i.id: i for i in briefing.issues}
        self.large_cast = network.LARGE_CAST

    # ----------------------------------------------------------------- network

    @property
    def graph(self) -> nx.MultiGraph:
        # Plain data (ids, names, numbers): the next edit may use it again (carry).
        return pagedeps.memo(self._memos, "analysis.graph", lambda: network.build_network(self.briefing), carry=True)

    @property
    def pairs(self) -> nx.Graph:
        return pagedeps.memo(self._memos, "analysis.pairs", lambda: network.pair_graph(self.graph), carry=True)

    def _tie(self, u: str, v: str) -> Tie:
        edge = self.pairs[u][v]
        ids = {i for part in edge["parts"] for i in part["articles"].split()}
        articles = sorted((self.articles[i] for i in ids), key=lambda a: (a.date.sort_key, a.id), reverse=True)
        first, second = sorted((self.actors[u], self.actors[v]), key=_by_name)
        kinds = [(p["type"], p["weight"], self._detail(p)) for p in edge["parts"]]
        return Tie(first, second, edge["weight"], edge["main"], kinds, articles)

    def _detail(self, part: dict) -> str:
        """An edge's detail for readers: issue titles rather than ids."""
        if part["type"] in ("agreement", "opposition"):
            return ", ".join(self.issues[i].title for i in part["detail"].split())
        return part["detail"]

    def _strength(self, node: str) -> int:
        return sum(d["weight"] for d in self.pairs[node].values())

    def overview(self) -> Overview:
        """The strongest actors and ties of the whole briefing."""
        pairs = self.pairs
        tied = [n for n in pairs if pairs.degree(n)]
        ranked = sorted(tied, key=lambda n: (-self._strength(n), _by_name(self.actors[n])))[:MAX_NODES]
        chosen = set(ranked)
        edges = [(u, v) for u, v in pairs.subgraph(chosen).edges()]
        edges.sort(key=lambda e: (-pairs[e[0]][e[1]]["weight"], *sorted(e)))
        ties = [self._tie(u, v) for u, v in edges[:MAX_EDGES]]
        # Only actors with a tie drawn: a lone node would be pushed to the edge and shrink the rest.
        drawn = {a.id for t in ties for a in (t.first, t.second)}
        return Overview(
            ties=ties, actors=sorted((self.actors[n] for n in ranked if n in drawn), key=_by_name),
            tied_actors=len(tied), all_ties=pairs.number_of_edges(),
            large_casts=self.graph.graph["large_casts"], large_camps=self.graph.graph["large_camps"],
        )

    def ego(self, actor: Actor) -> tuple[list[Tie], int]:
        """An actor's EGO_TIES strongest ties, and how many more it has."""
        if actor.id not in self.pairs:
            return [], 0
        others = sorted(self.pairs[actor.id], key=lambda n: (-self.pairs[actor.id][n]["weight"], _by_name(self.actors[n])))
        return [self._tie(actor.id, n) for n in others[:EGO_TIES]], max(0, len(others) - EGO_TIES)

    def evidence(self, tie: Tie) -> tuple[list[Article], int]:
        """The articles shown for a tie, and how many more there are."""
        return tie.articles[:EVIDENCE_SHOWN], max(0, len(tie.articles) - EVIDENCE_SHOWN)

    def overview_svg(self, page: str, overview: Overview) -> str:
        """The overview picture: each connected group of actors laid out on its own (a spring
        layout with a fixed seed, so it never changes), the groups packed side by side.

        The picture is OVERVIEW_WIDTH units wide, about the width of the content column on a
        desktop, so its LABEL_SIZE labels show at about that size; only the LABELLED strongest
        actors are named, the others are dots named by their link and <title>."""
        if not overview.ties:
            return ""
        graph = nx.Graph()
        graph.add_nodes_from(sorted(a.id for a in overview.actors))
        for tie in sorted(overview.ties, key=lambda t: (t.first.id, t.second.id)):
            graph.add_edge(tie.first.id, tie.second.id, weight=math.log1p(tie.weight))
        place, height = _pack_components(graph, OVERVIEW_WIDTH)
        strengths = {a.id: self._strength(a.id) for a in overview.actors}
        ranked = sorted(overview.actors, key=lambda a: (-strengths[a.id], _by_name(a)))
        named = {a.id for a in ranked[:LABELLED]}
        title = f"Network of the {len(overview.actors)} most connected actors"
        desc = (f"{len(overview.ties)} strongest ties among them; {overview.actors_left_out} more actors and "
                f"{overview.ties_left_out} more ties are left out. The {len(named)} most connected actors are "
                f"named; every dot links to its actor's page. The table below lists every tie drawn.")
        nodes = self._nodes(page, overview.actors, place, strengths, labelled=named, size=(OVERVIEW_WIDTH, height),
                            order=[a.id for a in ranked])
        return _picture("network", OVERVIEW_WIDTH, height, title, desc, self._edges(overview.ties, place) + nodes)

    def ego_svg(self, page: str, actor: Actor, ties: list[Tie]) -> str:
        """An actor and its strongest ties, on a circle around it (the strongest at the top)."""
        if not ties:
            return ""
        width, height = 720, 420
        cx, cy, rx, ry = width / 2, height / 2, 250, 150
        place = {actor.id: (cx, cy)}
        others = [t.second if t.first is actor else t.first for t in ties]
        for index, other in enumerate(others):
            angle = -math.pi / 2 + 2 * math.pi * index / len(others)
            place[other.id] = (cx + rx * math.cos(angle), cy + ry * math.sin(angle))
        strengths = {actor.id: max(t.weight for t in ties) * 2, **{o.id: t.weight for o, t in zip(others, ties)}}
        title = f"{actor.name} and its {len(ties)} strongest ties"
        desc = "Line width follows the strength of the tie; the table below lists each tie with its evidence."
        return _picture("ego", width, height, title, desc,
                        self._edges(ties, place) + self._nodes(page, [actor, *others], place, strengths, actor))

    def _edges(self, ties: list[Tie], place: dict[str, tuple[float, float]]) -> list[str]:
        heaviest = max((t.weight for t in ties), default=1)
        out = []
        for tie in sorted(ties, key=lambda t: (t.weight, t.first.id, t.second.id)):  # strongest on top
            (x1, y1), (x2, y2) = place[tie.first.id], place[tie.second.id]
            width = 1 + 5 * tie.weight / heaviest
            label = f"{tie.first.name} and {tie.second.name}: {tie.kinds_text}"
            out.append(
                f'<line class="tie tie-{tie.main}" x1="{svg.num(x1)}" y1="{svg.num(y1)}" x2="{svg.num(x2)}" '
                f'y2="{svg.num(y2)}" stroke-width="{svg.num(width)}"><title>{svg.esc(label)}</title></line>'
            )
        return out

    def _nodes(self, page: str, actors: list[Actor], place: dict[str, tuple[float, float]],
               strengths: dict[str, int], centre: Actor | None = None, labelled: set[str] | None = None,
               size: tuple[int, int] | None = None, order: list[str] | None = None) -> list[str]:
        """A dot per actor, linked to its page; named below it, or, with `labelled`, only those
        named, each name put where it overlaps nothing (tried in `order`, the strongest first)."""
        strongest = max(strengths.values(), default=1) or 1
        radii = {a.id: 6 + 10 * math.sqrt(strengths.get(a.id, 0) / strongest) for a in actors}
        names = {a.id: svg.short(a.name) for a in actors}
        if labelled is None:
            labels = {a.id: (place[a.id][0], place[a.id][1] + radii[a.id] + 14, "") for a in actors}
        else:
            chosen = [n for n in (order or sorted(labelled)) if n in labelled]
            labels = _place_labels(chosen, names, place, radii, size or (OVERVIEW_WIDTH, OVERVIEW_WIDTH))
        out, on_top = [], []
        for actor in sorted(actors, key=lambda a: a.id):
            x, y = place[actor.id]
            kind = "node-centre" if actor is centre else f"node-{svg.esc(actor.type)}"
            shape = f'<circle class="node {kind}" cx="{svg.num(x)}" cy="{svg.num(y)}" r="{svg.num(radii[actor.id])}"/>'
            text = ""
            if actor.id in labels:
                lx, ly, anchor = labels[actor.id]
                text = (f'<text class="label{anchor}" x="{svg.num(lx)}" y="{svg.num(ly)}">'
                        f'{svg.esc(names[actor.id])}</text>')
            title = f'<title>{svg.esc(actor.name)} ({svg.esc(actor.type)})</title>'
            if labelled is None:  # names under their dots, in the dot's link
                shape, text = shape + text + title, ""
            else:  # names drawn after every dot, so no dot covers one
                shape += title
            if actor.page == page:
                out.append(f"<g>{shape}</g>")
                on_top += [text] if text else []
            else:
                out.append(svg.link(page, actor.page, shape, actor.name))
                # The name links too, for the mouse; the dot's link is the one announced and tabbed to.
                on_top += [svg.link(page, actor.page, text, hidden=True)] if text else []
        return out + on_top

    # ----------------------------------------------------------------- timeline

    def timeline_svg(self, page: str, split: bool) -> str:
        """The timeline picture (generator/chronology.py): events by year, roles as bars."""
        return chronology.timeline_svg(self.briefing, page, split)

    def role_rows(self) -> tuple[list[chronology.RoleRow], int]:
        """The roles the timeline picture draws, for its table, and how many are left out."""
        return chronology.role_rows(self.briefing)


def _pack_components(graph: nx.Graph, width: int, margin: int = 28) -> tuple[dict[str, tuple[float, float]], int]:
    """Each connected group of `graph` laid out on its own and the groups packed into `width`:
    the largest first, each where it sits highest (then leftmost).  Returns the positions and
    the picture's height.  A spring layout of all groups at once pushes small groups to the
    corners and shrinks the rest."""
    step, gap = 8, 16
    bins = (width - 2 * margin) // step
    sky = [0] * bins
    place: dict[str, tuple[float, float]] = {}
    groups = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    for group in groups:
        n = len(group)
        if n <= 2:
            w, h = (150 if n == 2 else 40), 40
            unit = {node: (index / max(1, n - 1) if n == 2 else 0.5, 0.5) for index, node in enumerate(group)}
        else:
            # Names are wider than tall: a large group gets the whole width.
            h = max(150, CELL * math.sqrt(n))
            w = width - 2 * margin if n >= 12 else min(width - 2 * margin, h)
            sub = nx.Graph()
            sub.add_nodes_from(group)
            sub.add_edges_from(sorted((u, v, d) for u, v, d in graph.subgraph(group).edges(data=True)))
            raw = nx.spring_layout(sub, seed=LAYOUT_SEED, k=2.2 / math.sqrt(n), iterations=200, weight="weight")
            unit = _spread({node: (float(x), float(y)) for node, (x, y) in raw.items()})
        span = min(bins, math.ceil(w / step))
        top, left = min((max(sky[i:i + span]), i) for i in range(bins - span + 1))
        x0, y0 = margin + left * step, margin + top
        pad = 14
        for node, (ux, uy) in unit.items():
            place[node] = (round(x0 + pad + ux * (w - 2 * pad), 1), round(y0 + pad + uy * (h - 2 * pad), 1))
        for i in range(left, left + span):
            sky[i] = top + h + gap
    return place, int(max(sky) - gap + 2 * margin)


def _place_labels(order: list[str], names: dict[str, str], place: dict[str, tuple[float, float]],
                  radii: dict[str, float], size: tuple[int, int]) -> dict[str, tuple[float, float, str]]:
    """A spot for each name (x, baseline, anchor class) below, above, right or left of its dot:
    the first that stays in the picture and overlaps no dot and no name placed before."""
    height = LABEL_SIZE
    dots = [(x - r, y - r, x + r, y + r) for n, (x, y) in place.items() for r in (radii[n],)]
    taken: list[tuple[float, float, float, float]] = []
    labels = {}

    def clash(box: tuple[float, float, float, float], own: tuple[float, float, float, float]) -> int:
        inside = 0 <= box[0] and box[2] <= size[0] and 0 <= box[1] and box[3] <= size[1]
        x0, y0, x1, y1 = box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2  # a little air around a name
        hits = sum(1 for b in taken + dots if b != own and x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1)
        return hits + (0 if inside else 100)

    for node in order:
        x, y = place[node]
        r = radii[node]
        w = 0.6 * height * len(names[node])
        candidates = [  # (x, baseline, anchor class, box)
            (x, y + r + height, "", (x - w / 2, y + r + 1, x + w / 2, y + r + height + 3)),
            (x, y - r - 4, "", (x - w / 2, y - r - height - 2, x + w / 2, y - r - 1)),
            (x + r + 4, y + height / 3, " label-start", (x + r + 3, y - height / 2 - 1, x + r + 4 + w, y + height / 2 + 1)),
            (x - r - 4, y + height / 3, " label-end", (x - r - 4 - w, y - height / 2 - 1, x - r - 3, y + height / 2 + 1)),
        ]
        own = (x - r, y - r, x + r, y + r)
        best = min(range(len(candidates)), key=lambda i: (clash(candidates[i][3], own), i))
        lx, ly, anchor, box = candidates[best]
        taken.append(box)
        labels[node] = (lx, ly, anchor)
    return labels


def _spread(positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Mostly rank, partly layout: a spring layout bunches hubs in the middle, where labels
    collide, and puts a small separate group far out, which shrinks the rest.

    Each coordinate becomes 3/4 its rank plus 1/4 its value (both scaled to 0..1),
    which keeps the layout's order but spreads crowded nodes evenly.
    """
    result = {n: [0.0, 0.0] for n in positions}
    for axis in (0, 1):
        order = sorted(positions, key=lambda n: (positions[n][axis], n))
        low, high = positions[order[0]][axis], positions[order[-1]][axis]
        for rank, n in enumerate(order):
            linear = (positions[n][axis] - low) / ((high - low) or 1.0)
            result[n][axis] = (linear + 3 * rank / max(1, len(order) - 1)) / 4
    return {n: (x, y) for n, (x, y) in result.items()}


_picture = svg.picture
