"""Checks that need every seed file at once: references, names, page ids.

That every id a file refers to exists (with a "did you mean"), that no name
or alias is claimed twice, and that no id gives a page built where another
page goes.  validate.py checks each file on its own before these run.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from typing import Iterator

from . import schema
from .diagnostics import Diagnostic, closest, hint, warning
from .model import built_as, fixed_pages
from .schema import WINDOWS_RULE, FieldPath, windows_reserved
from .seedfile import SeedFile

# --------------------------------------------------------------------------- checks


def slug(text: str) -> str:
    """A name as an id would spell it: 'Viktor Ivanov' -> 'viktor-ivanov'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Registry:
    """Known ids of one kind, with their names for "did you mean"."""

    def __init__(self, label: str):
        self.label = label
        self.ids: set[str] = set()
        self.by_name: dict[str, str] = {}
        self.types: dict[str, str] = {}  # actor id -> its type

    def add(self, id_: str, names: list[str], type_: str = "") -> None:
        self.ids.add(id_)
        self.types[id_] = type_
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
            names = [seed.data["name"], *(seed.data.get("aliases") or []), *(seed.data.get("metonyms") or [])]
            regs["actor"].add(seed.id, names, seed.data["type"])
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
        for kind, id_, path in seed.values(schema.Form.REF):
            registry = regs[kind.ref]
            if id_ not in registry.ids:
                more = _NEW_ISSUE if kind.ref == "issue" else _elsewhere(id_, kind.ref, regs)
                problems.append(seed.error(path, registry.unknown(id_) + more))
            elif kind.types and registry.types[id_] not in kind.types:
                wanted = " or ".join(", ".join(kind.types).rsplit(", ", 1))  # "state, region or city"
                problems.append(seed.error(path, f"'{id_}' is an actor of type {registry.types[id_]}; this field takes an actor of type {wanted}"))
    return problems


# What to do when an id is unknown in one registry but known in another.
_ELSEWHERE = {
    ("actor", "term"): "; '{id}' is a glossary term: to refer to it here, add an actor (`briefing new actor {id}`, "
                       "type programme for an operation or programme) and point the term at it with `actor: {id}`",
    ("term", "actor"): "; '{id}' is an actor: list it under the article's actors, or add a glossary term with `actor: {id}`",
    ("actor", "article"): "; '{id}' is an article",
    ("article", "actor"): "; '{id}' is an actor, not an article",
}
# Said of every unknown issue: the vocabulary grows by one edit.
_NEW_ISSUE = "; a new issue is one more entry (id, title, description) under `issues:` in seeds/briefing.yaml"


def _elsewhere(id_: str, wanted: str, regs: dict[str, _Registry]) -> str:
    """A hint when `id_`, unknown as a `wanted`, exists in another registry."""
    for (want, found), hint_text in _ELSEWHERE.items():
        if want == wanted and id_ in regs[found].ids:
            return hint_text.format(id=id_)
    return ""


# An explicit mention in prose: [Name](@id), or [Name](@) for no link.  Wider than
# markup.EXPLICIT (which takes only valid ids), so that a mistyped id is reported, not shown raw.
_EXPLICIT = re.compile(r"\[[^\[\]]+\]\(@([^)\s]*)\)")


def check_mentions(files: list[SeedFile]) -> list[Diagnostic]:
    """Every explicit mention in prose names an actor or a term."""
    regs = _registries(files)
    problems = []
    for seed in files:
        for _, text, path in seed.values(schema.Form.PROSE):
            for match in _EXPLICIT.finditer(str(text)):
                id_ = match.group(1)
                if id_ and id_ not in regs["actor"].ids and id_ not in regs["term"].ids:
                    guess = closest(id_, sorted(regs["actor"].ids | regs["term"].ids))
                    problems.append(seed.error(path, f"{match.group(0)}: no actor or term has the id '{id_}'{hint(guess)}; "
                                                     "write [Name](@) to leave the name unlinked"))
    return problems


def check_names(files: list[SeedFile]) -> list[Diagnostic]:
    """No name or alias may stand for two things (compared as name_key() does).

    A term may share its name with the actor it declares as `actor:`: that is
    how a term such as CSTO points at the organisation's page.  A metonym (a
    capital standing for its state) may also be another actor's name: prose
    says which is meant (names.py), the city by default.
    """
    owners: dict[str, tuple[SeedFile, str, str, FieldPath]] = {}
    metonyms: dict[str, tuple[SeedFile, str, str, FieldPath]] = {}  # two actors may not share one
    problems = []
    for seed, owner, name, path in _all_names(files):
        key = name_key(name)
        table = metonyms if path[0] == "metonyms" else owners
        if key not in table:
            table[key] = (seed, owner, name, path)
            continue
        first_seed, first_owner, first_name, first_path = owners[key]
        if first_owner == owner or _term_names_its_actor(seed, first_owner) or _term_names_its_actor(first_seed, owner):
            continue
        line, _ = first_seed.where(first_path)
        # Names that differ in their characters but not to the eye: say so, or the message looks wrong.
        lookalike = "; the two differ only in Unicode characters that look alike" if _plain_key(name) != _plain_key(first_name) else ""
        # A place taking a name another actor has as a plain alias: perhaps a capital standing for its state.
        place = seed.kind == first_seed.kind == "actor" and seed.data.get("type") in ("city", "region")
        advice = _METONYM_ADVICE if place and first_path[0] == "aliases" else ""
        problems.append(seed.error(path, f"'{name}' is already a name of {first_owner} ({first_seed.path}:{line}{lookalike}){advice}"))
    return problems


_METONYM_ADVICE = ("; if it stands for that actor only as a figure of speech (a capital for its state), "
                   "move it there from `aliases:` to `metonyms:`")


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
    for seed in files:  # after every name: a metonym gives way to a real name wherever it is
        for index, metonym in enumerate(seed.data.get("metonyms") or [] if seed.kind == "actor" else []):
            yield seed, f"actor '{seed.id}'", metonym, ("metonyms", index)


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


def _taken(page: str, fixed: str) -> str:
    """Why `page` cannot be: it is, or is built to the same place as, the fixed page `fixed`."""
    if page == fixed:
        return f"its page would replace the generated page docs/{fixed}"
    return f"its page docs/{page} would be built to the same place as the generated page docs/{fixed}"


# A count of articles typed into prose: "five articles", "7 articles", "published between 2009 and 2017".
_TYPED_COUNT = re.compile(
    r"\b(?:[0-9]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen) (?:source )?articles\b"
    r"|\bpublished (?:between|from) [0-9]{4}", re.I)


def typed_counts(scope: str) -> Diagnostic | None:
    """A warning when the briefing's scope carries counts or spans the home page now derives."""
    found = _TYPED_COUNT.search(scope)
    if found is None:
        return None
    return warning("seeds/briefing.yaml", f"scope: '{found.group(0)}' is typed by hand and goes stale as articles "
                   "are added; the home page now gives the number of articles, their years and the newest itself: "
                   "keep only your own description in `scope`")


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


def check_judgements(files: list[SeedFile]) -> list[Diagnostic]:
    """Every key judgement cites evidence, and every quote it cites is on its article's page.

    Unknown article ids are check_references' to report; a quote number is
    checked only against an article that exists.
    """
    quotes = {seed.id: len(seed.data.get("quotes") or []) for seed in files if seed.kind == "article"}
    problems = []
    for seed in files:
        if seed.kind != "briefing":
            continue
        for index, judgement in enumerate(seed.data.get("key_judgements") or []):
            evidence = judgement.get("evidence") or []
            if not evidence:
                problems.append(seed.error(("key_judgements", index, "evidence"), "cites nothing: name at least one article"))
            for number, cited in enumerate(evidence):
                problems += _quote_problems(seed, ("key_judgements", index, "evidence", number), cited, quotes)
    return problems


def _quote_problems(seed: SeedFile, path: FieldPath, cited: dict, quotes: dict[str, int]) -> list[Diagnostic]:
    """A problem if the cited quote number is past the last quote of the cited article."""
    article, quote = cited["article"], cited.get("quote")
    if quote is None or article not in quotes or int(quote) <= quotes[article]:
        return []
    return [seed.error(path + ("quote",), f"article '{article}' has no quote {quote} (its quotes are numbered 1 to {quotes[article]})")]
