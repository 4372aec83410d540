"""Put a freshly built folder (the site) in place of the old one.

swap_in exchanges the two folders in one atomic step on Linux (renameat2
through ctypes), so a build killed at any moment leaves the old site or the
new one.  A `site` that cannot be swapped (a link, a mount point) is changed
in place by sync_into instead.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
from pathlib import Path

from . import atomicfile, write


def sync_into(staging: Path, target: Path) -> None:
    """Make the folder `target` hold exactly what `staging` holds, changing it in place.

    For a `site` that cannot be swapped (a link or a mount point): not atomic,
    but new and changed files are in place before stale ones are removed, each
    file is replaced whole, and unchanged files are not touched (their times
    stay, so rsync and caches see no churn).  Links found inside `target` are
    removed, never followed.
    """
    for folder, subfolders, files in os.walk(staging):
        here = target / Path(folder).relative_to(staging)
        for name in subfolders:
            _real_folder(here / name)
        for name in files:
            data = (Path(folder) / name).read_bytes()
            destination = here / name
            if destination.is_symlink() or destination.is_dir():
                _remove(destination)
            if write.disk_hash(destination) != write.digest(data):
                atomicfile.atomic_write(destination, data, folder_exists=True)
        wanted = set(subfolders) | set(files)
        for entry in os.scandir(here):
            if entry.name not in wanted:
                _remove(Path(entry.path))


def _real_folder(path: Path) -> None:
    """`path` as a real folder: whatever else is there (a file, a link) is removed first."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        _remove(path)
    if not path.is_dir():
        path.mkdir()


def _remove(path: Path) -> None:
    """Remove a file, a link (not what it points to) or a whole folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by `staging`, so that a complete site is there at every instant.

    On Linux one atomic exchange of the two folders does it, so a build killed at
    any moment leaves the old site or the new one.  Elsewhere two renames leave a
    moment with no `target`; the next build repairs that first.
    """
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old site
        return
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False if the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False  # not Linux, or a C library without renameat2
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0


def finish_interrupted_swap(target: Path) -> None:
    """Put the old site back if a build was killed between swap_in's two renames.

    Also removes the half-built sites of killed builds (`.site-new-<pid>-…`).
    """
    old = target.with_name(f".{target.name}-old")
    if not target.exists() and not target.is_symlink() and old.is_dir():
        old.rename(target)
    atomicfile.remove_leftovers(target.parent, re.compile(rf"^\.{re.escape(target.name)}-new-(\d+)-"))
