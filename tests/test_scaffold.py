"""Editor support: `briefing new` starter files, and the JSON Schema editors use.

The JSON Schema (seeds/schema/*.json) and the loader are both generated from
generator/schema.py.  These tests make sure the two cannot drift apart: every
seed file must pass both, the starter files written by `briefing new` list
every declared field, and a starter filled in passes both checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator import cli, load, pipeline, scaffold, schema, seedschema

from conftest import FIXTURES, REPO


class EditorYamlLoader(yaml.SafeLoader):
    """Reads YAML as editors' language servers do: the YAML 1.2 core schema.

    PyYAML follows YAML 1.1, where `on`/`yes`/`no` are booleans and
    `2009-12-17` is a timestamp; in YAML 1.2 (yaml-language-server) they are
    strings.  Only true/false, numbers and null are typed here.
    """


EditorYamlLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    EditorYamlLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


def editor_load(text: str):
    """The value an editor's YAML 1.2 reader sees."""
    return yaml.load(text, Loader=EditorYamlLoader)


def validator(kind: str) -> jsonschema.Draft202012Validator:
    """A validator for the JSON Schema file the seeds point at."""
    document = json.loads((REPO / "seeds" / "schema" / f"{kind}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def schema_errors(kind: str, text: str) -> list[str]:
    """Every JSON Schema error in a seed file's text, as 'path: message'."""
    errors = validator(kind).iter_errors(editor_load(text))
    return sorted(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def all_seed_files(seeds: Path) -> list[tuple[str, Path]]:
    return [(kind, path) for kind, path in load.seed_paths(seeds) if path.exists()]


# --------------------------------------------------------------------------- the seeds and the JSON Schema


def test_editor_loader_keeps_dates_and_on_as_text():
    assert editor_load("a: 2009-12-17\non: x\nb: yes\nc: true\nd: 12\ne:\n") == {
        "a": "2009-12-17", "on": "x", "b": "yes", "c": True, "d": 12, "e": None,
    }


def test_generated_schema_files_are_current():
    for kind in schema.SEED_SHAPES:
        on_disk = json.loads((REPO / "seeds" / "schema" / f"{kind}.json").read_text(encoding="utf-8"))
        assert on_disk == seedschema.json_schema(kind), f"seeds/schema/{kind}.json is stale: run `briefing build`"


@pytest.mark.parametrize("seeds", [REPO / "seeds", FIXTURES / "mini" / "seeds"], ids=["briefing", "mini"])
def test_every_seed_file_passes_the_json_schema(seeds):
    files = all_seed_files(seeds)
    assert len(files) > 5
    failures = {
        path.relative_to(seeds).as_posix(): schema_errors(kind, path.read_text(encoding="utf-8"))
        for kind, path in files
    }
    assert {name: errors for name, errors in failures.items() if errors} == {}


def test_every_seed_file_points_at_its_schema():
    missing = []
    for kind, path in all_seed_files(REPO / "seeds"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = "schema" if kind == "briefing" else "../schema"
        if first != f"# yaml-language-server: $schema={target}/{kind}.json":
            missing.append(path.relative_to(REPO).as_posix())
        assert (path.parent / f"{target}/{kind}.json").is_file()
    assert missing == []


# Mistakes both checks must refuse: the JSON Schema's word, then the loader's.
BAD_TERMS = [
    ("term: X\ndefinition: Y\ncolour: red\n",
     ": Additional properties are not allowed ('colour' was unexpected)",
     "seeds/glossary/x.yaml:3:1: error: colour: unknown key 'colour'"),
    ("term: X\n",
     ": 'definition' is a required property",
     "seeds/glossary/x.yaml:1:1: error: missing required key 'definition': What it means, in our words, "
     "for a reader new to the region."),
    ("term: X\ndefinition: Y\nactor: Not An Id\n",
     "actor: 'Not An Id' does not match '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
     "seeds/glossary/x.yaml:3:8: error: actor: 'Not An Id' is not a valid actor id: use lowercase letters, "
     "digits and single hyphens (e.g. viktor-ivanov)"),
    ("term: X\ndefinition: " + "y" * 10_001 + "\n",
     "definition: '" + "y" * 10_001 + "' is too long",
     "seeds/glossary/x.yaml:2:13: error: definition: is 10,001 characters long; the limit is 10,000"),
]


@pytest.mark.parametrize("text, schema_error, loader_error", BAD_TERMS)
def test_json_schema_and_loader_refuse_the_same_mistakes(tmp_path, text, schema_error, loader_error):
    assert schema_errors("term", text) == [schema_error]
    path = tmp_path / "seeds" / "glossary" / "x.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    _, problems = load.load_file("term", path, "seeds/glossary/x.yaml")
    assert [str(p) for p in problems] == [loader_error]


SETTINGS = "title: T\nscope: S\nkey_judgements: [{text: K, evidence: [{article: a}]}]\n"
BAD_SETTINGS = [
    (SETTINGS + "split_timeline_after: 0\n",
     "split_timeline_after: 0 is less than the minimum of 1",
     "seeds/briefing.yaml:4:23: error: split_timeline_after: expected a whole number from 1 to 1,000,000,000, got 0"),
    (SETTINGS + "split_stances_after: 2.5\n",
     "split_stances_after: 2.5 is not of type 'integer'",
     "seeds/briefing.yaml:4:22: error: split_stances_after: expected a whole number from 1 to 1,000,000,000, got 2.5"),
    (SETTINGS + "split_stances_after: 1000000001\n",
     "split_stances_after: 1000000001 is greater than the maximum of 1000000000",
     "seeds/briefing.yaml:4:22: error: split_stances_after: expected a whole number from 1 to 1,000,000,000, "
     "got 1000000001"),
]


@pytest.mark.parametrize("text, schema_error, loader_error", BAD_SETTINGS)
def test_json_schema_and_loader_refuse_the_same_bad_settings(tmp_path, text, schema_error, loader_error):
    assert schema_errors("briefing", text) == [schema_error]
    path = tmp_path / "seeds" / "briefing.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    _, problems = load.load_file("briefing", path, "seeds/briefing.yaml")
    assert [str(p) for p in problems] == [loader_error]


# --------------------------------------------------------------------------- briefing new


def run_new(root: Path, *args: str) -> int:
    return cli.main(["--root", str(root), "new", *args])


def test_new_article_writes_a_commented_starter(mini, capsys):
    assert run_new(mini.root, "article", "fresh-news") == 0
    assert capsys.readouterr().out == (
        "created seeds/articles/fresh-news.yaml: fill in the Required fields, then run `briefing check`\n"
    )
    text = (mini.seeds / "articles" / "fresh-news.yaml").read_text(encoding="utf-8")
    assert text == scaffold.starter("article", "fresh-news")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/article.json"
    assert "# Required. The publishing outlet (an actor of type outlet). An actor id (a file name in\n" in text
    assert "  # Optional. Series, issue or reprint details, as printed.\n  # publication:\n" in text


def test_starter_as_written_asks_for_each_required_field(mini):
    scaffold.create(mini.root, "term", "fresh-term")
    _, problems = load.load_file("term", mini.seeds / "glossary" / "fresh-term.yaml", "t.yaml")
    assert [str(p) for p in problems] == [
        "t.yaml:8:6: error: term: is required but empty: The term as it is written, e.g. CSTO.",
        "t.yaml:20:12: error: definition: is required but empty: What it means, in our words, for a reader "
        "new to the region.",
    ]


def uncomment(text: str) -> str:
    """Turn every optional field on, as an editor's toggle-comment would, block by block."""
    lines = text.splitlines()[6:]  # after the header
    out: list[str] = []
    block = False  # inside a top-level commented-out field
    for line in lines:
        if re.match(r"^# (?:- )?[a-z_]+:", line):
            block = True
        elif not line.startswith("# "):
            block = False
        if block:
            line = line[2:]
        # Nested optional fields, commented out inside a field: `  # publication:`, `  #   -`.
        line = re.sub(r"^(\s*)# ((?:- )?[a-z_]+:\s*$|\s*-\s*$)", r"\1\2", line)
        out.append(line)
    return "\n".join(out) + "\n"


def keys_in(value, path=()) -> set[tuple[str, ...]]:
    """Every mapping key path in a loaded value (list items share their list's path)."""
    found: set[tuple[str, ...]] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            found.add(path + (key,))
            found |= keys_in(child, path + (key,))
    elif isinstance(value, list):
        for child in value:
            found |= keys_in(child, path)
    return found


def declared(shape: schema.Shape, path=()) -> set[tuple[str, ...]]:
    """Every field path the shape declares (a date mapping's fields are left out)."""
    found: set[tuple[str, ...]] = set()
    for f in shape.fields:
        found.add(path + (f.name,))
        inner = f.kind.item if f.kind.form is schema.Form.LIST else f.kind
        if inner is not None and inner.form is schema.Form.OBJECT:
            found |= declared(inner.shape, path + (f.name,))
    return found


@pytest.mark.parametrize("kind", scaffold.KINDS)
def test_starter_lists_every_declared_field(kind):
    shape = schema.SEED_SHAPES[kind]
    assert keys_in(editor_load(uncomment(scaffold.starter(kind, "x")))) == declared(shape)


def _has_children(lines: list[str], index: int, column: int) -> bool:
    """True when the next line with content is indented deeper than `column`."""
    for line in lines[index + 1:]:
        if line.strip() and not line.lstrip().startswith("#"):
            return len(line) - len(line.lstrip()) > column
    return False


def fill(text: str) -> str:
    """Put a plausible value after every empty key and list item of a starter."""
    values = {
        "outlet": "daily-news", "date": '"2012-03"', "kind": "report", "actor": "ivan-petrov",
        "speaker": "ivan-petrov", "source": "ivan-petrov", "of": "ruritania", "issue": "eradication",
        "leaning": "supports", "url": "https://example.org/x", "as_of": "pact-asks-nato", "type": "person",
        "from": '"2010"', "to": '"2011"',
    }
    lists = {"actors": "ivan-petrov", "where": "ruritania", "terms": "channel", "related_terms": "channel",
             "related_actors": "nato", "themes": "counter-narcotics", "evidence": "pact-asks-nato"}
    lines = text.splitlines()
    out, parent = [], ""
    for index, line in enumerate(lines):
        key = re.match(r"^(\s*(?:- )?)([a-z_]+):$", line)
        if key:
            parent = key.group(2)
            if not _has_children(lines, index, len(key.group(1))):
                line += " " + values.get(parent, "Some words.")
        elif re.match(r"^\s*-$", line):
            line += " " + lists.get(parent, "Some words.")
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("kind", scaffold.KINDS)
@pytest.mark.parametrize("optional", [False, True], ids=["required", "all-fields"])
def test_starter_filled_in_passes_the_checker_and_the_json_schema(mini, kind, optional):
    text = scaffold.starter(kind, "fresh")
    text = fill(uncomment(text) if optional else text)
    path = mini.seeds / scaffold.FOLDERS[kind] / "fresh.yaml"
    path.write_text(text, encoding="utf-8")
    assert schema_errors(kind, text) == []
    pipeline.load_briefing(mini)  # raises CheckFailed with every problem otherwise


def test_new_refuses_an_existing_file(mini, capsys):
    path = mini.seeds / "actors" / "ivan-petrov.yaml"
    before = path.read_bytes()
    assert run_new(mini.root, "actor", "ivan-petrov") == 1
    assert capsys.readouterr().err == (
        "seeds/actors/ivan-petrov.yaml: error: actor 'ivan-petrov' already exists; "
        "edit that file or choose another slug\n"
    )
    assert path.read_bytes() == before


def test_new_refuses_a_yml_twin(mini, capsys):
    (mini.seeds / "glossary" / "opium.yml").write_text("term: Opium\ndefinition: A drug.\n", encoding="utf-8")
    assert run_new(mini.root, "term", "opium") == 1
    assert capsys.readouterr().err == (
        "seeds/glossary/opium.yml: error: term 'opium' already exists; edit that file or choose another slug\n"
    )
    assert not (mini.seeds / "glossary" / "opium.yaml").exists()


@pytest.mark.parametrize("slug", ["Viktor-Ivanov", "two--hyphens", "../escape", "x" * 81, "end-", "a_b"])
def test_new_refuses_a_bad_slug(mini, capsys, slug):
    before = sorted(p.name for p in (mini.seeds / "articles").iterdir())
    assert run_new(mini.root, "article", slug) == 1
    assert capsys.readouterr().err == (
        f"error: '{slug}' is not a valid article id: use lowercase letters, digits and single hyphens "
        "(e.g. viktor-ivanov)\n"
    )
    assert sorted(p.name for p in (mini.seeds / "articles").iterdir()) == before
