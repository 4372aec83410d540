"""Backlinks: the sentences of articles that name each actor and term.

Every article's prose is searched once with the one matcher of every name
(names.py); each actor and term gets the sentences that name it (the newest
articles' first), bounded per page.  A warm process keeps what each block
of prose names (NamesMemo), so an edit searches only the prose it changed.
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


# What a block of prose names: (the sentence as shown, the keys of the targets it names) per naming sentence.
Named = list[tuple[str, list[str]]]


def attach_mentions(briefing: Briefing, memo: NamesMemo | None = None) -> None:
    """Give every actor and term the sentences, on other pages, that name it.

    `memo` (a warm process's): blocks of prose searched before are not searched again.
    """
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
    found = iter((memo if memo is not None else NamesMemo()).named(matcher, [(block, s[4]) for s in sources for block in s[2]]))
    for page, title, blocks, anchors, _ in sources:
        per_target: Counter[str] = Counter()
        for anchor, named_here in zip(anchors, found):
            for sentence, keys in named_here:
                for key in keys:
                    _mention(owners[key], key, Mention(page, title, sentence, anchor), per_target)


class NamesMemo:
    """What each block of prose names, kept from one generation to the next by a warm process.

    Finding names is most of attach_mentions' time, and an edit changes the
    blocks of one article.  What a block names depends on the block, the
    cast that decides what a shared name means there (Matcher.choose) and
    the matcher's whole name table (Matcher.table): the memo keeps the table
    it was filled with and forgets everything when the table differs in
    anything (a renamed actor, a new alias), so every block is searched
    again.  After each run it holds that run's blocks only: it never grows
    past the current seeds.  Memory only, like load.ParseCache.
    """

    def __init__(self) -> None:
        self._table: tuple | None = None
        self._named: dict[tuple[str, frozenset[str]], Named] = {}

    def __len__(self) -> int:
        return len(self._named)

    def named(self, matcher: names.Matcher, blocks: list[tuple[str, frozenset[str]]]) -> list[Named]:
        """What each (block, cast) names, searching only the blocks not searched with this table before."""
        table = matcher.table()
        known = self._named if table == self._table else {}
        missing = list(dict.fromkeys(block for block in blocks if block not in known))
        # Finding the names is the costly part and blocks are independent: forked workers
        # share them on every core (a cold run; a warm one searches a few blocks here).
        known.update(zip(missing, parallel.run_all(lambda block: _named_in_block(matcher, *block), missing)))
        self._table, self._named = table, {block: known[block] for block in blocks}
        return [self._named[block] for block in blocks]


def _named_in_block(matcher: names.Matcher, block: str, prefer: frozenset[str]) -> Named:
    """Each sentence of `block` that names a target, as shown (plain_mentions), with the keys it names."""
    named = names.names_per_sentence(matcher, block, prefer)
    parts = names.sentences(block) if named else []
    return [(plain_mentions(parts[index]), [target.key for target in targets]) for index, targets in named]


def _mention(owner: Actor | Term, key: str, mention: Mention, per_target: Counter[str]) -> None:
    """Give `owner` the mention, unless it is on its own page or over a cap."""
    if owner.page == mention.page or per_target[key] >= MAX_SENTENCES_PER_PAGE:
        return
    if len(owner.mentions) >= MAX_MENTIONS:
        owner.mentions_omitted += 1
        return
    per_target[key] += 1
    owner.mentions.append(mention)
