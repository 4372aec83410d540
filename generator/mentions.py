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
    return (block for _, block in article_sections(article))


def article_sections(article: Article) -> Iterator[tuple[str, str]]:
    """(anchor, block) for every block of our own prose in an article's annotations: the
    anchor on the article's page of the section (or quote) where the block stands."""
    yield "summary", article.summary
    yield from (("key-points", point) for point in article.key_points)
    yield from (("actors-involved", a.role) for a in article.appearances)
    yield from ((q.anchor, q.context) for q in article.quotes)
    for s in article.stances:
        yield "stances", s.position
        yield "stances", s.evidence
    yield from (("events", e.what) for e in article.events)
    yield from (("figures", f.measures) for f in article.figures)


def attach_mentions(briefing: Briefing) -> None:
    """Give every actor and term the sentences, on other pages, that name it."""
    matcher = names.briefing_matcher(briefing)
    owners: dict[str, Actor | Term] = {}
    for actor in briefing.actors:
        owners[names.actor_target(actor).key] = actor
    for term in briefing.terms:
        owners.setdefault(names.term_target(term).key, term)
    # (page, title, blocks of prose, the anchor of each block on the page, the article's cast):
    # an article's cast decides what a name shared by a metonym and a city means there (Matcher.choose).
    sources: list[tuple[str, str, list[str], list[str], frozenset[str]]] = []
    for article in briefing.articles:
        anchors, blocks = zip(*article_sections(article))
        cast = frozenset(names.actor_target(x.actor).key for x in article.appearances)
        sources.append((article.page, article.headline, list(blocks), list(anchors), cast))
    sources += [(a.page, a.name, [a.description], [""], frozenset()) for a in briefing.actors]
    # A term that names an actor is that actor: its page, not its glossary entry, is the one
    # mention (FSKN and the Federal Drug Control Service are listed once).
    sources += [(t.page, t.term, [t.definition], [t.id], frozenset()) for t in briefing.terms if t.actor is None]
    # Finding the names is the costly part and each page is independent: forked
    # workers share the pages on every core.  Targets travel as numbers.
    keys = list(owners)
    numbers = {key: number for number, key in enumerate(keys)}
    found = parallel.run_all(lambda source: _names_in_blocks(matcher, numbers, source[2], source[4]), sources)
    for (page, title, blocks, anchors, _), per_block in zip(sources, found):
        per_target: Counter[str] = Counter()
        for block, anchor, named_here in zip(blocks, anchors, per_block):
            parts = names.sentences(block) if named_here else []
            for index, named in named_here:
                for key in (keys[number] for number in named):
                    _mention(owners[key], key, Mention(page, title, plain_mentions(parts[index]), anchor), per_target)


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
