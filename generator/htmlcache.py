"""A content-addressed store of JSON values in the project's .briefing-cache/ folder.

Each value is kept under the SHA-256 key of everything it was made from, in
`.briefing-cache/<kind>/<key[:2]>/<key>.json`, so a key found is always
right: nothing has to be invalidated, a change of input is a new key.  The
cache is best effort: an entry that cannot be read is a miss, one that
cannot be written is simply not kept, and nothing is ever written through a
link (a `.briefing-cache` committed as a link must not make the builder
write outside the project).  `prune()` removes the entries a complete build
did not use, so the folder holds one build's worth.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .cache import CACHE_DIR, ensure_folder


class DigestCache:
    """JSON values by digest under <root>/.briefing-cache/<kind>/."""

    def __init__(self, root: Path, kind: str):
        self.top = root / CACHE_DIR
        self.folder = self.top / kind
        self.used: set[str] = set()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        """True when a value is kept under `key` (it may still turn out unreadable: get() says None then)."""
        self.used.add(key)
        return self._path(key).is_file()

    def get(self, key: str):
        """The value kept under `key`, or None."""
        self.used.add(key)
        try:
            return json.loads(self._path(key).read_bytes())
        except (OSError, ValueError):
            return None

    def put(self, key: str, value) -> None:
        """Keep `value` (JSON data) under `key`; a write the system refuses is ignored."""
        self.used.add(key)
        path = self._path(key)
        try:
            if not ensure_folder(self.top) or self.folder.is_symlink():
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            # No sort_keys: values keep their key order (Material's search entries are written in it).
            temporary.write_text(json.dumps(value, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass

    def prune(self) -> None:
        """Remove every entry not read or written since this object was made."""
        if self.top.is_symlink() or self.folder.is_symlink() or not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*.json"):
            if path.stem not in self.used:
                try:
                    path.unlink()
                except OSError:
                    pass
