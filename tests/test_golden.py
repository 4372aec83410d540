"""Golden files: generated Markdown is text, so diff it.

- The small fixture briefing (tests/fixtures/mini) must generate exactly the
  tree in tests/golden/mini.  After an intended change, refresh it with
  `BRIEFING_REFRESH_GOLDEN=1 python -m pytest tests/test_golden.py` and
  review the diff in git.
- The committed docs/ (and the abbreviation feed and JSON Schemas) must be
  exactly what the generator writes from the committed seeds.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from conftest import REPO
from generator import pipeline
from helpers import snapshot

GOLDEN = Path(__file__).resolve().parent / "golden" / "mini"
GENERATED_FOLDERS = ("docs", "includes", "seeds/schema")


def tree(root: Path, folders=GENERATED_FOLDERS) -> dict[str, bytes]:
    """Relative path -> bytes of every generated file under the given folders.

    Hand-written pages in docs/ (not in the generator's manifest) are left out.
    """
    generated = set(pipeline.write.read_manifest(root)) | {pipeline.write.MANIFEST}
    return {name: data for name, data in snapshot(root, folders).items() if name in generated or not name.startswith("docs/")}


def diff(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A readable unified diff of two trees ('' when equal)."""
    out = []
    for name in sorted(set(expected) | set(actual)):
        a = expected.get(name, b"").decode("utf-8").splitlines(keepends=True)
        b = actual.get(name, b"").decode("utf-8").splitlines(keepends=True)
        if name not in expected or name not in actual or a != b:
            out += difflib.unified_diff(a, b, f"expected/{name}", f"generated/{name}")
            out += [] if a or b else [f"{name}: missing on one side\n"]
    return "".join(out)


def test_fixture_briefing_matches_golden_tree(mini):
    pipeline.generate(mini)
    generated = tree(mini.root)
    if os.environ.get("BRIEFING_REFRESH_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in generated.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    assert diff(tree(GOLDEN), generated) == ""


def test_committed_docs_equal_a_fresh_regeneration(seed_project):
    pipeline.generate(seed_project)
    assert diff(tree(REPO), tree(seed_project.root)) == ""


def test_generation_is_deterministic(mini, tmp_path):
    pipeline.generate(mini)
    first = tree(mini.root)
    for name in pipeline.write.read_manifest(mini.root):
        (mini.root / name).unlink()
    (mini.root / pipeline.write.MANIFEST).unlink()
    pipeline.generate(mini)
    assert tree(mini.root) == first
