"""Where a MkDocs build of a generated briefing spends its Markdown time, by page kind.

    python benchmarks/bench.py --articles 1000 --keep corpus-1000
    python benchmarks/markdown_cost.py corpus-1000/briefing

Converts every page under docs/ with the project's own Markdown extensions
(from its mkdocs.yml, as MkDocs would, one Markdown instance per page) and
prints, per kind of page (articles, actors, and each top-level page), the
number of pages, seconds, megabytes and links.  Then it converts trivial
pages ("# Page" and one sentence) the same way: the cost every page pays
whatever its content.  Nothing else of MkDocs runs (no theme, no search),
so the sum is a lower bound of the build.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

import markdown
from mkdocs.config import load_config


def page_kind(relative: Path) -> str:
    """'articles', 'actors', or the file name of a top-level page."""
    return relative.parts[0] if len(relative.parts) > 1 else relative.name


def main(argv: list[str] | None = None) -> int:
    """Command line: python benchmarks/markdown_cost.py PROJECT"""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="a generated briefing project (with mkdocs.yml and docs/)")
    args = parser.parse_args(argv)
    root = args.project.resolve()
    os.chdir(root)  # pymdownx.snippets resolves its base path against the working directory
    config = load_config(str(root / "mkdocs.yml"))
    extensions, settings = config["markdown_extensions"], config["mdx_configs"]

    seconds: collections.Counter[str] = collections.Counter()
    sizes: collections.Counter[str] = collections.Counter()
    counts: collections.Counter[str] = collections.Counter()
    links: collections.Counter[str] = collections.Counter()
    for path in sorted((root / "docs").rglob("*.md")):
        kind = page_kind(path.relative_to(root / "docs"))
        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        markdown.Markdown(extensions=extensions, extension_configs=settings).convert(text)
        seconds[kind] += time.perf_counter() - started
        sizes[kind] += len(text.encode("utf-8"))
        counts[kind] += 1
        links[kind] += text.count("](")

    started = time.perf_counter()
    for _ in range(sum(counts.values())):
        markdown.Markdown(extensions=extensions, extension_configs=settings).convert("# Page\n\nHello world.\n")
    trivial = time.perf_counter() - started

    print(f"{'kind':<24}{'pages':>7}{'seconds':>9}{'ms/page':>9}{'MB':>8}{'links':>9}")
    for kind in sorted(seconds, key=seconds.__getitem__, reverse=True):
        per_page = 1000 * seconds[kind] / counts[kind]
        print(f"{kind:<24}{counts[kind]:>7}{seconds[kind]:>9.2f}{per_page:>9.2f}{sizes[kind] / 1e6:>8.1f}{links[kind]:>9}")
    total = sum(seconds.values())
    print(f"{'all pages':<24}{sum(counts.values()):>7}{total:>9.2f}")
    print(f"{'trivial pages, same count':<24}{sum(counts.values()):>7}{trivial:>9.2f}")
    print(f"markdown_s={total:.3f} trivial_markdown_s={trivial:.3f} links={sum(links.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
