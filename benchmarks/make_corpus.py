"""Make a synthetic briefing corpus: N articles, N/5 actors, N/20 terms.

The corpus is written as ordinary seed files in the project's own schema
(generator/schema.py), laid out as the loader expects:

    seeds/briefing.yaml
    seeds/articles/<id>.yaml
    seeds/actors/<id>.yaml
    seeds/glossary/<id>.yaml

Sizes follow the five real seed articles, scaled to a typical annotation
rather than the real ones' exceptional thoroughness: a summary of 100-160
words, 4-7 key points, 6-14 actors with a role line each, up to 4 quotes,
2-6 stances, 2-6 events, up to 2 figures, 3-8 terms and 1-3 themes, about
5 KB of YAML per article.  Prose names an actor or term about 13 times per
100 words, as the real summaries do.  Popularity is Zipf-shaped, as in real
briefings: a few actors (the "Russia" and "NATO" of the corpus) appear in
most articles, most actors in a handful.

Names are pseudo-words made of syllables, capitalised; the filler prose is
lowercase English, so the linker finds exactly the names we put in.  The
random generator is seeded, so a given N always gives the same files.

    python benchmarks/make_corpus.py --articles 1000 --out corpus-1000
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import re
import sys
from pathlib import Path

import yaml

SEED = 20261123

# libyaml's emitter when present: writing 10,000 files with the pure-Python one is slow.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "st", "tr", "sh", "ch", "gr"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ou", "ia"]
_CODAS = ["", "", "", "n", "r", "s", "l", "k", "v", "sk", "nd"]

_FILLER = (
    "the a its their this that new former regional national joint further wider early late "
    "government officials ministers talks agreement plan programme report policy security trade "
    "border supply routes cooperation pressure support funding meeting summit statement proposal "
    "decision strategy campaign effort crisis conflict market network forces troops aid money "
    "drugs trafficking smuggling production seizures training equipment bases transit partners "
    "said warned argued claimed announced proposed rejected welcomed accepted doubted pushed "
    "offered promised agreed refused criticised praised signed delayed expanded reduced "
    "against with over under after before during since without across between about toward "
    "strongly quietly openly repeatedly publicly privately briefly again still already "
    "for and but while because although so yet as when where which who"
).split()

_FILLER_SET = set(_FILLER)

_THEMES = [
    "drug-trafficking", "border-security", "energy", "sanctions", "diplomacy", "military-bases",
    "counter-terrorism", "public-health", "trade-routes", "elections", "media", "alliances",
    "military-doctrine", "arms-control", "migration", "water-rights", "mining", "aid-programmes",
    "regional-integration", "peacekeeping", "intelligence", "corruption", "finance", "transport",
    "agriculture", "human-rights", "cyber-security", "nuclear-policy", "space", "fisheries",
    "telecoms", "education", "climate", "refugees", "policing", "customs", "pipelines",
    "rail-links", "air-defence", "naval-affairs",
]

# Actor types with their share of actors (person-heavy, as real briefings are).
_ACTOR_MIX = [
    ("person", 50), ("organisation", 18), ("state", 8), ("region", 4), ("city", 5),
    ("outlet", 9), ("programme", 4), ("group", 2),
]
_ARTICLE_KINDS = ["report", "analysis", "interview", "news", "opinion"]
_LEANINGS = ["supports", "opposes", "mixed", "neutral"]
_QUALIFIERS = ["about", "early", "mid", "late", "before", "after", "since", "by"]


class Names:
    """Unique pseudo-word names: no two names or aliases are equal, ignoring case."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()
        self.ids: set[str] = set()

    def word(self, syllables: int | None = None) -> str:
        """One lowercase pseudo-word of 2-3 syllables."""
        count = syllables or self.rng.choice((2, 2, 3))
        while True:
            word = "".join(self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) for _ in range(count)) + self.rng.choice(_CODAS)
            if word not in _FILLER_SET:  # "trade" is a pseudo-word too: keep names apart from prose
                return word

    def claim(self, make) -> str:
        """Call `make()` until it gives a name not yet taken, and take it."""
        while True:
            name = make()
            if name.casefold() not in self.taken:
                self.taken.add(name.casefold())
                return name

    def id_for(self, name: str) -> str:
        """A unique id spelt from `name`."""
        base = (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "item")[:60].strip("-")
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        self.ids.add(candidate)
        return candidate


class Zipf:
    """Picks items with probability proportional to 1 / rank**s (rank 1 most likely)."""

    def __init__(self, items: list, rng: random.Random, s: float = 1.0):
        self.items = items
        self.rng = rng
        self.cumulative = list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, len(items) + 1)))

    def one(self):
        """One item."""
        x = self.rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_left(self.cumulative, x)]

    def distinct(self, count: int) -> list:
        """`count` different items (fewer if there are not that many)."""
        count = min(count, len(self.items))
        chosen: dict = {}
        while len(chosen) < count:
            item = self.one()
            chosen[id(item)] = item
        return list(chosen.values())


class Corpus:
    """Builds the data of every seed file in memory, then writes them."""

    def __init__(self, articles: int, seed: int = SEED):
        self.rng = random.Random(seed)
        self.names = Names(self.rng)
        self.article_count = articles
        self.actors: list[dict] = []
        self.terms: list[dict] = []
        self.issues: list[dict] = []

    # ----------------------------------------------------------------- prose

    def filler(self, words: int) -> list[str]:
        return [self.rng.choice(_FILLER) for _ in range(words)]

    def sentence(self, names: list[str], words: int = 18, density: float = 0.17) -> str:
        """A sentence of about `words` filler words and `density` names per filler word.

        0.17 names per filler word is 13 names per 100 words of the finished
        sentence (names are words too), the density of the real summaries.
        """
        out = self.filler(words)
        mentions = max(1, round(words * density + self.rng.uniform(-0.5, 0.5))) if names else 0
        for _ in range(mentions):
            out.insert(self.rng.randrange(len(out) + 1), self.rng.choice(names))
        text = " ".join(out)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, names: list[str], words: int) -> str:
        sentences, total = [], 0
        while total < words:
            length = self.rng.randint(14, 24)
            sentences.append(self.sentence(names, length))
            total += length
        return " ".join(sentences)

    def date(self, detailed: float = 0.1) -> str | dict:
        year, month, day = self.rng.randint(2000, 2024), self.rng.randint(1, 12), self.rng.randint(1, 28)
        precision = self.rng.random()
        text = f"{year}" if precision < 0.05 else f"{year}-{month:02d}" if precision < 0.2 else f"{year}-{month:02d}-{day:02d}"
        if self.rng.random() >= detailed:
            return text
        value: dict = {"on": text, "qualifier": self.rng.choice(_QUALIFIERS)}
        if self.rng.random() < 0.5:
            value["inferred"] = True
            value["note"] = "The year is not printed; it follows from the events the article reports."
        return value

    # ----------------------------------------------------------------- registries

    def make_actors(self, count: int) -> None:
        kinds = [kind for kind, share in _ACTOR_MIX for _ in range(share)]
        for index in range(count):
            kind = "outlet" if index % 12 == 5 else self.rng.choice(kinds)  # always some outlets
            name = self.names.claim(lambda: self._actor_name(kind))
            actor: dict = {"name": name, "type": kind}
            if kind == "person" and self.rng.random() < 0.3:
                # The surname alone, as articles often write it; skip it if another actor has it.
                surname = name.split()[-1]
                if surname.casefold() not in self.names.taken:
                    self.names.taken.add(surname.casefold())
                    actor["aliases"] = [surname]
            actor["_id"] = self.names.id_for(name)
            self.actors.append(actor)
        self.actor_pick = Zipf(self.actors, self.rng, s=0.9)
        self.outlets = [a for a in self.actors if a["type"] == "outlet"]
        self.outlet_pick = Zipf(self.outlets, self.rng, s=1.0)
        self.places = [a for a in self.actors if a["type"] in ("state", "region", "city")] or self.actors
        self.bodies = [a for a in self.actors if a["type"] in ("organisation", "state")] or self.actors
        for actor in self.actors:
            self._describe_actor(actor)

    def _actor_name(self, kind: str) -> str:
        w = lambda: self.names.word().capitalize()  # noqa: E731
        if kind == "person":
            return f"{w()} {w()}"
        if kind == "organisation":
            return f"{w()} {self.rng.choice(['Institute', 'Council', 'Agency', 'Union', 'Foundation', 'Bank'])}"
        if kind == "outlet":
            return f"The {w()} {self.rng.choice(['Times', 'Herald', 'Monitor', 'Review', 'Post', 'Wire'])}"
        if kind == "programme":
            return f"Operation {w()}"
        if kind == "group":
            return f"{w()} Movement"
        return w()  # states, regions, cities: one word

    def _describe_actor(self, actor: dict) -> None:
        others = [a["name"] for a in self.actor_pick.distinct(2) if a is not actor]
        actor["description"] = self.paragraph(others, self.rng.randint(20, 40))
        if actor["type"] == "person" and self.rng.random() < 0.3:
            body = self.rng.choice(self.bodies)
            if body is not actor:
                actor["affiliations"] = [{"actor": body["_id"], "relation": self.rng.choice(["member of", "adviser to", "head of"])}]
        if actor["type"] == "person" and self.rng.random() < 0.2:
            role = {"title": self.rng.choice(["Foreign Minister", "Defence Minister", "Director", "Envoy", "Spokesperson"])}
            role["of"] = self.rng.choice(self.bodies)["_id"]
            role["from"] = self.date(detailed=0.3)
            actor["roles"] = [role]

    def make_terms(self, count: int) -> None:
        for _ in range(count):
            if self.rng.random() < 0.4:
                form = self.names.claim(lambda: "".join(self.rng.choice("ABCDEFGHKLMNPRSTVZ") for _ in range(self.rng.randint(3, 5))))
                term: dict = {"term": form, "expansion": " ".join(self.names.word().capitalize() for _ in range(len(form)))}
            else:
                form = self.names.claim(lambda: " ".join(self.names.word() for _ in range(self.rng.randint(1, 2))) + " " + self.rng.choice(["accord", "route", "doctrine", "line", "plan"]))
                term = {"term": form}
                plural = form + "s"
                if self.rng.random() < 0.3 and plural.casefold() not in self.names.taken:
                    self.names.taken.add(plural.casefold())
                    term["aliases"] = [plural]
            term["_id"] = self.names.id_for(form)
            self.terms.append(term)
        self.term_pick = Zipf(self.terms, self.rng, s=0.8)
        for term in self.terms:
            names = [a["name"] for a in self.actor_pick.distinct(2)]
            term["definition"] = self.paragraph(names, self.rng.randint(20, 40))
            if self.rng.random() < 0.5:
                term["related_terms"] = [t["_id"] for t in self.term_pick.distinct(2) if t is not term]
            if self.rng.random() < 0.5:
                term["related_actors"] = [a["_id"] for a in self.actor_pick.distinct(2)]
        # A few abbreviations name an organisation: their mentions link to its profile.
        organisations = [a for a in self.actors if a["type"] == "organisation"]
        for term, actor in zip((t for t in self.terms if "expansion" in t), organisations[: max(1, count // 20)]):
            term["actor"] = actor["_id"]

    def make_issues(self) -> None:
        for index in range(8):
            words = [self.names.word() for _ in range(2)]
            self.issues.append({
                "id": f"issue-{index + 1}-{words[0]}",
                "title": f"Whether to back the {words[0]} {words[1]} plan",
                "description": self.paragraph([], 25),
            })

    # ----------------------------------------------------------------- files

    def briefing(self) -> dict:
        return {
            "title": "A synthetic briefing for benchmarks",
            "scope": self.paragraph([a["name"] for a in self.actors[:5]], 60),
            "key_judgements": [self.sentence([a["name"] for a in self.actors[:10]]) for _ in range(3)],
            "key_actors": [a["_id"] for a in self.actors[:5]],
            "issues": self.issues,
        }

    def article(self, index: int) -> tuple[str, dict]:
        rng = self.rng
        cast = self.actor_pick.distinct(rng.randint(6, 14))
        used_terms = self.term_pick.distinct(rng.randint(3, 8))
        names = [a["name"] for a in cast] + [t["term"] for t in used_terms]
        headline = " ".join([cast[0]["name"], *self.filler(rng.randint(4, 8))])
        source: dict = {"outlet": self.outlet_pick.one()["_id"], "headline": headline}
        if rng.random() < 0.7:
            source["author"] = f"{self.names.word().capitalize()} {self.names.word().capitalize()}"
        if rng.random() < 0.6:
            source["url"] = f"https://example.org/{index}/{self.names.word()}"
        source["date"] = self.date()
        source["kind"] = rng.choice(_ARTICLE_KINDS)
        data: dict = {
            "source": source,
            "summary": self.paragraph(names, rng.randint(100, 160)),
            "key_points": [self.sentence(names, rng.randint(14, 24)) for _ in range(rng.randint(4, 7))],
            "actors": [{"actor": a["_id"], "role": self.sentence(names, rng.randint(8, 15))} for a in cast],
        }
        quotes = [self._quote(cast, names) for _ in range(rng.randint(0, 4))]
        if quotes:
            data["quotes"] = quotes
        data["stances"] = [self._stance(cast, names) for _ in range(rng.randint(2, 6))]
        data["events"] = [self._event(cast, names) for _ in range(rng.randint(2, 6))]
        figures = [self._figure(cast, names) for _ in range(rng.randint(0, 2))]
        if figures:
            data["figures"] = figures
        data["terms"] = [t["_id"] for t in used_terms]
        data["themes"] = rng.sample(_THEMES, rng.randint(1, 3))
        slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")[:50].strip("-")
        return f"{slug}-{index:05d}", data

    def _quote(self, cast: list[dict], names: list[str]) -> dict:
        quote = {
            "text": " ".join(self.filler(self.rng.randint(6, 20))).capitalize() + ".",
            "speaker": self.rng.choice(cast)["_id"],
            "context": self.sentence(names, self.rng.randint(12, 20)),
        }
        if self.rng.random() < 0.5:
            quote["date"] = self.date()
        return quote

    def _stance(self, cast: list[dict], names: list[str]) -> dict:
        return {
            "actor": self.rng.choice(cast)["_id"],
            "issue": self.rng.choice(self.issues)["id"],
            "leaning": self.rng.choice(_LEANINGS),
            "position": self.sentence(names, self.rng.randint(10, 20)),
            "evidence": self.sentence(names, self.rng.randint(10, 18)),
        }

    def _event(self, cast: list[dict], names: list[str]) -> dict:
        event = {
            "date": self.date(),
            "what": self.sentence(names, self.rng.randint(10, 20)),
            "actors": [a["_id"] for a in self.rng.sample(cast, min(len(cast), self.rng.randint(1, 3)))],
        }
        if self.rng.random() < 0.4:
            event["where"] = [self.rng.choice(self.places)["_id"]]
        return event

    def _figure(self, cast: list[dict], names: list[str]) -> dict:
        figure = {
            "value": f"{self.rng.randint(2, 950)} {self.rng.choice(['tonnes', 'million', 'per cent', 'kilograms', 'troops'])}",
            "measures": self.sentence(names, self.rng.randint(8, 14)),
        }
        if self.rng.random() < 0.6:
            figure["source"] = self.rng.choice(cast)["_id"]
        return figure


def _dump(path: Path, data: dict) -> None:
    text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def _public(data: dict) -> dict:
    """The seed data without the maker's bookkeeping keys (those starting with _)."""
    return {k: v for k, v in data.items() if not k.startswith("_")}


def make_corpus(root: Path, articles: int, seed: int = SEED) -> dict[str, int]:
    """Write seeds/ for a synthetic briefing of `articles` articles under `root`.

    Returns the counts written: articles, actors, terms.
    """
    corpus = Corpus(articles, seed)
    corpus.make_actors(max(12, articles // 5))
    corpus.make_terms(max(4, articles // 20))
    corpus.make_issues()
    seeds = _write_shared_seeds(root, corpus)
    for index in range(articles):
        article_id, data = corpus.article(index)
        _dump(seeds / "articles" / f"{article_id}.yaml", data)
        if index == 0:
            _cite_in_judgements(seeds, article_id)
    return {"articles": articles, "actors": len(corpus.actors), "terms": len(corpus.terms)}


def _write_shared_seeds(root: Path, corpus: "Corpus") -> Path:
    """seeds/ with briefing.yaml, every actor and every term of `corpus`; returns the seeds folder."""
    seeds = root / "seeds"
    for folder in ("articles", "actors", "glossary"):
        (seeds / folder).mkdir(parents=True, exist_ok=True)
    _dump(seeds / "briefing.yaml", corpus.briefing())
    for actor in corpus.actors:
        _dump(seeds / "actors" / f"{actor['_id']}.yaml", _public(actor))
    for term in corpus.terms:
        _dump(seeds / "glossary" / f"{term['_id']}.yaml", _public(term))
    return seeds


def _cite_in_judgements(seeds: Path, article_id: str) -> None:
    """Make every key judgement cite `article_id`: a judgement must cite evidence, and the
    article ids are known only once the articles are made (after briefing.yaml, whose
    random draws come first so the corpus stays the same)."""
    path = seeds / "briefing.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["key_judgements"] = [{"text": text, "evidence": [{"article": article_id}]} for text in data["key_judgements"]]
    _dump(path, data)


def make_one_article_corpus(root: Path, actors: int, seed: int = SEED) -> dict[str, int]:
    """Write seeds/ for a briefing whose only article names `actors` actors.

    The case that made `briefing check` quadratic (issue 12, item 10): one
    article with a cast of thousands, such as a list of sanctioned people.
    Each actor has a role line that names two others, as role lines do.
    Returns the counts written: articles, actors, terms.
    """
    corpus = Corpus(1, seed)
    corpus.make_actors(actors)
    corpus.make_terms(4)
    corpus.make_issues()
    _, data = corpus.article(0)
    rng = corpus.rng
    data["actors"] = [
        {"actor": a["_id"], "role": corpus.sentence([o["name"] for o in rng.sample(corpus.actors, 2)], rng.randint(8, 15))}
        for a in corpus.actors
    ]
    seeds = _write_shared_seeds(root, corpus)
    _dump(seeds / "articles" / "the-long-list.yaml", data)
    _cite_in_judgements(seeds, "the-long-list")
    return {"articles": 1, "actors": len(corpus.actors), "terms": len(corpus.terms)}


def main(argv: list[str] | None = None) -> int:
    """Command line: python benchmarks/make_corpus.py --articles N --out DIR"""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write seeds/ into")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed (default: fixed)")
    args = parser.parse_args(argv)
    if (args.out / "seeds").exists():
        parser.error(f"{args.out / 'seeds'} already exists; choose an empty folder")
    counts = make_corpus(args.out, args.articles, args.seed)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
