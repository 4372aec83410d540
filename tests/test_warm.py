"""`briefing serve`'s generator process (generator/warm.py): forked before the server's threads,
it generates what the server's own process would, refuses what it would refuse, and ends with it.

Each case runs in a fresh Python process: the generator forks only in a
process with no other thread, and pytest's may have some (the browser's).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from generator import pipeline
from generator.diagnostics import BuildError

ARTICLE = "seeds/articles/lets-just-be-friends.yaml"

# In the fresh process: a forked Generator for the project in argv[1]; generate, edit a headline,
# generate again, or (argv[2] == "kill") kill the process first; print what happened as JSON.
_RUN = """
import json, sys
from pathlib import Path
from generator import pipeline, warm
from generator.diagnostics import BuildError
project = pipeline.Project(Path(sys.argv[1]))
generator = warm.Generator(project)
forked = generator.process is not None and generator.process.is_alive()
out = {"forked": forked, "written": []}
if sys.argv[2] == "kill":
    generator.process.kill(); generator.process.join()
try:
    for edit in (None, sys.argv[3]):
        if edit:
            path = project.root / edit
            path.write_text(path.read_text(encoding="utf-8").replace("Let’s Just Be Friends", "Still Friends", 1), encoding="utf-8")
        out["written"].append(generator.generate().written)
except BuildError as error:
    out["refused"] = error.lines()
process = generator.process
generator.close()
out["ended"] = process is None or not process.is_alive()
out["replaced"] = generator.process is None
print(json.dumps(out))
"""


def run_fresh(project: pipeline.Project, mode: str = "") -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-c", _RUN, str(project.root), mode, ARTICLE],
                         capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def docs(project: pipeline.Project) -> dict[str, bytes]:
    return {p.relative_to(project.root).as_posix(): p.read_bytes() for p in sorted(project.docs.rglob("*")) if p.is_file()}


def test_the_forked_generator_writes_what_generation_here_writes(seed_project, tmp_path):
    out = run_fresh(seed_project)
    assert out["forked"] and out["ended"]
    first, second = out["written"]
    assert len(first) > len(second) > 0 and "docs/articles/lets-just-be-friends.md" in second
    here = pipeline.Project(tmp_path / "here")
    shutil.copytree(seed_project.root, here.root, ignore=shutil.ignore_patterns(".briefing-cache", "docs"))
    (here.root / "docs").mkdir()
    shutil.copy(seed_project.docs / "editors-guide.md", here.docs / "editors-guide.md")
    pipeline.generate(here)  # the edited seeds, generated in this process
    assert docs(here) == docs(seed_project)


def test_the_forked_generator_refuses_bad_seeds_with_the_same_messages(seed_project):
    path = seed_project.root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("headline:", "headline: [", 1), encoding="utf-8")
    with pytest.raises(BuildError) as error:
        pipeline.generate(seed_project)
    out = run_fresh(seed_project)
    assert out["forked"] and out["refused"] == error.value.lines() and out["refused"]


def test_a_generator_process_that_died_is_replaced_by_generation_here(seed_project):
    out = run_fresh(seed_project, "kill")
    assert out["forked"] and out["replaced"] and out["ended"]
    assert "docs/articles/lets-just-be-friends.md" in out["written"][1]


# In the fresh process: a forked worker, then a thread (as the preview server has), then the whole site
# built and a page edited and built again in part, both through the worker; print where each ran.
_BUILD = """
import json, os, sys, threading, time
from pathlib import Path
from generator import partial, pipeline, warm
project = pipeline.Project(Path(sys.argv[1]))
worker = warm.Generator(project)
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()  # the server's threads: no fork here from now on
site_dir = project.root / "served"
worker.generate()
worker.build_site(site_dir, {})
before = partial.read_state(project)
settings = partial.settings(project)
page = project.docs / "glossary.md"
page.write_text(page.read_text(encoding="utf-8").replace("# Glossary", "# Glossary", 1) + "\\nA line by hand.\\n", encoding="utf-8")
after = partial.read_state(project, before)
change = partial.compare(before, after, settings.nav_pages)
checked = worker.rebuild_part(site_dir, {}, after, change, settings.use_directory_urls)
html = (site_dir / "glossary" / "index.html").read_text(encoding="utf-8")
print(json.dumps({"forked": worker.process is not None, "checked": checked, "edited": "A line by hand." in html,
                  "threads": threading.active_count()}))
stop.set(); worker.close()
"""


def test_the_site_is_built_in_the_worker_process_while_the_server_has_threads(seed_project):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-c", _BUILD, str(seed_project.root)], capture_output=True, text=True,
                         timeout=900, env=env)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["forked"] and out["threads"] == 2  # the work went to the worker: this process kept its thread
    assert out["edited"] and "glossary/index.html" in out["checked"]
