"""Share a long list of independent jobs with one forked helper process.

Generation is pure CPU work in Python, so threads do not help; a second
process does, on a machine with two or more cores.  The helper is a fork of
this process, so it already holds everything the jobs read (the loaded
briefing, compiled templates) and only the results travel back, pickled,
through a temporary file.

The split is made only when it is safe and worth it: on Linux (macOS
forbids fork after some system libraries start; Windows has none), with at
least two cores, no other thread running (forking a threaded process, such
as `mkdocs serve`, can deadlock), and a long list.  Otherwise, and whenever
the helper fails, the jobs run here, one after the other, so results and
errors are exactly those of a plain loop.  BRIEFING_SERIAL=1 in the
environment turns the helper off (to profile, or to compare).
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import threading
from typing import BinaryIO, Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many jobs the fork and the pickling cost more than they save.
MIN_JOBS = 200


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_forking(jobs: int) -> bool:
    """True when sharing `jobs` jobs with a forked helper is possible and pays."""
    return (
        jobs >= MIN_JOBS
        and sys.platform.startswith("linux")
        and cores() >= 2
        and threading.active_count() == 1
        and os.environ.get("BRIEFING_SERIAL", "") == ""
    )


def run_all(job: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """[job(item) for item in items], with every other item done by a forked helper."""
    if not worth_forking(len(items)):
        return [job(item) for item in items]
    # The helper writes its results to a spool file rather than a pipe: it never
    # waits for this process to read, and they are read back a batch at a time.
    with tempfile.TemporaryFile(prefix="briefing-") as spool:
        pid = os.fork()
        if pid == 0:  # the helper: the odd items
            _helper(job, items[1::2], spool)
        try:
            mine = [job(item) for item in items[0::2]]
        except Exception:
            _stop(pid)
            return [job(item) for item in items]  # raises the first error, as a plain loop does
        except BaseException:
            _stop(pid)
            raise
        _, status = os.waitpid(pid, 0)
        theirs = _read_batches(spool) if status == 0 else None
    if theirs is None or len(theirs) != len(items) // 2:
        # The helper failed: run everything here so any error is raised as a loop raises it.
        return [job(item) for item in items]
    results: list[Result] = []
    for index in range(len(items)):
        results.append(mine[index // 2] if index % 2 == 0 else theirs[index // 2])
    return results


# Results per pickled batch in the spool file.
BATCH = 256


def _helper(job: Callable[[Item], Result], items: Sequence[Item], spool: BinaryIO) -> None:
    """In the forked helper: run the jobs, spool the pickled results, exit at once."""
    status = 1
    try:
        batch = []
        for item in items:
            batch.append(job(item))
            if len(batch) == BATCH:
                pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
        spool.flush()
        status = 0
    except BaseException:  # the parent redoes the work and reports the error itself
        pass
    finally:
        # No cleanup handlers: they belong to the parent (open files, test runners, atexit).
        os._exit(status)


def _read_batches(spool: BinaryIO) -> list | None:
    """Every result the helper spooled, in order (None if the file is damaged)."""
    spool.seek(0)
    results: list = []
    try:
        while True:
            results.extend(pickle.load(spool))
    except EOFError:
        return results
    except (pickle.UnpicklingError, ValueError, TypeError):
        return None


def _stop(pid: int) -> None:
    """End the helper after a failure here, and reap it."""
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
