"""When Python's cyclic garbage collector runs: never over what is known to live on.

A full collection walks every object the process holds.  Generation makes
millions that all live to the end (the parsed seeds, the model) or to the
end of one job (a data file's tables, graphs and entities), and the
collector, which triggers on the number of objects made, walked them again
and again: at 10,000 articles a fifth of a cold generation's time, and
seconds in every edit of `briefing serve`.  Reference counting frees
everything else at once; only cycles wait for the collector.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection during the block (cycles made in it are collected after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Every object alive now out of the collector's sight until the block ends (gc.freeze).

    Also keeps the forked workers' copy-on-write pages untouched: a
    collection writes to every object it walks.  When objects are frozen
    already (the serve worker freezes what it keeps between requests,
    warm.py), they stay frozen after the block, with what the block froze:
    that process collects when it is idle (collect_and_freeze).
    """
    global _open_frozen_blocks
    already = gc.get_freeze_count() > 0
    gc.freeze()
    _open_frozen_blocks += 1
    try:
        yield
    finally:
        _open_frozen_blocks -= 1
        if not already:
            gc.unfreeze()


_open_frozen_blocks = 0  # frozen() blocks this process is in


def freeze_more() -> None:
    """Inside a frozen() block: freeze what is alive now too, given back with the rest when it ends.

    For a block that builds up what lives to its end in stages (a site build:
    its settings and files, then its pages' bodies).  Outside a block it does nothing:
    what it froze would never be given back, and a cycle among it never freed.
    """
    if _open_frozen_blocks:
        gc.freeze()


def collect_and_freeze() -> None:
    """Collect every cycle of garbage, frozen or not, and freeze what is left."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
