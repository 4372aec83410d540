"""The seed shapes of schema.py as JSON Schema documents, for editors' tools.

`briefing build` writes them to seeds/schema/<kind>.json, which the YAML
language server reads (the `$schema` comment at the top of each seed file).
"""

from __future__ import annotations

from typing import Any

from .schema import (
    COUNT_MAX, DATE_DETAIL, DATE_PATTERN, ID_MAX_LENGTH, ID_PATTERN, MAX_TEXT_CHARS, SEED_SHAPES, Form, Kind, Shape,
)


def _kind_schema(kind: Kind) -> dict[str, Any]:
    """JSON Schema for one kind."""
    if kind.form in (Form.TEXT, Form.PROSE):
        return {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS}
    if kind.form is Form.URL:
        return {"type": "string", "pattern": "^https?://"}
    if kind.form is Form.BOOL:
        return {"type": "boolean"}
    if kind.form is Form.COUNT:
        return {"type": "integer", "minimum": 1, "maximum": COUNT_MAX}
    if kind.form is Form.ENUM:
        return {"enum": list(kind.values)}
    if kind.form in (Form.REF, Form.TAG):
        return {"type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH}
    if kind.form is Form.DATE_STRING:
        return {"type": "string", "pattern": DATE_PATTERN}
    if kind.form is Form.DATE:
        plain = {"type": "string", "pattern": DATE_PATTERN}
        return {"oneOf": [plain, _shape_schema(DATE_DETAIL)]}
    if kind.form is Form.LIST:
        return {"type": "array", "items": _kind_schema(kind.items())}
    return _shape_schema(kind.fields())


def _shape_schema(shape: Shape) -> dict[str, Any]:
    """JSON Schema for a mapping of `shape`."""
    properties = {}
    for f in shape.fields:
        properties[f.name] = {"description": f.doc, **_kind_schema(f.kind)}
    schema: dict[str, Any] = {
        "type": "object",
        "description": shape.doc,
        "properties": properties,
        "additionalProperties": False,
    }
    required = [f.name for f in shape.fields if f.required]
    if required:
        schema["required"] = required
    return schema


def json_schema(kind: str) -> dict[str, Any]:
    """A complete JSON Schema document for the seed file kind `kind`."""
    shape = SEED_SHAPES[kind]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Briefing {kind} seed file",
        **_shape_schema(shape),
    }
