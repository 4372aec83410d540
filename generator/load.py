"""Read seed files, keep the position of every value, check them against the schema.

The loader builds plain Python values (dicts, lists, strings, None) from
libyaml's event stream itself instead of using PyYAML's composer, because it
needs things the composer hides: the line and column of every key and value,
duplicate keys (PyYAML silently keeps the last), anchors and aliases (refused:
they are a denial-of-service vector and no seed needs them) and nesting depth
(bounded, and built without recursion so deep input cannot crash the process).

Every problem becomes a Diagnostic; loading goes on past errors so the user
sees all of them at once, as MkDocs' config validation and compilers do.
"""

from __future__ import annotations

import bisect
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from . import link, parallel, schema
from .dates import parse_date
from .diagnostics import Diagnostic, did_you_mean, shown

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
MAX_TEXT_CHARS = schema.MAX_TEXT_CHARS
# Control characters (C0 but tab and line ends, DEL, C1) have no place in text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

Path_ = tuple[Any, ...]  # a field path: ("quotes", 2, "speaker")


@dataclass
class SeedFile:
    """One seed file: its kind, id, display path, data, and where each value is."""

    kind: str
    id: str
    path: str
    data: dict[str, Any]
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest parent."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def error(self, path: Path_, message: str, at_key: bool = False) -> Diagnostic:
        """A diagnostic for the value (or the key) at `path`."""
        line, col = self.key_marks[path] if at_key and path in self.key_marks else self.where(path)
        return Diagnostic(self.path, line, col, field_path(path), message)


def field_path(path: Path_) -> str:
    """("quotes", 2, "speaker") -> quotes[2].speaker"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --------------------------------------------------------------------------- reading


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
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.problems: list[tuple[int, int, Path_, str]] = []
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

    def _path(self, stack: list[list[Any]]) -> Path_:
        return stack[-1][1] if stack else ()

    def _child_path(self, stack: list[list[Any]]) -> Path_:
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
        return None, {}, {}, [_too_big(display, len(raw))]
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


def _too_big(display: str, size: int) -> Diagnostic:
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


# --------------------------------------------------------------------------- checking


class _Checker:
    """Validates one file's data against a Shape, collecting diagnostics."""

    def __init__(self, seed: SeedFile):
        self.seed = seed
        self.problems: list[Diagnostic] = []

    def shape(self, shape: schema.Shape, value: Any, path: Path_) -> None:
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping ({shape.doc.rstrip('.').lower()}), got {_type_name(value)}")
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

    def kind(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        check = getattr(self, "k_" + kind.name)
        check(kind, value, path)

    def fail(self, path: Path_, message: str, at_key: bool = False) -> None:
        self.problems.append(self.seed.error(path, message, at_key=at_key))

    def text_value(self, value: Any, path: Path_) -> str | None:
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
        self.fail(path, f"expected text, got {_type_name(value)}")
        return None

    def k_text(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        self.text_value(value, path)

    k_prose = k_text

    def k_url(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        text = self.text_value(value, path)
        problem = url_problem(text) if text is not None else None
        if problem is not None:
            self.fail(path, f"'{text}' is not an http(s) URL{problem}")

    def k_bool(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        if value not in _TRUE | _FALSE:
            self.fail(path, f"expected true or false, got {_type_name(value)}")

    def k_count(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        if not (isinstance(value, str) and re.fullmatch(r"[1-9][0-9]*", value) and int(value) <= schema.COUNT_MAX):
            number = isinstance(value, str) and re.fullmatch(r"-?[0-9]+(?:\.[0-9]*)?", value)
            self.fail(path, f"expected a whole number from 1 to {schema.COUNT_MAX:,}, got {value if number else _type_name(value)}")

    def k_enum(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        text = self.text_value(value, path)
        if text is not None and text not in kind.values:
            allowed = ", ".join(kind.values)
            self.fail(path, f"'{text}' is not one of: {allowed}{did_you_mean(text, list(kind.values))}")

    def k_ref(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        text = self.text_value(value, path)
        if text is not None and not valid_id(text):
            self.fail(path, f"'{text}' is not a valid {kind.ref or 'tag'} id: {ID_RULE}")

    k_tag = k_ref

    def k_datestring(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        text = self.text_value(value, path)
        if text is not None:
            try:
                parse_date(text)
            except ValueError as exc:
                self.fail(path, str(exc))

    def k_date(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        if isinstance(value, dict):
            self.shape(schema.DATE_DETAIL, value, path)
        else:
            self.k_datestring(kind, value, path)

    def k_list(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        if not isinstance(value, list):
            self.fail(path, f"expected a list, got {_type_name(value)}")
            return
        assert kind.item is not None
        for index, item in enumerate(value):
            if item is None:
                self.fail(path + (index,), "list item is empty")
            else:
                self.kind(kind.item, item, path + (index,))

    def k_object(self, kind: schema.Kind, value: Any, path: Path_) -> None:
        assert kind.shape is not None
        self.shape(kind.shape, value, path)


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
    reference = link.CHARACTER_REFERENCE.search(url)
    if reference:
        return f": '{reference.group()}' would be read as an HTML character reference (write & as %26, or the character itself)"
    return None


def valid_id(text: str) -> bool:
    """True for ids that are safe as file names and URLs."""
    return bool(schema.ID_RE.match(text)) and len(text) <= schema.ID_MAX_LENGTH


ID_RULE = "use lowercase letters, digits and single hyphens (e.g. viktor-ivanov)"

# Device names Windows will not create a file under, whatever the case or extension
# ("con.md", "NUL.yaml", "com1"): a checkout holding one fails there.  Windows also
# drops trailing dots and spaces, so "con." and "con " are the same name.
_WINDOWS_DEVICE = re.compile(r"(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])", re.I)
WINDOWS_RULE = "CON, PRN, AUX, NUL, COM0-9 and LPT0-9 are device names on Windows, where such a file cannot be checked out"


def windows_reserved(name: str) -> bool:
    """True when Windows reserves `name` (a file name or id) for a device: con, Aux.txt, com1 …"""
    stem = name.rstrip(". ").split(".")[0].rstrip(" ")
    return bool(_WINDOWS_DEVICE.fullmatch(stem))


def _type_name(value: Any) -> str:
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


# --------------------------------------------------------------------------- the seeds folder

# Folder under seeds/ -> kind of file it holds.
SEED_FOLDERS = {"articles": "article", "actors": "actor", "glossary": "term"}


def seed_paths(seeds_dir: Path) -> Iterator[tuple[str, Path]]:
    """(kind, path) of every seed file, in a stable order."""
    briefing = seeds_dir / "briefing.yaml"
    yield "briefing", briefing
    for folder, kind in SEED_FOLDERS.items():
        directory = seeds_dir / folder
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if path.suffix in (".yaml", ".yml") and not path.name.startswith("."):
                    yield kind, path


def stray_seed_files(seeds_dir: Path, root: Path) -> list[Diagnostic]:
    """Errors for YAML files the loader would otherwise pass over without a word.

    A summary saved as `putin.YAML`, or in seeds/ instead of seeds/actors/,
    would simply be missing from the site.  Editors' backup and swap files
    (`x.yaml~`, `.x.yaml.swp`) and other extensions are left alone.
    """
    found = []
    if seeds_dir.is_dir():
        for path in sorted(seeds_dir.iterdir()):
            if path.is_file() and _looks_like_yaml(path) and path.name != "briefing.yaml":
                *first, last = [f"seeds/{folder}/" for folder in SEED_FOLDERS]
                folders = f"{', '.join(first)} or {last}"
                found.append((path, f"not read: seed files go in {folders} (only briefing.yaml sits in seeds/)"))
    for folder in SEED_FOLDERS:
        directory = seeds_dir / folder
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if _looks_like_yaml(path) and path.suffix not in (".yaml", ".yml"):
                    found.append((path, f"not read: a seed file's name ends in .yaml or .yml, not {path.suffix}"))
    return [Diagnostic(shown(path, root), 1, 1, "", message) for path, message in found]


def _looks_like_yaml(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml") and not path.name.startswith(".")


def load_file(kind: str, path: Path, display: str) -> tuple[SeedFile | None, list[Diagnostic]]:
    """Read and schema-check one seed file."""
    try:
        with path.open("rb") as handle:
            # Never read past the limit: a huge file must not fill memory before it is refused.
            raw = handle.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                return None, [_too_big(display, os.fstat(handle.fileno()).st_size)]
    except OSError as exc:
        return None, [Diagnostic(display, 1, 1, "", f"cannot read file: {exc.strerror}")]
    value, marks, key_marks, problems = read_yaml(raw, display)
    if problems and value is None:
        return None, problems
    if value is None:
        return None, [Diagnostic(display, 1, 1, "", f"file is empty: expected a mapping of {kind} fields")]
    seed = SeedFile(kind, path.stem, display, value, marks, key_marks)
    if not isinstance(value, dict):
        return None, [seed.error((), f"expected a mapping of {kind} fields at the top level, got {_type_name(value)}")]
    problems += check_file(seed, schema.SEED_SHAPES[kind])
    if kind != "briefing" and not valid_id(seed.id):
        problems.insert(0, Diagnostic(display, 1, 1, "", f"file name '{path.name}' is not a valid id: {ID_RULE}"))
    elif kind != "briefing" and windows_reserved(seed.id):
        problems.insert(0, Diagnostic(display, 1, 1, "", f"file name '{path.name}' is reserved: {WINDOWS_RULE}"))
    return (None if problems else seed), problems


def load_seeds(seeds_dir: Path, root: Path) -> tuple[list[SeedFile], list[Diagnostic]]:
    """Load every seed file; return the good ones and every diagnostic."""
    files: list[SeedFile] = []
    problems: list[Diagnostic] = stray_seed_files(seeds_dir, root)
    seen: dict[tuple[str, str], str] = {}
    entries = list(seed_paths(seeds_dir))
    # Files are independent: on two cores a forked helper reads every other one.
    for (kind, path), (display, loaded) in zip(entries, parallel.run_all(lambda e: _load_entry(*e, root), entries)):
        if loaded is None:
            problems.append(Diagnostic(display, 1, 1, "", "missing: the briefing's settings file is required"))
            continue
        seed, file_problems = loaded
        problems.extend(file_problems)
        if (kind, path.stem) in seen and kind != "briefing":
            problems.append(Diagnostic(display, 1, 1, "", f"duplicate {kind} id '{path.stem}': also defined in {seen[kind, path.stem]}"))
            continue
        seen[kind, path.stem] = display
        if seed is not None:
            files.append(seed)
    return files, problems


def _load_entry(kind: str, path: Path, root: Path) -> tuple[str, tuple[SeedFile | None, list[Diagnostic]] | None]:
    """(display path, load_file's result), or None for a missing briefing.yaml."""
    display = shown(path, root)
    if kind == "briefing" and not path.exists():
        return display, None
    return display, load_file(kind, path, display)
