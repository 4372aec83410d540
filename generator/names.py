"""Find actor and term names in prose, link their first mentions, and split sentences.

One compiled regular expression holds every name and alias, longest first,
so a text is scanned once whatever the number of names (Python's `re` tries
the alternatives at each position; see benchmarks/ for how that scales).
Prose is made inert first (markup.sanitize); names are matched in the form
they take there (markup.prose_form).
"""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from .markup import EXPLICIT, inline, link_title, prose_form, sanitize

# Spans of Markdown that must not be linked into: links/images, code, autolinks.
_PROTECTED = re.compile(
    # [text](url): the URL part may hold balanced (...) groups.  Written so that no
    # two quantifiers can match the same characters: hostile prose such as
    # "[a](" followed by a megabyte without ")" must not backtrack quadratically.
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\([^()]*(?:\([^()]*\)[^()]*)*\)"
    r"|`+[^`]*`+"  # inline code
)


@dataclass(frozen=True)
class Target:
    """Where a name points: a page (relative to docs/) and what it is."""

    key: str
    page: str
    title: str
    tooltip: str = ""  # the link's hover text (markup.link_title), or none


# A name is a whole word: no letter, digit, "_" or "-" just before or after it.  In
# sanitised prose (see prose_form) a name cannot start just after "&" either: every "&"
# there begins an entity (&amp; or &lt;), and "amp" or "lt" inside one is no mention.
_WHOLE_WORD = r"(?<![\w-])(?:{})(?![\w-])"
_WHOLE_WORD_IN_PROSE = r"(?<![\w&-])(?:{})(?![\w-])"


def compile_names(names: list[str], template: str) -> re.Pattern[str]:
    """`template` (with one "{}") compiled around an expression matching any of `names`, the longest first.

    The names are arranged as a trie ("Ivan|Ivanov|Iran" becomes
    "I(?:ran|van(?:ov)?)"): a flat alternation makes `re` try every name at
    every word start, so its cost grows with the number of names, while the
    trie is walked one character at a time.  Greedy `?` tries the longer name
    first and falls back to the shorter one when the end-of-word check fails,
    exactly as the longest-first alternation did.  Where the trie nests too
    deep for `re` (thousands of nested prefixes), it is the flat alternation,
    longest name first.
    """
    try:
        body = _trie_regex(_trie(names)) if names else r"(?!x)x"
        return re.compile(template.format(body))
    except (RecursionError, re.error, OverflowError):
        ordered = sorted(names, key=lambda n: (-len(n), n))
        return re.compile(template.format("|".join(re.escape(n) for n in ordered)))


def _trie(names: list[str]) -> dict:
    """A character trie of `names`; the key "" marks where a name ends."""
    root: dict = {}
    for name in names:
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return root


def _trie_regex(node: dict) -> str:
    """The trie below `node` as a regular expression (single-child chains kept literal)."""
    branches = []
    for char in sorted(k for k in node if k):
        chain, child = char, node[char]
        while len(child) == 1 and "" not in child:  # one way on: no choice to encode
            (next_char, child), = child.items()
            chain += next_char
        branches.append(re.escape(chain) + _trie_regex(child))
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
    return group + "?" if "" in node else group


# Where an explicit mention waits while the rest of the prose is sanitised and linked:
# private-use characters, which no name, Markdown rule or escape touches.
_HOLD = re.compile("\ue000([0-9]+)\ue001")


class Matcher:
    """Every name of every target, compiled into one expression.

    `in_prose`: match the names as they read in sanitised prose (prose_form),
    for PageLinker; otherwise as written, for plain text.  The first target
    given a name keeps it; `by_id` finds targets for explicit mentions, and
    `other` the second target of a name that is a metonym of one actor and
    the name of another (see choose()).
    """

    def __init__(self, names: Iterable[tuple[str, Target]], in_prose: bool = False):
        self.targets: dict[str, Target] = {}
        self.by_id: dict[str, Target] = {}
        self.other: dict[str, Target] = {}
        for name, target in names:
            self.targets.setdefault(prose_form(name) if in_prose else name, target)
        self.pattern = compile_names(list(self.targets), _WHOLE_WORD_IN_PROSE if in_prose else _WHOLE_WORD)

    def choose(self, form: str, target: Target, prefer: set[str]) -> Target:
        """The target a matched name `form` means where the actors `prefer` are at hand (an article's cast).

        A name shared by a metonym and a city means the metonym's actor (so
        existing prose keeps its meaning), unless only the city is at hand.
        """
        other = self.other.get(form) if prefer and target.key not in prefer else None
        return other if other is not None and other.key in prefer else target

    def table(self) -> tuple:
        """Everything that decides which targets a text names, with each target as its key.

        Two matchers with equal tables find the same target keys in any text
        (find, choose, by_id): a memo of what a matcher found is valid while
        its table is (mentions.NamesMemo).  The pages, titles and tooltips of
        the targets are left out; nothing found depends on them.
        """
        def by_key(pairs: dict[str, Target]) -> tuple[tuple[str, str], ...]:
            return tuple((name, target.key) for name, target in pairs.items())
        return (self.pattern.pattern, self.pattern.flags, by_key(self.targets), by_key(self.other), by_key(self.by_id))

    def find(self, text: str) -> Iterator[tuple[int, int, Target]]:
        """(start, end, target) of every name in `text` outside protected spans."""
        position = 0
        for protected in _PROTECTED.finditer(text):
            yield from self._find_in(text, position, protected.start())
            position = protected.end()
        # Most prose has no protected span: scan it here, one generator level less.
        targets = self.targets
        for match in self.pattern.finditer(text, position, len(text)):
            yield match.start(), match.end(), targets[match.group(0)]

    def _find_in(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, Target]]:
        for match in self.pattern.finditer(text, start, end):
            yield match.start(), match.end(), self.targets[match.group(0)]


# Pages sit in a few folders, so the same few thousand links recur on every page.
_relpath = functools.lru_cache(maxsize=1 << 17)(posixpath.relpath)
_dirname = functools.lru_cache(maxsize=1 << 12)(posixpath.dirname)


def relative(from_page: str, to: str) -> str:
    """A link from one docs/ page to another page (with an optional #anchor)."""
    path, _, anchor = to.partition("#")
    link = _relpath(path, _dirname(from_page)) if path != from_page else ""
    return f"{link}#{anchor}" if anchor else link


class PageLinker:
    """Links the first mention of each target per section of one page.

    `matcher` matches names in their prose form (Matcher(..., in_prose=True)),
    since the text is sanitised before it is searched.
    """

    def __init__(self, matcher: Matcher, page: str, self_keys: Iterable[str] = (), prefer: Iterable[str] = ()):
        self.matcher = matcher
        self.page = page
        self.self_keys = set(self_keys)
        # Target keys this page is about (an article's actors): a metonym of one of them
        # links to it, not to the actor whose real name it is, unless that one is here too.
        self.prefer = set(prefer)
        self.seen: dict[str, set[str]] = {}

    def prose(self, text: str, section: str) -> str:
        """Sanitised Markdown with first mentions linked, for a block of prose."""
        held: list[tuple[str, str]] = []
        return self._place(self._link(sanitize(self._hold(text, held)), section), held, section)

    def line(self, text: str, section: str) -> str:
        """Like prose(), folded onto one line (list items, table cells)."""
        # Pipes are escaped so the text can sit in a table cell (after linking, so that a
        # name with a pipe still reads as its prose form; links add no pipes).
        held: list[tuple[str, str]] = []
        linked = self._link(sanitize(inline(self._hold(text, held))), section)
        return self._place(linked, held, section).replace("|", "\\|")

    @staticmethod
    def _hold(text: str, held: list[tuple[str, str]]) -> str:
        """`text` with each explicit mention replaced by a placeholder; (label, id) kept in `held`."""
        def keep(match: re.Match[str]) -> str:
            held.append((match.group(1), match.group(2)))
            return f"\ue000{len(held) - 1}\ue001"
        return EXPLICIT.sub(keep, text) if "](@" in text else text

    def _place(self, text: str, held: list[tuple[str, str]], section: str) -> str:
        """The placeholders of _hold() as links to their chosen targets, or as plain text."""
        if not held:
            return text
        seen = self.seen.setdefault(section, set())

        def put(match: re.Match[str]) -> str:
            label, id_ = held[int(match.group(1))]
            label = sanitize(inline(label))
            target = self.matcher.by_id.get(id_)
            if target is None or target.key in self.self_keys:
                return label
            seen.add(target.key)
            return f"[{label}]({relative(self.page, target.page)})"
        return _HOLD.sub(put, text)

    def _link(self, text: str, section: str) -> str:
        seen = self.seen.setdefault(section, set())
        out, position = [], 0
        for start, end, target in self.matcher.find(text):
            target = self.matcher.choose(text[start:end], target, self.prefer)
            if target.key in seen or target.key in self.self_keys:
                continue
            seen.add(target.key)
            out.append(text[position:start])
            title = f' "{target.tooltip}"' if target.tooltip else ""
            out.append(f"[{text[start:end]}]({relative(self.page, target.page)}{title})")
            position = end
        out.append(text[position:])
        return "".join(out)


# A sentence ends at . ! or ? before a capital, but not after an initial or a title:
# "the U.S. Army", "J. Smith", "Gen. Petraeus" (fixed-width look-behinds, one per length).
_NOT_AFTER = ("(?<!\\b[A-Z]\\.)", "(?<!\\b(?:Mr|Dr|St|Lt|No|vs)\\.)",
              "(?<!\\b(?:Mrs|Gen|Col|Sen|Rep|Gov|Maj|Sgt|Amb)\\.)", "(?<!\\b(?:Prof|Capt|Pres)\\.)")
_SENTENCE_END = re.compile(r"(?<=[.!?])" + "".join(_NOT_AFTER) + r"\s+(?=[A-Z“\"(])")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, folded onto one line."""
    return _SENTENCE_END.split(inline(text))


def names_per_sentence(matcher: Matcher, text: str, prefer: frozenset[str] = frozenset()) -> list[tuple[int, list[Target]]]:
    """(index in sentences(text), the targets it names) for each sentence naming any; `prefer` as Matcher.choose."""
    flat = inline(text)
    found = None if "[" in flat or "`" in flat else _names_by_sentence(matcher, flat, prefer)
    if found is None:
        found = [_named_in(matcher, sentence, prefer) for sentence in _SENTENCE_END.split(flat)]
    return [(index, list(named.values())) for index, named in enumerate(found) if named]


def _named_in(matcher: Matcher, sentence: str, prefer: frozenset[str]) -> dict[str, Target]:
    """The targets one sentence names, by name or by explicit mention ([Name](@id))."""
    named: dict[str, Target] = {}
    for start, end, target in matcher.find(sentence):
        target = matcher.choose(sentence[start:end], target, prefer)
        named[target.key] = target
    for match in EXPLICIT.finditer(sentence):
        target = matcher.by_id.get(match.group(2))
        if target is not None:
            named[target.key] = target
    return named


def _names_by_sentence(matcher: Matcher, flat: str, prefer: frozenset[str]) -> list[dict[str, Target]] | None:
    """Like searching each sentence on its own, in one pass over the whole text.

    Only for text without protected spans (which a sentence break could cut
    in two); None when a name runs across a sentence break, where searching
    sentence by sentence would find something else.
    """
    breaks = list(_SENTENCE_END.finditer(flat))
    starts = [0] + [b.end() for b in breaks]
    ends = [b.start() for b in breaks] + [len(flat)]
    named: list[dict[str, Target]] = [{} for _ in starts]
    for start, end, target in matcher.find(flat):
        index = bisect.bisect_right(starts, start) - 1
        if end > ends[index]:
            return None
        target = matcher.choose(flat[start:end], target, prefer)
        named[index][target.key] = target
    return named


def actor_target(actor) -> Target:
    """The link target for an actor's page."""
    return Target(f"actor:{actor.id}", actor.page, actor.name, link_title(actor.description))


def term_target(term) -> Target:
    """The link target for a term: its actor's page when it names one, else its entry."""
    if term.actor is not None:
        return actor_target(term.actor)
    return Target(f"term:{term.id}", term.page, term.term)


def briefing_matcher(briefing, in_prose: bool = False) -> Matcher:
    """A matcher for every actor name and alias and every glossary term form (see Matcher)."""
    names: list[tuple[str, Target]] = []
    for actor in briefing.actors:
        names += [(name, actor_target(actor)) for name in actor.names]
    for term in briefing.terms:
        forms = [term.term, *term.aliases] + ([term.expansion] if term.expansion else [])
        names += [(form, term_target(term)) for form in forms]
    # Metonyms first: where a city actor has the same name, prose written before the
    # city was added keeps its meaning; Matcher.choose() and [Name](@id) pick the city.
    metonyms = [(name, actor_target(actor)) for actor in briefing.actors for name in actor.metonyms]
    matcher = Matcher(metonyms + names, in_prose)
    for name, target in names:
        form = prose_form(name) if in_prose else name
        if matcher.targets[form] != target and form in {prose_form(m) if in_prose else m for m, _ in metonyms}:
            matcher.other.setdefault(form, target)
    matcher.by_id = {term.id: term_target(term) for term in briefing.terms}
    matcher.by_id.update((actor.id, actor_target(actor)) for actor in briefing.actors)  # an actor's id wins
    return matcher
