"""A content-addressed store of JSON values in the project's .briefing-cache/ folder.

Each value is kept under the SHA-256 key of everything it was made from, in
`.briefing-cache/<kind>/<key[:2]>/<key>.json`, so a key found is always
right: nothing has to be invalidated, a change of input is a new key.  The
cache is best effort: an entry that cannot be read is a miss, one that
cannot be written is simply not kept, and nothing is ever written through a
link (a `.briefing-cache` committed as a link must not make the builder
write outside the project).  `prune()` removes the entries a complete build
did not use, so the folder holds one build's worth.

A repository or an archive can bring a `.briefing-cache/` of its own, with
entries whose keys match our pages and whose bodies say something else.  So
every entry is sealed (HMAC-SHA-256) with a key that is not in any file: the
random bytes of `.briefing-cache/seal` together with that file's device,
inode and change time on this disk.  A seal file that came with a clone or
an unpacked archive has a change time its author could not know, so none of
their entries verify, and each is a miss.
"""

from __future__ import annotations

import hashlib
import hmac
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
        return self.peek(key)

    def peek(self, key: str):
        """The value kept under `key`, or None, without using it: prune() removes it unless used."""
        try:
            value_json = _sealed_value(self._path(key).read_bytes(), key, self._seal())
            return None if value_json is None else json.loads(value_json)
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
            seal = self._seal(make=True)
            if seal is None:
                return
            value_json = json.dumps(value, separators=(",", ":")).encode()
            temporary.write_bytes(_PREFIX + _mac(seal, key, value_json).encode() + _MIDDLE + value_json + _END)
            os.replace(temporary, path)
        except OSError:
            pass

    def _seal(self, make: bool = False) -> bytes | None:
        """The key entries are sealed with (made when `make` and missing), or None."""
        path = self.top / SEAL
        for _ in range(2):
            try:
                descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            except FileNotFoundError:
                if not make or not _make_seal(path):
                    return None
                continue
            except OSError:
                return None  # a link in the seal's place: no cache
            with os.fdopen(descriptor, "rb") as handle:
                facts = os.fstat(handle.fileno())
                secret = handle.read(64)
            return secret + f":{facts.st_dev}:{facts.st_ino}:{facts.st_ctime_ns}".encode()
        return None

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


SEAL = "seal"  # .briefing-cache/seal: the random half of the sealing key


def _make_seal(path: Path) -> bool:
    """Write 32 random bytes as a new seal file, never through a link; False when that fails."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return True  # another build made it first
    except OSError:
        return False
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(os.urandom(32))
    return True


# An entry's file: {"mac":"<64 hex digits>","value":<the value as JSON>}, as json.dumps writes that dict.
_PREFIX, _MIDDLE, _END = b'{"mac":"', b'","value":', b"}"
_MAC_LENGTH = 64


def _mac(seal: bytes, key: str, value_json: bytes) -> str:
    """The entry's seal: HMAC-SHA-256 of its key and its value's JSON."""
    return hmac.new(seal, key.encode() + b"\0" + value_json, hashlib.sha256).hexdigest()


def _sealed_value(data: bytes, key: str, seal: bytes | None) -> bytes | None:
    """The value's JSON in an entry's file, when its seal verifies (the value is never parsed before)."""
    value_start = len(_PREFIX) + _MAC_LENGTH + len(_MIDDLE)
    if (seal is None or not data.startswith(_PREFIX) or not data.endswith(_END)
            or data[len(_PREFIX) + _MAC_LENGTH:value_start] != _MIDDLE):
        return None
    value_json = data[value_start:-len(_END)]
    if not hmac.compare_digest(data[len(_PREFIX):len(_PREFIX) + _MAC_LENGTH], _mac(seal, key, value_json).encode()):
        return None  # not made here: another machine's or a forged entry
    return value_json
