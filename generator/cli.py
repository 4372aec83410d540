"""The `briefing` command: a thin layer over generator.pipeline.

    briefing check                 check the seeds; exit 1 on errors
    briefing build                 check, write docs/, build site/ with MkDocs
    briefing build --offline       check, write docs/, pack the offline edition as dist/briefing-offline.zip
    briefing build --pdf [--paper a4|letter]   also write the briefing book, dist/briefing.pdf
    briefing serve [-a HOST:PORT]  preview with live reload; regenerate on every change
    briefing export json           print the briefing as JSON (docs/data/briefing.json)
    briefing new KIND SLUG         start seeds/<folder>/SLUG.yaml (article, actor or term)

Messages read like a compiler's (`file:line:col: error: field: message`),
go to standard error, and a refused run exits with status 1 and no traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from . import crosscheck, pipeline, running, site, sources
from .diagnostics import BuildError, Diagnostic, print_refusal
from .project import Project


def _project(args: argparse.Namespace) -> Project:
    return Project(Path(args.root).resolve())


def _fail(error: BuildError) -> int:
    print_refusal(error, sys.stderr)
    return 1


def cmd_check(args: argparse.Namespace) -> int:
    """Check the seeds and report every problem."""
    project = _project(args)
    try:
        briefing = pipeline.load_briefing(project)
    except BuildError as error:
        return _fail(error)
    print(f"ok: {len(briefing.articles)} articles, {len(briefing.actors)} actors, {len(briefing.terms)} terms")
    stale = crosscheck.typed_counts(briefing.scope)
    if stale is not None:
        print(stale, file=sys.stderr)
    if args.sources:
        return _check_sources(project, Path(args.sources), args.sources)
    directory = project.root / briefing.sources
    if not any(directory.glob("*.txt")):
        # Not an error: a briefing may be checked where its source texts are not kept.
        print(f"note: quotes not checked: no source texts (*.txt) in {briefing.sources}, the `sources` folder "
              f"of seeds/briefing.yaml; put each article's text there", file=sys.stderr)
        return 0
    return _check_sources(project, directory, briefing.sources)


def _check_sources(project: Project, directory: Path, shown: str) -> int:
    """Quotes verbatim in their source, no copied runs of prose; `shown` names the folder in messages."""
    texts = sources.read_sources(directory)
    if not texts:
        print(Diagnostic(shown, message="no *.txt source files here"), file=sys.stderr)
        return 1
    files, _ = pipeline.load.load_seeds(project.seeds, project.root)
    problems = sources.check_against_sources(files, texts, shown)
    if problems:
        return _fail(BuildError(problems, sort=True))
    quotes = sum(len(f.data.get("quotes") or []) for f in files if f.kind == "article")
    print(f"ok: {quotes} quotes found verbatim in {len(texts)} sources; no run of {sources.COPY_RUN}+ copied words")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Generate docs/ from the seeds, then build site/ with MkDocs (one build at a time per project)."""
    project = _project(args)
    try:
        with running.one_at_a_time(project.root):
            return _build(project, getattr(args, "offline", False), getattr(args, "pdf", False), getattr(args, "paper", "a4"))
    except running.RunError as error:
        print(error.diagnostic, file=sys.stderr)
        return 1


def _build(project: Project, offline_edition: bool, pdf: bool = False, paper: str = "a4") -> int:
    report = None
    try:
        report = pipeline.generate(project)
        for warning in report.warnings:
            print(warning, file=sys.stderr)
        print(f"generated: {report.summary()}")
        if pdf:  # before the offline zip, which carries it
            from . import book

            print(book.build_pdf(project, paper).summary(project.root))
        if offline_edition:
            from . import offline

            print(offline.build_offline(project).summary(project.root))
            return 0
        seconds = site.build_site(project)
    except BuildError as error:
        if report is not None:  # docs/ was written, but the site was refused: undo that too
            try:
                pipeline.undo(project, report)
            except pipeline.write.WriteFailed as failed:
                error.diagnostics.append(pipeline.put_right_later(failed))
        return _fail(error)
    print(f"site: built {project.site.relative_to(project.root)}/ with MkDocs in {seconds:.2f} s")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Print the briefing as data (generator/export.py) on standard output."""
    from . import export

    try:
        briefing = pipeline.load_briefing(_project(args))
    except BuildError as error:
        return _fail(error)
    sys.stdout.write(export.dumps(export.export(briefing)))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the site with live reload, regenerating on every change."""
    from . import serve

    return serve.serve(_project(args), args.dev_addr)


def cmd_new(args: argparse.Namespace) -> int:
    """Write a starter seed file with every field explained."""
    from . import scaffold

    try:
        created = scaffold.create(_project(args).root, args.kind, args.slug)
    except scaffold.ScaffoldError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"created {created.path}: fill in the Required fields, then run `briefing check`")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _forget_interrupt() -> None:
    """Make CPython forget a KeyboardInterrupt this process has already handled.

    CPython notes a KeyboardInterrupt that leaves any `exec()` of a string (a
    library making a dataclass or a named tuple, say), even one caught later,
    and then ends `python -m generator.cli` by SIGINT instead of with the
    status main() returned.  The next `exec()` of a string clears that note.
    """
    exec("None")  # noqa: S102 - a constant string: nothing of the user's is run


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per action."""
    top = argparse.ArgumentParser(prog="briefing", description="Build a briefing website from annotated YAML summaries.")
    top.add_argument("--root", default=".", help="the project folder (default: the current folder)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="check the seeds and report every error")
    check.add_argument("--sources", metavar="DIR",
                       help="check quotes and copying against the plain-text articles in DIR "
                            "(default: the `sources` folder of seeds/briefing.yaml, when it holds any)")
    check.set_defaults(run=cmd_check)
    build = commands.add_parser("build", help="write docs/ from seeds/ and build site/")
    build.add_argument("--offline", action="store_true",
                       help="instead of site/, write dist/briefing-offline.zip: the site for opening from disk, no network")
    build.add_argument("--pdf", action="store_true", help="also write dist/briefing.pdf: the briefing book")
    build.add_argument("--paper", choices=("a4", "letter"), default="a4", help="the book's paper size (default: a4)")
    build.set_defaults(run=cmd_build)
    serve = commands.add_parser("serve", help="preview the site with live reload while you edit")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT",
                       help="where to serve (default: 127.0.0.1:8000)")
    serve.set_defaults(run=cmd_serve)
    export = commands.add_parser("export", help="print the briefing as data on standard output")
    export.add_argument("format", choices=("json",), help="json: the model, as docs/data/briefing.json")
    export.set_defaults(run=cmd_export)
    new = commands.add_parser("new", help="start a new article, actor or term file with every field explained")
    new.add_argument("kind", choices=("article", "actor", "term"), help="what to add")
    new.add_argument("slug", help="its id: lowercase words joined by hyphens, e.g. viktor-ivanov")
    new.set_defaults(run=cmd_new)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `briefing` console script."""
    args = parser().parse_args(argv)
    # MkDocs logs through `logging`; show its warnings and errors, not its debug chatter.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    # SIGTERM (`kill`, a CI timeout) unwinds like Ctrl+C, so scratch folders are removed on the way out.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        _forget_interrupt()
        return 130
    except BrokenPipeError:
        # The reader went away (`briefing build | head -1`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one line for the user, the traceback on request
        if site.debugging():
            traceback.print_exc(file=sys.stderr)
        print(f"briefing: internal error: {type(exc).__name__}: {exc} "
              "(please report it; BRIEFING_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 2
    finally:
        if in_main_thread:  # main() is also called in-process (tests): leave the handler as it was
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
