"""Backlinks: the sentences of articles that name each actor and term.

Every article's prose is searched once with the one matcher of every name
(names.py); each actor and term gets the sentences that name it (the newest
articles' first), bounded per page.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from . import names, parallel
from .markup import plain_mentions
from .model import Actor, Article, Briefing, Mention, Term

# --------------------------------------------------------------------------- backlinks

MAX_SENTENCES_PER_PAGE = 3
# Pages list at most this many sentences that name an actor or term (the newest
# articles' first): in a briefing of
# thousands of articles an actor such as Russia is named in most of them.
MAX_MENTIONS = 100


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
    matcher = names.briefing_matcher(briefing)
    owners: dict[str, Actor | Term] = {}
    for actor in briefing.actors:
        owners[names.actor_target(actor).key] = actor
    for term in briefing.terms:
        owners.setdefault(names.term_target(term).key, term)
    # An article's cast decides what a name shared by a metonym and a city means there (Matcher.choose).
    sources: list[tuple[str, str, list[str], frozenset[str]]] = [
        (a.page, a.headline, list(article_prose(a)), frozenset(names.actor_target(x.actor).key for x in a.appearances))
        for a in briefing.articles
    ]
    sources += [(a.page, a.name, [a.description], frozenset()) for a in briefing.actors]
    sources += [(t.page, t.term, [t.definition], frozenset()) for t in briefing.terms]
    # Finding the names is the costly part and each page is independent: forked
    # workers share the pages on every core.  Targets travel as numbers.
    keys = list(owners)
    numbers = {key: number for number, key in enumerate(keys)}
    found = parallel.run_all(lambda source: _names_in_blocks(matcher, numbers, source[2], source[3]), sources)
    for (page, title, blocks, _), per_block in zip(sources, found):
        per_target: Counter[str] = Counter()
        for block, named_here in zip(blocks, per_block):
            parts = names.sentences(block) if named_here else []
            for index, named in named_here:
                for key in (keys[number] for number in named):
                    _mention(owners[key], key, Mention(page, title, plain_mentions(parts[index])), per_target)


def _names_in_blocks(
    matcher: names.Matcher, numbers: dict[str, int], blocks: list[str], prefer: frozenset[str],
) -> list[list[tuple[int, list[int]]]]:
    """For each block: (sentence index, numbers of the targets it names) per naming sentence."""
    return [
        [(index, [numbers[t.key] for t in named]) for index, named in names.names_per_sentence(matcher, block, prefer)]
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
