"""Resolve checked seed files into one Briefing: every reference becomes an object.

Two checks need the whole set of files and so live here rather than in the
loader: that every id a file refers to exists (with a "did you mean"), and
that no name or alias is claimed twice.  After them, building is plain
bookkeeping: each actor gathers its appearances, quotes, stances and events
from every article, and the reverse ties (members of an organisation, actors
seen together, related articles) are derived once, here, so templates only
read.
"""

from __future__ import annotations

import functools
import itertools
import posixpath
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from . import link, parallel, schema
from .dates import PartialDate, parse_date
from .diagnostics import BuildError, Diagnostic, closest, hint
from .schema import WINDOWS_RULE, FieldPath, windows_reserved
from .seedfile import SeedFile


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


@dataclass(eq=False)
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

    @property
    def page(self) -> str:
        """The actor's page, relative to docs/."""
        return f"actors/{self.id}.md"

    @property
    def names(self) -> list[str]:
        """Every name this actor is known by."""
        return [self.name, *self.aliases]


@dataclass(eq=False)
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

    @property
    def page(self) -> str:
        """The term's entry, relative to docs/."""
        return f"glossary.md#{self.id}"

    @property
    def tooltip(self) -> str:
        """Hover text: the expansion, or the definition's first sentence."""
        if self.expansion:
            return self.expansion
        first = re.split(r"(?<=[.!?])\s", self.definition.strip(), maxsplit=1)[0]
        return " ".join(first.split())


@dataclass(eq=False)
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

    @property
    def page(self) -> str:
        """The article's page, relative to docs/."""
        return f"articles/{self.id}.md"


@dataclass
class Briefing:
    """Everything the pages are rendered from."""

    title: str
    scope: str
    key_judgements: list[str]
    key_actors: list[Actor]
    issues: list[Issue]
    articles: list[Article]
    actors: list[Actor]
    terms: list[Term]
    # Past these many events / stances, the timeline / stance matrix is split (schema.SPLIT_AFTER).
    split_timeline_after: int = schema.SPLIT_AFTER
    split_stances_after: int = schema.SPLIT_AFTER

    def actors_by_type(self) -> list[tuple[str, list[Actor]]]:
        """Actors grouped by type, in the schema's order of types."""
        groups = [(t, [a for a in self.actors if a.type == t]) for t in schema.ACTOR_TYPES]
        return [(t, members) for t, members in groups if members]

    def events(self) -> list[Event]:
        """Every event of every article, in date order."""
        return sorted(
            (e for a in self.articles for e in a.events),
            key=lambda e: (e.date.sort_key, e.article.id),
        )


# --------------------------------------------------------------------------- checks


def iter_refs(shape: schema.Shape, data: Any, path: FieldPath = ()) -> Iterator[tuple[str, str, FieldPath]]:
    """(registry, id, path) for every reference in `data`, walking the schema."""
    if not isinstance(data, dict):
        return
    for f in shape.fields:
        if data.get(f.name) is not None and _holds_refs(f.kind):
            yield from _kind_refs(f.kind, data[f.name], path + (f.name,))


@functools.lru_cache(maxsize=None)
def _holds_refs(kind: schema.Kind) -> bool:
    """True when a value of `kind` can contain a reference (prose and lists of it cannot)."""
    if kind.name == "ref":
        return True
    if kind.name == "list" and kind.item is not None:
        return _holds_refs(kind.item)
    if kind.name == "object" and kind.shape is not None:
        return any(_holds_refs(f.kind) for f in kind.shape.fields)
    return False


def _kind_refs(kind: schema.Kind, value: Any, path: FieldPath) -> Iterator[tuple[str, str, FieldPath]]:
    if kind.name == "ref":
        yield kind.ref, value, path
    elif kind.name == "list" and kind.item is not None:
        for index, item in enumerate(value):
            yield from _kind_refs(kind.item, item, path + (index,))
    elif kind.name == "object" and kind.shape is not None:
        yield from iter_refs(kind.shape, value, path)


def slug(text: str) -> str:
    """A name as an id would spell it: 'Viktor Ivanov' -> 'viktor-ivanov'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Registry:
    """Known ids of one kind, with their names for "did you mean"."""

    def __init__(self, label: str):
        self.label = label
        self.ids: set[str] = set()
        self.by_name: dict[str, str] = {}

    def add(self, id_: str, names: list[str]) -> None:
        self.ids.add(id_)
        for name in names:
            self.by_name.setdefault(slug(name), id_)

    def unknown(self, id_: str) -> str:
        """The message for an id not in the registry, with the likeliest id meant."""
        guess = closest(id_, sorted(self.ids))
        if guess is None:
            # 'ivanov-v' is far from 'viktor-ivanov' but close to the alias 'Ivanov'.
            by_name = closest(id_, sorted(self.by_name))
            guess = self.by_name[by_name] if by_name else None
        return f"unknown {self.label} '{id_}'{hint(guess)}"


def _registries(files: list[SeedFile]) -> dict[str, _Registry]:
    regs = {name: _Registry(name) for name in ("actor", "term", "article", "issue")}
    for seed in files:
        if seed.kind == "actor":
            regs["actor"].add(seed.id, [seed.data["name"], *(seed.data.get("aliases") or [])])
        elif seed.kind == "term":
            regs["term"].add(seed.id, [seed.data["term"], *(seed.data.get("aliases") or [])])
        elif seed.kind == "article":
            regs["article"].add(seed.id, [])
        elif seed.kind == "briefing":
            for issue in seed.data.get("issues") or []:
                regs["issue"].add(issue["id"], [issue["title"]])
    return regs


def check_references(files: list[SeedFile]) -> list[Diagnostic]:
    """Every id that a file refers to must exist."""
    regs = _registries(files)
    problems = []
    for seed in files:
        for registry, id_, path in iter_refs(schema.SEED_SHAPES[seed.kind], seed.data):
            if id_ not in regs[registry].ids:
                problems.append(seed.error(path, regs[registry].unknown(id_)))
    return problems


def check_names(files: list[SeedFile]) -> list[Diagnostic]:
    """No name or alias may stand for two things (compared as name_key() does).

    A term may share its name with the actor it declares as `actor:`: that is
    how a term such as CSTO points at the organisation's page.
    """
    owners: dict[str, tuple[SeedFile, str, str, FieldPath]] = {}
    problems = []
    for seed, owner, name, path in _all_names(files):
        key = name_key(name)
        if key not in owners:
            owners[key] = (seed, owner, name, path)
            continue
        first_seed, first_owner, first_name, first_path = owners[key]
        if first_owner == owner or _term_names_its_actor(seed, first_owner) or _term_names_its_actor(first_seed, owner):
            continue
        line, _ = first_seed.where(first_path)
        # Names that differ in their characters but not to the eye: say so, or the message looks wrong.
        lookalike = "; the two differ only in Unicode characters that look alike" if _plain_key(name) != _plain_key(first_name) else ""
        problems.append(seed.error(path, f"'{name}' is already a name of {first_owner} ({first_seed.path}:{line}{lookalike})"))
    return problems


def name_key(name: str) -> str:
    """What two names must not share: the name in NFKC form, case-folded, white space collapsed.

    NFKC rather than NFC: besides composed and decomposed accents ("Café" typed
    two ways), it also equates compatibility forms that render alike, such as
    fullwidth letters ("ＮＡＴＯ"), ligatures ("ﬁ") and superscript digits; no two
    real names differ only in those.  Normalising again after case folding
    follows Unicode's compatibility caseless match (folding can undo normalisation).
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def _plain_key(name: str) -> str:
    """The comparison before Unicode normalisation: case-folded, white space collapsed."""
    return " ".join(name.casefold().split())


def _all_names(files: list[SeedFile]) -> Iterator[tuple[SeedFile, str, str, FieldPath]]:
    for seed in files:
        if seed.kind == "actor":
            yield seed, f"actor '{seed.id}'", seed.data["name"], ("name",)
        elif seed.kind == "term":
            yield seed, f"term '{seed.id}'", seed.data["term"], ("term",)
        else:
            continue
        for index, alias in enumerate(seed.data.get("aliases") or []):
            yield seed, f"{seed.kind} '{seed.id}'", alias, ("aliases", index)


def _term_names_its_actor(seed: SeedFile, other_owner: str) -> bool:
    return seed.kind == "term" and other_owner == f"actor '{seed.data.get('actor')}'"


def check_page_ids(files: list[SeedFile]) -> list[Diagnostic]:
    """No id may give a page that MkDocs builds where a fixed page goes.

    An actor `index` would overwrite docs/actors/index.md, and an issue `index`
    (docs/stances/index.md once stances are split) is built to the same
    stances/index.html as stances.md.  Issue ids, which name a page but no
    file, are also held to the Windows device-name rule that the loader
    applies to file names.
    """
    from .render import fixed_pages  # here, not at the top: render imports this module

    fixed = {built_as(page): page for page in fixed_pages()}
    problems = []
    for seed in files:
        if seed.kind in ("article", "actor"):
            page = f"{_PAGE_FOLDERS[seed.kind]}/{seed.id}.md"
            clash = fixed.get(built_as(page))
            if clash:
                name = posixpath.basename(seed.path)
                problems.append(Diagnostic(seed.path, 1, 1, "", f"file name '{name}' is reserved: {_taken(page, clash)}"))
        elif seed.kind == "briefing":
            for index, issue in enumerate(seed.data.get("issues") or []):
                page = f"stances/{issue['id']}.md"  # when stances are split (Renderer.issue_page)
                clash = fixed.get(built_as(page))
                if clash:
                    problems.append(seed.error(("issues", index, "id"), f"'{issue['id']}' is reserved: {_taken(page, clash)}"))
                elif windows_reserved(issue["id"]):
                    problems.append(seed.error(("issues", index, "id"), f"'{issue['id']}' is reserved: {WINDOWS_RULE}"))
    return problems


# Where the pages of seed files go (Article.page, Actor.page); terms share glossary.md.
_PAGE_FOLDERS = {"article": "articles", "actor": "actors"}


def built_as(page: str) -> str:
    """Where MkDocs (with directory URLs) builds a page: 'actors/x.md' -> 'actors/x/', 'stances/index.md' -> 'stances/'."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def _taken(page: str, fixed: str) -> str:
    """Why `page` cannot be: it is, or is built to the same place as, the fixed page `fixed`."""
    if page == fixed:
        return f"its page would replace the generated page docs/{fixed}"
    return f"its page docs/{page} would be built to the same place as the generated page docs/{fixed}"


def check_issue_ids(files: list[SeedFile]) -> list[Diagnostic]:
    """Issue ids in briefing.yaml are unique."""
    problems = []
    for seed in files:
        if seed.kind != "briefing":
            continue
        seen: dict[str, int] = {}
        for index, issue in enumerate(seed.data.get("issues") or []):
            if issue["id"] in seen:
                line, _ = seed.where(("issues", seen[issue["id"]], "id"))
                problems.append(seed.error(("issues", index, "id"), f"duplicate issue id '{issue['id']}' (first at line {line})"))
            seen.setdefault(issue["id"], index)
    return problems


# --------------------------------------------------------------------------- building


def to_date(value: Any) -> PartialDate | None:
    """A checked date value (string or mapping) as a PartialDate."""
    if value is None:
        return None
    if isinstance(value, str):
        return PartialDate(*parse_date(value))
    start, end = parse_date(value["on"])
    return PartialDate(
        start, end,
        qualifier=value.get("qualifier") or "",
        inferred=value.get("inferred") in ("true", "True", "TRUE"),
        note=value.get("note") or "",
    )


def build(files: list[SeedFile]) -> Briefing:
    """Check cross-file rules and resolve every reference; raise BuildError on errors."""
    problems = check_references(files) + check_names(files) + check_issue_ids(files) + check_page_ids(files)
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
        key_judgements=settings["key_judgements"],
        key_actors=[actors[i] for i in settings.get("key_actors") or []],
        issues=list(issues.values()),
        articles=sorted(articles.values(), key=lambda a: (a.date.sort_key, a.id), reverse=True),
        actors=sorted(actors.values(), key=lambda a: (a.name.casefold(), a.id)),
        terms=sorted(terms.values(), key=lambda t: (t.term.casefold(), t.id)),
        split_timeline_after=int(settings.get("split_timeline_after") or schema.SPLIT_AFTER),
        split_stances_after=int(settings.get("split_stances_after") or schema.SPLIT_AFTER),
    )


def _actor(seed: SeedFile) -> Actor:
    d = seed.data
    return Actor(seed.id, d["name"], d["type"], d.get("aliases") or [], d["description"], seed.path)


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
        actor.roles.append(Role(
            r["title"], actors.get(r.get("of") or ""), to_date(r.get("from")),
            to_date(r.get("to")), articles.get(r.get("as_of") or ""),
        ))
    actor.roles.sort(key=lambda r: (r.start.sort_key if r.start else (0, 0, 0)))


def _link_term(seed: SeedFile, terms: dict[str, Term], actors: dict[str, Actor]) -> None:
    term = terms[seed.id]
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
        actor.events.sort(key=lambda e: (e.date.sort_key, e.article.id))
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
    """What two articles can have in common: actor names and glossary terms."""
    return {a.actor.name for a in article.appearances} | {t.term for t in article.terms}


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


# --------------------------------------------------------------------------- backlinks

MAX_SENTENCES_PER_PAGE = 3
# Pages list at most this many sentences that name an actor or term (the newest
# articles' first) and this many actors seen together: in a briefing of
# thousands of articles an actor such as Russia is named in most of them.
MAX_MENTIONS = 100
MAX_CO_ACTORS = 100


def article_prose(article: Article) -> Iterator[str]:
    """Every block of our own prose in an article's annotations."""
    yield article.summary
    yield from article.key_points
    yield from (a.role for a in article.appearances)
    yield from (q.context for q in article.quotes)
    for s in article.stances:
        yield s.position
        yield s.evidence
    yield from (e.what for e in article.events)
    yield from (f.measures for f in article.figures)


def attach_mentions(briefing: Briefing) -> None:
    """Give every actor and term the sentences, on other pages, that name it."""
    matcher = link.briefing_matcher(briefing)
    owners: dict[str, Actor | Term] = {}
    for actor in briefing.actors:
        owners[link.actor_target(actor).key] = actor
    for term in briefing.terms:
        owners.setdefault(link.term_target(term).key, term)
    sources: list[tuple[str, str, list[str]]] = [
        (a.page, a.headline, list(article_prose(a))) for a in briefing.articles
    ]
    sources += [(a.page, a.name, [a.description]) for a in briefing.actors]
    sources += [(t.page, t.term, [t.definition]) for t in briefing.terms]
    # Finding the names is the costly part and each page is independent: on two
    # cores a forked helper does every other page.  Targets travel as numbers.
    keys = list(owners)
    numbers = {key: number for number, key in enumerate(keys)}
    found = parallel.run_all(lambda source: _names_in_blocks(matcher, numbers, source[2]), sources)
    for (page, title, blocks), per_block in zip(sources, found):
        per_target: Counter[str] = Counter()
        for block, named_here in zip(blocks, per_block):
            parts = link.sentences(block) if named_here else []
            for index, named in named_here:
                for key in (keys[number] for number in named):
                    _mention(owners[key], key, Mention(page, title, parts[index]), per_target)


def _names_in_blocks(matcher: link.Matcher, numbers: dict[str, int], blocks: list[str]) -> list[list[tuple[int, list[int]]]]:
    """For each block: (sentence index, numbers of the targets it names) per naming sentence."""
    return [
        [(index, [numbers[t.key] for t in named]) for index, named in link.names_per_sentence(matcher, block)]
        for block in blocks
    ]


def _mention(owner: Actor | Term, key: str, mention: Mention, per_target: Counter[str]) -> None:
    """Give `owner` the mention, unless it is on its own page or over a cap."""
    if owner.page == mention.page or per_target[key] >= MAX_SENTENCES_PER_PAGE:
        return
    if len(owner.mentions) >= MAX_MENTIONS:
        owner.mentions_omitted += 1
        return
    per_target[key] += 1
    owner.mentions.append(mention)
