"""Run a long list of independent jobs on every core, with the standard library's process pool.

Generation is pure CPU work in Python, so threads do not help; processes do.
The pool's workers are forks of this process (multiprocessing's "fork"
context), so they already hold everything the jobs read (the loaded
briefing, compiled templates): the job itself is never pickled, only the
bounds of each slice of the list go out and the results come back.

This process does the first share of the list itself while the workers
(one per other core) do the rest.  The pool is used only when it is safe
and worth it: on Linux (macOS forbids
fork after some system libraries start; Windows has none), with at least two
cores, no other thread running (forking a threaded process, such as
`mkdocs serve`, can deadlock), and a long list.  Otherwise the jobs run here,
one after the other.  When a worker fails (an error in a job, a worker that
dies) the whole list is run again here, so the error raised is exactly the
one a plain loop raises, at the first failing item.  BRIEFING_SERIAL=1 in
the environment turns the pool off (to profile, or to compare).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many jobs the forks and the pickling cost more than they save.
MIN_JOBS = 200
# Slices per worker: one, so results travel back once, when this process has done its own share
# (the pool's thread that receives them takes the GIL from the work here).
SLICES_PER_WORKER = 1

# The job and its items while run_all runs: the forked workers inherit them.
_work: tuple[Callable, Sequence] | None = None


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_forking(jobs: int, min_jobs: int = MIN_JOBS) -> bool:
    """True when sharing `jobs` jobs with forked workers is possible and pays (`min_jobs`: from how many)."""
    return (
        jobs >= min_jobs
        and sys.platform.startswith("linux")
        and cores() >= 2
        and threading.active_count() == 1
        and os.environ.get("BRIEFING_SERIAL", "") == ""
    )


def _run_slice(bounds: tuple[int, int]) -> list | None:
    """In a worker: the results of one slice of the items, or None if a job failed.

    The error itself does not travel back (not every exception survives
    pickling, and a deep RecursionError's traceback is huge): the parent
    runs the list again and raises it there, as a plain loop does.
    """
    job, items = _work  # type: ignore[misc]  # set before the fork
    try:
        return [job(items[index]) for index in range(*bounds)]
    except Exception:  # noqa: BLE001 - reported by the parent's own run, see run_all
        return None


def run_all(job: Callable[[Item], Result], items: Sequence[Item], min_jobs: int = MIN_JOBS) -> list[Result]:
    """[job(item) for item in items], shared among this process and forked workers when that pays.

    This process does the first share itself (it would only wait otherwise);
    the rest goes to one worker per other core, in slices.  `min_jobs`: the
    fewest jobs worth forking for (lower for costly jobs).
    """
    if not worth_forking(len(items), min_jobs):
        return [job(item) for item in items]
    global _work
    workers = cores() - 1
    own = len(items) // (workers + 1)
    step = -(-(len(items) - own) // (workers * SLICES_PER_WORKER))
    slices = [(start, min(start + step, len(items))) for start in range(own, len(items), step)]
    _work = (job, items)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            theirs = pool.map(_run_slice, slices)
            try:
                mine = [job(items[index]) for index in range(own)]
            except Exception:  # the first failing item is here: raise it as a plain loop would
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            parts = [mine, *theirs]
    except BrokenProcessPool:  # a worker died (killed, out of memory): do its work here
        parts = [None]
    finally:
        _work = None
    if any(part is None for part in parts):  # a job failed in a worker: a plain loop raises its error as it would
        return [job(item) for item in items]
    return [result for part in parts for result in part]
