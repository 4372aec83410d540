"""Checks of one seed file against its Shape (schema.py): types, enums, ids, URLs, dates.

Every problem becomes a Diagnostic; checking goes on past errors so the user
sees all of them at once, as MkDocs' config validation and compilers do.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from . import markup, schema
from .dates import parse_date
from .diagnostics import Diagnostic, did_you_mean
from .schema import ID_RULE, FieldPath, Form, valid_id
from .seedfile import SeedFile

MAX_TEXT_CHARS = schema.MAX_TEXT_CHARS
# Control characters (C0 but tab and line ends, DEL, C1) have no place in text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


class _Checker:
    """Validates one file's data against a Shape, collecting diagnostics."""

    def __init__(self, seed: SeedFile):
        self.seed = seed
        self.problems: list[Diagnostic] = []

    def shape(self, shape: schema.Shape, value: Any, path: FieldPath) -> None:
        if isinstance(value, str) and shape.old_form:  # a seed written before the shape became a mapping
            self.fail(path, f"is plain text, {shape.old_form}")
            return
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping ({shape.doc.rstrip('.').lower()}), got {type_name(value)}")
            return
        names = [f.name for f in shape.fields]
        for key in value:
            if shape.get(key) is None:
                self.fail(path + (key,), f"unknown key '{key}'{did_you_mean(key, names)}", at_key=True)
        for f in shape.fields:
            if value.get(f.name) is not None:
                self.kind(f.kind, value[f.name], path + (f.name,))
            elif f.required and f.name in value:
                self.fail(path + (f.name,), f"is required but empty: {f.doc}")
            elif f.required:
                self.fail(path, f"missing required key '{f.name}': {f.doc}")

    def kind(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        CHECKS[kind.form](self, kind, value, path)

    def fail(self, path: FieldPath, message: str, at_key: bool = False) -> None:
        self.problems.append(self.seed.error(path, message, at_key=at_key))

    def text_value(self, value: Any, path: FieldPath) -> str | None:
        if isinstance(value, str):
            if not value.strip():
                self.fail(path, "is empty")
                return None
            if len(value) > MAX_TEXT_CHARS:
                self.fail(path, f"is {len(value):,} characters long; the limit is {MAX_TEXT_CHARS:,}")
                return None
            control = _CONTROL.search(value)
            if control:  # invisible, and a way to make two names look alike
                self.fail(path, f"contains the control character U+{ord(control.group()):04X}")
                return None
            return value
        self.fail(path, f"expected text, got {type_name(value)}")
        return None

    def k_text(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        self.text_value(value, path)


    def k_url(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        text = self.text_value(value, path)
        problem = url_problem(text) if text is not None else None
        if problem is not None:
            self.fail(path, f"'{text}' is not an http(s) URL{problem}")

    def k_bool(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        if value not in _TRUE | _FALSE:
            self.fail(path, f"expected true or false, got {type_name(value)}")

    def k_count(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        if not (isinstance(value, str) and re.fullmatch(r"[1-9][0-9]*", value) and int(value) <= schema.COUNT_MAX):
            number = isinstance(value, str) and re.fullmatch(r"-?[0-9]+(?:\.[0-9]*)?", value)
            self.fail(path, f"expected a whole number from 1 to {schema.COUNT_MAX:,}, got {value if number else type_name(value)}")

    def k_enum(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        text = self.text_value(value, path)
        if text is not None and text not in kind.values:
            allowed = ", ".join(kind.values)
            self.fail(path, f"'{text}' is not one of: {allowed}{did_you_mean(text, list(kind.values))}")

    def k_ref(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        text = self.text_value(value, path)
        if text is not None and not valid_id(text):
            self.fail(path, f"'{text}' is not a valid {kind.ref or 'tag'} id: {ID_RULE}")


    def k_datestring(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        text = self.text_value(value, path)
        if text is not None:
            try:
                parse_date(text)
            except ValueError as exc:
                self.fail(path, str(exc))

    def k_date(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        if isinstance(value, dict):
            self.shape(schema.DATE_DETAIL, value, path)
            self.one_hedge(value, path)
        else:
            self.k_datestring(kind, value, path)

    def one_hedge(self, value: dict, path: FieldPath) -> None:
        """A date mapping may hedge through its EDTF form or its qualifier, not both ("about since 2014")."""
        on, qualifier = value.get("on"), value.get("qualifier")
        if not (isinstance(on, str) and isinstance(qualifier, str)):
            return
        try:
            hedge = parse_date(on)[2]
        except ValueError:
            return  # reported on `on`
        if hedge:
            self.fail(path + ("qualifier",), f"'{on}' already says '{hedge}': drop the qualifier, or write the date without its EDTF sign")

    def k_list(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        if not isinstance(value, list):
            self.fail(path, f"expected a list, got {type_name(value)}")
            return
        for index, item in enumerate(value):
            if item is None:
                self.fail(path + (index,), "list item is empty")
            else:
                self.kind(kind.items(), item, path + (index,))

    def k_object(self, kind: schema.Kind, value: Any, path: FieldPath) -> None:
        self.shape(kind.fields(), value, path)


# How each form of value is checked.
CHECKS = {
    Form.TEXT: _Checker.k_text, Form.PROSE: _Checker.k_text, Form.URL: _Checker.k_url,
    Form.BOOL: _Checker.k_bool, Form.COUNT: _Checker.k_count, Form.ENUM: _Checker.k_enum,
    Form.REF: _Checker.k_ref, Form.TAG: _Checker.k_ref, Form.DATE: _Checker.k_date,
    Form.DATE_STRING: _Checker.k_datestring, Form.LIST: _Checker.k_list, Form.OBJECT: _Checker.k_object,
}


# ASCII characters RFC 3986 never allows in a URL unencoded.  Each could also be read
# as Markdown or HTML where the URL is shown: | ends a table cell, ` starts code, < and >
# end an autolink, \ escapes, " ends an attribute.
_URL_FORBIDDEN = '"<>\\^`{|}'


def url_problem(url: str) -> str | None:
    """Why `url` is not an absolute http(s) URL that shows as exactly itself, or None.

    The result completes "'…' is not an http(s) URL".  A URL passes when it is
    http:// or https:// with a host, and holds no white space, control or
    invisible character, no character RFC 3986 forbids, no [ or ] outside an
    IPv6 host (in the path they would start a Markdown link inside the link)
    and nothing an HTML page would read as a character reference.
    """
    if not url.startswith(("http://", "https://")):  # javascript:, data:, relative …
        return ""
    for char in url:
        if not char.isprintable() or char.isspace():
            return f": it contains {'a space' if char == ' ' else f'the character U+{ord(char):04X}'} (write it %-encoded)"
        if char in _URL_FORBIDDEN:
            return f": it contains {char} (write it as %{ord(char):02X})"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # raises ValueError for a port that is not a number
    except ValueError as exc:
        return f": malformed host or port ({exc})"
    if not parts.hostname:
        return ": it has no host name"
    after_host = url[len(parts.scheme) + len("://") + len(parts.netloc):]
    if "[" in after_host or "]" in after_host:
        return ": [ and ] belong only around an IPv6 host (write them as %5B and %5D)"
    reference = markup.CHARACTER_REFERENCE.search(url)
    if reference:
        return f": '{reference.group()}' would be read as an HTML character reference (write & as %26, or the character itself)"
    return None


def type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"text '{value}'" if len(value) <= 40 else "text"


def check_file(seed: SeedFile, shape: schema.Shape) -> list[Diagnostic]:
    """Schema problems in one loaded file."""
    checker = _Checker(seed)
    checker.shape(shape, seed.data, ())
    return checker.problems

