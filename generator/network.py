"""The actors' relationship network, built once from the Briefing with networkx.

`build_network(briefing)` returns an undirected `networkx.MultiGraph` with
at most one edge per pair of actors and type of tie; the edge's key is its
type.  Every attribute is a plain str or int and every list is sorted, so
the same seeds give the same graph, in the same order, for any exporter
(GEXF, GraphML, CSV).

Nodes, keyed by actor id:
    label        the actor's name
    type         person, organisation, state, place, outlet or programme
    page         the actor's page, relative to docs/ ("actors/<id>.md")
    appearances  number of articles that name the actor

Edges (u < v by id), key = type:
    type      "affiliation"  declared in an actor's seed (affiliations, or a role "of" another actor)
              "co-mention"   both actors named in the same article
              "agreement"    same issue, same leaning (both support or both oppose)
              "opposition"   same issue, one supports and the other opposes
    weight    affiliation: AFFILIATION_WEIGHT per declared tie; co-mention: shared articles;
              agreement / opposition: issues on which they agree / disagree
    articles  the evidence: ids of the articles behind the edge, sorted, space-separated
              (for an affiliation, the articles its roles cite, often none)
    detail    affiliation: the relations ("member of; Director of the drug agency");
              agreement / opposition: the issue ids, space-separated; co-mention: ""
    sources   affiliation: the seed files that declare it, space-separated; others: ""

Graph attributes: `large_casts` (articles naming more than LARGE_CAST actors,
which give no co-mention ties: they would tie everyone to everyone) and
`large_camps` (issues whose camps would give more than MAX_CAMP_PAIRS
agreement or opposition ties, left out for the same reason; the stance grid
shows them).  Stances compared are each actor's latest on the issue.
"""

from __future__ import annotations

import itertools

import networkx as nx

from .model import Actor, Article, Briefing, Stance

TIE_TYPES = ("affiliation", "co-mention", "agreement", "opposition")
# A declared affiliation counts as much as three shared articles: it is stated, not inferred.
AFFILIATION_WEIGHT = 3
# Articles naming more actors than this make no co-mention ties (model.LARGE_CAST's reasoning).
LARGE_CAST = 100
# An issue whose camps would make more pairs than this makes no agreement/opposition ties.
MAX_CAMP_PAIRS = 1225  # 50 actors on one side


def build_network(briefing: Briefing) -> nx.MultiGraph:
    """The network of every actor of `briefing` (see the module's docstring for attributes)."""
    graph = nx.MultiGraph()
    for actor in sorted(briefing.actors, key=lambda a: a.id):
        articles = {a.article.id for a in actor.appearances}
        graph.add_node(actor.id, label=actor.name, type=actor.type, page=actor.page, appearances=len(articles))
    ties: dict[tuple[str, str, str], dict] = {}
    for actor in briefing.actors:
        _affiliations(actor, ties)
    large = [article.id for article in briefing.articles if not _co_mentions(article, ties)]
    camps = [issue.id for issue in briefing.issues if not _camps(issue.id, issue.stances, ties)]
    for (u, v, kind) in sorted(ties):
        tie = ties[(u, v, kind)]
        graph.add_edge(
            u, v, key=kind, type=kind, weight=tie["weight"],
            articles=" ".join(sorted(tie["articles"])), detail=tie["detail"](tie),
            sources=" ".join(sorted(tie["sources"])),
        )
    graph.graph["large_casts"] = len(large)
    graph.graph["large_camps"] = len(camps)
    return graph


def _tie(ties: dict, first: Actor, second: Actor, kind: str) -> dict:
    """The tie of `kind` between two actors, made on first use; u < v by id."""
    u, v = sorted((first.id, second.id))
    key = (u, v, kind)
    if key not in ties:
        ties[key] = {"weight": 0, "articles": set(), "sources": set(), "relations": [], "issues": set(),
                     "detail": _DETAIL[kind]}
    return ties[key]


_DETAIL = {
    "affiliation": lambda tie: "; ".join(dict.fromkeys(tie["relations"])),
    "co-mention": lambda tie: "",
    "agreement": lambda tie: " ".join(sorted(tie["issues"])),
    "opposition": lambda tie: " ".join(sorted(tie["issues"])),
}


def _affiliations(actor: Actor, ties: dict) -> None:
    for affiliation in actor.affiliations:
        if affiliation.actor is actor:
            continue
        tie = _tie(ties, actor, affiliation.actor, "affiliation")
        tie["weight"] += AFFILIATION_WEIGHT
        tie["relations"].append(f"{actor.name}: {affiliation.relation} {affiliation.actor.name}")
        tie["sources"].add(actor.source_path)
    for role in actor.roles:
        if role.of is None or role.of is actor:
            continue
        tie = _tie(ties, actor, role.of, "affiliation")
        tie["weight"] += AFFILIATION_WEIGHT
        tie["relations"].append(f"{actor.name}: {role.title} of {role.of.name}")
        tie["sources"].add(actor.source_path)
        if role.as_of is not None:
            tie["articles"].add(role.as_of.id)


def _co_mentions(article: Article, ties: dict) -> bool:
    """Tie every two actors named in `article`; False (and no ties) for a large cast."""
    cast = sorted({a.actor for a in article.appearances}, key=lambda a: a.id)
    if len(cast) > LARGE_CAST:
        return False
    for first, second in itertools.combinations(cast, 2):
        tie = _tie(ties, first, second, "co-mention")
        tie["weight"] += 1
        tie["articles"].add(article.id)
    return True


def latest_stances(stances: list[Stance]) -> dict[Actor, Stance]:
    """Each actor's latest stance among `stances` (by article date, then article id)."""
    latest: dict[Actor, Stance] = {}
    for stance in sorted(stances, key=lambda s: (s.article.date.sort_key, s.article.id)):
        latest[stance.actor] = stance
    return latest


def _camps(issue_id: str, stances: list[Stance], ties: dict) -> bool:
    """Agreement and opposition ties on one issue; False (and no ties) when the camps are too large."""
    latest = sorted(latest_stances(stances).values(), key=lambda s: s.actor.id)
    support = [s for s in latest if s.leaning == "supports"]
    oppose = [s for s in latest if s.leaning == "opposes"]
    pairs = [(a, b, "agreement") for camp in (support, oppose) for a, b in itertools.combinations(camp, 2)]
    if len(pairs) + len(support) * len(oppose) > MAX_CAMP_PAIRS:
        return False
    pairs += [(a, b, "opposition") for a in support for b in oppose]
    for first, second, kind in pairs:
        tie = _tie(ties, first.actor, second.actor, kind)
        tie["weight"] += 1
        tie["issues"].add(issue_id)
        tie["articles"].update((first.article.id, second.article.id))
    return True


_TELLING = ("co-mention", "agreement", "opposition", "affiliation")


def pair_graph(graph: nx.MultiGraph) -> nx.Graph:
    """One edge per pair of actors: weights summed, `types` listed, `main` the heaviest type."""
    pairs = nx.Graph()
    pairs.add_nodes_from(graph.nodes(data=True))
    for u, v, data in graph.edges(data=True):
        if pairs.has_edge(u, v):
            edge = pairs[u][v]
            edge["weight"] += data["weight"]
            edge["parts"].append(data)
        else:
            pairs.add_edge(u, v, weight=data["weight"], parts=[data])
    for _, _, edge in pairs.edges(data=True):
        edge["parts"].sort(key=lambda d: TIE_TYPES.index(d["type"]))
        # On equal weight the more telling type wins: a declared tie, then a disagreement.
        edge["main"] = max(edge["parts"], key=lambda d: (d["weight"], _TELLING.index(d["type"])))["type"]
    return pairs
