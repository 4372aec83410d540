"""Run a long list of independent jobs on every core, with the standard library's process pool.

Generation is pure CPU work in Python, so threads do not help; processes do.
The pool's workers are forks of this process (multiprocessing's "fork"
context), so they already hold everything the jobs read (the loaded
briefing, compiled templates): the job itself is never pickled, only the
numbers of the slices of the list go out (through a pipe) and the results come back.

This process and the workers (one per other core) take small slices of
the list, each the next one not yet taken, until none is left: jobs cost
different amounts (an actor's page several article pages, a data file
hundreds), so no share fixed in advance is even.  Each worker sends its
results back once, at the end.  The pool is used only when it is safe
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
import struct
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many jobs the forks and the pickling cost more than they save.
MIN_JOBS = 200
# Slices per core: enough that the last ones even out the shares, few enough that taking one costs nothing.
SLICES_PER_CORE = 64
# At most this many slices: their 4-byte starts must fit in a pipe's buffer, which Linux can
# shrink to one page (4 KiB) for a user holding many pipes.
MAX_SLICES = 1024

# The job, its items, the slices' (start, end) and the pipe the slices' numbers are taken
# from, while run_all runs: the forked workers inherit them.
_work: tuple[Callable, Sequence, list[tuple[int, int]], int] | None = None


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_forking(jobs: int, min_jobs: int | None = None) -> bool:
    """True when sharing `jobs` jobs with forked workers is possible and pays (from `min_jobs`, or MIN_JOBS)."""
    return (
        jobs >= (MIN_JOBS if min_jobs is None else min_jobs)
        and sys.platform.startswith("linux")
        and cores() >= 2
        and threading.active_count() == 1
        and os.environ.get("BRIEFING_SERIAL", "") == ""
    )


def _take(fd: int) -> int | None:
    """The number of the next slice not yet taken, or None when all are.

    The numbers wait in a pipe as 4-byte records, written whole before any
    worker was forked; Linux serialises reads on a pipe, so each read of 4
    bytes takes one record, and only once.  A process that dies holds no lock
    here (a shared counter under a lock would stop everyone if it died holding
    it).
    """
    record = os.read(fd, 4)
    return struct.unpack("=I", record)[0] if record else None


def _run_slices(job: Callable, items: Sequence, slices: list[tuple[int, int]], fd: int) -> list[tuple[int, list]]:
    """(start, results) of every slice this process takes, until none is left."""
    done = []
    while (number := _take(fd)) is not None:
        done.append(_run_slice(job, items, slices[number]))
    return done


def _run_slice(job: Callable, items: Sequence, bounds: tuple[int, int]) -> tuple[int, list]:
    """(start, the results of the items from start to end)."""
    start, end = bounds
    return start, [job(items[index]) for index in range(start, end)]


def slices(count: int, parts: int, sizes: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """(start, end) of consecutive slices of `count` items: `parts` of equal length, or, given
    each item's size, slices of about equal total size (an item larger than a share is alone).

    run_all orders the items largest first before it cuts them: every process starts on
    a large item, and the small ones even out the end.
    """
    share = sum(sizes) / parts if sizes is not None else 0
    if share <= 0:
        size = -(-count // parts)
        return [(start, min(start + size, count)) for start in range(0, count, size)]
    bounds, start, filled = [], 0, 0
    for index, item_size in enumerate(sizes):
        filled += item_size
        if filled >= share:
            bounds.append((start, index + 1))
            start, filled = index + 1, 0
    if start < count:
        bounds.append((start, count))
    return bounds


def _worker(_: int) -> list[tuple[int, list]] | None:
    """In a worker: the results of the slices it took, or None if a job failed.

    The error itself does not travel back (not every exception survives
    pickling, and a deep RecursionError's traceback is huge): the parent
    runs the list again and raises it there, as a plain loop does.
    """
    job, items, bounds, fd = _work  # type: ignore[misc]  # set before the fork
    try:
        return _run_slices(job, items, bounds, fd)
    except Exception:  # noqa: BLE001 - reported by the parent's own run, see run_all
        _take_all(fd)  # the others stop after the slice they are on: the list is run again anyway
        return None


def _take_all(fd: int) -> None:
    """Take every slice left, so that no process starts another."""
    while _take(fd) is not None:
        pass


def run_all(job: Callable[[Item], Result], items: Sequence[Item], min_jobs: int | None = None,
            sizes: Sequence[int] | None = None) -> list[Result]:
    """[job(item) for item in items], shared among this process and forked workers when that pays.

    This process takes the first slice before the workers start, then all
    take the next slice left (see the module's docstring).  When a job
    fails anywhere, the list is run again here, so the error raised is the
    first failing item's, as a plain loop raises it.  `min_jobs`: the fewest
    jobs worth forking for (default MIN_JOBS; lower for costly jobs).
    `sizes`: each item's cost, about; the items are then shared out largest
    first, in slices of about equal size (see slices()), and the results
    still come back in the items' order.  Without them items are taken to
    cost the same.
    """
    if not worth_forking(len(items), min_jobs):
        return [job(item) for item in items]
    order = None if sizes is None else sorted(range(len(items)), key=sizes.__getitem__, reverse=True)
    shared = items if order is None else [items[index] for index in order]
    global _work
    bounds = slices(len(shared), min(cores() * SLICES_PER_CORE, MAX_SLICES - 1),  # sizes: one more at most
                    None if order is None else [sizes[index] for index in order])
    read_end, write_end = os.pipe()
    os.write(write_end, b"".join(struct.pack("=I", number) for number in range(len(bounds))))
    os.close(write_end)  # before the workers fork: once the records are read, a read finds the end
    _work = (job, shared, bounds, read_end)
    try:
        parts = _shared(job, shared, bounds, read_end)
    finally:
        _work = None
        os.close(read_end)
    if parts is None:  # a job failed, or a worker died: a plain loop does it all, raising what it raises
        return [job(item) for item in items]
    results = [result for _, part in sorted(parts, key=lambda p: p[0]) for result in part]
    if order is None:
        return results
    in_order: list = [None] * len(items)
    for position, index in enumerate(order):
        in_order[index] = results[position]
    return in_order


def _shared(job: Callable, items: Sequence, bounds: list[tuple[int, int]], fd: int) -> list[tuple[int, list]] | None:
    """Every (start, results) slice, from this process and the workers; None if a job failed in a later slice."""
    first = _take(fd)  # taken before the workers start: the first items are always done here
    try:
        with ProcessPoolExecutor(cores() - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            theirs = [pool.submit(_worker, number) for number in range(cores() - 1)]
            try:
                mine = [_run_slice(job, items, bounds[first])]
            except Exception:  # the first failing item is here: raise it as a plain loop would
                _take_all(fd)
                raise
            try:
                mine += _run_slices(job, items, bounds, fd)
            except Exception:  # noqa: BLE001 - run again by run_all, which raises the first failing item's
                _take_all(fd)
                return None
            parts = [part.result() for part in theirs]
    except BrokenProcessPool:  # a worker died (killed, out of memory)
        return None
    if any(part is None for part in parts):
        return None
    return mine + [piece for part in parts for piece in part]
