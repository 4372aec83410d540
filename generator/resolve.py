"""Checked seed files into one Briefing: every reference becomes an object.

After crosscheck.py's checks, building is plain bookkeeping: each actor
gathers its appearances, quotes, stances and events from every article, and
the reverse ties (members of an organisation, actors seen together, related
articles) are derived once, here, so templates only read.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any, Iterable

from . import crosscheck, schema
from .dates import PartialDate, parse_date
from .diagnostics import BuildError
from .model import (
    Actor, Affiliation, Appearance, Article, Briefing, Event, Evidence, Figure, Issue, Judgement, Quote, Role, Stance, Term,
)
from .seedfile import SeedFile

# --------------------------------------------------------------------------- building


def to_date(value: Any) -> PartialDate | None:
    """A checked date value (string or mapping) as a PartialDate."""
    if value is None:
        return None
    if isinstance(value, str):
        return PartialDate(*parse_date(value))
    start, end, hedge = parse_date(value["on"])
    return PartialDate(
        start, end,
        qualifier=value.get("qualifier") or hedge,
        inferred=value.get("inferred") in ("true", "True", "TRUE"),
        note=value.get("note") or "",
    )


def build(files: list[SeedFile]) -> Briefing:
    """Check cross-file rules and resolve every reference; raise BuildError on errors."""
    problems = (crosscheck.check_references(files) + crosscheck.check_names(files) + crosscheck.check_mentions(files)
                + crosscheck.check_issue_ids(files) + crosscheck.check_page_ids(files)
                + crosscheck.check_judgements(files))
    if problems:
        raise BuildError(problems, sort=True)
    by_kind: dict[str, list[SeedFile]] = {"briefing": [], "article": [], "actor": [], "term": []}
    for seed in files:
        by_kind[seed.kind].append(seed)
    actors = {s.id: _actor(s) for s in by_kind["actor"]}
    articles = {s.id: _article(s, actors) for s in by_kind["article"]}
    terms = {s.id: _term(s, actors) for s in by_kind["term"]}
    settings = by_kind["briefing"][0].data
    issues = {i["id"]: Issue(i["id"], i["title"], i.get("description") or "") for i in settings.get("issues") or []}
    for seed in by_kind["actor"]:
        _link_actor(seed, actors, articles)
    for seed in by_kind["term"]:
        _link_term(seed, terms, actors)
    for seed in by_kind["article"]:
        _fill_article(seed, articles[seed.id], actors, terms, issues)
    _derive(actors, articles, terms)
    return Briefing(
        title=settings["title"],
        scope=settings["scope"],
        key_judgements=[_judgement(j, articles) for j in settings["key_judgements"]],
        key_actors=[actors[i] for i in settings.get("key_actors") or []],
        issues=list(issues.values()),
        articles=sorted(articles.values(), key=lambda a: (a.date.sort_key, a.id), reverse=True),
        actors=sorted(actors.values(), key=lambda a: (a.name.casefold(), a.id)),
        terms=sorted(terms.values(), key=lambda t: (t.term.casefold(), t.id)),
        split_timeline_after=int(settings.get("split_timeline_after") or schema.SPLIT_AFTER),
        split_stances_after=int(settings.get("split_stances_after") or schema.SPLIT_AFTER),
        sources=settings.get("sources") or schema.SOURCES_DEFAULT,
    )


def _judgement(data: dict[str, Any], articles: dict[str, Article]) -> Judgement:
    """A key judgement with its evidence: each cited article, and the quote where one is named."""
    evidence = []
    for cited in data["evidence"]:
        article = articles[cited["article"]]
        quote = article.quotes[int(cited["quote"]) - 1] if cited.get("quote") else None
        evidence.append(Evidence(article, quote))
    return Judgement(data["text"], evidence)


def _actor(seed: SeedFile) -> Actor:
    d = seed.data
    return Actor(seed.id, d["name"], d["type"], d.get("aliases") or [], d["description"], seed.path,
                 metonyms=d.get("metonyms") or [])


def _term(seed: SeedFile, actors: dict[str, Actor]) -> Term:
    d = seed.data
    return Term(
        seed.id, d["term"], d.get("expansion") or "", d.get("aliases") or [],
        d["definition"], actors.get(d.get("actor") or ""), seed.path,
    )


def _article(seed: SeedFile, actors: dict[str, Actor]) -> Article:
    d, src = seed.data, seed.data["source"]
    article = Article(
        id=seed.id, source_path=seed.path, outlet=actors[src["outlet"]],
        publication=src.get("publication") or "", headline=src["headline"],
        author=src.get("author") or "", author_note=src.get("author_note") or "",
        url=src.get("url") or "", date=to_date(src["date"]), kind=src["kind"],
        summary=d["summary"], key_points=d["key_points"], themes=d.get("themes") or [],
    )
    article.outlet.published.append(article)
    return article


def _link_actor(seed: SeedFile, actors: dict[str, Actor], articles: dict[str, Article]) -> None:
    actor = actors[seed.id]
    for a in seed.data.get("affiliations") or []:
        tie = Affiliation(actor, actors[a["actor"]], a["relation"], to_date(a.get("from")), to_date(a.get("to")))
        actor.affiliations.append(tie)
        tie.actor.members.append(tie)
    for r in seed.data.get("roles") or []:
        # `as_of` (one article, the older form) and `evidence` (several) both count as evidence.
        cited = dict.fromkeys([*([r["as_of"]] if r.get("as_of") else []), *(r.get("evidence") or [])])
        evidence = sorted((articles[i] for i in cited), key=lambda a: (a.date.order_key, a.id))
        as_of = articles[r["as_of"]] if r.get("as_of") else (evidence[0] if evidence else None)
        actor.roles.append(Role(
            r["title"], actors.get(r.get("of") or ""), to_date(r.get("from")),
            to_date(r.get("to")), as_of, evidence,
        ))
    actor.roles.sort(key=lambda r: (r.start.sort_key if r.start else (0, 0, 0)))


def _link_term(seed: SeedFile, terms: dict[str, Term], actors: dict[str, Actor]) -> None:
    term = terms[seed.id]
    if term.actor is not None and term.term != term.actor.name:
        term.actor.short = term.term  # one entity: the actor, known by the term's short form too
    term.related_terms = [terms[i] for i in seed.data.get("related_terms") or []]
    term.related_actors = [actors[i] for i in seed.data.get("related_actors") or []]


def _fill_article(seed: SeedFile, article: Article, actors: dict[str, Actor], terms: dict[str, Term], issues: dict[str, Issue]) -> None:
    d = seed.data
    for a in d["actors"]:
        appearance = Appearance(article, actors[a["actor"]], a["role"])
        article.appearances.append(appearance)
        appearance.actor.appearances.append(appearance)
    for number, q in enumerate(d.get("quotes") or [], start=1):
        quote = Quote(article, number, q["text"], actors[q["speaker"]], q["context"], to_date(q.get("date")))
        article.quotes.append(quote)
        quote.speaker.quotes.append(quote)
    for s in d.get("stances") or []:
        stance = Stance(article, actors[s["actor"]], issues[s["issue"]], s["leaning"], s["position"], s["evidence"])
        article.stances.append(stance)
        stance.actor.stances.append(stance)
        stance.issue.stances.append(stance)
    for e in d.get("events") or []:
        event = Event(article, to_date(e["date"]), e["what"], [actors[i] for i in e.get("actors") or []], [actors[i] for i in e.get("where") or []])
        article.events.append(event)
        for actor in dict.fromkeys(event.actors + event.where):
            actor.events.append(event)
    for f in d.get("figures") or []:
        article.figures.append(Figure(article, f["value"], f["measures"], actors.get(f.get("source") or ""), to_date(f.get("date"))))
    article.terms = [terms[i] for i in d.get("terms") or []]
    for term in article.terms:
        term.articles.append(article)


def _derive(actors: dict[str, Actor], articles: dict[str, Article], terms: dict[str, Term]) -> None:
    """Reverse ties that need every article: co-actors, related articles, orders by date."""
    order = sorted(articles.values(), key=lambda a: (tuple(-x for x in a.date.sort_key), a.id))  # newest first
    place = {article: index for index, article in enumerate(order)}
    newest_first = place.__getitem__
    _attach_co_actors(actors.values(), articles.values())
    for actor in actors.values():
        for items in (actor.appearances, actor.quotes, actor.stances):
            items.sort(key=lambda x: newest_first(x.article))
        actor.events.sort(key=lambda e: (e.date.order_key, e.article.id))
        actor.published.sort(key=newest_first)
        actor.members.sort(key=lambda tie: tie.member.name.casefold())
    for term in terms.values():
        term.articles.sort(key=newest_first)
    _relate_all(order)


# --------------------------------------------------------------------------- actors seen together

# An article naming more actors than this is a "large cast": its co-actor counts
# are ranked once and shared by all its actors instead of counted pair by pair.
LARGE_CAST = 100

# A co-actor with its count, and how pages order them: most shared first, then by name.
CoActor = tuple[Actor, int]

# A profile lists at most this many actors seen together.
MAX_CO_ACTORS = 100


def _co_actor_order(pair: CoActor) -> tuple[int, str]:
    return -pair[1], pair[0].name.casefold()


def _attach_co_actors(actors: Iterable[Actor], articles: Iterable[Article]) -> None:
    """Set `co_actors` on every actor: the MAX_CO_ACTORS actors named most often with it.

    The count for Y on X's page is the number of times Y is named in X's
    articles (once per appearance of X there).  Counting it pair by pair is
    quadratic in the cast of one article: 4,000 actors named together make
    16 million pairs, though each page shows only MAX_CO_ACTORS of them.  So
    pairs are counted only within small casts; the counts a large cast gives
    are ranked once for every actor sharing the same large articles, and each
    of those actors takes the head of that ranking, skipping the few actors it
    already counted.  That is linear in the appearances for small casts and
    for one large one; only many actors in different combinations of large
    casts would cost more (one ranking per combination).
    """
    casts = {article: Counter(a.actor for a in article.appearances) for article in articles}
    rankings: dict[tuple, tuple[list[CoActor], dict[Actor, int]]] = {}
    for actor in actors:
        times_in = Counter(a.article for a in actor.appearances)
        large = tuple((article, times) for article, times in times_in.items() if len(casts[article]) > LARGE_CAST)
        counted: Counter[Actor] = Counter()
        for article, times in times_in.items():
            if len(casts[article]) <= LARGE_CAST:
                for other, named in casts[article].items():
                    counted[other] += times * named
        del counted[actor]
        if large not in rankings:
            rankings[large] = _large_cast_ranking(large, casts)
        ranked, from_large = rankings[large]
        for other in counted:
            counted[other] += from_large.get(other, 0)
        # The best of the rest: the ranking's head, minus actors already counted and this one.
        rest = (pair for pair in ranked if pair[0] is not actor and pair[0] not in counted)
        candidates = list(counted.items()) + list(itertools.islice(rest, MAX_CO_ACTORS))
        actor.co_actors = sorted(candidates, key=_co_actor_order)[:MAX_CO_ACTORS]


def _large_cast_ranking(
    large: tuple[tuple[Article, int], ...], casts: dict[Article, Counter[Actor]],
) -> tuple[list[CoActor], dict[Actor, int]]:
    """What the large articles of `large` (each with the times an actor is named there) count, ranked."""
    counts: Counter[Actor] = Counter()
    for article, times in large:
        for other, named in casts[article].items():
            counts[other] += times * named
    return sorted(counts.items(), key=_co_actor_order), counts


# An article page lists at most this many related articles.
MAX_RELATED = 10
# Candidates an actor or term contributes: its articles nearest in date, this many each side.
RELATED_NEIGHBOURS = 8


def _shared_keys(article: Article) -> set[str]:
    """What two articles can have in common: actors and glossary terms, one entity once.

    A term that names an actor (CSTO) is that actor, under the actor's label
    ('Collective Security Treaty Organization (CSTO)'), not a second entry.
    """
    return {a.actor.label for a in article.appearances} | {t.actor.label if t.actor else t.term for t in article.terms}


def _relate_all(order: list[Article]) -> None:
    """Set `related` on every article of `order` (newest first), in linear time.

    Comparing every pair is quadratic, and so is an inverted index walked
    whole: an actor named in most articles would make every article a
    candidate of every other.  So each actor or term puts forward only its
    articles nearest in date (RELATED_NEIGHBOURS each side, all of them when
    it has no more than that), candidates are ranked by how many of those
    ties they have, and the best are ranked again by what they really share
    (then newest first).  In small briefings every article sharing anything
    is a candidate, so the result is exact; each page keeps MAX_RELATED.
    """
    keys = [_shared_keys(article) for article in order]
    postings: dict[str, list[int]] = {}  # key -> positions in `order` of the articles that have it
    places: list[list[tuple[list[int], int]]] = [[] for _ in order]
    for number, article_keys in enumerate(keys):
        for key in article_keys:
            posting = postings.setdefault(key, [])
            places[number].append((posting, len(posting)))
            posting.append(number)
    width = len(order)
    for number, article in enumerate(order):
        ties: Counter[int] = Counter()
        for posting, index in places[number]:
            ties.update(posting[max(0, index - RELATED_NEIGHBOURS) : index + RELATED_NEIGHBOURS + 1])
        del ties[number]
        # One integer per candidate, smallest best: most ties first, then newest.
        best = sorted(other - count * width for other, count in ties.items())[: 3 * MAX_RELATED]
        scored = [(other, sorted(keys[number] & keys[other], key=str.casefold)) for other in (b % width for b in best)]
        scored.sort(key=lambda p: (-len(p[1]), p[0]))
        article.related = [(order[other], shared) for other, shared in scored[:MAX_RELATED]]
