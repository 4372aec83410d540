"""Check annotations against the plain-text source articles.

`briefing check --sources DIR` reads every *.txt file in DIR and:

1. matches each article to its source: the one text file whose words contain
   the article's headline (compared as lowercase words, so punctuation,
   typographic quotes and line breaks do not matter).  No match, or more than
   one, is an error on `source.headline`;
2. finds every quote in its source verbatim.  Typographic and straight quote
   marks count as the same, so do runs of white space; "…" (or "...") marks
   an omission, and the pieces around it must appear in order;
3. looks for copied prose: any run of COPY_RUN or more words that our own
   prose (summaries, key points, roles, contexts, stances, events, figures,
   and the descriptions and definitions of actors and terms) shares with a
   source, outside quotes.

Source texts are only read, never copied into the project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import schema
from .diagnostics import Diagnostic
from .schema import FieldPath
from .seedfile import SeedFile

COPY_RUN = 12  # words; the content issue's limit is "a dozen words"
TITLE_LINES = 4  # a source's title: its first lines hold the outlet, the headline, perhaps a byline

_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "′": "'"})
_WORD = re.compile(r"[\w'’]+")


def normalise(text: str) -> str:
    """Quote marks made straight and white space folded, for verbatim matching."""
    return " ".join(text.translate(_QUOTE_MARKS).split())


def words(text: str) -> list[str]:
    """Lowercase words, apostrophes unified, for matching runs."""
    return [w.replace("’", "'").lower() for w in _WORD.findall(text)]


@dataclass
class Source:
    """One plain-text source article."""

    name: str
    text: str

    def __post_init__(self) -> None:
        self.flat = normalise(self.text)
        self.words = words(self.text)
        # The line each word is on, to point at a copied run in the source.
        self.word_lines = [self.text.count("\n", 0, m.start()) + 1 for m in _WORD.finditer(self.text)]
        self.joined = " " + " ".join(self.words) + " "
        self.runs = {tuple(self.words[i : i + COPY_RUN]) for i in range(len(self.words) - COPY_RUN + 1)}

    def title(self) -> str:
        """The text's first lines, where outlet and headline are printed (folded onto one line)."""
        head = [line.strip() for line in self.text.splitlines() if line.strip()][:TITLE_LINES]
        return " ".join(" ".join(head).split())[:200]

    def contains_words(self, text: str) -> bool:
        """True when the words of `text` occur in this source as one run."""
        return f" {' '.join(words(text))} " in self.joined

    def line_of(self, run: str) -> int:
        """1-based line where the word run `run` starts in the source (1 if absent)."""
        index = self.joined.find(f" {run} ")
        return self.word_lines[self.joined.count(" ", 0, index)] if index >= 0 else 1


def read_sources(directory: Path) -> list[Source]:
    """Every *.txt file in `directory`, in name order."""
    return [Source(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(directory.glob("*.txt"))]


def match_source(seed: SeedFile, sources: list[Source], folder: str = "") -> tuple[Source | None, Diagnostic | None]:
    """The one source whose text contains the article's headline.

    With none, the source whose title (its first lines) is closest to the
    headline is returned with the error, so that its quotes are still checked.
    """
    headline = seed.data["source"]["headline"]
    found = [s for s in sources if s.contains_words(headline)]
    if len(found) == 1:
        return found[0], None
    if not found:
        near = closest_by_title(headline, sources)
        where = f" in {folder}" if folder else ""
        message = f"no source text{where} contains this headline"
        if near is not None:
            message += f"; the closest by title is {near.name} (\"{near.title()}\"), whose text the quotes were checked against"
        message += f"; put the article's text{where} as a .txt file, or correct the headline"
        return near, seed.error(("source", "headline"), message)
    names = ", ".join(s.name for s in found)
    return None, seed.error(("source", "headline"), f"several source texts contain this headline: {names}")


def closest_by_title(headline: str, sources: list[Source]) -> Source | None:
    """The source whose title shares the most words with `headline` (None if none shares any)."""
    wanted = set(words(headline))
    scored = [(len(wanted & set(words(s.title()))), s.name, s) for s in sources]
    best = min(scored, key=lambda t: (-t[0], t[1]), default=None)  # most shared words, then by file name
    return best[2] if best and best[0] else None


def quote_found(quote: str, source: Source) -> bool:
    """True when every piece of the quote (split at omissions) occurs in order."""
    position = 0
    for piece in re.split(r"…|\.\.\.", normalise(quote)):
        piece = piece.strip(" \"'")
        if not piece:
            continue
        index = source.flat.find(piece, position)
        if index < 0:
            return False
        position = index + len(piece)
    return True


def copied_run(prose: str, source: Source) -> str | None:
    """The first run of COPY_RUN or more words `prose` shares with `source`, if any."""
    mine = words(prose)
    for i in range(len(mine) - COPY_RUN + 1):
        if tuple(mine[i : i + COPY_RUN]) in source.runs:
            end = i + COPY_RUN
            while end < len(mine) and source.contains_words(" ".join(mine[i : end + 1])):
                end += 1
            return " ".join(mine[i:end])
    return None


def prose_fields(seed: SeedFile) -> Iterator[tuple[FieldPath, str]]:
    """(path, text) of every prose field in a seed file, walking the schema."""
    for _, value, path in seed.values(schema.Form.PROSE):
        yield path, str(value)


def check_against_sources(files: list[SeedFile], sources: list[Source], folder: str = "") -> list[Diagnostic]:
    """Every quote not found verbatim, and every copied run of prose; `folder` names where `sources` are, in messages."""
    problems: list[Diagnostic] = []
    for seed in files:
        if seed.kind == "article":
            source, problem = match_source(seed, sources, folder)
            if problem:
                problems.append(problem)
            if source is None:
                continue
            problems += _check_quotes(seed, source)
            problems += _check_copying(seed, [source])
        elif seed.kind in ("actor", "term"):
            problems += _check_copying(seed, sources)
    return problems


def _check_quotes(seed: SeedFile, source: Source) -> list[Diagnostic]:
    problems = []
    for index, quote in enumerate(seed.data.get("quotes") or []):
        if not quote_found(quote["text"], source):
            problems.append(seed.error(("quotes", index, "text"), f"quote not found verbatim in {source.name}"))
    return problems


def _check_copying(seed: SeedFile, sources: list[Source]) -> list[Diagnostic]:
    problems = []
    for path, prose in prose_fields(seed):
        for source in sources:
            run = copied_run(prose, source)
            if run:
                count = len(run.split())
                problems.append(seed.error(path, f"{count} words copied from {source.name}:{source.line_of(run)}: \"{run}\"; put them in your own words or in a quote"))
                break
    return problems
