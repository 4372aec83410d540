"""What an actor's page shows first, and how its long lists are cut into groups.

A reader briefing a minister reads the top of a page and skims the rest, so
the page opens with the actor's role now, its stances in one line and its
three most telling quotes; templates only lay these out.  The choices (which
role is current, which quotes tell most) are made here, where they can be
tested, not in Jinja.
"""

from __future__ import annotations

from typing import Iterable

from . import schema
from .model import Actor, Briefing, Quote, Role, Stance

TELLING_QUOTES = 3
# A list of actors seen together longer than this is folded, with the first ones shown.
LONG_LIST = 12

# Leanings in the order the stance line gives them.
_LEANING_ORDER = ("supports", "opposes", "mixed", "neutral")


def roles_now(actor: Actor) -> list[Role]:
    """The roles the actor holds now, as far as the articles tell: those with no end, or
    failing any, the latest one (actor.roles is in order of start)."""
    open_roles = [role for role in actor.roles if role.end is None]
    return open_roles or actor.roles[-1:]


def stance_line(actor: Actor) -> list[tuple[str, list[Stance]]]:
    """(leaning, stances) for the actor's newest stance on each issue, grouped by leaning.

    actor.stances is newest first, so the first stance on an issue is the one
    that stands now.
    """
    newest: dict[str, Stance] = {}
    for stance in actor.stances:
        newest.setdefault(stance.issue.id, stance)
    return [
        (leaning, [s for s in newest.values() if s.leaning == leaning])
        for leaning in _LEANING_ORDER
        if any(s.leaning == leaning for s in newest.values())
    ]


def telling_quotes(actor: Actor, briefing: Briefing) -> list[Quote]:
    """The actor's TELLING_QUOTES most telling quotes.

    A quote a key judgement cites tells most; then one from each article
    before a second from any (a spread of sources), newest article first;
    within an article, the longest (the most said), then the first.
    """
    cited = {id(e.quote) for j in briefing.key_judgements for e in j.evidence if e.quote is not None}
    by_article: dict[int, list[Quote]] = {}
    for quote in actor.quotes:  # newest article first
        by_article.setdefault(id(quote.article), []).append(quote)
    ranked: list[tuple[tuple[int, int, int, int], Quote]] = []
    for article_rank, quotes in enumerate(by_article.values()):
        in_article = sorted(quotes, key=lambda q: (-len(q.text), q.number))
        for place, quote in enumerate(in_article):
            ranked.append(((id(quote) not in cited, place, article_rank, quote.number), quote))
    ranked.sort(key=lambda pair: pair[0])
    return [quote for _, quote in ranked[:TELLING_QUOTES]]


def by_type(pairs: Iterable[tuple[Actor, int]]) -> list[tuple[str, list[tuple[Actor, int]]]]:
    """(actor type, (actor, count) pairs) in the schema's order of types, each group in the given order."""
    groups: dict[str, list[tuple[Actor, int]]] = {t: [] for t in schema.ACTOR_TYPES}
    for actor, count in pairs:
        groups[actor.type].append((actor, count))
    return [(t, members) for t, members in groups.items() if members]
