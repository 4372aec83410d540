"""The briefing as one object graph: plain dataclasses, nothing else.

resolve.py builds it from checked seed files, mentions.py adds the backlinks,
and templates only read it.  Page addresses live here too: each object knows
its page, and FIXED_PAGES are the pages no seed names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import schema
from .dates import PartialDate, Point
from .markup import plain_mentions



@dataclass(eq=False)
class Issue:
    """A policy question that actors take stances on."""

    id: str
    title: str
    description: str
    stances: list["Stance"] = field(default_factory=list)


@dataclass
class Role:
    """A role an actor held, possibly bounded in time."""

    title: str
    of: "Actor | None"
    start: PartialDate | None
    end: PartialDate | None
    as_of: "Article | None"
    evidence: list["Article"] = field(default_factory=list)  # every article showing it, oldest first

    def attested(self) -> str:
        """When the evidence shows the role: "attested October 2010 to 2014, 3 articles" ("" for fewer than two)."""
        if len(self.evidence) < 2:
            return ""
        # To the month: the evidence is when articles appeared, not when the post began or ended.
        first, last = (Point(d.start.year, d.start.month).text() for d in (self.evidence[0].date, self.evidence[-1].date))
        span = first if first == last else f"{first} to {last}"
        return f"attested {span}, {len(self.evidence)} articles"


@dataclass
class Affiliation:
    """A tie from one actor (`member`) to another (`actor`)."""

    member: "Actor"
    actor: "Actor"
    relation: str
    start: PartialDate | None
    end: PartialDate | None


@dataclass
class Appearance:
    """An actor's part in one article."""

    article: "Article"
    actor: "Actor"
    role: str


@dataclass
class Quote:
    """Exact words, their speaker and where they were reported."""

    article: "Article"
    number: int
    text: str
    speaker: "Actor"
    context: str
    date: PartialDate | None

    @property
    def when(self) -> PartialDate:
        """The date it was said, or failing that the article's date."""
        return self.date or self.article.date

    @property
    def anchor(self) -> str:
        """The quote's anchor on its article page."""
        return f"quote-{self.number}"


@dataclass
class Stance:
    """A position an article attributes to an actor on an issue."""

    article: "Article"
    actor: "Actor"
    issue: Issue
    leaning: str
    position: str
    evidence: str


@dataclass
class Event:
    """Something that happened, as an article reports it."""

    article: "Article"
    date: PartialDate
    what: str
    actors: list["Actor"]
    where: list["Actor"]


@dataclass
class Figure:
    """A number an article gives, and what it measures."""

    article: "Article"
    value: str
    measures: str
    source: "Actor | None"
    date: PartialDate | None


@dataclass
class Mention:
    """A backlink: a page whose prose names an actor or term, with the sentence."""

    page: str
    title: str
    sentence: str
    anchor: str = ""  # where on `page` the sentence stands (a section or quote), if not at the top

    @property
    def target(self) -> str:
        """The page, at the place where the sentence stands."""
        return f"{self.page.partition('#')[0]}#{self.anchor}" if self.anchor else self.page


@dataclass(eq=False, repr=False)
class Actor:
    """A person, organisation, state, place, outlet or programme."""

    id: str
    name: str
    type: str
    aliases: list[str]
    description: str
    source_path: str
    affiliations: list[Affiliation] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    members: list[Affiliation] = field(default_factory=list)
    appearances: list[Appearance] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    published: list["Article"] = field(default_factory=list)
    co_actors: list[tuple["Actor", int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    mentions_omitted: int = 0  # sentences left out beyond MAX_MENTIONS
    metonyms: list[str] = field(default_factory=list)  # names it has as a figure of speech ("Washington")
    short: str = ""  # the glossary term that names this actor, when it differs from the name (CSTO)

    @property
    def label(self) -> str:
        """The one name of the actor in lists, with its short form beside it where it has one:
        'Collective Security Treaty Organization (CSTO)'."""
        return f"{self.name} ({self.short})" if self.short else self.name

    def __repr__(self) -> str:  # the object graph is cyclic and large: name it, do not print it
        return f"Actor({self.id!r})"

    @property
    def page(self) -> str:
        """The actor's page, relative to docs/."""
        return f"actors/{self.id}.md"

    @property
    def names(self) -> list[str]:
        """Every name this actor is known by."""
        return [self.name, *self.aliases]


@dataclass(eq=False, repr=False)
class Term:
    """A glossary term."""

    id: str
    term: str
    expansion: str
    aliases: list[str]
    definition: str
    actor: Actor | None
    source_path: str
    related_terms: list["Term"] = field(default_factory=list)
    related_actors: list[Actor] = field(default_factory=list)
    articles: list["Article"] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    mentions_omitted: int = 0  # sentences left out beyond MAX_MENTIONS

    def __repr__(self) -> str:  # the object graph is cyclic and large: name it, do not print it
        return f"Term({self.id!r})"

    @property
    def page(self) -> str:
        """The term's entry, relative to docs/."""
        return f"glossary.md#{self.id}"

    @property
    def tooltip(self) -> str:
        """Hover text: the expansion, or the definition's first sentence."""
        if self.expansion:
            return self.expansion
        first = re.split(r"(?<=[.!?])\s", plain_mentions(self.definition).strip(), maxsplit=1)[0]
        return " ".join(first.split())


@dataclass(eq=False, repr=False)
class Article:
    """One source article with its annotations."""

    id: str
    source_path: str
    outlet: Actor
    publication: str
    headline: str
    author: str
    author_note: str
    url: str
    date: PartialDate
    kind: str
    summary: str
    key_points: list[str]
    themes: list[str]
    appearances: list[Appearance] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    related: list[tuple["Article", list[str]]] = field(default_factory=list)

    def __repr__(self) -> str:  # the object graph is cyclic and large: name it, do not print it
        return f"Article({self.id!r})"

    @property
    def page(self) -> str:
        """The article's page, relative to docs/."""
        return f"articles/{self.id}.md"


@dataclass
class Evidence:
    """What supports a key judgement: an article, and one of its quotes where one carries it."""

    article: Article
    quote: Quote | None


@dataclass
class Judgement:
    """One of the briefing's main conclusions, with the evidence it cites."""

    text: str
    evidence: list[Evidence]


@dataclass(repr=False)
class Briefing:
    """Everything the pages are rendered from."""

    title: str
    scope: str
    key_judgements: list[Judgement]
    key_actors: list[Actor]
    issues: list[Issue]
    articles: list[Article]
    actors: list[Actor]
    terms: list[Term]
    # Past these many events / stances, the timeline / stance matrix is split (schema.SPLIT_AFTER).
    split_timeline_after: int = schema.SPLIT_AFTER
    split_stances_after: int = schema.SPLIT_AFTER
    sources: str = schema.SOURCES_DEFAULT  # the folder of source texts, from the project folder

    def __repr__(self) -> str:
        return f"Briefing({self.title!r}, {len(self.articles)} articles)"

    def actors_by_type(self) -> list[tuple[str, list[Actor]]]:
        """Actors grouped by type, in the schema's order of types."""
        groups = [(t, [a for a in self.actors if a.type == t]) for t in schema.ACTOR_TYPES]
        return [(t, members) for t, members in groups if members]

    def years(self) -> tuple[int, int] | None:
        """The first and last year an article was published in (None without articles)."""
        years = [a.date.year for a in self.articles]
        return (min(years), max(years)) if years else None

    def outlets(self) -> list[Actor]:
        """The outlets that published the articles, by name."""
        return sorted({a.outlet for a in self.articles}, key=lambda o: (o.name.casefold(), o.id))

    def events(self) -> list[Event]:
        """Every event of every article, in date order."""
        return sorted(
            (e for a in self.articles for e in a.events),
            key=lambda e: (e.date.order_key, e.article.id),
        )


# The pages every briefing has, whatever its seeds (render.py writes each); the
# timeline, which may be split into a page per year, is timeline_page(None).
FIXED_PAGES = ("index.md", "articles/index.md", "actors/index.md", "glossary.md", "stances.md", "network.md")


def timeline_page(year: int | None) -> str:
    """The page of one year of the timeline, or the timeline itself."""
    return "timeline.md" if year is None else f"timeline/{year}.md"


def built_as(page: str) -> str:
    """Where MkDocs (with directory URLs) builds a page: 'actors/x.md' -> 'actors/x/', 'stances/index.md' -> 'stances/'."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def fixed_pages() -> list[str]:
    """Every page whose path comes from no seed: no id's page may be built to the same place."""
    return [*FIXED_PAGES, timeline_page(None)]

