"""The builder's output deploys, never leaves the project, and fails with messages.

- Modes: docs/, site/ and dist/ get the modes open() and mkdir() would give
  (0644 and 0755 under umask 022), the zip's entries 0644 and 0755.
- A `site` that is a link or a mount point is built into in place.
- Links inside the project (docs/actors -> elsewhere, a forged manifest) never
  lead a write or a removal outside it; a linked seeds/ folder is read, and no
  path of the machine reaches a message or a page.
- A write the system refuses is a message, exit 1, and docs/ is put back.
- One build at a time per project; scratch folders live in the project and
  are removed on exit, or by the next run after a kill.

Most tests run the real command line (test_bad_inputs.briefing).  Where the
sandbox allows it the failures are real (`chattr +i`); a full disk is
simulated by making os.replace raise ENOSPC in the build's own process.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, make_project
from generator import cli, pipeline, running, swap, write
from test_bad_inputs import _seeds_b, briefing, snapshot

MINI_SEEDS = FIXTURES / "mini" / "seeds"
DEAD_PID = 4_194_305  # above Linux's largest pid_max: no process has it


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the small fixture briefing, not built yet."""
    return make_project(tmp_path / "project", MINI_SEEDS).root


@pytest.fixture
def built(project: Path) -> Path:
    """The small fixture briefing after one good `briefing build`."""
    result = briefing(project, "build")
    assert result.returncode == 0, result.stderr
    return project


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# --------------------------------------------------------------------------- modes


@pytest.mark.parametrize("mask", [0o022, 0o027], ids=["umask-022", "umask-027"])
def test_output_modes_follow_the_umask(mask, tmp_path):
    previous = os.umask(mask)  # inherited by the command run below
    try:
        root = make_project(tmp_path / "project", MINI_SEEDS).root
        assert briefing(root, "build").returncode == 0
        assert briefing(root, "build", "--offline").returncode == 0
    finally:
        os.umask(previous)
    files, folders = 0o666 & ~mask, 0o777 & ~mask
    generated = [root / p for p in write.read_manifest(root)] + [root / write.MANIFEST]
    assert {p.relative_to(root).as_posix(): mode(p) for p in generated} == {
        p.relative_to(root).as_posix(): files for p in generated}
    for folder in ("docs", "site", "dist"):
        tree = [root / folder, *(root / folder).rglob("*")]
        wanted = {p.relative_to(root).as_posix(): folders if p.is_dir() else files for p in tree}
        if folder == "docs":  # hand-written pages keep the mode they were copied with
            wanted = {k: v for k, v in wanted.items() if Path(k).suffix != ".md" or k in {
                p.relative_to(root).as_posix() for p in generated}}
        assert {k: mode(root / k) for k in wanted} == wanted
    with zipfile.ZipFile(root / "dist" / "briefing-offline.zip") as archive:
        entries = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert entries["briefing-offline/"] == stat.S_IFDIR | 0o755
    assert entries["briefing-offline/index.html"] == stat.S_IFREG | 0o644
    assert set(entries.values()) == {stat.S_IFDIR | 0o755, stat.S_IFREG | 0o644}


# --------------------------------------------------------------------------- a site that cannot be swapped


def test_site_link_is_built_into_in_place(project):
    web_root = project / "public"  # a link the user made, to a folder inside the project
    web_root.mkdir()
    (web_root / "stale.html").write_text("from an older deployment")
    (project / "site").symlink_to("public")
    for _ in range(2):  # the first build fills it, the second rebuilds it
        result = briefing(project, "build")
        assert result.returncode == 0, result.stderr
        assert (project / "site").is_symlink() and os.readlink(project / "site") == "public"
    assert (web_root / "index.html").is_file() and (web_root / "actors" / "index.html").is_file()
    assert not (web_root / "stale.html").exists()
    assert not [p.name for p in project.iterdir() if p.name.startswith(".site-")]


@pytest.mark.parametrize("args", [(), ("--offline",)], ids=["site", "dist"])
def test_output_link_leading_outside_is_refused(project, tmp_path, args):
    """A repository may bring `site` or `dist` as a link to someone's folder: nothing there is touched."""
    folder = "dist" if args else "site"
    outside = tmp_path / "someone-elses-folder"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    (project / folder).symlink_to(outside)
    result = briefing(project, "build", *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{folder}: error: is a link that leads outside the project" in result.stderr
    assert str(tmp_path) not in result.stderr
    assert [p.name for p in outside.iterdir()] == ["precious.txt"]
    assert (project / folder).is_symlink()


def test_site_link_to_nothing_is_refused(project):
    (project / "site").symlink_to("missing")
    result = briefing(project, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "site: error: is a link to a folder that does not exist; make the folder or remove the link" in result.stderr
    assert str(project) not in result.stderr


def test_site_mount_point_is_built_into_in_place(built, monkeypatch, capsys):
    """A mount point cannot be renamed (EBUSY); os.path.ismount says so here, without mounting."""
    site = built / "site"
    (site / "stale.html").write_text("old")
    inode = site.stat().st_ino
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: os.fspath(p) == os.fspath(site) or real_ismount(p))
    monkeypatch.setattr(swap, "_exchange", lambda a, b: pytest.fail("a mount point was swapped"))
    _seeds_b(built / "seeds")
    assert cli.main(["--root", str(built), "build"]) == 0, capsys.readouterr().err
    assert site.stat().st_ino == inode  # the same folder, its content replaced
    assert not (site / "stale.html").exists()
    assert "Ivan P. Petrov" in (site / "actors" / "ivan-petrov" / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- never outside the project


def test_linked_docs_folder_is_refused_and_nothing_written_outside(built, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    for page in (built / "docs" / "actors").iterdir():
        page.unlink()
    (built / "docs" / "actors").rmdir()
    (built / "docs" / "actors").symlink_to(outside)
    before = snapshot(built)
    result = briefing(built, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "docs/actors: error: is a link; the generator writes only into real folders of the project "
        "(replace the link by a folder)",
        "1 error; nothing was changed.",
    ]
    assert list(outside.iterdir()) == []
    assert snapshot(built) == before


def test_forged_manifest_entries_are_ignored_with_a_warning(built, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.md"
    victim.write_text("not the generator's")
    (built / "docs" / "elsewhere").symlink_to(outside)
    manifest = json.loads((built / write.MANIFEST).read_text(encoding="utf-8"))
    forged = [str(victim), "docs/../../outside/victim.md", "docs/elsewhere/victim.md"]
    for entry in forged:
        manifest["files"][entry] = write.digest(victim.read_bytes())
    (built / write.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = briefing(built, "build")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"docs/.briefing-manifest.json: warning: ignored the entry {forged[0]!r}: it is not inside an output folder",
        f"docs/.briefing-manifest.json: warning: ignored the entry {forged[1]!r}: it is not inside an output folder",
        f"docs/.briefing-manifest.json: warning: ignored the entry {forged[2]!r}: it leads through the link docs/elsewhere",
    ]
    assert victim.read_text() == "not the generator's"
    assert set(write.read_manifest(built)).isdisjoint(forged)  # the next manifest drops them


def test_linked_seeds_folder_is_read_and_no_machine_path_shows(project, tmp_path):
    outside = tmp_path / "elsewhere" / "seeds"
    outside.parent.mkdir()
    (project / "seeds").rename(outside)
    (project / "seeds").symlink_to(outside)
    schemas_before = {p.name: p.read_bytes() for p in (outside / "schema").glob("*")} if (outside / "schema").exists() else {}
    result = briefing(project, "build")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "seeds: warning: is a link, so the JSON Schemas in seeds/schema/ were not written"]
    assert ({p.name: p.read_bytes() for p in (outside / "schema").glob("*")} if (outside / "schema").exists() else {}) \
        == schemas_before
    # A seed error names the file as it is in the project, not where the link leads.
    (outside / "actors" / "nato.yaml").write_text("name: [unclosed\n")
    failed = briefing(project, "build")
    assert failed.returncode == 1 and failed.stderr.startswith("seeds/actors/nato.yaml:")
    for text in [result.stdout, result.stderr, failed.stdout, failed.stderr] + [
        p.read_text(encoding="utf-8", errors="replace") for folder in ("docs", "site")
        for p in (project / folder).rglob("*") if p.is_file()
    ]:
        assert str(tmp_path) not in text


def test_output_outside_the_folders_is_refused_without_assert(project):
    """The writer's guard is a real check: `python -O` would strip an assert."""
    plan = write.plan_writes(project, [write.Output("docs/../escape.md", "x", "seeds/")])
    assert [str(c) for c in plan.conflicts] == ["docs/../escape.md: error: refusing to write outside the output folders"]
    assert plan.write == []


# --------------------------------------------------------------------------- refused writes

# A build whose os.replace into docs/ fails at the n-th call (0: the manifest) with the given errno.
FAILER = """
import errno, os, sys
from generator import cli
root, wanted, n = sys.argv[1], getattr(errno, sys.argv[2]), int(sys.argv[3])
real_replace, calls = os.replace, [0]
def replace(source, target, *args, **kwargs):
    if os.fspath(target).startswith(os.path.join(root, "docs")):
        calls[0] += 1
        if calls[0] == n + 1:
            raise OSError(wanted, os.strerror(wanted), os.fspath(target))
    return real_replace(source, target, *args, **kwargs)
os.replace = replace
sys.exit(cli.main(["--root", root, "build"]))
"""

WRITE_FAILED = re.compile(r"^docs/\S+: error: cannot write: (.+)$")


def assert_refused_cleanly(result: subprocess.CompletedProcess, cause: str) -> None:
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and WRITE_FAILED.match(lines[0]) and WRITE_FAILED.match(lines[0]).group(1) == cause, lines
    assert lines[1] == "1 error; nothing was changed."


@pytest.mark.parametrize("n", [0, 1, 3])
def test_disk_full_while_writing_docs_puts_everything_back(built, n):
    _seeds_b(built / "seeds")
    before = snapshot(built)
    result = subprocess.run([sys.executable, "-c", FAILER, str(built), "ENOSPC", str(n)],
                            capture_output=True, text=True, cwd=built)
    assert_refused_cleanly(result, "No space left on device")
    assert snapshot(built) == before
    assert briefing(built, "build").returncode == 0  # and the next build goes through


def _immutable(path: Path) -> bool:
    """chattr +i (even root cannot change the file); False where the sandbox does not allow it."""
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("what", ["page", "folder"])
def test_immutable_page_or_read_only_folder_is_a_message(built, what):
    """A page made immutable, or docs/actors/ made read-only (chattr +i on the folder)."""
    _seeds_b(built / "seeds")
    target = built / "docs" / "actors" / ("pact.md" if what == "page" else "")
    before = snapshot(built)
    if _immutable(target):
        try:
            result = briefing(built, "build")
        finally:
            subprocess.run(["chattr", "-i", str(target)], check=True)
        cause = "Operation not permitted"
    else:  # no chattr here: the same refusal, simulated in the build's process
        result = subprocess.run([sys.executable, "-c", FAILER, str(built), "EPERM", "2"],
                                capture_output=True, text=True, cwd=built)
        cause = "Operation not permitted"
    assert_refused_cleanly(result, cause)
    assert snapshot(built) == before


# --------------------------------------------------------------------------- one build at a time


def _wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("args", [("build",), ("build", "--offline")])
def test_second_build_waits_for_the_first(built, tmp_path, args):
    lock = running.run_folder(built) / running.LOCK
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # this test plays the first build
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    errors = tmp_path / "stderr.txt"
    try:
        with open(errors, "w") as sink:
            second = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(built), *args],
                                      stdout=subprocess.DEVNULL, stderr=sink, cwd=built)
        _wait_for(lambda: "waiting" in errors.read_text())
        time.sleep(0.5)
        assert second.poll() is None, "the second build did not wait"
        assert errors.read_text() == (
            f"briefing: waiting for the build running in this project (pid {os.getpid()}) to finish\n")
    finally:
        os.ftruncate(fd, 0)
        os.close(fd)
    assert second.wait(timeout=120) == 0, errors.read_text()
    assert lock.read_text() == ""  # a finished build leaves the lock file empty


def test_two_offline_builds_at_once_both_succeed(built):
    commands = [subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(built), "build", "--offline"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=built)
                for _ in range(2)]
    results = [(c.wait(timeout=240), c.stderr.read()) for c in commands]
    assert [status for status, _ in results] == [0, 0], results
    assert not any("Traceback" in err for _, err in results)
    assert zipfile.ZipFile(built / "dist" / "briefing-offline.zip").testzip() is None
    assert sorted(p.name for p in (built / "dist").iterdir()) == ["briefing-offline.zip"]


# --------------------------------------------------------------------------- scratch folders


def test_scratch_folders_live_in_the_project_and_leftovers_are_cleaned(built, tmp_path, monkeypatch):
    run = running.run_folder(built)
    for name in (f"offline-{DEAD_PID}-abc", f"serve-{DEAD_PID}-def", f"offline-{os.getpid()}-live"):
        (run / name / "site").mkdir(parents=True)
    (built / "dist").mkdir()
    (built / "dist" / f".briefing-offline.zip.{DEAD_PID}-xyz.partial").write_bytes(b"half")
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_temp))  # the command inherits it
    result = briefing(built, "build", "--offline")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in run.iterdir()) == [".gitignore", "lock", f"offline-{os.getpid()}-live"]
    assert sorted(p.name for p in (built / "dist").iterdir()) == ["briefing-offline.zip"]
    assert list(system_temp.iterdir()) == []
    # The serve scratch folder comes from the same place, with the same cleaning.
    (run / f"serve-{DEAD_PID}-old").mkdir()
    fresh = running.scratch_folder(built, "serve")
    assert fresh.parent == run and fresh.name.startswith(f"serve-{os.getpid()}-")
    assert not (run / f"serve-{DEAD_PID}-old").exists()


def test_offline_build_stopped_by_sigterm_removes_its_scratch(built):
    run = running.run_folder(built)
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(built), "build", "--offline"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=built)
    _wait_for(lambda: any(p.name.startswith("offline-") for p in run.iterdir()) or process.poll() is not None)
    assert process.poll() is None, "finished before it could be stopped"
    process.send_signal(signal.SIGTERM)
    status = process.wait(timeout=60)
    stderr = process.stderr.read()
    assert (status, stderr.splitlines()[-1:]) == (130, ["briefing: interrupted"]), stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in run.iterdir()) == [".gitignore", "lock"]


def test_interrupt_caught_inside_a_string_exec_still_exits_130(tmp_path):
    """`python -m generator.cli` ends with 130 even when the interrupt passed through an exec() of a string.

    CPython remembers such an interrupt and would end the process by SIGINT
    (status -2) after main() returned 130: the race a SIGTERM during the site
    build sometimes lost.  The interrupt here is raised inside exec(), as a
    signal arriving while a library makes a dataclass would be.
    """
    (tmp_path / "interrupted_run.py").write_text(
        "import sys\n"
        "from generator import cli\n"
        "def stop(args):\n"
        "    exec('raise KeyboardInterrupt')\n"
        "cli.cmd_check = stop\n"
        "sys.exit(cli.main(['check']))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(Path(cli.__file__).parents[1])]))
    result = subprocess.run([sys.executable, "-m", "interrupted_run"], capture_output=True, text=True,
                            cwd=tmp_path, env=env)
    assert (result.returncode, result.stderr.splitlines()) == (130, ["briefing: interrupted"]), result.stderr


def test_folder_where_a_page_goes_is_a_message(built):
    """A folder named like a generated page is in the way: a conflict naming it, not an internal error."""
    page = built / "docs" / "articles" / sorted(p.name for p in (built / "docs" / "articles").glob("*.md") if p.name != "index.md")[0]
    page.unlink()
    page.mkdir()
    before = snapshot(built / "docs")
    result = briefing(built, "build")
    assert result.returncode == 1
    rel = page.relative_to(built).as_posix()
    assert f"{rel}: error: a folder is in the way of the page generated from seeds/articles/" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert snapshot(built / "docs") == before
