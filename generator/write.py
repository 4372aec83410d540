"""Write generated files: only what changed, never over a file we did not write.

A manifest (docs/.briefing-manifest.json) records every file the generator
wrote with the hash of what it wrote.  That lets a rebuild:

- skip files whose content is unchanged (modification times stay, so
  `mkdocs serve` does not loop and editors' tools see no churn);
- remove pages whose article, actor or term is gone, but only when the file
  on disk is still exactly what we wrote;
- refuse to overwrite or delete anything else: a hand-written page in the way
  of a generated one, or a generated page someone edited by hand.

Every check runs before the first write, so a refused build changes nothing.
Each file is written to a temporary name and renamed into place, so a file
is never half-written.  The manifest is written first, with what is about to
change marked pending, and again last: a run killed in between leaves files
that the next run still recognises as its own.  snapshot() and restore()
undo a write when the site build that follows it fails.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from . import atomicfile
from .diagnostics import BuildError, Diagnostic, warning
from .project import leads_outside, read_files

MANIFEST = "docs/.briefing-manifest.json"
FOLDER = "folder"  # disk_hash() of a folder: no digest looks like it


@dataclass(frozen=True)
class Output:
    """A generated file: path relative to the project root, its content, and its seed.

    The content is text, UTF-8 bytes (pages: a str with one typographic quote takes 2 bytes
    per character), or a spool.Kept: the file waits on disk, with its digest, until written.
    """

    path: str
    text: Any  # str | bytes | spool.Kept (not imported: spool builds on this module)
    source: str

    def data(self) -> bytes:
        """The file's content as UTF-8 bytes."""
        if isinstance(self.text, (str, bytes)):
            return self.text if isinstance(self.text, bytes) else self.text.encode("utf-8")
        return self.text.read()

    @functools.cached_property
    def hash(self) -> str:
        """digest() of the content, computed once: the plan, the pending list and the manifest all need it."""
        return digest(self.data()) if isinstance(self.text, (str, bytes)) else self.text.hash


@dataclass
class Plan:
    """What a write would do, decided before anything is touched."""

    write: list[Output] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    conflicts: list[Diagnostic] = field(default_factory=list)
    # Path -> hash on disk of every file found to be the generator's own (kept, to be
    # rewritten or removed): what a run killed half-way must still recognise.
    owned: dict[str, str] = field(default_factory=dict)
    # Outputs neither written nor in the manifest: their folder is reached through a link (seeds/schema/).
    skipped: list[str] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


class WriteFailed(Exception):
    """A write or removal the system refused: `path` (relative) and the cause, for the message."""

    def __init__(self, path: str, cause: OSError):
        self.diagnostic = cannot_write(path, cause)
        super().__init__(str(self.diagnostic))
        self.path = path
        self.cause = cause


def cannot_write(path: str, cause: OSError) -> Diagnostic:
    """`path: error: cannot write: <the system's reason>`."""
    return Diagnostic(path, message=f"cannot write: {cause.strerror or cause}")


def refuse_link_outside(root: Path, folder: str, instead: str) -> None:
    """Raise BuildError when the output folder `folder` (site, dist) is a link leading outside.

    A repository nobody here wrote may bring such a link; writing through it
    would change someone's files.  `instead` says what to do.
    """
    if leads_outside(root, root / folder):
        raise BuildError([Diagnostic(folder, message=(
            "is a link that leads outside the project, and the builder never writes outside the project; "
            f"remove the link and {instead}"
        ))])


def digest(data: bytes) -> str:
    """The hash recorded in the manifest."""
    return hashlib.sha256(data).hexdigest()


# The only folders the generator writes into (relative to the project root).
OUTPUT_FOLDERS = ("docs/", "includes/", "seeds/schema/")


def is_output_path(path: str) -> bool:
    """True for a relative path inside an output folder, with no way out of it."""
    parts = path.split("/")
    return path.startswith(OUTPUT_FOLDERS) and ".." not in parts and "" not in parts and "\\" not in path


def link_on_the_way(root: Path, path: str) -> str | None:
    """The first link (relative path) met on the way from `root` to `path`, itself included; None if none.

    The generator writes and deletes only through real folders of the project:
    a link committed inside docs/ (say docs/actors -> /home/someone) must not
    lead a write or a removal out of it.  The realpath comparison also catches
    anything the component walk could miss.
    """
    current = root
    parts = path.split("/")
    for index, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            return "/".join(parts[: index + 1])
    return path if leads_outside(root, root / path) else None


def read_manifest(root: Path, section: str = "files", warnings: list[Diagnostic] | None = None) -> dict[str, str]:
    """Path -> hash of every file the generator last wrote (empty if none).

    Entries outside the output folders are ignored, so a damaged or hostile
    manifest can never make the generator delete anything else; each one
    ignored is described in `warnings` when a list is given.  The "pending"
    section lists what a run was about to write (see apply()).
    """
    try:
        recorded = json.loads((root / MANIFEST).read_text(encoding="utf-8"))[section]
        entries = [(p, h) for p, h in recorded.items() if isinstance(h, str)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    kept = {}
    for path, hash_ in entries:
        if is_output_path(path):
            kept[path] = hash_
        elif warnings is not None:
            warnings.append(warning(MANIFEST, f"ignored the entry {path!r}: it is not inside an output folder"))
    return kept


def disk_hash(path: Path) -> str | None:
    """What the manifest would record for the file at `path`: None if missing, FOLDER for a folder."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None
    except IsADirectoryError:  # a folder where a file goes: matches no digest, so it is in the way
        return FOLDER



def plan_writes(root: Path, outputs: list[Output]) -> Plan:
    """Decide which files to write, leave and remove, and find conflicts."""
    plan = Plan()
    manifest = read_manifest(root, warnings=plan.warnings)
    pending = read_manifest(root, "pending", plan.warnings)  # left by a run killed while writing
    wanted = {o.path for o in outputs}
    links: set[str] = set()  # each link reported once, not once per page behind it
    for output in outputs:
        # A real check, not an assert: `python -O` removes asserts.
        if not is_output_path(output.path):
            plan.conflicts.append(Diagnostic(output.path, message="refusing to write outside the output folders"))
            continue
        link = link_on_the_way(root, output.path)
        if link is not None:
            _refuse_link(plan, output, link, links)
            continue
        # A spool.Kept with no file was found equal to the disk where it was made: not read twice.
        on_disk = output.hash if getattr(output.text, "file", "") is None else disk_hash(root / output.path)
        if on_disk == output.hash:
            plan.unchanged.append(output.path)
            plan.owned[output.path] = on_disk
        elif on_disk is None or on_disk in (manifest.get(output.path), pending.get(output.path)):
            plan.write.append(output)
            if on_disk is not None:
                plan.owned[output.path] = on_disk
        elif on_disk == FOLDER:
            plan.conflicts.append(Diagnostic(output.path, message=f"a folder is in the way of the page generated "
                                             f"from {output.source}; remove or rename it"))
        elif output.path in manifest or output.path in pending:
            plan.conflicts.append(
                Diagnostic(output.path, message=f"this generated page was edited by hand; move the change "
                f"into {output.source} and delete the page, then build again")
            )
        else:
            plan.conflicts.append(
                Diagnostic(output.path, message=f"a file the generator did not write is in the way of the "
                f"page generated from {output.source}; rename one of them")
            )
    for path in sorted((set(manifest) | set(pending)) - wanted):
        link = link_on_the_way(root, path)
        if link is not None:
            plan.warnings.append(warning(MANIFEST, f"ignored the entry {path!r}: it leads through the link {link}"))
            continue
        on_disk = disk_hash(root / path)
        if on_disk is not None and on_disk in (manifest.get(path), pending.get(path)):
            plan.remove.append(path)
            plan.owned[path] = on_disk
        elif on_disk is not None:
            plan.conflicts.append(
                Diagnostic(path, message="this generated page is no longer generated but was edited by "
                "hand, so it was kept; delete it yourself if it is not needed")
            )
    return plan


def _refuse_link(plan: Plan, output: Output, link: str, reported: set[str]) -> None:
    """A page behind a link: an error, but a JSON Schema in a linked seeds/ folder is only skipped."""
    if output.path.startswith("seeds/schema/") and link in ("seeds", "seeds/schema"):
        # Reading seeds through a link is fine; writing the editors' schemas there would leave the project.
        plan.skipped.append(output.path)
        if link not in reported:
            plan.warnings.append(warning(link, "is a link, so the JSON Schemas in seeds/schema/ were not written"))
    elif link not in reported:
        plan.conflicts.append(
            Diagnostic(link, message="is a link; the generator writes only into real folders of the project (replace the link by a folder)")
        )
    reported.add(link)


@contextlib.contextmanager
def _writing(path: str) -> Iterator[None]:
    """Turn the system's refusal to write `path` into WriteFailed, which names it relative to the project."""
    try:
        yield
    except OSError as exc:
        raise WriteFailed(path, exc) from None


def apply(root: Path, outputs: list[Output], plan: Plan) -> None:
    """Carry out a conflict-free plan and record the new manifest.

    Raises WriteFailed at the first file the system refuses (permission,
    immutable file, full disk); restore() with a snapshot() puts docs/ back.
    """
    if plan.conflicts:  # not an assert: `python -O` removes those
        raise ValueError("apply() needs a plan without conflicts")
    if plan.write:
        # Recorded before the first write: a run killed half-way leaves files of both the
        # old and the new content, and the next run must recognise both as its own.
        pending = {o.path: o.hash for o in plan.write}
        data = {"generator": "briefing", "files": plan.owned, "pending": pending}
        _write_manifest(root, json.dumps(data, indent=1, sort_keys=True) + "\n")
    made: set[Path] = set()  # each folder is made once, not once per file
    for output in plan.write:
        target = root / output.path
        with _writing(output.path):
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                atomicfile.remove_leftovers(target.parent, atomicfile.TEMP_FILE)  # from a run killed while writing here
                made.add(target.parent)
            _put_in_place(output, target)
    for path in plan.remove:
        with _writing(path):
            (root / path).unlink(missing_ok=True)
        _remove_empty_parents(root, (root / path).parent)
    skipped = set(plan.skipped)
    manifest = {o.path: o.hash for o in outputs if o.path not in skipped}
    text = json.dumps({"generator": "briefing", "files": manifest}, indent=1, sort_keys=True) + "\n"
    if (root / MANIFEST).exists() and (root / MANIFEST).read_text(encoding="utf-8") == text:
        return
    _write_manifest(root, text)


def _write_manifest(root: Path, text: str) -> None:
    with _writing(MANIFEST):
        atomicfile.atomic_write(root / MANIFEST, text.encode("utf-8"))


def _put_in_place(output: Output, target: Path) -> None:
    """Replace `target` by the output's content in one step.

    A spooled file (spool.Kept) is whole already, and written with the mode
    the umask gives: it is renamed over `target` rather than read and written
    again (at 10,000 articles that was most of the 6 s spent writing twelve
    thousand pages).  Other content, or a spool on another file system than
    `target`, is written by atomic_write.
    """
    spooled = getattr(output.text, "file", None)
    if spooled is not None:
        try:
            os.replace(spooled, target)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
    atomicfile.atomic_write(target, output.data(), folder_exists=True)


def snapshot(root: Path, plan: Plan) -> dict[str, bytes | None]:
    """What apply(plan) will overwrite or delete, as it is now (None: no such file)."""
    return read_files(root, [o.path for o in plan.write] + plan.remove + [MANIFEST])


def restore(root: Path, saved: dict[str, bytes | None]) -> None:
    """Undo apply() with what snapshot() kept: when the site build after it fails.

    The manifest comes last in `saved`: if a file cannot be put back
    (WriteFailed), the manifest still lists it as pending, so the next build
    recognises it as its own.
    """
    for path, data in saved.items():
        with _writing(path):
            if data is None:
                (root / path).unlink(missing_ok=True)
            elif disk_hash(root / path) != digest(data):
                atomicfile.atomic_write(root / path, data)
        if data is None:
            _remove_empty_parents(root, (root / path).parent)


def _remove_empty_parents(root: Path, directory: Path) -> None:
    """Remove folders left empty by a removal, up to (not including) docs/."""
    docs = (root / "docs").resolve()
    while directory.resolve() != docs and docs in directory.resolve().parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent
