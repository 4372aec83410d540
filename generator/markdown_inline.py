"""Python-Markdown's inline patterns, each searched for only in text that holds what its matches need.

Stock Python-Markdown tries every inline pattern (fourteen with our
configuration) on every run of text, in priority order, each a regular
expression search started from Python; a generated page has hundreds of
thousands of such runs (a link's text and its tail are runs of their own).
Most patterns cannot match most runs: no backtick, no backslash, no `<`,
no `&` in them.  A substring every match of a pattern must contain (a
backtick for code spans, `[` for links, `<` for autolinks and inline HTML)
is found by `str.find` in C, so the pattern's search is skipped when the
run from where the search would start lacks it: the search would have found
nothing, and a pattern that finds nothing changes nothing.  The patterns are
also read from their registry once per document, not once per run and
pattern (each read sorts the registry's priorities again).

Which substrings a pattern needs is known only for the exact expressions
listed below (Python-Markdown's own, and ours in markdown_links.py, which
keeps the stock ones): a pattern with any other expression (another
version, another extension) is tried on every run, as stock does.
mkdocs.yml lists this module beside the others; `tests/test_markdown_inline.py`
converts the seed site, a synthetic corpus and hostile text with and without
it and compares.
"""

from __future__ import annotations

from markdown import treeprocessors, util
from markdown.extensions import Extension

# Expression searched -> substrings one of which every match holds (Python-Markdown 3.x's inlinepatterns).
NEEDS: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # backtick: a code span, or backslashes before one
    r"\\(.)": ("\\",),  # escape
    r"(?<!\!)\[": ("[",),  # reference, link, short_reference
    r"\!\[": ("![",),  # image_link, image_reference, short_image_ref
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),  # autolink
    r"<([^<> !]+@[^@<> ]+)>": ("<",),  # automail
    r"  \n": ("  \n",),  # linebreak
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entity
    r"\*|_": ("*", "_"),  # em_strong
    (r'''(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+'''
     r'''\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)'''): ("<",),  # html
}


def needs(pattern) -> tuple[str, ...] | None:
    """The substrings one of which every match of `pattern` holds; None when not known (always tried)."""
    try:
        expression = pattern.getCompiledRegExp().pattern
    except AttributeError:
        return None
    return NEEDS.get(expression)


class InlineProcessor(treeprocessors.InlineProcessor):
    """The stock inline processor, skipping a pattern's search where it would find nothing."""

    def run(self, tree, ancestors=None):
        """The stock run, with the patterns and what each needs read once for this document."""
        self._patterns = list(self.inlinePatterns)
        self._needs = [None if need is None else frozenset(need) for need in map(needs, self._patterns)]
        self._parts = frozenset().union(*(need for need in self._needs if need is not None))
        return super().run(tree, ancestors)

    # The stock method's mangled name: the stock code calls it, for runs of text and for the text inside a match.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        """The stock loop (treeprocessors.InlineProcessor.__handleInline), same order and indices."""
        if isinstance(data, util.AtomicString):
            return data
        patterns, needed = self._patterns, self._needs
        present = None  # the needed substrings `data` holds, found once for each new `data`
        start = 0
        count = len(patterns)
        while patternIndex < count:
            need = needed[patternIndex]
            if need is not None:
                if start:  # the same pattern again, after its match: from there on
                    missing = all(data.find(part, start) < 0 for part in need)
                else:
                    if present is None:
                        present = {part for part in self._parts if part in data}
                    missing = need.isdisjoint(present)
                if missing:  # the stock search would find nothing, and return (data, False, 0)
                    patternIndex += 1
                    start = 0
                    continue
            data, matched, start = self._InlineProcessor__applyPattern(patterns[patternIndex], data, patternIndex, start)
            if matched:
                present = None  # `data` changed
            else:
                patternIndex += 1
        return data


class InlineExtension(Extension):
    """Puts the processor above in the stock inline processor's place (same name, same priority)."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        """Replace the stock `inline` tree processor (one another extension put there is left alone)."""
        if "inline" not in md.treeprocessors or type(md.treeprocessors["inline"]) is not treeprocessors.InlineProcessor:
            return
        md.treeprocessors.register(InlineProcessor(md), "inline", 20)  # the stock priority (treeprocessors.build_treeprocessors)


def makeExtension(**kwargs) -> InlineExtension:  # noqa: N802 (Python-Markdown's name)
    """Entry point for Python-Markdown: `markdown_extensions: [generator.markdown_inline]`."""
    return InlineExtension(**kwargs)
