"""The seeds folder: which files are seeds, and each one read and checked.

Reading is yamlcompose.py's job and checking validate.py's; this module knows
the folder layout (seeds/briefing.yaml, seeds/articles/, seeds/actors/,
seeds/glossary/), refuses files that would be passed over without a word, and
loads every file, in parallel when there are many.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterator

from . import parallel, schema
from .diagnostics import Diagnostic, shown
from .schema import ID_RULE, WINDOWS_RULE, valid_id, windows_reserved
from .seedfile import SeedFile
from .validate import check_file, type_name
from .yamlcompose import MAX_FILE_BYTES, read_yaml, too_big

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
    raw, problems = read_file(path, display)
    return (None, problems) if raw is None else check_bytes(kind, path, display, raw)


def read_file(path: Path, display: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A seed file's bytes, or None and why not (unreadable, too big)."""
    try:
        with path.open("rb") as handle:
            # Never read past the limit: a huge file must not fill memory before it is refused.
            raw = handle.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                return None, [too_big(display, os.fstat(handle.fileno()).st_size)]
    except OSError as exc:
        return None, [Diagnostic(display, 1, 1, "", f"cannot read file: {exc.strerror}")]
    return raw, []


def check_bytes(kind: str, path: Path, display: str, raw: bytes) -> tuple[SeedFile | None, list[Diagnostic]]:
    """Parse and schema-check the bytes of the seed file at `path` (its name is the id)."""
    value, _, _, problems = read_yaml(raw, display)
    if problems and value is None:
        return None, problems
    if value is None:
        return None, [Diagnostic(display, 1, 1, "", f"file is empty: expected a mapping of {kind} fields")]
    seed = SeedFile(kind, path.stem, display, value, raw)
    if not isinstance(value, dict):
        return None, [seed.error((), f"expected a mapping of {kind} fields at the top level, got {type_name(value)}")]
    problems += check_file(seed, schema.SEED_SHAPES[kind])
    if kind != "briefing" and not valid_id(seed.id):
        problems.insert(0, Diagnostic(display, 1, 1, "", f"file name '{path.name}' is not a valid id: {ID_RULE}"))
    elif kind != "briefing" and windows_reserved(seed.id):
        problems.insert(0, Diagnostic(display, 1, 1, "", f"file name '{path.name}' is reserved: {WINDOWS_RULE}"))
    return (None if problems else seed), problems


def load_seeds(seeds_dir: Path, root: Path, cache: ParseCache | None = None) -> tuple[list[SeedFile], list[Diagnostic]]:
    """Load every seed file; return the good ones and every diagnostic.

    With a `cache`, a file whose bytes were loaded before is not parsed again.
    """
    files: list[SeedFile] = []
    problems: list[Diagnostic] = stray_seed_files(seeds_dir, root)
    seen: dict[tuple[str, str], str] = {}
    entries = list(seed_paths(seeds_dir))
    if cache is not None:
        results = cache.load_all(entries, root)
    else:  # files are independent: forked workers read them on every core
        results = parallel.run_all(lambda e: _load_entry(*e, root), entries)
    for (kind, path), (display, loaded) in zip(entries, results):
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


class ParseCache:
    """Seed files loaded before, by kind, path and SHA-256 of their bytes: a warm process's memory.

    `briefing serve` keeps one across rebuilds, so an edit parses and checks
    only the files that changed (YAML and the schema check are a third of
    generating a thousand articles).  It lives in memory only: nothing is
    read back from disk, so a file in the repository cannot pose as a parsed
    seed.  The results are shared with the model, which only reads them.
    """

    def __init__(self) -> None:
        self._results: dict[tuple[str, str, str], tuple[SeedFile | None, list[Diagnostic]]] = {}

    def __len__(self) -> int:
        return len(self._results)

    def load_all(self, entries: list[tuple[str, Path]], root: Path) -> list:
        """_load_entry's result for every (kind, path), from memory where the bytes are the same.

        The files not in memory are parsed by forked workers on every core when
        there are many (the first run); their results come back pickled, which
        gives equal SeedFiles (tests/test_warm.py) in a fraction of the parse.
        """
        rows: list[tuple[str, tuple[str, str, str] | None, Any]] = []  # display, key, or the result without one
        missing: dict[tuple[str, str, str], tuple[Path, bytes]] = {}
        for kind, path in entries:
            display = shown(path, root)
            if kind == "briefing" and not path.exists():
                rows.append((display, None, None))
                continue
            raw, problems = read_file(path, display)
            if raw is None:
                rows.append((display, None, (None, problems)))
                continue
            key = (kind, display, hashlib.sha256(raw).hexdigest())
            if key not in self._results:
                missing[key] = (path, raw)
            rows.append((display, key, None))
        known = {**self._results, **dict(zip(missing, parallel.run_all(_check_missing, list(missing.items()))))}
        # Only the files of this run are kept: the cache never grows past the seeds.
        self._results = {key: known[key] for _, key, _ in rows if key is not None}
        return [(display, result if key is None else known[key]) for display, key, result in rows]


def _check_missing(item: tuple[tuple[str, str, str], tuple[Path, bytes]]) -> tuple[SeedFile | None, list[Diagnostic]]:
    """check_bytes for one file ParseCache.load_all has not seen: ((kind, display, digest), (path, bytes))."""
    (kind, display, _), (path, raw) = item
    return check_bytes(kind, path, display, raw)
