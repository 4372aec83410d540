"""Material's search entries for one page, made once per page HTML and kept by digest.

`page_entries(page)` is the one function that turns a rendered page into the
entries of Material's search index (`search/search_index.json`, its `docs`
list): it runs Material's own HTML parser and entry maker on a scratch
index, so the format, the sections and the ranking fields stay exactly
Material's.  Everything that merges or caches search entries goes through it
(the full build's index below, `briefing serve`'s merge of changed pages).

`CachedSearchIndex` stands in for the search plugin's index during a build
(`install`): a page whose HTML, address, title, metadata and table of
contents were indexed before gets its entries from the cache
(`.briefing-cache/search/`), so a rebuild parses only the pages that changed.
The cache is only ever a copy of what `page_entries` returns for the same
inputs: the key covers everything that function reads.  On a cold build the
fast route (generator/fastroute.py) fills it from its workers, which make
each generated page's entries from the finished HTML they rendered; so the
build's own process parses no generated page's HTML for search.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging

from material.plugins.search.plugin import SearchIndex

from .htmlcache import DigestCache

log = logging.getLogger("mkdocs.plugins.briefing")

# Material's version: its parser makes the entries, so a newer one makes new keys.
MATERIAL = importlib.metadata.version("mkdocs-material")

# The Material search plugin's names in mkdocs.yml (`search` resolves to this).
SEARCH_PLUGIN_NAMES = ("material/search", "search")


def page_entries(page) -> list[dict]:
    """Material's search entries for `page` (its .content, .toc, .url, .title and .meta), in index order."""
    scratch = SearchIndex()
    scratch.add_entry_from_context(page)
    return scratch.entries


def _toc_key(toc) -> list:
    """The table of contents as plain data: what the entries' locations are taken from."""
    return [[item.id, item.url, item.title, _toc_key(item.children)] for item in toc]


def entries_key(page) -> str:
    """A digest of everything page_entries reads from `page`."""
    meta = {name: page.meta.get(name) for name in ("search", "tags", "title")}
    described = json.dumps([MATERIAL, page.url, str(page.title), meta, _toc_key(page.toc)], default=str, sort_keys=True)
    digest = hashlib.sha256(described.encode("utf-8"))
    digest.update(b"\0")
    digest.update((page.content or "").encode("utf-8"))
    return digest.hexdigest()


class CachedSearchIndex(SearchIndex):
    """Material's SearchIndex, taking each page's entries from a digest cache when it has them."""

    def __init__(self, cache: DigestCache | None, **config):
        super().__init__(**config)
        self.cache = cache

    def add_entry_from_context(self, page) -> None:
        """Add `page`'s entries: from the cache when its key is there, else made (and kept)."""
        if self.cache is None:
            self.entries.extend(page_entries(page))
            return
        key = entries_key(page)
        found = self.cache.get(key)
        if found is None:
            found = page_entries(page)
            self.cache.put(key, found)
        self.entries.extend(found)


def search_plugin(config):
    """The Material search plugin of this build, or None when mkdocs.yml has none (or another)."""
    for name in SEARCH_PLUGIN_NAMES:
        plugin = config.plugins.get(name)
        if plugin is not None and isinstance(getattr(plugin, "search_index", None), SearchIndex):
            return plugin
    return None


def install(config, cache: DigestCache | None) -> bool:
    """Give this build's Material search plugin a CachedSearchIndex (same settings); True if it had one.

    Material makes its index in its own on_config, which runs before ours
    (it is listed first in mkdocs.yml); only the index object is replaced,
    the plugin still decides what is indexed and writes the file.
    """
    plugin = search_plugin(config)
    if plugin is None:
        return False
    old = plugin.search_index
    plugin.search_index = CachedSearchIndex(cache, **old.config)
    return True
