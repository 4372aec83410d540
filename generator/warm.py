"""`briefing serve`'s worker: a process of its own, started before the server's threads.

Generation and the site build are pure Python work; on two cores the
process pool (parallel.py) halves them: the generator renders pages on
every core, and the fast route (fastroute.py) renders their HTML on every
core.  The pool forks, and forking a process with other threads running
can deadlock, so inside the preview server (a watcher thread, the HTTP
server's threads) the pool stays off, and every edit was generated and
built on one core.  This process is forked once, at start, while the
server has no thread yet.  It waits for requests on a pipe:

- "generate": pipeline.generate, with its own memory (pipeline.Memory:
  parsed seeds, names found in prose);
- "build": site.build_site, the whole site into the served folder;
- "rebuild": partial.rebuild, only the pages an edit changed;

runs them with the pool, and sends the result (or the BuildError's
diagnostics) back.  MkDocs' messages go to the terminal the server writes
to, as they would from the server's own process.

The first generation usually finds docs/ current and loads nothing.  When
the server has served the site (the first build, then each edit) and waits
for nothing, it says so (Generator.idle), and the process tidies up:

- if its memory is empty, it fills it (warm_up: every seed parsed and every
  page rendered once, to learn what each reads, writing nothing; a few
  seconds at a thousand articles), so that the first edit is not the one
  that parses every seed and renders every page;
- it collects its garbage and freezes what it keeps
  (collector.collect_and_freeze), so that no request pays for a full
  collection of gigabytes.

Not before, on a guess that the requests have stopped: between its first
two requests (generate, then build) the server reads and digests all of
docs/ (partial.read_state; 633 MB at 10,000 articles), and a warm-up begun
in that pause would keep the first site build waiting.

If it cannot be started (no fork on this system) or dies, the work runs in
the server's own process, on one core, as before.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import collector, ftm, partial, pipeline, site
from .diagnostics import BuildError
from .project import Project


# The server's word that it waits for nothing now (Generator.idle): no answer is sent.
IDLE = ("idle",)


class Generator:
    """Generation and site builds for one project, in a forked process when that is possible."""

    def __init__(self, project: Project, fork: bool = True):
        """`fork`: start the process (only while this process has no other thread; else work here)."""
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

    def generate(self, part: str = "all", since: str | None = None) -> pipeline.Report:
        """What pipeline.generate returns (or raises), from the forked process if it runs."""
        return self._ask(("generate", part, since))

    def build_site(self, site_dir: Path, overrides: dict) -> None:
        """site.build_site into `site_dir` (raises BuildError as it does), in the forked process if it runs."""
        self._ask(("build", site_dir, overrides))

    def rebuild_part(self, site_dir: Path, overrides: dict, after: partial.DocsState, change: partial.Change,
                     use_directory_urls: bool) -> list[str]:
        """partial.rebuild's result (or its BuildError), from the forked process if it runs."""
        return self._ask(("rebuild", site_dir, overrides, after, change, use_directory_urls))

    def idle(self) -> None:
        """Tell the forked process that nothing waits for it now (an edit was served): it tidies its
        memory then (_settle).  Nothing is done without that process."""
        if self.process is not None and self.conn is not None:
            try:
                self.conn.send(IDLE)
            except OSError:  # it died: the next request finds out and goes on here
                pass

    def _ask(self, request: tuple) -> Any:
        """The forked process's answer to `request`; the work done here if that process is gone."""
        if self.process is not None and self.conn is not None:
            try:
                self.conn.send(request)
                kind, value = self.conn.recv()
            except (EOFError, OSError):  # it died (killed, out of memory): go on here
                self.close()
            else:
                if kind == "done":
                    return value
                if kind == "refused":
                    raise BuildError(*value)
                raise RuntimeError(f"the briefing's worker process failed:\n{value}")
        return _run(request, self.project, self.memory)

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


def _run(request: tuple, project: Project, memory: pipeline.Memory) -> Any:
    """Do what `request` asks, in this process."""
    name, *args = request
    if name == "generate":
        part, since = args
        return pipeline.generate(project, memory, part, since)
    if name == "build":
        site_dir, overrides = args
        return site.build_site(project, site_dir=site_dir, overrides=overrides)
    if name == "rebuild":
        return partial.rebuild(project, *args)
    raise ValueError(f"unknown request {name!r}")


def _answer(conn: Connection, servers_end: Connection, project: Project) -> None:
    """In the forked process: answer each request until the server closes the pipe."""
    # The fork copied the server's end too: closed here, so the server going away reads as the end.
    servers_end.close()
    # Ctrl+C reaches the whole process group; the server stops this process itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # So may SIGTERM (`timeout`, `kill -- -GROUP`): end quietly, not with the server's handler's
    # KeyboardInterrupt and its traceback.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    memory = pipeline.Memory()
    ready = False
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request == IDLE:
            _settle(project, memory)
        else:
            conn.send(_answer_one(request, project, memory))
            ftm.load_schema()  # once, here: not in the pool workers each edit forks
        if memory.pages.pages and not ready:
            ready = True
            print(time.strftime("[%H:%M:%S] ready for edits: an edit renders only the pages it changes"),
                  file=sys.stderr, flush=True)


def _answer_one(request: tuple, project: Project, memory: pipeline.Memory) -> tuple:
    """("done", result), ("refused", (diagnostics, warnings)) or ("failed", traceback)."""
    try:
        return "done", _run(request, project, memory)
    except BuildError as error:
        return "refused", (error.diagnostics, error.warnings)
    except Exception:  # noqa: BLE001 - an internal error: the server reports it as its own would be
        return "failed", traceback.format_exc()


def _settle(project: Project, memory: pipeline.Memory) -> None:
    """What the process does while nobody waits for it: fill its memory if it is empty (warm_up),
    then collect its garbage and freeze what it keeps (collector.collect_and_freeze).

    What it keeps (parsed seeds, what each page read, the site build's
    caches) is gigabytes at 10,000 articles: a full collection during an
    edit took 7 to 13 s there (measured, one edit in three).  Frozen, it is
    out of the collector's sight during requests; the garbage they leave
    (the old model, a site build's pages) is collected here, about 5 s at
    that scale.  Not between an edit's requests: the server says when it
    has served the edit (Generator.idle).
    """
    if not memory.pages.pages:
        warm_up(project, memory)
    collector.collect_and_freeze()


def warm_up(project: Project, memory: pipeline.Memory) -> None:
    """Fill `memory` with the seeds as they are: every file parsed, the names in their prose found,
    what each page reads (pipeline.prepare).

    Nothing is written and nothing reported: seeds with errors stop the
    filling where generation would stop, and the next request, which loads
    them again (from memory), reports them as it always does.
    """
    try:
        pipeline.prepare(project, memory)
    except Exception:  # noqa: BLE001 - BuildError or worse: the next request meets it and reports it
        return
