"""The analysis views: the network pictures and the stance grid, as data and SVG for the templates.

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

from . import network, svg
from .model import Actor, Article, Briefing, Issue, Stance

LAYOUT_SEED = 20260515
# The overview draws the MAX_NODES actors with the strongest ties and the MAX_EDGES strongest ties among them.
MAX_NODES = 40
MAX_EDGES = 60
# An actor page draws the actor and its EGO_TIES strongest ties.
EGO_TIES = 10
# Evidence links shown per tie in a table; the rest are counted.
EVIDENCE_SHOWN = 3
# The stance grid lists at most this many actors (most stances first) once stances are split.
GRID_ROWS = 60
# A stance-change picture draws at most this many actors (those who moved first).
CHANGE_ROWS = 30
LEANING_LETTER = {"supports": "S", "opposes": "O", "mixed": "M", "neutral": "N"}


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


@dataclass
class Cell:
    """One actor's latest stance on one issue, with where its evidence is."""

    stance: Stance
    target: str  # docs/ page (with anchor) of the evidence
    count: int  # stances the actor has on the issue
    moved: bool  # the leaning changed at least once


@dataclass
class Move:
    """An actor's leaning changing between two dated stances on an issue."""

    before: Stance
    after: Stance


class Analysis:
    """The analysis views of one briefing (built lazily, once)."""

    def __init__(self, briefing: Briefing):
        self.briefing = briefing
        self._graph: nx.MultiGraph | None = None
        self._pairs: nx.Graph | None = None
        self.actors = {a.id: a for a in briefing.actors}
        self.articles = {a.id: a for a in briefing.articles}
        self.issues = {i.id: i for i in briefing.issues}
        self.large_cast = network.LARGE_CAST
        self.change_rows = CHANGE_ROWS

    # ----------------------------------------------------------------- network

    @property
    def graph(self) -> nx.MultiGraph:
        if self._graph is None:
            self._graph = network.build_network(self.briefing)
        return self._graph

    @property
    def pairs(self) -> nx.Graph:
        if self._pairs is None:
            self._pairs = network.pair_graph(self.graph)
        return self._pairs

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
        """The overview picture: a spring layout of the chosen actors, seeded so it never changes."""
        width, height, margin = 960, 640, 80
        layout_graph = nx.Graph()
        layout_graph.add_nodes_from(sorted(a.id for a in overview.actors))
        for tie in sorted(overview.ties, key=lambda t: (t.first.id, t.second.id)):
            layout_graph.add_edge(tie.first.id, tie.second.id, weight=math.log1p(tie.weight))
        if len(layout_graph) == 0:
            return ""
        if len(layout_graph) == 1:
            positions = {n: (0.0, 0.0) for n in layout_graph}
        else:
            k = 2.2 / math.sqrt(len(layout_graph))  # more room between nodes than the default: labels
            raw = nx.spring_layout(layout_graph, seed=LAYOUT_SEED, k=k, iterations=200, weight="weight")
            positions = {n: (float(x), float(y)) for n, (x, y) in raw.items()}
        place = _fit(positions, width, height, margin)
        strengths = {a.id: self._strength(a.id) for a in overview.actors}
        title = f"Network of the {len(overview.actors)} most connected actors"
        desc = (f"{len(overview.ties)} strongest ties among them; {overview.actors_left_out} more actors and "
                f"{overview.ties_left_out} more ties are left out. The table below lists every tie drawn.")
        return _picture("network", width, height, title, desc,
                        self._edges(overview.ties, place) + self._nodes(page, overview.actors, place, strengths))

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
               strengths: dict[str, int], centre: Actor | None = None) -> list[str]:
        strongest = max(strengths.values(), default=1) or 1
        out = []
        for actor in sorted(actors, key=lambda a: a.id):
            x, y = place[actor.id]
            radius = 6 + 10 * math.sqrt(strengths.get(actor.id, 0) / strongest)
            kind = "node-centre" if actor is centre else f"node-{svg.esc(actor.type)}"
            shape = (f'<circle class="node {kind}" cx="{svg.num(x)}" cy="{svg.num(y)}" r="{svg.num(radius)}"/>'
                     f'<text class="label" x="{svg.num(x)}" y="{svg.num(y + radius + 14)}">{svg.esc(svg.short(actor.name))}</text>'
                     f'<title>{svg.esc(actor.name)} ({svg.esc(actor.type)})</title>')
            if actor.page == page:
                out.append(f"<g>{shape}</g>")
            else:
                out.append(svg.link(page, actor.page, shape, actor.name))
        return out

    # ----------------------------------------------------------------- stances

    def grid(self, issues: list[Issue], limited: bool) -> tuple[list[tuple[Actor, list[Cell | None]]], int]:
        """Rows of the stance grid (actor, cell per issue), and how many actors are left out."""
        cells: dict[Actor, dict[str, Cell]] = {}
        for issue in issues:
            by_actor: dict[Actor, list[Stance]] = {}
            for stance in _dated(issue.stances):
                by_actor.setdefault(stance.actor, []).append(stance)
            for actor, stances in by_actor.items():
                latest = stances[-1]
                moved = len({s.leaning for s in stances}) > 1
                cells.setdefault(actor, {})[issue.id] = Cell(latest, self.evidence_target(latest), len(stances), moved)
        actors = sorted(cells, key=_by_name)
        left_out = 0
        if limited and len(actors) > GRID_ROWS:
            busiest = sorted(actors, key=lambda a: (-sum(c.count for c in cells[a].values()), _by_name(a)))
            keep = set(busiest[:GRID_ROWS])
            left_out = len(actors) - GRID_ROWS
            actors = [a for a in actors if a in keep]
        return [(a, [cells[a].get(i.id) for i in issues]) for a in actors], left_out

    @staticmethod
    def evidence_target(stance: Stance) -> str:
        """Where a stance's evidence is: the actor's quote in the article if there is one, else the article."""
        for quote in stance.article.quotes:
            if quote.speaker is stance.actor:
                return f"{stance.article.page}#{quote.anchor}"
        return stance.article.page

    @staticmethod
    def moves(issue: Issue) -> list[Move]:
        """Every change of leaning on an issue, oldest first."""
        by_actor: dict[Actor, list[Stance]] = {}
        for stance in _dated(issue.stances):
            by_actor.setdefault(stance.actor, []).append(stance)
        found = []
        for stances in by_actor.values():
            found += [Move(a, b) for a, b in zip(stances, stances[1:]) if a.leaning != b.leaning]
        return sorted(found, key=lambda m: (m.after.article.date.sort_key, _by_name(m.after.actor)))

    def changes_svg(self, page: str, issue: Issue) -> tuple[str, int]:
        """A row per actor with a lettered mark per dated stance on `issue`; and the actors left out."""
        by_actor: dict[Actor, list[Stance]] = {}
        for stance in _dated(issue.stances):
            by_actor.setdefault(stance.actor, []).append(stance)
        if not by_actor:
            return "", 0
        moved = {m.after.actor for m in self.moves(issue)}
        ranked = sorted(by_actor, key=lambda a: (a not in moved, -len(by_actor[a]), _by_name(a)))
        shown = sorted(ranked[:CHANGE_ROWS], key=lambda a: (a not in moved, _by_name(a)))
        years = [s.article.date.sort_key[0] for a in shown for s in by_actor[a]]
        first, last = min(years), max(years) + 1
        width, left, right, row = 720, 190, 20, 26
        height = 34 + row * len(shown)
        span = width - left - right

        def x_of(stance: Stance) -> float:
            year, month, day = stance.article.date.sort_key
            fraction = ((month or 6) - 1) / 12 + ((day or 15) - 1) / 365
            return left + span * (year + fraction - first) / (last - first)

        parts = [f'<line class="axis" x1="{left}" y1="{height - 22}" x2="{width - right}" y2="{height - 22}"/>']
        step = max(1, math.ceil((last - first) / 8))
        for year in range(first, last + 1, step):
            x = left + span * (year - first) / (last - first)
            parts.append(f'<text class="tick" x="{svg.num(x)}" y="{height - 6}">{year}</text>')
        for index, actor in enumerate(shown):
            y = 16 + row * index
            name = f'<text class="rowlabel" x="{left - 10}" y="{y + 4}">{svg.esc(svg.short(actor.name, 24))}</text>'
            parts.append(name if actor.page == page else svg.link(page, actor.page, name, actor.name))
            parts.append(f'<line class="row" x1="{left}" y1="{y}" x2="{width - right}" y2="{y}"/>')
            for stance in by_actor[actor]:
                x = x_of(stance)
                label = f"{actor.name}: {stance.leaning}, {stance.article.date.label()}, {stance.article.headline}"
                mark = (f'<circle class="mark lean-{svg.esc(stance.leaning)}" cx="{svg.num(x)}" cy="{y}" r="8"/>'
                        f'<text class="markletter" x="{svg.num(x)}" y="{y + 4}">{LEANING_LETTER.get(stance.leaning, "?")}</text>'
                        f"<title>{svg.esc(label)}</title>")
                parts.append(svg.link(page, self.evidence_target(stance), mark, label))
        title = f"Stances on {issue.title} over time"
        desc = ("One row per actor, one lettered mark per stance at the date of its article: S supports, "
                "O opposes, M mixed, N neutral. The list above says who moved, when and on what evidence.")
        return _picture("changes", width, height, title, desc, parts, issue.id), max(0, len(ranked) - CHANGE_ROWS)


def _by_name(actor: Actor) -> tuple[str, str]:
    return actor.name.casefold(), actor.id


def _dated(stances: list[Stance]) -> list[Stance]:
    """Stances oldest first (by their article's date, then its id)."""
    return sorted(stances, key=lambda s: (s.article.date.sort_key, s.article.id))


def _fit(positions: dict[str, tuple[float, float]], width: int, height: int, margin: int) -> dict[str, tuple[float, float]]:
    """Layout coordinates scaled into the picture, inside the margin, rounded (so bytes never vary)."""
    positions = _spread(positions)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    spread_x = (max(xs) - min(xs)) or 1.0
    spread_y = (max(ys) - min(ys)) or 1.0
    return {
        n: (round(margin + (x - min(xs)) / spread_x * (width - 2 * margin), 1) if len(xs) > 1 else width / 2,
            round(margin / 2 + (y - min(ys)) / spread_y * (height - 1.5 * margin), 1) if len(ys) > 1 else height / 2)
        for n, (x, y) in positions.items()
    }


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


def _picture(kind: str, width: int, height: int, title: str, desc: str, parts: list[str], name: str = "") -> str:
    """The <svg> in its raw-HTML block: one line per element and no blank line (it would end the block).

    `name` tells apart the ids of several pictures of one kind on a page."""
    ident = svg.esc(f"{kind}-{name}-svg" if name else f"{kind}-svg")
    head = (f'<div class="briefing-figure briefing-{kind}">\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" aria-labelledby="{ident}-title {ident}-desc">\n'
            f'<title id="{ident}-title">{svg.esc(title)}</title>\n<desc id="{ident}-desc">{svg.esc(desc)}</desc>')
    return "\n".join([head, *parts, "</svg>\n</div>"])
