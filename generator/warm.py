"""`briefing serve`'s generator: a process of its own, started before the server's threads.

Generation is pure Python work; on two cores the process pool (parallel.py)
halves it.  The pool forks, and forking a process with other threads
running can deadlock, so inside the preview server (a watcher thread, the
HTTP server's threads) the pool stays off and every edit was generated on
one core.  This process is forked once, at start, while the server has no
thread yet: it waits for requests on a pipe, runs pipeline.generate with
its own memory (pipeline.Memory: parsed seeds, names found in prose) and
the pool, and sends the report (or the BuildError's diagnostics) back.

The first request usually finds docs/ current and loads nothing; the
process then fills its memory at once (warm_up), while the server builds
the site, so that the first edit is not the one that parses every seed.

If it cannot be started (no fork on this system) or dies, generation runs
in the server's own process, on one core, as before.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
import traceback
from multiprocessing.connection import Connection

from . import pipeline
from .diagnostics import BuildError
from .project import Project


class Generator:
    """pipeline.generate for one project, in a forked process when that is possible."""

    def __init__(self, project: Project, fork: bool = True):
        """`fork`: start the process (only while this process has no other thread; else generate here)."""
        self.project = project
        self.memory = pipeline.Memory()  # used only when generating here
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: Connection | None = None
        if fork and sys.platform.startswith("linux") and threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
            self.conn, theirs = context.Pipe()
            # Not a daemon: a daemonic process may not start the pool's workers.  close() ends it.
            self.process = context.Process(target=_answer, args=(theirs, self.conn, project), name="briefing-generator")
            self.process.start()
            theirs.close()

    def generate(self) -> pipeline.Report:
        """What pipeline.generate returns (or raises), from the forked process if it runs."""
        if self.process is not None and self.conn is not None:
            try:
                self.conn.send("generate")
                kind, value = self.conn.recv()
            except (EOFError, OSError):  # it died (killed, out of memory): go on here
                self.close()
            else:
                if kind == "report":
                    return value
                if kind == "refused":
                    raise BuildError(*value)
                raise RuntimeError(f"the generator failed:\n{value}")
        return pipeline.generate(self.project, self.memory)

    def close(self) -> None:
        """End the forked process (it also ends by itself when this process goes away)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.process is not None:
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
            self.process = None


def _answer(conn: Connection, servers_end: Connection, project: Project) -> None:
    """In the forked process: generate on each request until the server closes the pipe."""
    # The fork copied the server's end too: closed here, so the server going away reads as the end.
    servers_end.close()
    # Ctrl+C reaches the whole process group; the server stops this process itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    memory = pipeline.Memory()
    while True:
        try:
            conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer_one(project, memory))
        if not memory.seeds:  # nothing loaded (docs/ was current): load now, not at the first edit
            warm_up(project, memory)


def _answer_one(project: Project, memory: pipeline.Memory) -> tuple:
    """("report", Report), ("refused", (diagnostics, warnings)) or ("failed", traceback)."""
    try:
        return "report", pipeline.generate(project, memory)
    except BuildError as error:
        return "refused", (error.diagnostics, error.warnings)
    except Exception:  # noqa: BLE001 - an internal error: the server reports it as its own would be
        return "failed", traceback.format_exc()


def warm_up(project: Project, memory: pipeline.Memory) -> None:
    """Fill `memory` with the seeds as they are: every file parsed, the names in their prose found.

    Nothing is written and nothing reported: seeds with errors stop the
    filling where generation would stop, and the next request, which loads
    them again (from memory), reports them as it always does.
    """
    try:
        pipeline.load_briefing(project, memory)
    except Exception:  # noqa: BLE001 - BuildError or worse: the next request meets it and reports it
        return
