"""Which file events `briefing serve` hears are the generator's own writes (or hidden files).

Generated pages live in docs/, which is watched for hand-written pages.  A
generated file counts as the generator's own change when its content is
exactly what the manifest records; a page the last generation removed, when
it is gone.  Dot files (the writer's temporary files, the manifest itself,
editors' swap files) never count as changes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import cache, write


class OwnWrites:
    """The generator's own writes in one project, judged against its manifest as it is now."""

    def __init__(self, root: Path):
        self.root = root
        self.removed: set[str] = set()  # pages the last generation removed
        self._manifest: tuple[Any, dict[str, str]] = (None, {})  # (the manifest file's stat, its entries)

    def own_or_hidden(self, path: Path) -> bool:
        """True when the file at `path` is as the generator left it, or hidden."""
        try:
            relative = path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return False
        if any(part.startswith(".") for part in relative.parts):
            return True
        name = relative.as_posix()
        recorded = self._recorded().get(name)
        if recorded is not None:
            try:
                return write.digest(path.read_bytes()) == recorded
            except OSError:
                return False
        return name in self.removed and not path.exists()

    def _recorded(self) -> dict[str, str]:
        """The manifest's entries, read again only when its file changed (a generation writes
        dozens of pages, each an event judged here, and the manifest is megabytes at scale)."""
        stat = cache.stat_key(self.root / write.MANIFEST)
        if stat is None or stat != self._manifest[0]:
            self._manifest = (stat, write.read_manifest(self.root))
        return self._manifest[1]


def event_paths(event: Any) -> list[str]:
    """The paths a file event is about: its source and, for a rename, its destination."""
    paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
    return [os.fsdecode(p) for p in paths]
