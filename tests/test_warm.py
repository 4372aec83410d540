"""`briefing serve`'s generator process (generator/warm.py): forked before the server's threads,
it generates what the server's own process would, refuses what it would refuse, and ends with it.

Each case runs in a fresh Python process: the generator forks only in a
process with no other thread, and pytest's may have some (the browser's).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from conftest import REPO, make_project
from generator import load, mentions, names, pipeline
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


def run_script(code: str, *args: str, timeout: float = 600) -> dict:
    """Run Python `code` with `args` in a fresh process; the JSON it printed last."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout, env=env)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def run_fresh(project: pipeline.Project, mode: str = "") -> dict:
    return run_script(_RUN, str(project.root), mode, ARTICLE)


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
    out = run_script(_BUILD, str(seed_project.root), timeout=900)
    assert out["forked"] and out["threads"] == 2  # the work went to the worker: this process kept its thread
    assert out["edited"] and "glossary/index.html" in out["checked"]


# In the fresh process: the worker's loop (warm._answer) runs in the main thread, as in the forked
# process, and a thread plays the server: one request, a wait, its word that it waits for nothing
# (IDLE), then the pipe closed once the worker says it is ready.  A cycle of garbage made before, with the
# collector off, can be freed only by the worker.
_IDLE = """
import gc, io, json, sys, threading, weakref
from multiprocessing import Pipe
from pathlib import Path
from generator import pipeline, warm
class Node:
    pass
def garbage():
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)
gc.disable()
watched = garbage()
ready = threading.Event()
class Err(io.StringIO):
    def write(self, text):
        if "ready for edits" in text:
            ready.set()
        return super().write(text)
sys.stderr = Err()
servers, workers = Pipe()
answers = []
def server():
    servers.send(("generate", "all", None))
    answers.append(servers.recv()[0])
    answers.append(ready.wait(2))  # not warmed up before the server says it waits for nothing
    servers.send(warm.IDLE)
    answers.append(ready.wait(300))
    servers.close()
thread = threading.Thread(target=server)
thread.start()
spare, _ = Pipe()
warm._answer(workers, spare, pipeline.Project(Path(sys.argv[1])))
thread.join()
print(json.dumps({"answers": answers, "collected": watched() is None, "frozen": gc.get_freeze_count()}))
"""


def test_the_worker_collects_its_garbage_while_idle_and_freezes_what_it_keeps(seed_project):
    pipeline.generate(seed_project)  # docs/ current: the first request renders nothing, so learns nothing
    out = run_script(_IDLE, str(seed_project.root))
    assert out["answers"] == ["done", False, True]  # warmed up on the server's word only
    assert out["collected"]  # collected by the worker between requests, the collector being off
    assert out["frozen"] > 0  # what it keeps (the parsed seeds, the pages' reads) is out of the collector's sight


# --------------------------------------------------------------------------- the warm process's memory

ACTOR = "seeds/actors/viktor-ivanov.yaml"
# Edits made one after the other: (file, text, replacement).  The last drops the alias "Ivanov":
# the matcher's names change, so every block of prose must be searched again and the sentences
# that name him only as "Ivanov" leave his page.
EDITS = [
    (ARTICLE, "Let’s Just Be Friends", "Still Friends"),
    (ARTICLE, "but Medvedev only agreed to consider it.", "but Medvedev, with Ivanov, only agreed to weigh it."),
    (ACTOR, "- Ivanov\n", "- V. P. Ivanov\n"),
]

# In the fresh process: docs/ is current; a forked Generator answers a first request (nothing to do),
# then each edit of argv[2] (JSON) is made and generated.  Every check_bytes call is logged to argv[3]
# (forked workers inherit the logging).  Prints the digest of every generated file after each edit.
_EDITS = """
import hashlib, json, sys, time
from pathlib import Path
from generator import load, pipeline, warm
root, edits, log = Path(sys.argv[1]), json.loads(sys.argv[2]), Path(sys.argv[3])
real = load.check_bytes
def logged(kind, path, *rest):
    with log.open("a", encoding="utf-8") as out:
        out.write(path.relative_to(root).as_posix() + "\\n")
    return real(kind, path, *rest)
load.check_bytes = logged
generator = warm.Generator(pipeline.Project(root))
out = {"forked": generator.process is not None, "first": generator.generate().written, "after": []}
generator.idle()  # as the server says after its first build: the process fills its memory
# The process fills its memory on that word: let it finish before editing (else it parses the edit).
seeds = len(list(load.seed_paths(root / "seeds")))
for _ in range(2400):
    if log.exists() and len(log.read_text(encoding="utf-8").split()) >= seeds:
        break
    time.sleep(0.05)
for name, old, new in edits:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    generator.generate()
    out["after"].append({p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                         for folder in ("docs", "includes") for p in sorted((root / folder).rglob("*")) if p.is_file()})
generator.close()
print(json.dumps(out))
"""


def generated(project: pipeline.Project) -> dict[str, str]:
    """The digest of every file under docs/ and includes/, by path in the project."""
    return {p.relative_to(project.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("docs", "includes") for p in sorted((project.root / folder).rglob("*")) if p.is_file()}


def edit(project: pipeline.Project, name: str, old: str, new: str) -> None:
    path = project.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_warm_process_writes_after_each_edit_what_a_cold_generation_writes(seed_project, tmp_path):
    pipeline.generate(seed_project)  # docs/ current: the first request has nothing to do
    log = tmp_path / "parsed.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-c", _EDITS, str(seed_project.root), json.dumps(EDITS), str(log)],
                         capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["forked"] and out["first"] == []
    # The memory was filled after the first request: each edit parsed only the file it changed.
    seeds = [path.relative_to(seed_project.root).as_posix() for _, path in load.seed_paths(seed_project.seeds)]
    assert Counter(log.read_text(encoding="utf-8").split()) == Counter(seeds + [name for name, _, _ in EDITS])
    cold = make_project(tmp_path / "cold", REPO / "seeds")
    before = None
    for (name, old, new), warm_files in zip(EDITS, out["after"]):
        edit(cold, name, old, new)
        shutil.rmtree(cold.docs)
        cold.docs.mkdir()
        shutil.copy(REPO / "docs" / "editors-guide.md", cold.docs / "editors-guide.md")
        pipeline.generate(cold)  # from scratch, without memory
        assert warm_files == generated(cold)
        before, after = warm_files, generated(cold)
    # The alias's removal changed his mentions (and so his page), and the warm process followed.
    page = "docs/actors/viktor-ivanov.md"
    assert before[page] == after[page]
    assert out["after"][-2][page] != out["after"][-1][page]


def test_the_names_memo_and_the_parse_cache_never_outgrow_the_seeds(seed_project):
    memory = pipeline.Memory()
    pipeline.load_briefing(seed_project, memory)
    full = len(memory.names)
    for number in range(3):  # edits replace what they change: nothing accumulates
        edit(seed_project, ARTICLE, "Medvedev only agreed", f"Medvedev only agreed ({number})")
        pipeline.load_briefing(seed_project, memory)
        assert len(memory.names) == full and len(memory.seeds) == len(list(load.seed_paths(seed_project.seeds)))
    # An article added, then taken away again: the memo grows with it and shrinks back.
    copy = seed_project.root / "seeds/articles/a-second-copy.yaml"
    copy.write_text((seed_project.root / ARTICLE).read_text(encoding="utf-8").replace("Medvedev", "Dmitry Medvedev"),
                    encoding="utf-8")
    pipeline.load_briefing(seed_project, memory)
    assert len(memory.names) > full and len(memory.seeds) == len(list(load.seed_paths(seed_project.seeds)))
    copy.unlink()
    pipeline.load_briefing(seed_project, memory)
    fresh = pipeline.Memory()
    pipeline.load_briefing(seed_project, fresh)
    assert len(memory.names) == len(fresh.names) == full
    assert len(memory.seeds) == len(fresh.seeds) == len(list(load.seed_paths(seed_project.seeds)))


def searched_blocks(monkeypatch) -> list[str]:
    """The blocks mentions._named_in_block searches from now on, here (the pool off)."""
    monkeypatch.setenv("BRIEFING_SERIAL", "1")
    searched: list[str] = []
    real = mentions._named_in_block
    monkeypatch.setattr(mentions, "_named_in_block", lambda matcher, block, prefer: searched.append(block) or real(matcher, block, prefer))
    return searched


def test_an_edit_searches_only_the_prose_it_changed(seed_project, monkeypatch):
    memory = pipeline.Memory()
    pipeline.load_briefing(seed_project, memory)
    searched = searched_blocks(monkeypatch)
    edit(seed_project, *EDITS[0])  # a headline is not prose that names anyone
    pipeline.load_briefing(seed_project, memory)
    assert searched == []
    edit(seed_project, *EDITS[1])
    briefing = pipeline.load_briefing(seed_project, memory)
    assert len(searched) == 1 and "with Ivanov" in searched[0]
    named_in = [m.page for m in next(a for a in briefing.actors if a.id == "viktor-ivanov").mentions]
    assert "articles/lets-just-be-friends.md" in named_in


def test_a_changed_name_searches_every_block_again(seed_project, monkeypatch):
    memory = pipeline.Memory()
    pipeline.load_briefing(seed_project, memory)
    searched = searched_blocks(monkeypatch)
    edit(seed_project, *EDITS[2])
    pipeline.load_briefing(seed_project, memory)
    assert len(set(searched)) == len(searched) == len(memory.names) > 100


def test_the_matchers_table_holds_every_name_and_alias(seed_project):
    before = names.briefing_matcher(pipeline.load_briefing(seed_project)).table()
    assert before == names.briefing_matcher(pipeline.load_briefing(seed_project)).table()
    for name, old, new in [EDITS[2], ("seeds/actors/viktor-ivanov.yaml", "name: Viktor Ivanov", "name: Viktor Ivanof")]:
        edit(seed_project, name, old, new)
        after = names.briefing_matcher(pipeline.load_briefing(seed_project)).table()
        assert after != before
        before = after


# In the fresh process: the seeds of argv[1] loaded through a ParseCache whose misses go to forked
# workers (MIN_JOBS lowered for a small briefing), and loaded here one by one; prints whether they are equal.
_POOLED = """
import json, pickle, sys
from pathlib import Path
from generator import load, parallel
parallel.MIN_JOBS = 2
seeds, root = Path(sys.argv[1]) / "seeds", Path(sys.argv[1])
entries = list(load.seed_paths(seeds))
pooled = load.ParseCache().load_all(entries, root)
here = [load._load_entry(kind, path, root) for kind, path in entries]
print(json.dumps({"pool": parallel.worth_forking(len(entries)), "files": len(entries), "equal": pooled == here,
                  "pickled": all(pickle.loads(pickle.dumps(r)) == r for r in here)}))
"""


def test_seed_files_parsed_by_forked_workers_equal_those_parsed_here(seed_project):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("BRIEFING_SERIAL", None)
    run = subprocess.run([sys.executable, "-c", _POOLED, str(seed_project.root)], capture_output=True, text=True,
                         timeout=600, env=env)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out == {"pool": True, "files": out["files"], "equal": True, "pickled": True} and out["files"] > 100


def test_an_edit_walks_only_the_seed_file_it_changed(seed_project, monkeypatch):
    """The cross-file checks read every file's references and prose; a warm load reads them
    again only from the file an edit changed (seedfile.SeedFile.values)."""
    from generator import seedfile

    memory = pipeline.Memory()
    pipeline.load_briefing(seed_project, memory)
    walked: list[str] = []
    real = seedfile.walk
    monkeypatch.setattr(seedfile, "walk", lambda shape, data, form: walked.append(form.name) or real(shape, data, form))
    edit(seed_project, *EDITS[1])
    pipeline.load_briefing(seed_project, memory)
    assert sorted(walked) == ["PROSE", "REF"]  # the edited article's, once each
    walked.clear()
    pipeline.load_briefing(seed_project, pipeline.Memory())
    assert len(walked) == 2 * len(list(load.seed_paths(seed_project.seeds)))  # a cold load walks every file
