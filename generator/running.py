"""One build at a time per project, and scratch folders that never outlive their run.

Everything lives in the project's `.briefing-run/` folder (it ignores itself in
git, as `.briefing-cache/` does), never in the system's temporary folder, so
cleaning up never touches anything outside the project:

- `lock`: `briefing build` (plain or `--offline`) and each rebuild of
  `briefing serve` hold an exclusive fcntl.flock on it while they generate
  and build.  A second one waits, saying which process it waits for.  The
  system drops the lock when its process ends, however it ends, so a killed
  build never blocks the next one.
- `offline-<pid>-…/`, `serve-<pid>-…/`: the scratch sites of the offline
  build and of the preview server; `spool-<pid>-…/`: generated files
  waiting to be written (spool.py).  They are removed when the run ends
  (also on Ctrl+C or SIGTERM); those of a killed run (its process is gone)
  are removed by the next run (atomicfile.remove_leftovers).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from . import atomicfile
from .diagnostics import Diagnostic

try:
    import fcntl
except ImportError:  # not POSIX: no lock (the build still works, only not guarded)
    fcntl = None  # type: ignore[assignment]

RUN_DIR = ".briefing-run"
LOCK = "lock"
SCRATCH = re.compile(r"^(?:offline|serve|spool)-(\d+)-")


class RunError(Exception):
    """The run folder cannot be used; the diagnostic names it relative to the project."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def run_folder(root: Path) -> Path:
    """The project's `.briefing-run/` folder, made if missing; never a link (RunError)."""
    folder = root / RUN_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise RunError(Diagnostic(RUN_DIR, message="is not a real folder; remove it (the build makes it)"))
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Made by `briefing`: its lock and scratch folders, never committed.\n*\n", encoding="utf-8")
    except OSError as exc:
        raise RunError(Diagnostic(RUN_DIR, message=f"cannot write: {exc.strerror or exc}")) from None
    return folder


@contextlib.contextmanager
def one_at_a_time(root: Path) -> Iterator[None]:
    """Hold the project's build lock for the block; wait (saying for whom) if another run holds it."""
    if fcntl is None:
        yield
        return
    path = run_folder(root) / LOCK
    try:
        # O_NOFOLLOW: a link planted at the lock's name must not make us write elsewhere.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as exc:
        raise RunError(Diagnostic(f"{RUN_DIR}/{LOCK}", message=f"cannot open: {exc.strerror or exc}")) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            print(f"briefing: waiting for the build running in this project (pid {holder}) to finish",
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            # Emptied on the way out, so a finished build leaves the file as it found it.
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def scratch_folder(root: Path, kind: str) -> Path:
    """A new empty folder `.briefing-run/<kind>-<pid>-…/`, after removing those of killed runs."""
    folder = run_folder(root)
    atomicfile.remove_leftovers(folder, SCRATCH)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{kind}-{os.getpid()}-", dir=folder))
    except OSError as exc:
        raise RunError(Diagnostic(RUN_DIR, message=f"cannot write: {exc.strerror or exc}")) from None
