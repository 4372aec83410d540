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
from .diagnostics import Diagnostic, closest, hint
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
        for kind, id_, path in schema.walk(schema.SEED_SHAPES[seed.kind], seed.data, schema.Form.REF):
            registry = kind.ref
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
