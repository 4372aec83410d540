"""`briefing new`: starter seed files with every field, explained.

The starter is written from the shape declarations in generator/schema.py,
so it always lists exactly the fields the loader accepts, with each field's
doc line as a comment.  Layout of a starter:

- the `yaml-language-server` line first, so editors complete and check fields
  against the generated JSON Schema (seeds/schema/<kind>.json);
- required fields as keys with empty values: `briefing check` then points at
  each one still to fill in (`is required but empty`);
- optional fields commented out with `# `, so the file stays valid for both
  the loader and the JSON Schema; removing the `# ` in front of a block (an
  editor's "toggle comment") makes it live.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from . import load, schema
from .schema import Form

# `briefing new KIND`: kind -> folder under seeds/ (the loader's layout, inverted).
FOLDERS = {kind: folder for folder, kind in load.SEED_FOLDERS.items()}
KINDS = tuple(FOLDERS)

WIDTH = 88  # wrap comments to this many columns

# A ref's registry -> (what its ids are called, where they come from).
REFS = {
    "actor": ("actor id", "a file name in seeds/actors/, without .yaml"),
    "term": ("term id", "a file name in seeds/glossary/, without .yaml"),
    "article": ("article id", "a file name in seeds/articles/, without .yaml"),
    "issue": ("issue id", "declared under issues: in seeds/briefing.yaml"),
}
DATE_FORMAT = ("EDTF: YYYY, YYYY-MM or YYYY-MM-DD, a range A/B, open ranges 2014/.. (since) and "
               "../2018-02 (by), 2010-11~ (about), 2012? (perhaps)")
# Said of every prose field: how to choose what a name links to.
PROSE_HINT = "[Name](@actor-or-term-id) links a name to that page; [Name](@) leaves it unlinked."


class ScaffoldError(Exception):
    """A refused `briefing new`: the message says why."""


@dataclass(frozen=True)
class Created:
    """The starter file written, relative to the project root."""

    path: str


def kind_hint(kind: schema.Kind, doc: str = "") -> str:
    """One sentence on what a value of `kind` looks like ('' when the doc says it)."""
    if kind.form is Form.URL:
        return "" if "http" in doc else "An http(s) address."
    if kind.form is Form.BOOL:
        return "true or false."
    if kind.form is Form.ENUM:
        return "" if all(v in doc for v in kind.values) else f"One of: {', '.join(kind.values)}."
    if kind.form is Form.REF:
        name, where = REFS[kind.ref]
        return f"An {name} ({where})."
    if kind.form is Form.TAG:
        return "Lowercase words joined by hyphens."
    if kind.form is Form.PROSE:
        return PROSE_HINT
    if kind.form is Form.DATE_STRING:
        return f"{DATE_FORMAT}."
    if kind.form is Form.DATE:
        mapping = "" if "mapping" in doc else "; or a mapping with 'on', qualifier, inferred and note"
        return f"Format: {DATE_FORMAT}{mapping}."
    if kind.form is Form.LIST:
        return _list_hint(kind.items())
    return ""


def _list_hint(item: schema.Kind) -> str:
    if item.form is Form.OBJECT:
        return "A list; each item has the fields below."
    if item.form is Form.REF:
        name, where = REFS[item.ref]
        return f"A list of {name}s, each {where}."
    if item.form is Form.TAG:
        return "A list of lowercase-hyphenated tags."
    return "A list: one item per line, after '- '."


def _doc(f: schema.Field) -> list[str]:
    """The comment lines above a field: required or optional, its doc, its kind."""
    parts = ("Required." if f.required else "Optional.", f.doc, kind_hint(f.kind, f.doc))
    words = " ".join(part for part in parts if part)
    return ["# " + line for line in textwrap.wrap(words, WIDTH - 2)]


def _indent(lines: list[str], spaces: int) -> list[str]:
    return [" " * spaces + line if line else line for line in lines]


def _comment_out(lines: list[str]) -> list[str]:
    # One `# ` in front of every line, doc comments included, so that a
    # "toggle comment" in an editor turns the block on in one step.
    return ["# " + line for line in lines]


def _value_lines(f: schema.Field) -> list[str]:
    """The key with an empty value (and an empty item or nested fields)."""
    kind = f.kind
    if kind.form is Form.OBJECT:
        return [f"{f.name}:"] + _indent(shape_lines(kind.fields()), 2)
    if kind.form is Form.LIST and kind.items().form is Form.OBJECT:
        return [f"{f.name}:"] + _indent(_item_lines(kind.items().fields()), 2)
    if kind.form is Form.LIST:
        return [f"{f.name}:", "  -"]
    return [f"{f.name}:"]


def _item_lines(shape: schema.Shape) -> list[str]:
    """One list item of `shape`: `- ` goes in front of its first field's key."""
    lines = shape_lines(shape)
    if not shape.fields[0].required:
        return ["-"] + _indent(lines, 2)
    # The first field's doc comment stays level with the dash, above it.
    first_key = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return lines[:first_key] + ["- " + lines[first_key]] + _indent(lines[first_key + 1:], 2)


def shape_lines(shape: schema.Shape, spaced: bool = False) -> list[str]:
    """Every field of `shape`: doc comment, then the key (commented out if optional).

    `spaced` puts a blank line between fields (for the top level of a file).
    """
    lines: list[str] = []
    for f in shape.fields:
        block = _value_lines(f)
        if spaced and lines:
            lines.append("")
        lines += _doc(f) + (block if f.required else _comment_out(block))
    return lines


def starter(kind: str, slug: str) -> str:
    """The text of a new seed file of `kind` for `slug`."""
    shape = schema.SEED_SHAPES[kind]
    header = [
        f"# yaml-language-server: $schema=../schema/{kind}.json",
        f"# New {kind} '{slug}': {shape.doc[0].lower()}{shape.doc[1:]}",
        "# Fill in every field marked Required. Optional fields are commented out: to use",
        "# one, remove the '# ' in front of its lines. Check with `briefing check`, preview",
        "# with `briefing serve`.",
        "",
    ]
    return "\n".join(header + shape_lines(shape, spaced=True)) + "\n"


def create(root: Path, kind: str, slug: str) -> Created:
    """Write the starter for `slug`; refuse a bad slug or an existing file."""
    if kind not in FOLDERS:
        raise ScaffoldError(f"error: unknown kind '{kind}': use one of {', '.join(KINDS)}")
    if not schema.valid_id(slug):
        raise ScaffoldError(f"error: '{slug}' is not a valid {kind} id: {schema.ID_RULE}")
    folder = root / "seeds" / FOLDERS[kind]
    path = folder / f"{slug}.yaml"
    display = f"seeds/{FOLDERS[kind]}/{slug}.yaml"
    # The loader reads .yml files too: the same id twice would be an error later.
    if path.with_suffix(".yml").exists():
        raise ScaffoldError(f"{display[:-5]}.yml: error: {kind} '{slug}' already exists; edit that file or choose another slug")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # Mode "x" creates the file only if it does not exist, with no window for a race.
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(starter(kind, slug))
    except FileExistsError:
        raise ScaffoldError(f"{display}: error: {kind} '{slug}' already exists; edit that file or choose another slug") from None
    return Created(display)
