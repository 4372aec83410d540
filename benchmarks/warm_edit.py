"""What one headline edit costs `briefing serve`'s generator (generator/warm.py), on a project's copy.

Two measurements, both with the memory a warm process keeps (pipeline.Memory):

- phases: in this process, the memory filled, one article's headline
  edited, then each stage of the regeneration timed on its own: wall clock
  and CPU (this process's and its forked workers'; on a loaded machine the
  wall clock of pooled work says little, and the larger of the two CPU
  figures is about what an idle two-core machine takes);
- forked: warm.Generator as the server runs it: a first request finding
  docs/ current, the server's word that it waits (Generator.idle), a pause
  (the process fills its memory meanwhile), then
  each edit timed from request to report.

The project's docs/ is generated first; the edited seed file is put back
at the end (and generated again).  Work on a copy of a corpus:

    python benchmarks/make_corpus.py --articles 1000 --out /tmp/corpus
    python benchmarks/warm_edit.py /tmp/corpus --edits 3
"""

from __future__ import annotations

import argparse
import re
import resource
import time
from pathlib import Path
from typing import Any, Callable

from generator import data_out, load, mentions, pipeline, render, resolve, warm, write


def cpu(who: int) -> float:
    """CPU seconds of this process (RUSAGE_SELF) or of its ended, waited-for workers (RUSAGE_CHILDREN)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def timed(times: dict[str, str], name: str, step: Callable[[], Any]) -> Any:
    """step(), with its wall clock and CPU (here + workers) noted in `times`."""
    wall, own, workers = time.perf_counter(), cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    result = step()
    times[name] = (f"wall {time.perf_counter() - wall:.2f} cpu {cpu(resource.RUSAGE_SELF) - own:.2f}"
                   f"+{cpu(resource.RUSAGE_CHILDREN) - workers:.2f}")
    return result


def phases(project: pipeline.Project, edit: Callable[[int], None], number: int) -> None:
    """Each stage of one warm regeneration after edit `number`, printed."""
    memory = pipeline.Memory()
    pipeline.load_briefing(project, memory)
    edit(number)
    times: dict[str, str] = {}
    files, _ = timed(times, "load", lambda: load.load_seeds(project.seeds, project.root, memory.seeds))
    briefing = timed(times, "resolve", lambda: resolve.build(files))
    timed(times, "mentions", lambda: mentions.attach_mentions(briefing, memory.names))
    timed(times, "render_pages alone", lambda: render.render_pages(briefing, project.templates))
    timed(times, "data_out alone", lambda: data_out.outputs(briefing, project.templates))
    outputs = timed(times, "outputs (one pool)", lambda: pipeline.outputs(project, briefing))
    timed(times, "plan", lambda: write.plan_writes(project.root, outputs))
    for name, figures in times.items():
        print(f"phase {name:20} {figures}")


def forked(project: pipeline.Project, edit: Callable[[int], None], edits: int, pause: float) -> None:
    """warm.Generator's first request, then each edit's regeneration, printed."""
    generator = warm.Generator(project)
    try:
        started = time.perf_counter()
        generator.generate()
        print(f"forked first request {time.perf_counter() - started:.2f} s")
        generator.idle()  # as the server says after its first build: the process fills its memory
        time.sleep(pause)
        for number in range(edits):
            edit(number)
            started = time.perf_counter()
            report = generator.generate()
            print(f"forked edit {number} {time.perf_counter() - started:.2f} s, {len(report.written)} files written")
    finally:
        generator.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="a project (a copy: its docs/ is rewritten)")
    parser.add_argument("--edits", type=int, default=3, help="edits timed in the forked generator")
    parser.add_argument("--pause", type=float, default=10.0, help="seconds between its first request and the first edit")
    args = parser.parse_args()
    project = pipeline.Project(args.root.resolve())
    article = sorted((project.seeds / "articles").glob("*.yaml"))[0]
    original = article.read_text(encoding="utf-8")
    headline = re.search(r"^\s*headline: (.*)$", original, re.M)
    if headline is None:
        parser.error(f"{article}: no one-line headline to edit")

    def edit(number: int) -> None:
        article.write_text(f"{original[:headline.start(1)]}Edited headline {number}{original[headline.end(1):]}", encoding="utf-8")

    try:
        pipeline.generate(project)
        phases(project, edit, 0)
        article.write_text(original, encoding="utf-8")
        pipeline.generate(project)
        forked(project, edit, args.edits, args.pause)
    finally:
        article.write_text(original, encoding="utf-8")
        pipeline.generate(project)


if __name__ == "__main__":
    main()
