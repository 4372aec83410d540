"""The fast route: the generator's own pages reach MkDocs as finished HTML bodies.

docs/*.md stay complete Markdown (plain MkDocs, Zensical and readers of the
repository see whole pages).  During a MkDocs build with the `briefing`
plugin, every page the generator wrote and nobody edited since (its bytes
still have the digest the manifest records) is rendered ahead of MkDocs:

- by MkDocs' own `Page.render`, with this build's configuration and file
  list, so the HTML, the table of contents, the title and the anchors are
  the ones MkDocs itself would make (generator/piecewise.py);
- in forked workers on every core (generator/parallel.py), before MkDocs
  renders pages one after the other;
- with the page's search entries (generator/searchindex.py), made there
  from the finished HTML, so Material's index finds them ready;
- kept by content in `.briefing-cache/html/`: the key covers the page's
  Markdown and address, the Markdown configuration, the versions, the
  glossary feed and the site's file list, so a rebuild renders only pages
  whose Markdown changed;
- and a large page in pieces (generator/chunking.py), each kept by its own
  key, so a page that changed converts only the pieces that changed: an
  edit changes a few rows of a stance page of 800 KB.  The last build's
  key of each page is kept in `.briefing-cache/html-last/`, to find them.

Then MkDocs' own render of such a page is given no Markdown (plugin hook
`on_page_markdown`), and `on_page_content` puts the finished body back with
the table of contents, title and anchors that came with it.  A page whose
render logged anything (a warning MkDocs' strict mode must count in this
process), a page edited by hand, or a page another plugin changed before us
takes MkDocs' ordinary route.  Pages rendered here never log: warnings met
ahead of time are held back, and the page is rendered again by MkDocs.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path

from . import collector, parallel, searchindex, searchpieces
from .htmlcache import DigestCache
from .piecewise import PageRenderer, body
from .write import MANIFEST, digest

# A page costs Python-Markdown 10 to 500 ms, a fork a few: the few pages an edit changes are shared too.
FORK_FROM = 16


def _recorded_pages(root: Path, docs_dir: Path):
    """(source path relative to docs/, file, digest the manifest records) of every page the generator wrote."""
    try:
        recorded = json.loads((root / MANIFEST).read_bytes())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    for path, expected in sorted(recorded.items()):
        full = root / path
        if path.endswith(".md") and docs_dir in full.parents:
            yield full.relative_to(docs_dir).as_posix(), full, expected


def _read_untouched(full: Path, expected: str) -> bytes | None:
    """The page's bytes when they still have the digest the manifest records, else None."""
    try:
        data = full.read_bytes()
    except OSError:
        return None
    return data if digest(data) == expected else None


def untouched_pages(root: Path, docs_dir: Path) -> dict[str, bytes]:
    """Source path (relative to docs/) -> bytes of every page the generator wrote and nobody changed since."""
    pages = {}
    for src_uri, full, expected in _recorded_pages(root, docs_dir):
        data = _read_untouched(full, expected)
        if data is not None:
            pages[src_uri] = data
    return pages


# The key of each page this process worked out, by file, with the stat, manifest digest and
# salt it was worked out with.  `briefing serve` builds again after each edit, and reading
# and hashing every page again to key the few that changed took 0.3 s per 1,000 articles.
_KEYED: dict[Path, tuple[tuple, str]] = {}


def _stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        facts = path.stat()
    except OSError:
        return None
    return facts.st_mtime_ns, facts.st_size, facts.st_ino


def _code_digest(config) -> str:
    """A digest of our own code that shapes a body: this module and our Markdown extensions (mkdocs.yml)."""
    names = {"generator.fastroute", "generator.piecewise", "generator.chunking", "generator.searchindex",
             "generator.searchpieces"}
    names |= {name for name in config.markdown_extensions if isinstance(name, str) and name.startswith("generator.")}
    found = hashlib.sha256()
    for name in sorted(names):
        spec = importlib.util.find_spec(name)
        found.update(name.encode() + b"\0" + (Path(spec.origin).read_bytes() if spec and spec.origin else b""))
    return found.hexdigest()


def _versions() -> list[str]:
    """The versions of what renders a page: MkDocs, Python-Markdown, and the extensions Material brings."""
    return [importlib.metadata.version(name) for name in ("mkdocs", "Markdown", "mkdocs-material", "pymdown-extensions")]


def render_salt(config, files, root: Path) -> str:
    """A digest of everything besides a page's own Markdown that its HTML depends on."""
    glossary = (config.mdx_configs.get("generator.markdown_abbr") or {}).get("glossary_file")
    try:
        glossary_bytes = Path(glossary).read_bytes() if glossary else b""
    except OSError:
        glossary_bytes = b"missing"
    described = json.dumps([
        _versions(), _code_digest(config),
        list(config.markdown_extensions), config.mdx_configs, config.use_directory_urls,
        {name: config.validation.get(name) for name in sorted(config.validation)} if hasattr(config, "validation") else None,
        sorted((f.src_uri, f.url) for f in files),
        digest(glossary_bytes), str(root.resolve()),
    ], default=str, sort_keys=True)
    return hashlib.sha256(described.encode("utf-8")).hexdigest()


class FastRoute:
    """This build's finished bodies of the generator's untouched pages, by source path.

    Made in on_files: it finds the untouched pages and renders, on every
    core, those the cache lacks.  A body is read from the cache only when
    MkDocs gets to its page, so a dirty build (a few pages) reads a few.

    A page is rendered in pieces (generator/chunking.py), each kept in the
    page's cache entry by its own key.  A page that changed is rendered
    again from the pieces of its last entry (the cache's index names it):
    only the pieces whose Markdown changed are converted.
    """

    def __init__(self, config, files, finish=None, search_cache: DigestCache | None = None):
        """`finish(html, page)` is what on_page_content does to a body after us: with it and
        `search_cache`, each page's search entries are made in the workers too, from the
        finished HTML, and kept where Material's index (searchindex.CachedSearchIndex) looks."""
        self.files = files
        self.finish = finish
        self.search_cache = search_cache
        root = Path(config.config_file_path).resolve().parent
        self.cache = DigestCache(root, "html")
        self.renderer = PageRenderer(config, files, render_salt(config, files, root))
        self.keys: dict[str, str] = {}  # source path -> key of its body
        self.made: dict[str, dict] = {}  # bodies rendered by this build
        # Source path -> key of its body in the last build with these settings and pages.
        self.last_keys = DigestCache(root, "html-last")
        last_key = self.renderer.key("", "", None, "last build's keys")
        last = self.last_keys.get(last_key)
        last = last if isinstance(last, dict) else {}
        missing = []
        for src_uri, full, expected in _recorded_pages(root, Path(config.docs_dir).resolve()):
            if files.get_file_from_path(src_uri) is None:
                continue
            key, page = self._key(src_uri, full, expected)
            if key is None:
                continue  # edited by hand since the generator wrote it: MkDocs' own route
            if not self.cache.has(key):
                page = page or self._read(full, expected)
                if page is None:
                    continue  # changed since this process keyed it
                missing.append((src_uri, key, *page, last.get(src_uri)))
            self.keys[src_uri] = key
        collector.freeze_more()  # the build's files and settings: the workers' collections skip them too
        # Shared out by size, the largest pages first, each in a slice of its own: at 10,000 articles the
        # eleven largest (5.6 to 7.6 MB, an eighth of all the Markdown) sat side by side in the path
        # order, and the process that took them late converted on alone (with take()'s single copy: a
        # cold site build 421 -> 385 s, one run each).
        made_all = parallel.run_all(self._render, missing, FORK_FROM, sizes=[len(item[2]) for item in missing])
        # Each process keeps what it made (the cache's files are written on every core); this one
        # counts them as used, so that prune() keeps them.
        for (src_uri, key, *_item), made in zip(missing, made_all):
            if made is not None:
                search_key = made.pop("search_key", None)
                if search_key is not None and self.search_cache is not None:
                    self.search_cache.used.add(search_key)
                self.cache.used.add(key)
                self.made[src_uri] = made
        self.rendered = len(missing)
        collector.freeze_more()  # the bodies made, which live to the build's end
        if self.keys != last:
            self.last_keys.put(last_key, self.keys)
        else:
            self.last_keys.has(last_key)  # used: prune keeps it

    def _key(self, src_uri: str, full: Path, expected: str) -> tuple[str | None, tuple[str, dict] | None]:
        """The page's key (None when it was changed by hand), and its (Markdown, front matter)
        when they had to be read for it: not when this process keyed the file as it is."""
        known = (_stat_key(full), expected, self.renderer.salt)
        found = _KEYED.get(full)
        if known[0] is not None and found is not None and found[0] == known:
            return found[1], None
        page = self._read(full, expected)
        if page is None:
            return None, None
        _KEYED[full] = (known, self.renderer.key(src_uri, *page))
        return _KEYED[full][1], page

    @staticmethod
    def _read(full: Path, expected: str) -> tuple[str, dict] | None:
        """(Markdown, front matter) of an untouched page, or None when it was changed by hand."""
        from mkdocs.utils import meta

        data = _read_untouched(full, expected)
        return None if data is None else meta.get_data(data.decode("utf-8-sig", errors="strict"))

    def _render(self, item: tuple) -> dict | None:
        """A missing page's cache entry, from its last one's pieces, kept under `key` with its
        search entries (their key is the entry's "search_key", not kept); None when a conversion
        logged anything (MkDocs then renders the page itself)."""
        src_uri, key, markdown, page_meta, last_key = item
        made = self.renderer.entry(src_uri, markdown, page_meta, self.cache.peek(last_key) if last_key else None)
        if made is None:
            return None
        search_key = None
        if self.finish is not None and self.search_cache is not None:
            # The entries Material's index will want for this page, if its HTML ends the same there.
            page = self.renderer.page(src_uri, made, page_meta, self.finish)
            pieces = [done for _key, done in made["pieces"]]
            # (searchpieces keeps what it can reuse in the pieces' entries: they are kept after it.)
            entries = (searchpieces.page_entries(page, pieces, self.finish) if len(pieces) > 1
                       else searchindex.page_entries(page))
            search_key = searchindex.entries_key(page)
            self.search_cache.put(search_key, entries)
        self.cache.put(key, made)
        return made if search_key is None else {**made, "search_key": search_key}

    def prune(self) -> None:
        """After a build of every page: keep only the entries it used."""
        self.cache.prune()
        self.last_keys.prune()

    def take(self, page, markdown: str) -> dict | None:
        """The finished body for `page` when MkDocs is about to render exactly the Markdown it was made from."""
        src_uri = page.file.src_uri
        key = self.keys.get(src_uri)
        if key is None or self.renderer.key(src_uri, markdown, page.meta) != key:
            return None  # not an untouched page, or another plugin changed its Markdown
        # Handed over once: the page holds its body from here on, so this build keeps one copy, not two.
        found = self.made.pop(src_uri, None) or self.cache.get(key)
        return found if isinstance(found, dict) and "pieces" in found else None

    def put_back(self, page, found: dict) -> str:
        """Give `page` the table of contents, title and anchors of its finished body; returns the body."""
        from mkdocs.structure.toc import get_toc

        page.toc = get_toc(found["toc"])
        if "title" not in vars(page):  # a title from the nav (or a plugin) is set on the page and wins, as in MkDocs
            page.title = found["title"]
        page.present_anchor_ids = set(found["anchors"])
        links = {}
        for target, anchors in found["links_to_anchors"].items():
            file = self.files.get_file_from_path(target)
            if file is not None:
                links[file] = anchors
        page.links_to_anchors = links
        return body(found)


