"""An Atom feed of the articles: docs/feed.xml, newest first, each summary as the entry's content.

Written with feedgen, which escapes the XML.  Nothing in it comes from the
clock: the feed's and the entries' ids are name-based UUIDs of the briefing's
title and the articles' ids, and every `updated` is an article's publication
date (its first day when only the month or year is known, at midnight UTC),
so the same seeds give the same bytes.  Links are relative to the feed
(the site has no fixed address: it may be served anywhere, or opened from disk).
"""

from __future__ import annotations

import datetime
import uuid

from feedgen.feed import FeedGenerator

from .dates import Point
from .markup import plain_mentions
from .export import site_url
from .model import Briefing

# Name-based UUIDs for the feed's ids: stable across builds, unique to the briefing and article.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "briefing-generator:feed")


def _moment(point: Point) -> datetime.datetime:
    """A partial date as a moment: its first day at midnight UTC."""
    return datetime.datetime(point.year, point.month or 1, point.day or 1, tzinfo=datetime.timezone.utc)


def _urn(*parts: str) -> str:
    return uuid.uuid5(NAMESPACE, "\x1f".join(parts)).urn


def atom(briefing: Briefing) -> bytes:
    """The Atom feed as UTF-8 XML."""
    feed = FeedGenerator()
    feed.id(_urn("briefing", briefing.title))
    feed.title(briefing.title)
    feed.subtitle(" ".join(briefing.scope.split()))
    feed.link(href="./", rel="alternate")
    feed.language("en")
    newest = max((a.date.start for a in briefing.articles), default=Point(1970, 1, 1))
    feed.updated(_moment(newest))
    for article in briefing.articles:  # already newest first
        entry = feed.add_entry(order="append")
        entry.id(_urn("article", briefing.title, article.id))
        entry.title(article.headline)
        entry.link(href=site_url(article.page), rel="alternate")
        if article.url:
            entry.link(href=article.url, rel="related")
        entry.author(name=article.author or article.outlet.name)
        entry.published(_moment(article.date.start))
        entry.updated(_moment(article.date.start))
        entry.content(plain_mentions(article.summary), type="text")
        for theme in article.themes:
            entry.category(term=theme)
    return feed.atom_str(pretty=True, encoding="UTF-8")
