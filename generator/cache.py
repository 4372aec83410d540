"""Skip a regeneration that cannot change anything.

What the generator writes depends only on the seeds, the templates and the
generator itself.  After each successful generation a digest of all of them
is kept in .briefing-cache/state.json, with the digest of the manifest just
written.  The next generation reads the inputs again and compares: when they
are the same, the manifest is the one written then, and every file it lists
is still on disk with the content it records, a full run would find every
page unchanged and write nothing; so it is skipped.  Anything else (an edited
seed or template, a newer generator, a page deleted or edited by hand, a
missing or unreadable cache) takes the full path, which decides as before.

The folder ignores itself in git (its own .gitignore says `*`), as pytest's
and mypy's caches do.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from .project import Project

CACHE_DIR = ".briefing-cache"
STATE = "state.json"
PACKAGE = Path(__file__).resolve().parent


def _files(folder: Path, skip: Path | None = None) -> list[Path]:
    """Every file under `folder` (none under `skip`, no byte-code), in a stable order: pathlib's.

    os.walk with plain strings: pathlib's rglob and `skip in path.parents`
    hashed and compared Path objects a million times at 10,000 articles
    (several seconds of every generation).  Links to folders are not
    followed: nothing outside the project is read for the digest.
    """
    found = []
    for parent, folders, names in os.walk(folder):
        folders[:] = [name for name in folders
                      if name != "__pycache__" and (skip is None or Path(parent, name) != skip)]
        found.extend(Path(parent, name) for name in names if os.path.isfile(os.path.join(parent, name)))
    return sorted(found, key=lambda path: path.parts)


def stat_key(path: Path) -> tuple[int, int, int, int] | None:
    """A file's (mtime, ctime, size, inode): any write or replacement changes it; None when it is gone."""
    try:
        facts = path.stat()
    except OSError:
        return None
    return facts.st_mtime_ns, facts.st_ctime_ns, facts.st_size, facts.st_ino


def folder_digest(folder: Path) -> str | None:
    """A digest of every file under `folder`, names and contents (None if one cannot be read)."""
    return _digest("", (("folder", _files(folder)),))


def inputs_digest(project: Project) -> str | None:
    """A digest of everything generation reads, or None if something cannot be read."""
    import jinja2
    import yaml

    return _digest(f"{sys.version}|{jinja2.__version__}|{yaml.__version__}|{project.root.resolve()}", (
        ("seeds", _files(project.seeds, skip=project.seeds / "schema")),  # seeds/schema/ is output
        ("templates", _files(project.templates)),
        ("generator", _files(PACKAGE)),
    ))


def site_inputs_digest(project: Project) -> str | None:
    """A digest of what a site build reads from the project: docs/, includes/, mkdocs.yml,
    and the theme's overrides (templates/theme/, mkdocs.yml's custom_dir).

    Seeds and page templates reach the site only through the pages generated
    from them, so `briefing serve` can skip a site build when this digest is the
    one of its last good build (a save that changed nothing, or changed only
    a YAML comment).  Dot files are left out, as MkDocs leaves them out of
    the site: the manifest, the writer's temporary files, editors' swap files.
    """
    def visible(paths: list[Path]) -> list[Path]:
        return [p for p in paths if not any(part.startswith(".") for part in p.relative_to(project.root).parts)]

    includes = project.root / "includes"
    return _digest(str(project.root.resolve()), (
        ("config", [project.config]),
        ("theme", visible(_files(project.theme)) if project.theme.is_dir() else []),
        ("docs", visible(_files(project.docs)) if project.docs.is_dir() else []),
        ("includes", visible(_files(includes)) if includes.is_dir() else []),
    ))


def _digest(salt: str, groups: tuple[tuple[str, list[Path]], ...]) -> str | None:
    """SHA-256 over `salt` and each group's file names and contents; None if one cannot be read."""
    digest = hashlib.sha256(salt.encode())
    try:
        for name, paths in groups:
            for path in paths:
                digest.update(f"\0{name}\0{path.as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()


def ensure_folder(folder: Path) -> bool:
    """Make the cache folder (ignoring itself in git); False when it is a link, never written through."""
    if folder.is_symlink():
        return False  # a link committed in its place must not make the generator write elsewhere
    folder.mkdir(exist_ok=True)
    if not (folder / ".gitignore").exists():
        (folder / ".gitignore").write_text("# Made by `briefing`: a cache, never committed.\n*\n", encoding="utf-8")
    return True


def _state_path(project: Project) -> Path:
    return project.root / CACHE_DIR / STATE


def counts_if_current(project: Project, inputs: str | None, manifest_path: Path, disk_hash) -> dict | None:
    """The last report's counts if nothing has changed since it was made, else None.

    `disk_hash(path)` gives the hash the manifest would record for a file on
    disk (None when it is missing).
    """
    if inputs is None:
        return None
    try:
        state = json.loads(_state_path(project).read_text(encoding="utf-8"))
        manifest_text = manifest_path.read_bytes()
        if state["inputs"] != inputs or state["manifest"] != hashlib.sha256(manifest_text).hexdigest():
            return None
        files = json.loads(manifest_text)["files"]
        for path, recorded in files.items():
            if disk_hash(project.root / path) != recorded:
                return None
        return dict(state["report"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(project: Project, inputs: str | None, manifest_path: Path, report: dict) -> None:
    """Record the inputs and manifest of a successful generation (best effort)."""
    if inputs is None:
        return
    folder = project.root / CACHE_DIR
    try:
        if not ensure_folder(folder):
            return
        manifest = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
        text = json.dumps({"inputs": inputs, "manifest": manifest, "report": report}, indent=1, sort_keys=True)
        temporary = folder / f".{STATE}.{os.getpid()}.tmp"
        temporary.write_text(text + "\n", encoding="utf-8")
        os.replace(temporary, folder / STATE)
    except OSError:
        pass  # without a cache the next run simply takes the full path
