"""The YAML composer: seed bytes into plain values, with the line:col of each.

It builds plain Python values (dicts, lists, strings, None) from libyaml's
event stream itself instead of using PyYAML's composer, because it needs
things the composer hides: the line and column of every key and value,
duplicate keys (PyYAML silently keeps the last), anchors and aliases (refused:
they are a denial-of-service vector and no seed needs them) and nesting depth
(bounded, and built without recursion so deep input cannot crash the process).
Every problem becomes a Diagnostic.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import yaml

from .diagnostics import Diagnostic
from .schema import FieldPath, field_path

# libyaml's C parser when present (much faster); the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml 0.2.6 and later stop at a nesting depth of their own, reading far ahead
# of the events we get, with their own wording.  A file that trips it is read
# again with the pure-Python parser, which streams, so our depth limit (far
# lower) speaks the same message on every libyaml.
_LIBYAML_DEPTH_PROBLEM = "maximum nesting depth"

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20
# One text value at most, declared in schema.py so the JSON Schema says it too.
_NULLS = {"", "~", "null", "Null", "NULL"}


def _decode(raw: bytes) -> tuple[str | None, tuple[int, int, str] | None]:
    """UTF-8 text (a BOM is dropped), or the line, column and message of the bad byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # Columns count characters, as libyaml's do; what precedes the bad byte decodes.
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8-sig")) + 1
        return None, (line, col, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded")


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


# YAML also ends lines at U+0085, U+2028 and U+2029, which editors and grep do not:
# in a file holding them, positions are counted from the "\n" line ends instead.
_ODD_LINE_ENDS = re.compile("[\x85\u2028\u2029]")


def newline_offsets(text: str) -> list[int] | None:
    """Where each "\n" is, when the file has odd line ends; None (libyaml is right) otherwise."""
    return [m.start() for m in re.finditer("\n", text)] if _ODD_LINE_ENDS.search(text) else None


def line_col(newlines: list[int], index: int) -> tuple[int, int]:
    """1-based line and column of character `index`, counting "\n" line ends only."""
    line = bisect.bisect_left(newlines, index)
    return line + 1, index - (newlines[line - 1] + 1 if line else 0) + 1


class _Composer:
    """Builds values and marks from YAML events, with an explicit stack."""

    def __init__(self) -> None:
        self.marks: dict[FieldPath, tuple[int, int]] = {}
        self.key_marks: dict[FieldPath, tuple[int, int]] = {}
        self.problems: list[tuple[int, int, FieldPath, str]] = []
        self.root: Any = None
        self.newlines: list[int] | None = None

    def _mark(self, event: Any) -> tuple[int, int]:
        return _mark(event) if self.newlines is None else line_col(self.newlines, event.start_mark.index)

    def compose(self, text: str, loader: type) -> Any:
        self.newlines = newline_offsets(text)
        # Each stack entry: [container, path, pending key or None, key mark]
        stack: list[list[Any]] = []
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                if self.root is not None or self.marks:
                    self.problems.append((*self._mark(event), (), "a seed file holds one YAML document"))
                    return self.root
                continue
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                self.problems.append((*self._mark(event), self._path(stack), "anchors and aliases (& and *) are not allowed in seed files"))
                return None
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                value = stack.pop()[0]
                self._place(stack, value, event)
                continue
            if isinstance(event, yaml.ScalarEvent) and stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                self._take_key(stack[-1], event)
                continue
            if isinstance(event, yaml.ScalarEvent):
                self._place(stack, _scalar(event), event, record=True)
                continue
            # A collection starts.
            if len(stack) >= MAX_DEPTH:
                self.problems.append((*self._mark(event), self._path(stack), f"nested more than {MAX_DEPTH} levels deep"))
                return None
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                self.problems.append((*self._mark(event), self._path(stack), "a mapping key must be plain text"))
                return None
            path = self._child_path(stack)
            self.marks[path] = self._mark(event)
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            stack.append([container, path, None, None])
        return self.root

    def _path(self, stack: list[list[Any]]) -> FieldPath:
        return stack[-1][1] if stack else ()

    def _child_path(self, stack: list[list[Any]]) -> FieldPath:
        if not stack:
            return ()
        container, path, key, _ = stack[-1]
        return path + ((key,) if isinstance(container, dict) else (len(container),))

    def _take_key(self, top: list[Any], event: Any) -> None:
        key = event.value
        path = top[1] + (key,)
        if key in top[0]:
            first = self.key_marks[path]
            self.problems.append((*self._mark(event), path, f"duplicate key '{key}' (first defined at line {first[0]})"))
            key = _Duplicate(key)
        else:
            self.key_marks[path] = self._mark(event)
        top[2] = key

    def _place(self, stack: list[list[Any]], value: Any, event: Any, record: bool = False) -> None:
        if record:
            self.marks[self._child_path(stack)] = self._mark(event)
        if not stack:
            self.root = value
            return
        top = stack[-1]
        if isinstance(top[0], dict):
            if not isinstance(top[2], _Duplicate):
                top[0][top[2]] = value
            top[2] = None
        else:
            top[0].append(value)


class _Duplicate(str):
    """Marks a repeated key whose value is dropped (the first one is kept).

    It hashes by identity, so the marks recorded while the dropped value is
    composed go under paths of their own and never replace the first value's.
    """

    __hash__ = object.__hash__


def _scalar(event: Any) -> Any:
    """A plain null becomes None; everything else stays text (booleans too)."""
    if event.implicit[0] and event.value in _NULLS:
        return None
    return event.value


def read_yaml(raw: bytes, display: str) -> tuple[Any, dict, dict, list[Diagnostic]]:
    """Parse bytes into (value, marks, key marks, diagnostics)."""
    if len(raw) > MAX_FILE_BYTES:
        return None, {}, {}, [too_big(display, len(raw))]
    text, bad = _decode(raw)
    if bad:
        return None, {}, {}, [Diagnostic(display, bad[0], bad[1], "", bad[2])]
    composer = _Composer()
    try:
        value = _compose(composer, text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)  # C or Python reader
        message = f"invalid YAML: the character U+{code:04X} is not allowed in YAML"
        return None, {}, {}, [Diagnostic(display, line, col, "", message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if mark and composer.newlines is not None:
            line, col = line_col(composer.newlines, mark.index)
        lines = text.split("\n")
        if line > len(lines):  # libyaml's end of stream, after a last line with no newline
            line, col = len(lines), len(lines[-1]) + 1
        return None, {}, {}, [Diagnostic(display, line, col, "", f"invalid YAML: {_yaml_problem(exc, text, composer.newlines)}")]
    problems = [Diagnostic(display, ln, col, field_path(p), msg) for ln, col, p, msg in composer.problems]
    return value, composer.marks, composer.key_marks, problems


def _compose(composer: _Composer, text: str) -> Any:
    """Compose with libyaml; again with the Python parser if libyaml's depth limit stopped it."""
    try:
        return composer.compose(text, _YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        if _LIBYAML_DEPTH_PROBLEM not in (exc.problem or "") or _YAML_LOADER is yaml.SafeLoader:
            raise
    composer.__init__()  # forget what the first attempt composed
    return composer.compose(text, yaml.SafeLoader)


def too_big(display: str, size: int) -> Diagnostic:
    message = f"file is {size / 1_000_000:.1f} MB; the limit is {MAX_FILE_BYTES // 1_000_000} MB"
    return Diagnostic(display, 1, 1, "", message)


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str = "", newlines: list[int] | None = None) -> str:
    problem = exc.problem or "syntax error"
    mark = exc.problem_mark
    lines = text.split("\n")
    # libyaml's message does not always name the tab it stopped at ("cannot start any token").
    at_tab = mark is not None and mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t"
    if at_tab or "\t" in problem or "tab" in problem:
        return f"{problem} (indent with spaces, not tabs)"
    if exc.context and exc.context_mark and exc.context_mark.line != getattr(exc.problem_mark, "line", None):
        # An unclosed quote or bracket is reported where the file ends: say where it opened.
        line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        if newlines is not None:
            line, col = line_col(newlines, exc.context_mark.index)
        where = f"line {line}, column {col}"
        return f"{problem} ({exc.context} that starts at {where})"
    return problem
