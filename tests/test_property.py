"""Property-based tests: seed files generated from the schema, with arbitrary Unicode.

Hypothesis writes whole briefings (briefing.yaml, actors, glossary terms,
articles) from the declarations in generator/schema.py: every field of every
shape, with arbitrary Unicode text mixed with hostile fragments (HTML,
javascript: links, template and Markdown syntax, names of other actors).  A
quarter of the examples is then broken on purpose (a wrong type, a missing
key, an unknown key, a truncated or non-UTF-8 file …).

- Generation either succeeds, or fails with diagnostics that each name an
  existing seed file, line and column; it never ends in an exception.
- Every valid briefing (the strategy keeps names unique: a name claimed
  twice is rightly refused) is accepted and built by the real `briefing
  build`: strict MkDocs plus the link check pass, no page holds markup from
  the seeds, and each actor's heading and page title read exactly as its name.

Examples: BRIEFING_HYPOTHESIS=ci (the default) runs 200 generations and 25
builds; BRIEFING_HYPOTHESIS=thorough runs 2,000 and 250.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_project
from generator import cli, pipeline, schema
from test_bad_inputs import assert_inert, content

settings.register_profile(
    "ci", max_examples=200, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", settings.get_profile("ci"), max_examples=2000)
PROFILE = settings.get_profile(os.environ.get("BRIEFING_HYPOTHESIS", "ci"))
BUILDS = max(10, PROFILE.max_examples // 8)

DIAGNOSTIC = re.compile(r"^(seeds/[^:]+):(\d+):(\d+): error: .+$")

# Names the generated prose mentions, so that linking and glossary tooltips run too.
NAMES = ["NATO", "The Pact", "Ivan Petrov", "Petrov", "ISAF", "Operation Channel", "CSTO"]
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=x></iframe>", "</p>", "<!--",
    "{{ 7*7 }}", "{% if x %}", "{#", "{: onclick=alert(1) }", "[x](javascript:alert(1))", "[d](data:text/html,x)",
    "![i](https://x.example/i.png)", "[ok](https://example.org/a_b)", "[r](relative.md)", "[a](#anchor)", "<https://x>",
    "</title>", "</textarea>", "*", "_", "**", "[", "]", "(", ")", "|", "#", "##", "\\", "`", "``", "~", ">", "<", "&", "&amp;", "&#x3C;",
    "\n", "\n\n", "\r\n", "\t", "    ", "- ", "1. ", "> ", "---", "===", "***", "!!! note", "*[NATO]: x",
    "[ref]: https://x", "--8<-- \"mkdocs.yml\"", ":", "'", '"', "\u202e", "\u00a0", "\u2028", "é", "中文", "🙂",
]
# Any character but surrogates and control characters (refused in text: see `broken`).
CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"))
WORDS = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(NAMES), st.text(CHARACTERS, max_size=6))
TEXT = st.one_of(st.text(CHARACTERS, min_size=1, max_size=30), st.lists(WORDS, min_size=1, max_size=10).map("".join)).filter(str.strip)
IDS = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6), min_size=1, max_size=3).map("-".join)


@st.composite
def dates(draw) -> str:
    """A valid partial date or range: 2010, 2010-11, 2010-11-19, 2010/2012 …"""
    year = draw(st.integers(1900, 2030))
    point = draw(st.sampled_from([f"{year}", f"{year}-{draw(st.integers(1, 12)):02d}", f"{year}-02-{draw(st.integers(1, 28)):02d}"]))
    return draw(st.sampled_from([point, f"{point[:4]}/{year + draw(st.integers(0, 5))}"]))


def kind_values(kind: schema.Kind, ids: dict[str, list[str]]) -> st.SearchStrategy:
    """Valid values of one schema kind (text may still be refused: a name claimed twice)."""
    if kind.form in (schema.Form.TEXT, schema.Form.PROSE):
        return TEXT
    if kind.form is schema.Form.URL:
        return st.text("abcxyz019-._~%/?=&#*_!$'()+,;@", max_size=20).map(lambda path: "https://example.org/" + path)
    if kind.form is schema.Form.BOOL:
        return st.booleans()
    if kind.form is schema.Form.COUNT:  # small ones split the timeline and the stances even here
        return st.one_of(st.integers(1, 3), st.integers(1, schema.COUNT_MAX))
    if kind.form is schema.Form.ENUM:
        return st.sampled_from(kind.values)
    if kind.form is schema.Form.TAG:
        return IDS
    if kind.form is schema.Form.REF:
        pool = [i for t in kind.types for i in ids.get(f"actor:{t}", [])] if kind.types else ids[kind.ref]
        return st.sampled_from(pool) if pool else IDS
    if kind.form is schema.Form.DATE_STRING:
        return dates()
    if kind.form is schema.Form.DATE:
        return st.one_of(dates(), shape_values(schema.DATE_DETAIL, ids))
    if kind.form is schema.Form.LIST:
        assert kind.item is not None
        # A judgement cites at least one article: check refuses one that cites nothing.
        least = 1 if kind.item.shape is schema.EVIDENCE else 0
        return st.lists(kind_values(kind.item, ids), min_size=least, max_size=3)
    assert kind.shape is not None
    return shape_values(kind.shape, ids)


def shape_values(shape: schema.Shape, ids: dict[str, list[str]]) -> st.SearchStrategy:
    """A mapping of `shape`: every required field, any of the optional ones."""
    required = {f.name: kind_values(f.kind, ids) for f in shape.fields if f.required}
    optional = {f.name: kind_values(f.kind, ids) for f in shape.fields if not f.required}
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def briefings(draw) -> dict[str, object]:
    """Seed files (path under seeds/ -> data) whose references mostly resolve."""
    ids = {
        "actor": draw(st.lists(IDS, min_size=2, max_size=4, unique=True)),
        "term": draw(st.lists(IDS, min_size=1, max_size=3, unique=True)),
        "article": draw(st.lists(IDS, min_size=1, max_size=2, unique=True)),
    }
    issues = draw(st.lists(shape_values(schema.ISSUE, {}), min_size=1, max_size=2, unique_by=lambda i: i["id"]))
    ids["issue"] = [i["id"] for i in issues]
    # Typed references (an outlet, a place) need actors of those types: the first is an
    # outlet, the second a city, the rest of any type.
    types = ["outlet", "city"] + [draw(st.sampled_from(schema.ACTOR_TYPES)) for _ in ids["actor"][2:]]
    for id_, type_ in zip(ids["actor"], types):
        ids.setdefault(f"actor:{type_}", []).append(id_)
    settings_file = draw(shape_values(schema.BRIEFING, ids))
    settings_file["issues"] = issues
    files: dict[str, object] = {"briefing.yaml": settings_file}
    for folder, kind in (("actors", "actor"), ("glossary", "term"), ("articles", "article")):
        for id_ in ids[kind]:
            files[f"{folder}/{id_}.yaml"] = draw(shape_values(schema.SEED_SHAPES[kind], ids))
    for id_, type_ in zip(ids["actor"], types):
        files[f"actors/{id_}.yaml"]["type"] = type_
    _names_once(files)
    _cite_quotes_that_exist(files)
    return files


def _cite_quotes_that_exist(files: dict[str, object]) -> None:
    """A judgement's quote number names a quote its article has (check refuses one past the
    last, crosscheck.check_judgements): a drawn number becomes one in range, or none."""
    for judgement in files["briefing.yaml"]["key_judgements"]:
        for cited in judgement["evidence"]:
            quotes = files[f"articles/{cited['article']}.yaml"].get("quotes") or []
            if "quote" in cited and quotes:
                cited["quote"] = (cited["quote"] - 1) % len(quotes) + 1
            else:
                cited.pop("quote", None)


def _names_once(files: dict[str, object]) -> None:
    """Make every actor and term name unique (a name claimed twice is refused, rightly),
    by adding the file's id to a repeated one: arbitrary names, mostly valid briefings."""
    seen: set[str] = set()
    for path, data in files.items():
        for key in ("name", "term", "aliases", "metonyms"):
            if path.startswith(("actors/", "glossary/")) and key in data:
                names = data[key] if key in ("aliases", "metonyms") else [data[key]]
                for index, name in enumerate(names):
                    if " ".join(name.casefold().split()) in seen:
                        names[index] = name = f"{name} {path}{index}"
                    seen.add(" ".join(name.casefold().split()))
                if key not in ("aliases", "metonyms"):
                    data[key] = names[0]


def dump(data: object) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def broken(draw, files: dict[str, object]) -> dict[str, bytes]:
    """The files as bytes, one of them damaged in one of several ways."""
    raw = {path: dump(data) for path, data in files.items()}
    path = draw(st.sampled_from(sorted(raw)))
    data = files[path]
    how = draw(st.sampled_from(["type", "missing", "unknown", "truncate", "bytes", "tab", "list", "control"]))
    if how == "type" and isinstance(data, dict):
        key = draw(st.sampled_from(sorted(data)))
        raw[path] = dump({**data, key: draw(st.one_of(st.none(), st.integers(), st.lists(st.integers(), max_size=2), st.just({"a": 1})))})
    elif how == "missing" and isinstance(data, dict):
        raw[path] = dump({k: v for k, v in data.items() if k != draw(st.sampled_from(sorted(data)))})
    elif how == "unknown" and isinstance(data, dict):
        raw[path] = dump({**data, draw(st.text(min_size=1, max_size=12)): "x"})
    elif how == "truncate":
        raw[path] = raw[path][: draw(st.integers(0, len(raw[path])))]
    elif how == "bytes":
        raw[path] = draw(st.binary(max_size=60))
    elif how == "control" and isinstance(data, dict):
        key = draw(st.sampled_from(sorted(data)))
        raw[path] = dump({**data, key: draw(st.text(st.characters(whitelist_categories=("Cc",)), min_size=1))})
    elif how == "tab":
        raw[path] = raw[path].replace(b"\n  ", b"\n\t", 1) + b"\n\tx: 1\n"
    else:
        raw[path] = dump([data])
    return raw


def seed_sets() -> st.SearchStrategy[dict[str, bytes]]:
    """Three valid briefings for each deliberately broken one."""
    valid = briefings().map(lambda files: {path: dump(data) for path, data in files.items()})
    return st.one_of(valid, valid, valid, briefings().flatmap(broken))


@contextlib.contextmanager
def project(files: dict[str, bytes]):
    """A scratch project holding `files` under seeds/, this repository's templates and config."""
    with tempfile.TemporaryDirectory(prefix="briefing-prop-") as tmp:
        seeds = Path(tmp) / "seeds"
        for path, data in files.items():
            (seeds / path).parent.mkdir(parents=True, exist_ok=True)
            (seeds / path).write_bytes(data)
        yield make_project(Path(tmp) / "project", seeds)


def assert_diagnostics(root: Path, messages: list[str]) -> None:
    """Each message names an existing seed file and a line:col within it."""
    assert messages
    for message in messages:
        match = DIAGNOSTIC.match(message)
        assert match, message
        file = root / match.group(1)
        lines = file.read_bytes().count(b"\n") + 1 if file.exists() else 1
        assert match.group(1) == "seeds/briefing.yaml" or file.is_file(), message
        assert 1 <= int(match.group(2)) <= lines and int(match.group(3)) >= 1, message


@settings(PROFILE)
@given(seed_sets())
def test_generation_succeeds_or_fails_with_diagnostics(files):
    with project(files) as proj:
        try:
            report = pipeline.generate(proj)
        except pipeline.BuildError as refused:
            assert_diagnostics(proj.root, refused.messages)
            assert [p.name for p in proj.docs.iterdir()] == ["editors-guide.md"], "a refused generation wrote into docs/"
        else:
            assert report.articles == len([p for p in files if p.startswith("articles/")])


@settings(PROFILE, max_examples=BUILDS)
@given(briefings())
def test_generated_briefings_pass_a_strict_mkdocs_build(files):
    """Valid seeds, however odd their text, are never refused and always build (strict, link-checked)."""
    with project({path: dump(data) for path, data in files.items()}) as proj:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main(["--root", str(proj.root), "build"])
        assert status == 0, err.getvalue()
        check_site(proj.root / "site", files)


def check_site(site: Path, files: dict[str, object]) -> None:
    """No markup from the seeds in any page; each actor's heading and title are its name."""
    for page in site.rglob("*.html"):
        assert_inert(page, content(page))
    for path, data in files.items():
        if path.startswith("actors/"):
            page = content(site / path.removesuffix(".yaml") / "index.html")
            name = " ".join(data["name"].split())
            assert page.h1 == name, (page.h1, name)
            assert page.title.startswith(name + " - "), (page.title, name)
