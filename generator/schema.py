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

import re
from dataclasses import dataclass, field
from typing import Any

# Ids become file names and URLs: lowercase ASCII words joined by hyphens.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
ID_MAX_LENGTH = 80

# A partial ISO date, or an ISO 8601 interval of two partial dates.
PARTIAL_DATE = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
DATE_PATTERN = rf"^{PARTIAL_DATE}(?:/{PARTIAL_DATE})?$"


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


@dataclass(frozen=True)
class Kind:
    """What a field holds.

    `name` is one of: text, prose, url, bool, count, enum, date, datestring,
    ref, tag, list, object (count: a whole number, 1 or more).  `ref` names the registry an id must exist in (actor, term,
    article, issue); `values` lists an enum's allowed values; `item` is the
    kind of a list's items; `shape` is an object's shape.
    """

    name: str
    ref: str = ""
    values: tuple[str, ...] = ()
    item: "Kind | None" = None
    shape: "Shape | None" = None


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its name, kind, whether required, and a doc line."""

    name: str
    kind: Kind
    doc: str
    required: bool = False


@dataclass(frozen=True)
class Shape:
    """A mapping with a fixed set of keys."""

    name: str
    doc: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def get(self, key: str) -> Field | None:
        """The field called `key`, or None."""
        for f in self.fields:
            if f.name == key:
                return f
        return None


TEXT = Kind("text")
PROSE = Kind("prose")
URL = Kind("url")
BOOL = Kind("bool")
COUNT = Kind("count")
DATE = Kind("date")            # a date string, or a DATE_DETAIL mapping
DATE_STRING = Kind("datestring")  # a date string only
TAG = Kind("tag")


def enum(*values: str) -> Kind:
    """A text field limited to `values`."""
    return Kind("enum", values=values)


def ref(registry: str) -> Kind:
    """An id that must exist in `registry` (actor, term, article or issue)."""
    return Kind("ref", ref=registry)


def list_of(item: Kind) -> Kind:
    """A list whose items are all of kind `item`."""
    return Kind("list", item=item)


def obj(shape: Shape) -> Kind:
    """A nested mapping of shape `shape`."""
    return Kind("object", shape=shape)


ACTOR_TYPES = (
    "person", "organisation", "state", "region", "city",
    "outlet", "programme", "group",
)
ARTICLE_KINDS = ("report", "analysis", "interview", "news", "opinion")
DATE_QUALIFIERS = ("about", "early", "mid", "late", "before", "after", "since", "by")
LEANINGS = ("supports", "opposes", "mixed", "neutral")

DATE_DETAIL = Shape("date", "A date with its precision and how sure it is.", (
    Field("on", DATE_STRING, "YYYY, YYYY-MM or YYYY-MM-DD, or a range A/B of those.", True),
    Field("qualifier", enum(*DATE_QUALIFIERS), "How the date is hedged: early, late, since, about …"),
    Field("inferred", BOOL, "True when the text does not print the date and we worked it out."),
    Field("note", TEXT, "How the date was inferred, or what is uncertain about it."),
))

SOURCE = Shape("source", "Where the article comes from.", (
    Field("outlet", ref("actor"), "The publishing outlet (an actor of type outlet).", True),
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
    Field("where", list_of(ref("actor")), "Places (actors of type state, region or city)."),
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
    Field("as_of", ref("article"), "The article that gives the role."),
))

ACTOR = Shape("actor", "A person, organisation, state, place, outlet or programme.", (
    Field("name", TEXT, "The name used in headings and links.", True),
    Field("type", enum(*ACTOR_TYPES), "What sort of actor.", True),
    Field("aliases", list_of(TEXT), "Other names and spellings that refer to this actor."),
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

# Past this many events (stances) in all, the timeline (the stance matrix) is an overview
# with a page per year (per issue), unless briefing.yaml says otherwise: at 10,000
# articles one page would hold 40,000 rows (16 MB), more than a browser shows comfortably
# and more than Zensical's search index accepts for one page.
SPLIT_AFTER = 1000
COUNT_MAX = 10**9  # more would never split; keeps the number a plain integer everywhere

BRIEFING = Shape("briefing", "Site-level settings for the whole briefing.", (
    Field("title", TEXT, "The briefing's title.", True),
    Field("scope", PROSE, "What the briefing covers, in a paragraph.", True),
    Field("key_judgements", list_of(PROSE), "The briefing's main conclusions.", True),
    Field("key_actors", list_of(ref("actor")), "Actors featured on the home page."),
    Field("issues", list_of(obj(ISSUE)), "Policy questions for stances and the stance matrix."),
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


def _kind_schema(kind: Kind) -> dict[str, Any]:
    """JSON Schema for one kind."""
    if kind.name in ("text", "prose"):
        return {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS}
    if kind.name == "url":
        return {"type": "string", "pattern": "^https?://"}
    if kind.name == "bool":
        return {"type": "boolean"}
    if kind.name == "count":
        return {"type": "integer", "minimum": 1, "maximum": COUNT_MAX}
    if kind.name == "enum":
        return {"enum": list(kind.values)}
    if kind.name in ("ref", "tag"):
        return {"type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH}
    if kind.name == "datestring":
        return {"type": "string", "pattern": DATE_PATTERN}
    if kind.name == "date":
        plain = {"type": "string", "pattern": DATE_PATTERN}
        return {"oneOf": [plain, _shape_schema(DATE_DETAIL)]}
    if kind.name == "list":
        assert kind.item is not None
        return {"type": "array", "items": _kind_schema(kind.item)}
    assert kind.name == "object" and kind.shape is not None
    return _shape_schema(kind.shape)


def _shape_schema(shape: Shape) -> dict[str, Any]:
    """JSON Schema for a mapping of `shape`."""
    properties = {}
    for f in shape.fields:
        properties[f.name] = {"description": f.doc, **_kind_schema(f.kind)}
    schema: dict[str, Any] = {
        "type": "object",
        "description": shape.doc,
        "properties": properties,
        "additionalProperties": False,
    }
    required = [f.name for f in shape.fields if f.required]
    if required:
        schema["required"] = required
    return schema


def json_schema(kind: str) -> dict[str, Any]:
    """A complete JSON Schema document for the seed file kind `kind`."""
    shape = SEED_SHAPES[kind]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Briefing {kind} seed file",
        **_shape_schema(shape),
    }
