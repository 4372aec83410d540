"""The briefing as FollowTheMoney entities: docs/data/entities.ftm.jsonl, one JSON entity a line.

Built with the followthemoney library, so every entity has one of its
schemata and every value passes its property's type (a value the type
refuses is dropped by the library, not written).  Loaded by Aleph, OpenAleph,
`ftm` command-line tools and yente.

Mapping (the Data page explains it to readers; see templates/data.md.j2):

- person -> Person; organisation, group, outlet -> Organization;
- state -> PublicBody: FtM has no country entity (Territory is reference
  data, not a legal entity, so it could not be a member of the CSTO or take
  part in an event); a state acting as an actor is nearest to a public body;
- region, city -> Address (a place; events point to it as addressEntity);
- programme -> Project;
- a role -> Position (one per title and body) + Occupancy (holder, start, end);
  FtM only lets a Person hold one, so other holders' roles become Membership;
- an affiliation -> Membership (role: the relation) when the other actor is
  an organisation or state, else UnknownLink;
- an event -> Event (involved: legal entities, addressEntity: places;
  other participants by name in namesMentioned);
- an article -> Article (title, author, publisher, publishedAt, sourceUrl,
  summary, keywords), and each actor it involves -> Documentation (role: the
  actor's part in the article).  FtM's Mention is for a name not yet
  resolved to an entity; ours are resolved, so Documentation is nearer.

Quotes, stances, figures and glossary terms have no FtM schema and are left
out; they are in briefing.json and the CSV tables.  Ids are FtM's make_id()
of the briefing's own ids, so they are the same on every build.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .dates import PartialDate
from .markup import plain_mentions
from .model import Actor, Article, Briefing, Event, Role

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

# The FtM schema of each actor type.
SCHEMA_OF_TYPE = {
    "person": "Person",
    "organisation": "Organization",
    "group": "Organization",
    "outlet": "Organization",
    "state": "PublicBody",
    "region": "Address",
    "city": "Address",
    "programme": "Project",
}
MAX_NAME = 380  # FtM's name type holds at most 384 characters


def load_schema():
    """FtM's model, imported on first use, not with this module: importing followthemoney
    reads its schema's YAML (0.8 s), which every `briefing` command would pay, where only the
    data files need it, and a cold build makes them in a worker of the pool, beside the pages.
    A long-lived process (briefing serve's worker) calls this once, so that the workers it
    forks for each edit find it loaded."""
    from followthemoney import model

    return model


def _entity(schema: str, *id_parts: str) -> EntityProxy:
    proxy = load_schema().make_entity(schema)
    proxy.make_id("briefing", *id_parts)
    return proxy


def _start(date: PartialDate | None) -> str | None:
    """A date's start at its precision (FtM dates are ISO prefixes: 2010, 2010-11, 2010-11-19)."""
    return date.start.iso() if date else None


def _end(date: PartialDate | None) -> str | None:
    """The last day a date covers, at its precision: a range's end, or the date itself."""
    if date is None:
        return None
    return (date.end or date.start).iso()


def _short(text: str) -> str:
    """Text as an entity's name: FtM's name type is short."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def actor_entity(actor: Actor) -> EntityProxy:
    schema = SCHEMA_OF_TYPE[actor.type]
    proxy = _entity(schema, "actor", actor.id)
    proxy.add("name", actor.name)
    if schema == "Address":
        proxy.add("full", actor.name)  # what tools show and search for an Address
    proxy.add("alias", actor.aliases)
    proxy.add("description", plain_mentions(actor.description))
    return proxy


def _is(proxy: EntityProxy, schema: str) -> bool:
    return proxy.schema.is_a(schema)


def role_entities(actor: Actor, role: Role, number: int, entities: dict[str, EntityProxy]) -> list[EntityProxy]:
    holder = entities[actor.id]
    body = entities[role.of.id] if role.of else None
    if not _is(holder, "Person"):
        # Only a Person can hold a Position in FtM: a body's role is its membership of the other.
        if body is None or not _is(body, "Organization") or not _is(holder, "LegalEntity"):
            return []
        membership = _entity("Membership", "role", actor.id, str(number))
        membership.add("member", holder)
        membership.add("organization", body)
        membership.add("role", role.title)
        membership.add("startDate", _start(role.start))
        membership.add("endDate", _end(role.end))
        return [membership]
    position = _entity("Position", "position", role.title, role.of.id if role.of else "")
    position.add("name", role.title)
    if body is not None and _is(body, "Organization"):
        position.add("organization", body)
    occupancy = _entity("Occupancy", "role", actor.id, str(number))
    occupancy.add("holder", holder)
    occupancy.add("post", position)
    occupancy.add("startDate", _start(role.start))
    occupancy.add("endDate", _end(role.end))
    if role.as_of is not None:
        occupancy.add("sourceUrl", role.as_of.url or None)
    return [position, occupancy]


def affiliation_entities(actor: Actor, entities: dict[str, EntityProxy]) -> list[EntityProxy]:
    found = []
    for number, tie in enumerate(actor.affiliations, start=1):
        member, other = entities[actor.id], entities[tie.actor.id]
        if _is(member, "LegalEntity") and _is(other, "Organization"):
            link = _entity("Membership", "affiliation", actor.id, str(number))
            link.add("member", member)
            link.add("organization", other)
            link.add("role", tie.relation)
        else:
            link = _entity("UnknownLink", "affiliation", actor.id, str(number))
            link.add("subject", member)
            link.add("object", other)
            link.add("role", tie.relation)
        link.add("startDate", _start(tie.start))
        link.add("endDate", _end(tie.end))
        found.append(link)
    return found


def article_entities(article: Article, entities: dict[str, EntityProxy]) -> list[EntityProxy]:
    document = _entity("Article", "article", article.id)
    document.add("title", article.headline)
    document.add("author", article.author or None)
    document.add("publisher", article.outlet.name)
    document.add("publishedAt", _start(article.date))
    document.add("sourceUrl", article.url or None)
    document.add("summary", plain_mentions(article.summary))
    document.add("keywords", article.themes)
    found = [document]
    for number, appearance in enumerate(article.appearances, start=1):
        link = _entity("Documentation", "appearance", article.id, str(number))
        link.add("document", document)
        link.add("entity", entities[appearance.actor.id])
        link.add("role", appearance.role)
        found.append(link)
    return found


def event_entity(event: Event, number: int, entities: dict[str, EntityProxy]) -> EntityProxy:
    proxy = _entity("Event", "event", event.article.id, str(number))
    proxy.add("name", _short(plain_mentions(event.what)))
    proxy.add("summary", plain_mentions(event.what))
    proxy.add("startDate" if event.date.end else "date", _start(event.date))
    if event.date.end:
        proxy.add("endDate", _end(event.date))
    for actor in event.actors:
        entity = entities[actor.id]
        if _is(entity, "LegalEntity"):
            proxy.add("involved", entity)
        else:
            proxy.add("namesMentioned", actor.name)
    for place in event.where:
        entity = entities[place.id]
        if _is(entity, "Address"):
            proxy.add("addressEntity", entity)
        proxy.add("location", place.name)
    proxy.add("sourceUrl", event.article.url or None)
    return proxy


def entities(briefing: Briefing) -> list[EntityProxy]:
    """Every entity, in a fixed order: actors, their roles and ties, articles, events."""
    by_actor = {actor.id: actor_entity(actor) for actor in briefing.actors}
    found = list(by_actor.values())
    for actor in briefing.actors:
        for number, role in enumerate(actor.roles, start=1):
            found += role_entities(actor, role, number, by_actor)
        found += affiliation_entities(actor, by_actor)
    for article in briefing.articles:
        found += article_entities(article, by_actor)
        found += [event_entity(e, n, by_actor) for n, e in enumerate(article.events, start=1)]
    # A Position shared by several holders is made once per holder: keep the first.
    unique: dict[str, EntityProxy] = {}
    for proxy in found:
        unique.setdefault(proxy.id, proxy)
    return list(unique.values())


def jsonl(found: list[EntityProxy]) -> str:
    """Entities as line-delimited JSON (json.dumps, keys sorted: the same bytes on every build)."""
    return "".join(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n" for e in found)


def schemata(found: list[EntityProxy]) -> dict[str, int]:
    """How many entities of each FtM schema (for the Data page)."""
    counts: dict[str, int] = {}
    for proxy in found:
        counts[proxy.schema.name] = counts.get(proxy.schema.name, 0) + 1
    return dict(sorted(counts.items()))
