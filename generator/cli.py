"""The `briefing` command: a thin layer over generator.pipeline.

    briefing check                 check the seeds; exit 1 on errors
    briefing build                 check, write docs/, build site/ with MkDocs

Messages read like a compiler's (`file:line:col: error: field: message`),
go to standard error, and a refused run exits with status 1 and no traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import pipeline, sources


def _project(args: argparse.Namespace) -> pipeline.Project:
    return pipeline.Project(Path(args.root).resolve())


def _fail(error: pipeline.BuildError) -> int:
    for message in error.messages:
        print(message, file=sys.stderr)
    count = len(error.messages)
    print(f"{count} error{'s' if count != 1 else ''}; nothing was changed.", file=sys.stderr)
    return 1


def cmd_check(args: argparse.Namespace) -> int:
    """Check the seeds and report every problem."""
    project = _project(args)
    try:
        briefing = pipeline.load_briefing(project)
    except pipeline.load.CheckFailed as failed:
        return _fail(pipeline.BuildError([str(d) for d in failed.diagnostics]))
    print(f"ok: {len(briefing.articles)} articles, {len(briefing.actors)} actors, {len(briefing.terms)} terms")
    if args.sources:
        return _check_sources(project, Path(args.sources))
    return 0


def _check_sources(project: pipeline.Project, directory: Path) -> int:
    """Quotes verbatim in their source, no copied runs of prose."""
    texts = sources.read_sources(directory)
    if not texts:
        print(f"{directory}: error: no *.txt source files here", file=sys.stderr)
        return 1
    files, _ = pipeline.load.load_seeds(project.seeds, project.root)
    problems = sources.check_against_sources(files, texts)
    if problems:
        return _fail(pipeline.BuildError([str(d) for d in sorted(problems)]))
    quotes = sum(len(f.data.get("quotes") or []) for f in files if f.kind == "article")
    print(f"ok: {quotes} quotes found verbatim in {len(texts)} sources; no run of {sources.COPY_RUN}+ copied words")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Generate docs/ from the seeds, then build site/ with MkDocs."""
    project = _project(args)
    try:
        report = pipeline.generate(project)
        print(f"generated: {report.summary()}")
        seconds = pipeline.build_site(project)
    except pipeline.BuildError as error:
        return _fail(error)
    print(f"site: built {project.site.relative_to(project.root)}/ with MkDocs in {seconds:.2f} s")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per action."""
    top = argparse.ArgumentParser(prog="briefing", description="Build a briefing website from annotated YAML summaries.")
    top.add_argument("--root", default=".", help="the project folder (default: the current folder)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="check the seeds and report every error")
    check.add_argument("--sources", metavar="DIR", help="also check quotes and copying against the plain-text articles in DIR")
    check.set_defaults(run=cmd_check)
    build = commands.add_parser("build", help="write docs/ from seeds/ and build site/")
    build.set_defaults(run=cmd_build)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `briefing` console script."""
    args = parser().parse_args(argv)
    # MkDocs logs through `logging`; show its warnings and errors, not its debug chatter.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
