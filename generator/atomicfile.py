"""Writing one file safely: in one step, with the mode the umask gives, and clearing up after killed writers.

A file is written to a temporary name beside it and renamed over it
(atomic_write), so a reader never sees half a file: the manifest, the search
index merged by a partial build, the book.  Generated pages are renamed
into docs/ from the spool instead (write.py), the zip from its own partial
name (offline.py).  Temporary names carry the writing process's id: what a
killed run left behind is removed by the next one, and what another run is
writing now is left alone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path


# Temporary names carry the writing process's id, so that a later run can tell what a
# killed run left behind (its process is gone) from what another run is writing now.
TEMP_FILE = re.compile(r"^\..+\.briefing-(\d+)-[^/]*\.tmp$")


def process_gone(pid: int) -> bool:
    """True when no process has this id (so whatever it was writing is abandoned)."""
    if os.name != "posix":
        return False  # no safe way to ask elsewhere (os.kill(pid, 0) would signal on Windows): keep it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, but belongs to someone else
    return False


def remove_leftovers(folder: Path, pattern: re.Pattern[str]) -> list[str]:
    """Delete the entries of `folder` named by `pattern` whose writing process is gone.

    `pattern`'s first group is the process id.  Returns the names removed.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if match and process_gone(int(match.group(1))):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)
            removed.append(entry.name)
    return removed


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it, then put it back
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode open() gives a new file: 0644 under the usual umask 022."""
    return 0o666 & ~current_umask()


def folder_mode() -> int:
    """The mode mkdir() gives a new folder: 0755 under the usual umask 022."""
    return 0o777 & ~current_umask()


def atomic_write(path: Path, data: bytes, folder_exists: bool = False) -> None:
    """Replace `path` by `data` in one step (a temporary file renamed over it), mode from the umask."""
    if not folder_exists:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.briefing-{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600: a web server or rsync would not be able to read the page.
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
