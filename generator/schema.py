"""The shapes of every seed file, declared once.

Each shape is a list of fields; each field has a kind, a flag saying whether
it is required, and a one-line doc.  The loader validates against these
declarations, `briefing new` writes commented starter files from them, and
`json_schema()` turns them into JSON Schema for editors.  Nothing else in the
package spells out field names of the input format.

Seed layout (one file per thing that becomes a page, named by its id):

    seeds/briefing.yaml            BRIEFING
    seeds/articles/<id>.yaml       ARTICLE
    seeds/actors/<id>.yaml         ACTOR
    seeds/glossary/<id>.yaml       TERM
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

# Ids become file names and URLs: lowercase ASCII words joined by hyphens.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
ID_MAX_LENGTH = 80

# The EDTF (ISO 8601-2) forms seeds use: a partial date, perhaps with ~ ? or %; an
# interval of two; an interval open at one end (dates.parse_date reads them).
PARTIAL_DATE = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
DATE_PATTERN = rf"^(?:{PARTIAL_DATE}[~?%]?|{PARTIAL_DATE}/{PARTIAL_DATE}|{PARTIAL_DATE}/\.\.|\.\./{PARTIAL_DATE})$"

FieldPath = tuple[Any, ...]  # where a value is in a seed file: ("quotes", 2, "speaker")


def field_path(path: FieldPath) -> str:
    """("quotes", 2, "speaker") -> quotes[2].speaker"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def valid_id(text: str) -> bool:
    """True for ids that are safe as file names and URLs."""
    return bool(ID_RE.match(text)) and len(text) <= ID_MAX_LENGTH


ID_RULE = "use lowercase letters, digits and single hyphens (e.g. viktor-ivanov)"

# Device names Windows will not create a file under, whatever the case or extension
# ("con.md", "NUL.yaml", "com1"): a checkout holding one fails there.  Windows also
# drops trailing dots and spaces, so "con." and "con " are the same name.
_WINDOWS_DEVICE = re.compile(r"(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])", re.I)
WINDOWS_RULE = "CON, PRN, AUX, NUL, COM0-9 and LPT0-9 are device names on Windows, where such a file cannot be checked out"


def windows_reserved(name: str) -> bool:
    """True when Windows reserves `name` (a file name or id) for a device: con, Aux.txt, com1 …"""
    stem = name.rstrip(". ").split(".")[0].rstrip(" ")
    return bool(_WINDOWS_DEVICE.fullmatch(stem))


class Form(enum.Enum):
    """The forms a field's value can take (the JSON Schema and the checker follow them)."""

    TEXT = "text"
    PROSE = "prose"  # text in our own words: linked, checked against the sources
    URL = "url"
    BOOL = "bool"
    COUNT = "count"  # a whole number, 1 or more
    ENUM = "enum"
    DATE = "date"  # a date string, or a DATE_DETAIL mapping
    DATE_STRING = "datestring"  # a date string only
    REF = "ref"  # an id that must exist in a registry
    TAG = "tag"
    LIST = "list"
    OBJECT = "object"


@dataclass(frozen=True)
class Kind:
    """What a field holds: its form, and what that form needs.

    `ref` names the registry an id must exist in (actor, term, article,
    issue); `types`, for an actor reference, the actor types it accepts (any
    when empty); `values` lists an enum's allowed values; `item` is the kind of a
    list's items; `shape` is an object's shape.
    """

    form: Form
    ref: str = ""
    types: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    item: "Kind | None" = None
    shape: "Shape | None" = None

    def items(self) -> "Kind":
        """The kind of a list's items."""
        if self.item is None:
            raise TypeError(f"a {self.form.value} kind has no items")
        return self.item

    def fields(self) -> "Shape":
        """The shape of an object."""
        if self.shape is None:
            raise TypeError(f"a {self.form.value} kind has no shape")
        return self.shape


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its name, kind, whether required, and a doc line."""

    name: str
    kind: Kind
    doc: str
    required: bool = False


@dataclass(frozen=True)
class Shape:
    """A mapping with a fixed set of keys; `old_form` explains it to a file that gives plain text."""

    name: str
    doc: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    old_form: str = ""

    def get(self, key: str) -> Field | None:
        """The field called `key`, or None."""
        for f in self.fields:
            if f.name == key:
                return f
        return None


TEXT = Kind(Form.TEXT)
PROSE = Kind(Form.PROSE)
URL = Kind(Form.URL)
BOOL = Kind(Form.BOOL)
COUNT = Kind(Form.COUNT)
DATE = Kind(Form.DATE)
DATE_STRING = Kind(Form.DATE_STRING)
TAG = Kind(Form.TAG)


def enum(*values: str) -> Kind:
    """A text field limited to `values`."""
    return Kind(Form.ENUM, values=values)


def ref(registry: str, *types: str) -> Kind:
    """An id that must exist in `registry` (actor, term, article or issue); for actors, of one of `types` if given."""
    return Kind(Form.REF, ref=registry, types=types)


def list_of(item: Kind) -> Kind:
    """A list whose items are all of kind `item`."""
    return Kind(Form.LIST, item=item)


def obj(shape: Shape) -> Kind:
    """A nested mapping of shape `shape`."""
    return Kind(Form.OBJECT, shape=shape)


ACTOR_TYPES = (
    "person", "organisation", "state", "region", "city",
    "outlet", "programme", "group",
)
ARTICLE_KINDS = ("report", "analysis", "interview", "news", "opinion")
DATE_QUALIFIERS = ("about", "early", "mid", "late", "before", "after", "since", "by")
LEANINGS = ("supports", "opposes", "mixed", "neutral")

DATE_DETAIL = Shape("date", "A date with its precision and how sure it is.", (
    Field("on", DATE_STRING, "An EDTF date: YYYY, YYYY-MM or YYYY-MM-DD; a range A/B; open ranges 2014/.. (since) and ../2018-02 (by); 2010-11~ (about), 2012? (perhaps).", True),
    Field("qualifier", enum(*DATE_QUALIFIERS), "How the date is hedged: early, late, since, about …"),
    Field("inferred", BOOL, "True when the text does not print the date and we worked it out."),
    Field("note", TEXT, "How the date was inferred, or what is uncertain about it."),
))

SOURCE = Shape("source", "Where the article comes from.", (
    Field("outlet", ref("actor", "outlet"), "The publishing outlet (an actor of type outlet).", True),
    Field("publication", TEXT, "Series, issue or reprint details, as printed."),
    Field("headline", TEXT, "The headline as printed.", True),
    Field("author", TEXT, "The author's name, when the text names one."),
    Field("author_note", TEXT, "Why the author is unknown, or the byline as printed."),
    Field("url", URL, "The article's address, if known (http or https)."),
    Field("date", DATE, "Publication date: a date, or a mapping with on/qualifier/inferred/note.", True),
    Field("kind", enum(*ARTICLE_KINDS), "What sort of piece it is.", True),
))

ARTICLE_ACTOR = Shape("article actor", "An actor involved in the article.", (
    Field("actor", ref("actor"), "The actor's id.", True),
    Field("role", PROSE, "What the actor does or is in this article, in our words.", True),
))

QUOTE = Shape("quote", "A direct quotation, exact to the character.", (
    Field("text", TEXT, "The exact words; mark omissions with …", True),
    Field("speaker", ref("actor"), "Who said or wrote it.", True),
    Field("context", PROSE, "When, where and about what it was said, in our words.", True),
    Field("date", DATE, "When it was said, if the article tells."),
))

STANCE = Shape("stance", "A position the article attributes to an actor.", (
    Field("actor", ref("actor"), "Whose position it is.", True),
    Field("issue", ref("issue"), "The issue (declared in briefing.yaml).", True),
    Field("leaning", enum(*LEANINGS), "For the stance matrix: supports, opposes, mixed or neutral.", True),
    Field("position", PROSE, "The position, in our words.", True),
    Field("evidence", PROSE, "What in the article shows it (a quote, an act), in our words.", True),
))

EVENT = Shape("event", "Something that happened, with a date.", (
    Field("date", DATE, "When: a date, or a mapping with on/qualifier/inferred/note.", True),
    Field("what", PROSE, "What happened, in our words.", True),
    Field("actors", list_of(ref("actor")), "Who took part."),
    Field("where", list_of(ref("actor", "state", "region", "city")), "Places (actors of type state, region or city)."),
))

FIGURE = Shape("figure", "A number the article gives.", (
    Field("value", TEXT, "The number as the article gives it, e.g. 2.5 million.", True),
    Field("measures", PROSE, "What the number counts or measures.", True),
    Field("source", ref("actor"), "Who the article attributes the number to."),
    Field("date", DATE, "When the number applies, if the article tells."),
))

ARTICLE = Shape("article", "One source article, summarised and annotated.", (
    Field("source", obj(SOURCE), "Where the article comes from.", True),
    Field("summary", PROSE, "What the article says, in our own words.", True),
    Field("key_points", list_of(PROSE), "The main points, one sentence each.", True),
    Field("actors", list_of(obj(ARTICLE_ACTOR)), "Actors involved, with their role here.", True),
    Field("quotes", list_of(obj(QUOTE)), "Direct quotations that carry a position."),
    Field("stances", list_of(obj(STANCE)), "Positions the article attributes to actors."),
    Field("events", list_of(obj(EVENT)), "Dated or datable events."),
    Field("figures", list_of(obj(FIGURE)), "Numbers and what they measure."),
    Field("terms", list_of(ref("term")), "Glossary terms the article uses."),
    Field("themes", list_of(TAG), "Themes, as lowercase-hyphenated tags."),
))

AFFILIATION = Shape("affiliation", "A lasting tie to another actor.", (
    Field("actor", ref("actor"), "The other actor.", True),
    Field("relation", TEXT, "The tie: member of, part of, agency of …", True),
    Field("from", DATE, "Since when, if known."),
    Field("to", DATE, "Until when, if known."),
))

ROLE = Shape("role", "A role held for a span of time.", (
    Field("title", TEXT, "The role, e.g. Prime Minister.", True),
    Field("of", ref("actor"), "The body or state the role is in."),
    Field("from", DATE, "Start, as precisely as known."),
    Field("to", DATE, "End, as precisely as known."),
    Field("as_of", ref("article"), "The article that gives the role (one; `evidence` may list several)."),
    Field("evidence", list_of(ref("article")), "Every article that shows the actor in this role; the page shows the earliest and latest."),
))

ACTOR = Shape("actor", "A person, organisation, state, place, outlet or programme.", (
    Field("name", TEXT, "The name used in headings and links.", True),
    Field("type", enum(*ACTOR_TYPES), "What sort of actor.", True),
    Field("aliases", list_of(TEXT), "Other names and spellings that refer to this actor."),
    Field("metonyms", list_of(TEXT), "Names that stand for this actor as a figure of speech (a capital for its state): "
          "a city actor may claim the same name, and then prose must say which is meant with [Name](@id)."),
    Field("description", PROSE, "Who or what this is, in our words.", True),
    Field("affiliations", list_of(obj(AFFILIATION)), "Memberships and other ties."),
    Field("roles", list_of(obj(ROLE)), "Roles over time."),
))

TERM = Shape("term", "A glossary term.", (
    Field("term", TEXT, "The term as it is written, e.g. CSTO.", True),
    Field("expansion", TEXT, "What an abbreviation stands for; shown as its tooltip."),
    Field("aliases", list_of(TEXT), "Other forms that mean the same (plurals, spellings)."),
    Field("definition", PROSE, "What it means, in our words, for a reader new to the region.", True),
    Field("actor", ref("actor"), "The actor this term names, if any: mentions then link to the actor."),
    Field("related_terms", list_of(ref("term")), "Other glossary terms to see."),
    Field("related_actors", list_of(ref("actor")), "Actors closely tied to the term."),
))

ISSUE = Shape("issue", "A policy question stances are taken on.", (
    Field("id", TAG, "Short id used by stances, e.g. poppy-eradication.", True),
    Field("title", TEXT, "The question, as a heading.", True),
    Field("description", PROSE, "What is at stake, in our words."),
))

EVIDENCE = Shape("evidence", "An article that supports a judgement, and where it helps one of its quotes.", (
    Field("article", ref("article"), "The article's id.", True),
    Field("quote", COUNT, "The number of the quote on the article's page (1 is its first quote)."),
))
JUDGEMENT = Shape("judgement", "A main conclusion and the evidence for it.", (
    Field("text", PROSE, "The judgement, in our words.", True),
    Field("evidence", list_of(obj(EVIDENCE)), "The articles (and quotes) that support it; at least one.", True),
), old_form="the old form; a judgement is now a mapping: move the text under 'text:' and list its"
   " evidence under 'evidence:' as '- article: ID' (add 'quote: N' where one quote carries it)")

# Past this many events (stances) in all, the timeline (the stance matrix) is an overview
# with a page per year (per issue), unless briefing.yaml says otherwise: at 10,000
# articles one page would hold 40,000 rows (16 MB), more than a browser shows comfortably
# and more than Zensical's search index accepts for one page.
SPLIT_AFTER = 1000
COUNT_MAX = 10**9  # more would never split; keeps the number a plain integer everywhere

SOURCES_DEFAULT = "sources"  # inside the project: an article and its text are two files to drop in

BRIEFING = Shape("briefing", "Site-level settings for the whole briefing.", (
    Field("title", TEXT, "The briefing's title.", True),
    Field("scope", PROSE, "What the briefing covers, in a paragraph.", True),
    Field("key_judgements", list_of(obj(JUDGEMENT)), "The briefing's main conclusions, each with its evidence.", True),
    Field("key_actors", list_of(ref("actor")), "Actors featured on the home page."),
    Field("issues", list_of(obj(ISSUE)), "Policy questions for stances and the stance matrix; add one here to use it in stances."),
    Field("sources", TEXT, f"The folder of plain-text source articles, from the project folder (default: {SOURCES_DEFAULT}); "
          "`briefing check` checks every quote against them."),
    Field("split_timeline_after", COUNT,
          f"Past this many events the timeline lists the years, each with a page (default {SPLIT_AFTER})."),
    Field("split_stances_after", COUNT,
          f"Past this many stances the stance matrix lists the issues, each with a page (default {SPLIT_AFTER})."),
))

# The longest text value a seed file may hold (the longest real one is about 1,400
# characters).  Python-Markdown's inline processing costs the square of a paragraph's
# length, so hostile text this long costs a tenth of a second to render, and a
# megabyte in one value would take hours.
MAX_TEXT_CHARS = 10_000

# Which shape each seed file has, by its place under seeds/.
SEED_SHAPES = {"briefing": BRIEFING, "article": ARTICLE, "actor": ACTOR, "term": TERM}


# --------------------------------------------------------------------------- walking seed data


def walk(shape: Shape, data: Any, form: Form, path: FieldPath = ()) -> Iterator[tuple[Kind, Any, FieldPath]]:
    """(kind, value, path) of every value of `form` in `data`, a mapping of `shape`.

    The one walker over seed data: references (Form.REF) for the cross-file
    checks, prose (Form.PROSE) for the source checks.  Values of the wrong
    type are passed over: the checker has reported them.
    """
    if not isinstance(data, dict):
        return
    for f in shape.fields:
        value = data.get(f.name)
        if value is not None and holds(f.kind, form):
            yield from _walk_kind(f.kind, value, form, path + (f.name,))


@functools.lru_cache(maxsize=None)
def holds(kind: Kind, form: Form) -> bool:
    """True when a value of `kind` is or can contain a value of `form`."""
    if kind.form is form:
        return True
    if kind.form is Form.LIST:
        return holds(kind.items(), form)
    if kind.form is Form.OBJECT:
        return any(holds(f.kind, form) for f in kind.fields().fields)
    return False


def _walk_kind(kind: Kind, value: Any, form: Form, path: FieldPath) -> Iterator[tuple[Kind, Any, FieldPath]]:
    if kind.form is form:
        yield kind, value, path
    elif kind.form is Form.LIST and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_kind(kind.items(), item, form, path + (index,))
    elif kind.form is Form.OBJECT:
        yield from walk(kind.fields(), value, form, path)

