"""The briefing as one JSON document (docs/data/briefing.json), and its JSON Schema.

The export's shape is declared once, below, as records of typed properties
(RECORDS).  The records are built through record(), which refuses a key the
declaration does not have or misses one it has, and json_schema() turns the
same declaration into the JSON Schema published next to the data
(docs/data/briefing.schema.json).  The CSV tables (tables.py) read these
records too, so every data file says the same thing.

Every record has a stable `id` (the seed's id, or the article's id with the
item's position for quotes, stances, events and figures) and a `url`: its
page on the site, relative to the site's root ("actors/viktor-ivanov/").
`format_version` changes when a field is renamed or removed (major) or
added (minor).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from . import schema
from .markup import plain_mentions
from .dates import PartialDate
from .model import Actor, Article, Briefing, Event, Term, built_as

FORMAT_VERSION = "1.0"
_ID = schema.ID_PATTERN.strip("^$")
KEY_PATTERN = f"^{_ID}(?:/{_ID})?$"  # "viktor-ivanov", or "some-article/quote-2"


@dataclass(frozen=True)
class Prop:
    """One property of a record: its name, type, a one-line doc, and whether it may be null.

    `type` is one of: string (any text, possibly empty), id (a briefing id),
    key (a record's own id: a briefing id, or two joined by "/"),
    url (a site address relative to the site's root), bool, date (a DATE
    record), strings, ids, or the name of another record for a list of them.
    """

    name: str
    type: str
    doc: str
    nullable: bool = False


@dataclass(frozen=True)
class Record:
    """A kind of record in the export: its doc line and properties."""

    name: str
    doc: str
    props: tuple[Prop, ...]


def _id(doc: str) -> Prop:
    return Prop("id", "key", doc)


def _url(doc: str) -> Prop:
    return Prop("url", "url", doc)


DATE = Record("date", "A date known to a year, a month or a day, or a range of them, with its hedges.", (
    Prop("iso", "string", "As written in the seeds: YYYY, YYYY-MM, YYYY-MM-DD, or a range A/B of those."),
    Prop("start", "string", "The first (or only) date, at its precision."),
    Prop("end", "string", "The end of a range.", nullable=True),
    Prop("precision", "string", "How precise the start is: year, month or day."),
    Prop("qualifier", "string", "The hedge (about, early, late, since, before, after, by, mid), or empty."),
    Prop("inferred", "bool", "True when the article does not print the date and it was worked out."),
    Prop("note", "string", "How the date was inferred, or what is uncertain about it (may be empty)."),
    Prop("text", "string", "The date in words, as the site shows it."),
))
ISSUE = Record("issue", "A policy question actors take stances on.", (
    _id("The issue's id."),
    _url("Where its stances are listed."),
    Prop("title", "string", "The question."),
    Prop("description", "string", "What is at stake (may be empty)."),
))
APPEARANCE = Record("appearance", "An actor's part in an article.", (
    Prop("actor", "id", "The actor's id."),
    Prop("role", "string", "What the actor does or is in this article."),
))
ARTICLE = Record("article", "One source article, summarised and annotated.", (
    _id("The article's id."),
    _url("Its brief on the site."),
    Prop("headline", "string", "The headline as printed."),
    Prop("outlet", "id", "The publishing outlet (an actor's id)."),
    Prop("publication", "string", "Series, issue or reprint details (may be empty)."),
    Prop("author", "string", "The author's name, or empty when the text names none."),
    Prop("author_note", "string", "Why the author is unknown, or the byline as printed (may be empty)."),
    Prop("source_url", "string", "The source article's address, or empty when unknown."),
    Prop("date", "date", "Publication date."),
    Prop("kind", "string", "report, analysis, interview, news or opinion."),
    Prop("summary", "string", "What the article says, in the briefing's words."),
    Prop("key_points", "strings", "The main points."),
    Prop("themes", "ids", "Theme tags."),
    Prop("actors", "appearance", "Actors involved, with their role here."),
    Prop("terms", "ids", "Glossary terms the article uses."),
    Prop("related", "ids", "Related articles, closest first."),
))
ACTOR = Record("actor", "A person, organisation, state, place, outlet or programme.", (
    _id("The actor's id."),
    _url("Its profile on the site."),
    Prop("name", "string", "The name used in headings and links."),
    Prop("type", "string", "person, organisation, state, region, city, outlet, programme or group."),
    Prop("aliases", "strings", "Other names and spellings."),
    Prop("description", "string", "Who or what this is."),
))
TERM = Record("term", "A glossary term.", (
    _id("The term's id."),
    _url("Its entry in the glossary."),
    Prop("term", "string", "The term as written."),
    Prop("expansion", "string", "What an abbreviation stands for (may be empty)."),
    Prop("aliases", "strings", "Other forms of the term."),
    Prop("definition", "string", "What it means."),
    Prop("actor", "id", "The actor the term names.", nullable=True),
    Prop("related_terms", "ids", "Other terms to see."),
    Prop("related_actors", "ids", "Actors closely tied to the term."),
))
QUOTE = Record("quote", "Exact words, their speaker and the article that reports them.", (
    _id("<article id>/quote-<n>, n counting from 1 in the article."),
    _url("The quote on its article's page."),
    Prop("article", "id", "The article that reports it."),
    Prop("speaker", "id", "Who said or wrote it (an actor's id)."),
    Prop("text", "string", "The exact words; … marks an omission."),
    Prop("context", "string", "When, where and about what it was said."),
    Prop("date", "date", "When it was said, if the article tells.", nullable=True),
    Prop("when", "date", "The date it was said, or failing that the article's date."),
))
STANCE = Record("stance", "A position an article attributes to an actor on an issue.", (
    _id("<article id>/stance-<n>, n counting from 1 in the article."),
    _url("The stances of its article's page."),
    Prop("article", "id", "The article that attributes it."),
    Prop("actor", "id", "Whose position it is."),
    Prop("issue", "id", "The issue."),
    Prop("leaning", "string", "supports, opposes, mixed or neutral."),
    Prop("position", "string", "The position."),
    Prop("evidence", "string", "What in the article shows it."),
))
EVENT = Record("event", "Something that happened, as an article reports it.", (
    _id("<article id>/event-<n>, n counting from 1 in the article."),
    _url("The events of its article's page."),
    Prop("article", "id", "The article that reports it."),
    Prop("date", "date", "When it happened."),
    Prop("what", "string", "What happened."),
    Prop("actors", "ids", "Who took part."),
    Prop("where", "ids", "Places (actors of type state, region or city)."),
))
FIGURE = Record("figure", "A number an article gives, and what it measures.", (
    _id("<article id>/figure-<n>, n counting from 1 in the article."),
    _url("The figures of its article's page."),
    Prop("article", "id", "The article that gives it."),
    Prop("value", "string", "The number as the article gives it."),
    Prop("measures", "string", "What it counts or measures."),
    Prop("source", "id", "Who the article attributes it to.", nullable=True),
    Prop("date", "date", "When it applies.", nullable=True),
))
ROLE = Record("role", "A role an actor held, possibly bounded in time.", (
    _id("<actor id>/role-<n>, n counting from 1 in the actor's roles (earliest first)."),
    _url("The actor's profile."),
    Prop("actor", "id", "Who held it."),
    Prop("title", "string", "The role."),
    Prop("of", "id", "The body or state the role is in.", nullable=True),
    Prop("start", "date", "Start, as precisely as known.", nullable=True),
    Prop("end", "date", "End, as precisely as known.", nullable=True),
    Prop("as_of", "id", "The article that gives the role.", nullable=True),
    Prop("evidence", "ids", "Every article that shows the actor in the role, oldest first."),
))
AFFILIATION = Record("affiliation", "A lasting tie from one actor (member) to another.", (
    _id("<member id>/affiliation-<n>, n counting from 1 in the member's affiliations."),
    _url("The member's profile."),
    Prop("member", "id", "The actor that has the tie."),
    Prop("actor", "id", "The actor it is tied to."),
    Prop("relation", "string", "The tie: member of, part of, agency of …"),
    Prop("start", "date", "Since when.", nullable=True),
    Prop("end", "date", "Until when.", nullable=True),
))
BRIEFING = Record("briefing", "A briefing's model: every article, actor and term, and what the articles say.", (
    Prop("format_version", "string", "The version of this format: MAJOR.MINOR."),
    Prop("title", "string", "The briefing's title."),
    Prop("scope", "string", "What the briefing covers."),
    Prop("key_judgements", "strings", "The briefing's main conclusions."),
    Prop("key_actors", "ids", "Actors featured on the home page."),
    Prop("issues", "issue", "Policy questions stances are taken on."),
    Prop("articles", "article", "Articles, newest first."),
    Prop("actors", "actor", "Actors, by name."),
    Prop("terms", "term", "Glossary terms, by term."),
    Prop("quotes", "quote", "Quotes, article by article."),
    Prop("stances", "stance", "Stances, article by article."),
    Prop("events", "event", "Events, in date order."),
    Prop("figures", "figure", "Figures, article by article."),
    Prop("roles", "role", "Roles, actor by actor."),
    Prop("affiliations", "affiliation", "Affiliations, actor by actor."),
))

RECORDS = {r.name: r for r in (
    BRIEFING, DATE, ISSUE, APPEARANCE, ARTICLE, ACTOR, TERM, QUOTE, STANCE, EVENT, FIGURE, ROLE, AFFILIATION,
)}


def record(kind: Record, /, **values: Any) -> dict[str, Any]:
    """A record of `kind` with its properties in declared order; any missing or extra key is a bug here."""
    names = [p.name for p in kind.props]
    if set(values) != set(names):
        raise ValueError(f"{kind.name}: {sorted(set(values) ^ set(names))} do not match the declaration")
    return {name: values[name] for name in names}


# --------------------------------------------------------------------------- JSON Schema


def _prop_schema(prop: Prop) -> dict[str, Any]:
    """JSON Schema of one property."""
    scalar = {
        "string": {"type": "string"},
        "id": {"type": "string", "pattern": schema.ID_PATTERN},
        "key": {"type": "string", "pattern": KEY_PATTERN},
        "url": {"type": "string", "pattern": r"^[a-z0-9][^:]*$"},  # relative: no scheme, no leading slash
        "bool": {"type": "boolean"},
        "strings": {"type": "array", "items": {"type": "string"}},
        "ids": {"type": "array", "items": {"type": "string", "pattern": schema.ID_PATTERN}},
    }
    if prop.type in scalar:
        found = scalar[prop.type]
    elif prop.type == "date":
        found = {"$ref": "#/$defs/date"}
    else:
        found = {"type": "array", "items": {"$ref": f"#/$defs/{RECORDS[prop.type].name}"}}
    if prop.nullable:
        found = {"anyOf": [found, {"type": "null"}]}
    return {"description": prop.doc, **found}


def _record_schema(kind: Record) -> dict[str, Any]:
    return {
        "type": "object",
        "description": kind.doc,
        "properties": {p.name: _prop_schema(p) for p in kind.props},
        "required": [p.name for p in kind.props],
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of briefing.json, generated from RECORDS."""
    top = _record_schema(BRIEFING)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Briefing data export",
        **top,
        "$defs": {name: _record_schema(kind) for name, kind in RECORDS.items() if kind is not BRIEFING},
    }


# --------------------------------------------------------------------------- the records


def site_url(page: str) -> str:
    """A page of docs/ (with an optional #anchor) as its address relative to the site's root."""
    path, hash_, anchor = page.partition("#")
    return built_as(path) + hash_ + anchor


def date(value: PartialDate | None) -> dict[str, Any] | None:
    """A partial date as a DATE record (None stays None)."""
    if value is None:
        return None
    return record(
        DATE, iso=value.iso(), start=value.start.iso(), end=value.end.iso() if value.end else None,
        precision=value.start.precision, qualifier=value.qualifier, inferred=value.inferred, note=value.note,
        text=value.text(),
    )


def _ref(thing: Actor | Article | Term | None) -> str | None:
    return thing.id if thing is not None else None


def _article(article: Article) -> dict[str, Any]:
    return record(
        ARTICLE, id=article.id, url=site_url(article.page), headline=article.headline, outlet=article.outlet.id,
        publication=article.publication, author=article.author, author_note=article.author_note,
        source_url=article.url, date=date(article.date), kind=article.kind, summary=article.summary,
        key_points=list(article.key_points), themes=list(article.themes),
        actors=[record(APPEARANCE, actor=a.actor.id, role=a.role) for a in article.appearances],
        terms=[t.id for t in article.terms], related=[other.id for other, _ in article.related],
    )


def _actor(actor: Actor) -> dict[str, Any]:
    return record(
        ACTOR, id=actor.id, url=site_url(actor.page), name=actor.name, type=actor.type,
        aliases=list(actor.aliases), description=actor.description,
    )


def _term(term: Term) -> dict[str, Any]:
    return record(
        TERM, id=term.id, url=site_url(term.page), term=term.term, expansion=term.expansion,
        aliases=list(term.aliases), definition=term.definition, actor=_ref(term.actor),
        related_terms=[t.id for t in term.related_terms], related_actors=[a.id for a in term.related_actors],
    )


def _article_items(article: Article) -> dict[str, list[dict[str, Any]]]:
    """The quotes, stances and figures of one article, numbered in the article's order."""
    page = article.page
    return {
        "quotes": [record(
            QUOTE, id=f"{article.id}/quote-{q.number}", url=site_url(f"{page}#{q.anchor}"), article=article.id,
            speaker=q.speaker.id, text=q.text, context=q.context, date=date(q.date), when=date(q.when),
        ) for q in article.quotes],
        "stances": [record(
            STANCE, id=f"{article.id}/stance-{n}", url=site_url(f"{page}#stances"), article=article.id,
            actor=s.actor.id, issue=s.issue.id, leaning=s.leaning, position=s.position, evidence=s.evidence,
        ) for n, s in enumerate(article.stances, start=1)],
        "figures": [record(
            FIGURE, id=f"{article.id}/figure-{n}", url=site_url(f"{page}#figures"), article=article.id,
            value=f.value, measures=f.measures, source=_ref(f.source), date=date(f.date),
        ) for n, f in enumerate(article.figures, start=1)],
    }


def _event(event: Event, number: int) -> dict[str, Any]:
    article = event.article
    return record(
        EVENT, id=f"{article.id}/event-{number}", url=site_url(f"{article.page}#events"), article=article.id,
        date=date(event.date), what=event.what, actors=[a.id for a in event.actors], where=[a.id for a in event.where],
    )


def _actor_ties(actor: Actor) -> dict[str, list[dict[str, Any]]]:
    url = site_url(actor.page)
    return {
        "roles": [record(
            ROLE, id=f"{actor.id}/role-{n}", url=url, actor=actor.id, title=r.title, of=_ref(r.of),
            start=date(r.start), end=date(r.end), as_of=_ref(r.as_of), evidence=[a.id for a in r.evidence],
        ) for n, r in enumerate(actor.roles, start=1)],
        "affiliations": [record(
            AFFILIATION, id=f"{actor.id}/affiliation-{n}", url=url, member=actor.id, actor=a.actor.id,
            relation=a.relation, start=date(a.start), end=date(a.end),
        ) for n, a in enumerate(actor.affiliations, start=1)],
    }


def issue_url(briefing: Briefing, issue_id: str) -> str:
    """Where an issue's stances are listed (as render.Renderer.issue_page decides)."""
    split = sum(len(issue.stances) for issue in briefing.issues) > briefing.split_stances_after
    return site_url(f"stances/{issue_id}.md" if split else f"stances.md#{issue_id}")


def export(briefing: Briefing) -> dict[str, Any]:
    """The whole briefing as a BRIEFING record: plain dicts, lists and strings."""
    items: dict[str, list[dict[str, Any]]] = {"quotes": [], "stances": [], "figures": []}
    for article in briefing.articles:
        for key, found in _article_items(article).items():
            items[key] += found
    # Events in date order, as on the timeline; each keeps its number within its article.
    numbers = {id(e): n for a in briefing.articles for n, e in enumerate(a.events, start=1)}
    items["events"] = [_event(e, numbers[id(e)]) for e in briefing.events()]
    ties: dict[str, list[dict[str, Any]]] = {"roles": [], "affiliations": []}
    for actor in briefing.actors:
        for key, found in _actor_ties(actor).items():
            ties[key] += found
    return _plain(record(
        BRIEFING, format_version=FORMAT_VERSION, title=briefing.title, scope=briefing.scope,
        key_judgements=[j.text for j in briefing.key_judgements], key_actors=[a.id for a in briefing.key_actors],
        issues=[record(ISSUE, id=i.id, url=issue_url(briefing, i.id), title=i.title, description=i.description)
                for i in briefing.issues],
        articles=[_article(a) for a in briefing.articles], actors=[_actor(a) for a in briefing.actors],
        terms=[_term(t) for t in briefing.terms], **items, **ties,
    ))


def _plain(value: Any) -> Any:
    """`value` with every explicit mention in its text reduced to the name (data files carry no link syntax)."""
    if isinstance(value, str):
        return plain_mentions(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def dumps(data: Any) -> str:
    """JSON text as the data files are written: UTF-8 (not \\u escapes), indented, one final newline.

    json.dumps is the one place JSON is escaped; key order is the declaration's, so the bytes are stable.
    """
    return "".join(chunks(data))


def chunks(data: Any) -> Iterator[str]:
    """dumps(data) in pieces, as json.dumps makes them: a large file need never be one string."""
    yield from json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(data)
    yield "\n"
