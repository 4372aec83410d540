"""Generated files wait on disk, not in memory, between rendering and writing.

The generator writes nothing before every file is made, so that an error
leaves docs/ as it was (pipeline.py).  Holding every file in memory until
then took most of generation's memory: a briefing of 10,000 articles
renders about 630 MB of pages and 500 MB of data files, and generating it
peaked at 2.6 GB.  Each file is instead handed to a Spool as soon as it is
made (in the forked workers too):

- a file whose content is already on disk, byte for byte, keeps only its
  digest (nothing to write; a no-op or an edit touches few files);
- any other is written to the run's spool folder, `.briefing-run/spool-<pid>-…/`,
  and renamed into place when write.apply writes it (read back and copied
  only when docs/ is on another file system).

The folder is removed when generation ends, however it ends; a killed run's
is removed by the next run (running.scratch_folder).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from . import running, write
from .diagnostics import BuildError


@dataclass(frozen=True)
class Kept:
    """A generated file's content: its digest, and the spool file holding it (None: on disk already)."""

    hash: str
    file: Path | None

    def read(self) -> bytes:
        """The content; OSError when it was left on disk (write.plan_writes then never asks for it)."""
        if self.file is None:
            # Only a caller that ignores the plan gets here: nothing was kept to give.
            raise OSError(errno.ESTALE, "it changed while the briefing was generated; build again")
        return self.file.read_bytes()


class Spool:
    """Keeps generated files in a spool folder of the project until they are written."""

    def __init__(self, root: Path, folder: Path):
        self.root = root
        self.folder = folder

    def keep(self, path: str, content: str | bytes | Iterable[str]) -> Kept:
        """Keep the file for `path` (relative to the project root); the content is not held in memory.

        `content` may come in pieces of text (export.chunks): they are written
        as they come, so the whole text never exists at once.
        """
        # Named after the path: unique within the run, and the same in every forked worker.
        spooled = self.folder / hashlib.sha256(path.encode("utf-8")).hexdigest()
        if isinstance(content, (str, bytes)):
            data = content.encode("utf-8") if isinstance(content, str) else content
            hashed = write.digest(data)
        else:
            hashed = _write_pieces(spooled, content)
            data = None
        # Never read through a link (a link planted in docs/ must not be followed); plan_writes refuses those.
        if write.link_on_the_way(self.root, path) is None and write.disk_hash(self.root / path) == hashed:
            spooled.unlink(missing_ok=True)
            return Kept(hashed, None)
        if data is not None:
            spooled.write_bytes(data)
        return Kept(hashed, spooled)


def _write_pieces(target: Path, pieces: Iterable[str]) -> str:
    """Write the pieces of text to `target` as UTF-8; return the digest of the bytes written."""
    hashed = hashlib.sha256()
    with target.open("wb") as handle:
        batch: list[str] = []
        size = 0
        for piece in pieces:  # written a megabyte at a time: one write per piece is slow
            batch.append(piece)
            size += len(piece)
            if size >= 1 << 20:
                size = _flush(handle, hashed, batch)
        _flush(handle, hashed, batch)
    return hashed.hexdigest()


def _flush(handle: BinaryIO, hashed: Any, batch: list[str]) -> int:
    data = "".join(batch).encode("utf-8")
    hashed.update(data)
    handle.write(data)
    batch.clear()
    return 0


@contextlib.contextmanager
def spool(root: Path) -> Iterator[Spool]:
    """A Spool in a new folder of `.briefing-run/`, removed when the block ends."""
    try:
        folder = running.scratch_folder(root, "spool")
    except running.RunError as error:
        raise BuildError([error.diagnostic]) from None
    try:
        yield Spool(root, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
