"""`briefing serve`: preview the site with live reload while editing seeds.

MkDocs' own live-reload server (mkdocs.livereload.LiveReloadServer) does the
serving, the file watching and the browser reloads.  Two things differ from
`mkdocs serve`:

- Each rebuild runs the generator, then MkDocs (strict, into a temporary
  folder swapped in whole, as `briefing build` does, or only the changed
  pages, generator/partial.py), both in a process of its own where they use
  every core (generator/warm.py).  The pages come first and are shown; the
  data files (docs/data/, the feed, the Data page), which cost as much as
  every page together at scale, are generated and built after them
  (pipeline.generate's `part`), without reloading the browsers again.
  When the seeds have
  errors, the diagnostics are printed (`file:line:col: error: ...`), docs/
  and the served site stay as they were, and the next save that fixes the
  file rebuilds as usual: no restart.
- The watcher hears of a save from the kernel (inotify on Linux, FSEvents,
  ReadDirectoryChangesW: watchdog's native observer) instead of MkDocs'
  picture of every watched file taken twice a second: the save is seen at
  once, and a briefing of thousands of files costs no CPU while nothing
  changes.  Where the kernel refuses (no such facility, its watch limit
  reached), the server falls back to MkDocs' polling observer.
- Changes the generator itself makes are ignored by the watcher.  Generated
  pages live in docs/, which is watched for hand-written pages; without this
  filter every edit would build the site twice (the second time because the
  first one wrote new pages; generator/ownwrites.py tells them).  Events that
  arrive while the generator is writing are judged once it has finished,
  because the manifest is written last.
- A save that changes no page (the same text saved again, a comment in a
  seed file, one save seen as two file events) runs the generator but not
  MkDocs: the site build is skipped while docs/, includes/, templates/ and
  mkdocs.yml hold what the last good build read.  A save that changes a
  few pages rebuilds only those (generator/partial.py); anything else,
  or a partial build that fails, builds the whole site.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import watchdog.events
import watchdog.observers
import watchdog.observers.polling
from mkdocs.livereload import LiveReloadServer

from . import partial, pipeline, running, warm
from .diagnostics import BuildError, print_refusal
from .ownwrites import OwnWrites, event_paths
from .project import Project

DEFAULT_ADDRESS = "127.0.0.1:8000"

# The folders and files a preview depends on, relative to the project root.
WATCHED = ("seeds", "templates", "docs", "includes", "mkdocs.yml")

# Seconds between two looks at the files, where the system has no file events (MkDocs' own interval).
POLLING_INTERVAL_S = 0.5

# Watchdog event kinds that mean a file's content may have changed.
CHANGES = {
    watchdog.events.EVENT_TYPE_CREATED, watchdog.events.EVENT_TYPE_DELETED,
    watchdog.events.EVENT_TYPE_MODIFIED, watchdog.events.EVENT_TYPE_MOVED,
}


class AddressError(ValueError):
    """A HOST:PORT that cannot be used."""


def parse_address(text: str) -> tuple[str, int]:
    """'HOST:PORT' (or '[IPv6]:PORT') -> (host, port)."""
    host, colon, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise AddressError(f"error: '{text}' is not HOST:PORT (for example {DEFAULT_ADDRESS})")
    return host, int(port)


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, rebuilding with the generator first."""

    def __init__(self, project: Project, host: str, port: int, site_dir: Path, generator: warm.Generator | None = None):
        super().__init__(builder=self.rebuild, host=host, port=port, root=str(site_dir))
        # serve() forks the generator's process before any thread starts (warm.py); without it, here.
        self.generator = generator or warm.Generator(project, fork=False)
        self.project = project
        self.site_dir = site_dir
        self.own_writes = OwnWrites(project.root)  # the watcher's filter
        self.built = False
        self.built_from: partial.DocsState | None = None  # docs/ as the last good build read it
        self.settings: partial.Settings | None = None  # mkdocs.yml as the last full build read it
        # While the generator writes, events wait here (the manifest is not final yet).
        self._events_lock = threading.Lock()
        self._generating = False
        self._held: list[Any] = []
        self.observer = watchdog.observers.Observer()  # the kernel's events (see the module's docstring)

    # ------------------------------------------------------------------ building

    def rebuild(self) -> None:
        """Generate docs/, then build the site; on errors, keep the last good site.

        Holds the project's build lock meanwhile: a `briefing build` running in
        the same project waits for this rebuild, and this rebuild for it.
        """
        try:
            with running.one_at_a_time(self.project.root):
                self._rebuild()
        except running.RunError as error:
            print(error.diagnostic, file=sys.stderr, flush=True)
        # Served: the worker's collection of its garbage waits for no reader (warm.Generator.idle).
        self.generator.idle()

    def _rebuild(self) -> None:
        # The pages first, shown as soon as they are built; then the data files, which take as
        # long as every page at scale and which no page's text depends on (pipeline.generate).
        started = time.perf_counter()
        report = None
        try:
            report = self._generate("pages")
        except BuildError as error:
            print_refusal(error, sys.stderr)
            if self.built:
                say("the seeds have errors: still serving the last good site; save a fix to rebuild")
                return
            say("the seeds have errors: serving the pages last generated in docs/")
        else:
            for warning in report.warnings:
                print(warning, file=sys.stderr, flush=True)
            say(f"generated: {report.summary()}")
        self._build_site(started)
        if report is not None and report.data_pending:  # even after a failed build: they may mend it
            self._show_the_site()
            self._make_data_files(report.inputs)

    def _show_the_site(self) -> None:
        """Serve the site as built so far and reload the browsers, as MkDocs' build loop does after a build.

        MkDocs holds every request while a rebuild runs (until its "visible
        epoch" reaches the one it builds); without this the pages would wait
        for the data files.  Meanwhile only docs/ changes, not the served site.
        """
        with self._epoch_cond:
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()

    def _make_data_files(self, since: str | None) -> None:
        """Generate the data files (docs/data/, the feed, the Data page) and bring the site up to them."""
        started = time.perf_counter()
        try:
            report = self._generate("data", since)
        except BuildError as error:
            print_refusal(error, sys.stderr)
            say("the data files could not be made: the site keeps the last ones")
            return
        for warning in report.warnings:
            print(warning, file=sys.stderr, flush=True)
        say(f"data files generated: {report.summary()}")
        with self._requests_held():
            self._build_site(started)

    @contextlib.contextmanager
    def _requests_held(self) -> Iterator[None]:
        """Requests wait while the served site changes, with no new version for browsers to reload to.

        The page an editor looks at was shown by the pages' build; reloading
        it again for the data files would also empty a search being typed.
        """
        with self._epoch_cond:
            shown = self._visible_epoch
            self._wanted_epoch = shown + 1  # any other value: MkDocs then holds every request
        try:
            yield
        finally:
            with self._epoch_cond:
                self._wanted_epoch = shown
                self._epoch_cond.notify_all()

    def _build_site(self, started: float) -> None:
        """Bring the served site up to docs/: in part when that is enough (a failed build says so)."""
        # Read before building, so a change made during the build differs from it and rebuilds.
        state = partial.read_state(self.project, self.built_from)
        if self._built_in_part(state):
            return
        try:
            self.generator.build_site(self.site_dir, {"site_url": self.url})
        except BuildError as error:
            print_refusal(error, sys.stderr)
            say("the site build failed: still serving the last good site")
            return
        self.built, self.built_from = True, state
        self.settings = partial.settings(self.project)
        say(f"site rebuilt in {time.perf_counter() - started:.2f} s")

    def _built_in_part(self, state: partial.DocsState | None) -> bool:
        """Nothing to build, or only the changed pages built (True); or a full build is needed (False).

        A save that changes no page (the same text saved again, a YAML comment,
        one save seen as two file events) needs no site build at all; an edit
        that changes a few pages rebuilds only those (generator/partial.py).
        """
        if not self.built or state is None or self.built_from is None or self.settings is None:
            return False
        started = time.perf_counter()
        change = partial.compare(self.built_from, state, self.settings.nav_pages)
        if not change.changed and not change.full_build_because:
            self.built_from = state
            say("no page changed: the site stays as it is")
            return True
        if change.full_build_because:
            say(f"building the whole site: {change.full_build_because}")
            return False
        try:
            checked = self.generator.rebuild_part(self.site_dir, {"site_url": self.url}, state, change,
                                                  self.settings.use_directory_urls)
        except BuildError:
            say("the partial build failed: building the whole site")
            return False
        self.built_from = state
        say(f"site rebuilt in part ({_count(len(change.changed), 'file')} changed, "
            f"{_count(len(checked), 'page')} link-checked) "
            f"in {time.perf_counter() - started:.2f} s")
        return True

    def _generate(self, part: str, since: str | None = None) -> pipeline.Report:
        with self._events_lock:
            self._generating = True
        try:
            report = self.generator.generate(part, since)
            # Both parts' removals: events for the pages part's may arrive during the data part.
            removed = self.own_writes.removed
            self.own_writes.removed = set(report.removed) | (removed if part == "data" else set())
            return report
        finally:
            with self._events_lock:
                self._generating = False
                held, self._held = self._held, []
            for event in held:
                self._on_event(event)

    # ------------------------------------------------------------------ watching

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """Watch `path` like LiveReloadServer.watch, but through `wants_rebuild`.

        A file (mkdocs.yml) is watched through its folder, not recursively:
        the kernel's watch on a file follows that file, and an editor that
        saves by writing a new file and renaming it over the old one would
        leave the watch on the old one.
        """
        path = os.path.abspath(path)
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1
        self._watch_refs[path] = self._schedule(path, recursive)

    def _schedule(self, path: str, recursive: bool) -> Any:
        """Watch `path` with the observer; when the kernel refuses, with a polling observer from now on."""
        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = self._on_event  # type: ignore[method-assign]
        folder = path
        if os.path.isfile(path):
            folder, recursive = os.path.dirname(path), False
            handler.on_any_event = lambda event: self._on_event(event) if _names(event, path) else None  # type: ignore[method-assign]
        try:
            return self.observer.schedule(handler, folder, recursive=recursive)
        except OSError as error:
            if isinstance(self.observer, watchdog.observers.polling.PollingObserver):
                raise
            say(f"the system's file events are not available ({error.strerror or error}): "
                f"watching by looking at the files every {POLLING_INTERVAL_S} s")
            self.observer = watchdog.observers.polling.PollingObserver(timeout=POLLING_INTERVAL_S)
            for watched in list(self._watch_refs):
                self._watch_refs[watched] = self._schedule(watched, recursive=True)
            return self._schedule(path, recursive)

    def _on_event(self, event: Any) -> None:
        with self._events_lock:
            if self._generating:
                self._held.append(event)
                return
        if not self.wants_rebuild(event):
            return
        # The same steps as LiveReloadServer.watch's own callback: wake the build loop.
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()

    def wants_rebuild(self, event: Any) -> bool:
        """True when the event may change the site and is not the generator's own write."""
        if event.is_directory or event.event_type not in CHANGES:
            return False
        return any(not self.own_writes.own_or_hidden(Path(p)) for p in event_paths(event))


def _names(event: Any, path: str) -> bool:
    """True when the file event is about `path`."""
    return path in event_paths(event)


def _count(number: int, noun: str) -> str:
    """'1 page', '2 pages'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def say(message: str) -> None:
    """A progress line on standard output, flushed at once (tests read it live)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _check_free(host: str, port: int) -> None:
    """Fail early, before the first build, when the address cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise AddressError(f"error: cannot serve on {host}:{port}: {exc.strerror}") from None


def _stop_on_sigterm() -> None:
    # Turn SIGTERM into KeyboardInterrupt so the temporary site is removed.
    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def serve(project: Project, address: str = DEFAULT_ADDRESS) -> int:
    """Serve the project with live reload until interrupted; return an exit status."""
    try:
        host, port = parse_address(address)
        _check_free(host, port)
    except AddressError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        # In the project, not the system's temporary folder: see generator/running.py.
        site_dir = running.scratch_folder(project.root, "serve")
    except running.RunError as error:
        print(error.diagnostic, file=sys.stderr)
        return 1
    generator = warm.Generator(project)  # first: it forks, and the server is about to start threads
    try:
        _serve_until_stopped(PreviewServer(project, host, port, site_dir / "site", generator), project)
    finally:
        generator.close()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


def _serve_until_stopped(server: PreviewServer, project: Project) -> None:
    """The first build, then serve until Ctrl+C or SIGTERM."""
    _stop_on_sigterm()
    try:
        server.rebuild()
        for name in WATCHED:
            if (project.root / name).exists():
                server.watch(str(project.root / name))
        say(f"serving {server.url} with live reload; press Ctrl+C to stop")
        server.serve()
    except KeyboardInterrupt:
        say("stopping")
    finally:
        server.shutdown()
