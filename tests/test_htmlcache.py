"""The fast route's cache trusts only entries sealed on this disk (generator/htmlcache.py)."""

from __future__ import annotations

import json
import shutil

from generator.htmlcache import DigestCache

KEY = "ab" + "0" * 62


def test_an_entry_made_here_is_read_back(tmp_path):
    DigestCache(tmp_path, "html").put(KEY, {"content": "<p>ours</p>"})
    assert DigestCache(tmp_path, "html").get(KEY) == {"content": "<p>ours</p>"}


def test_an_entry_changed_on_disk_is_a_miss(tmp_path):
    cache = DigestCache(tmp_path, "html")
    cache.put(KEY, {"content": "<p>ours</p>"})
    path = tmp_path / ".briefing-cache" / "html" / KEY[:2] / f"{KEY}.json"
    sealed = json.loads(path.read_text(encoding="utf-8"))
    sealed["value"] = {"content": "<p>FORGED</p>"}
    # Laid out exactly as the cache writes its entries: only the seal tells the forgery.
    path.write_text(json.dumps(sealed, separators=(",", ":")), encoding="utf-8")
    assert DigestCache(tmp_path, "html").get(KEY) is None


def test_an_entry_not_laid_out_as_the_cache_writes_it_is_a_miss_not_an_error(tmp_path):
    cache = DigestCache(tmp_path, "html")
    cache.put(KEY, {"content": "<p>ours \u00e9</p>"})
    path = tmp_path / ".briefing-cache" / "html" / KEY[:2] / f"{KEY}.json"
    written = path.read_bytes()
    assert DigestCache(tmp_path, "html").get(KEY) == {"content": "<p>ours \u00e9</p>"}
    for damaged in (written[:-1], written + b" ", written.replace(b'","value":', b'", "value": '),
                    b'{"mac":"' + "\u00e9".encode() * 32 + written[72:], b"", b"[]"):
        path.write_bytes(damaged)
        assert DigestCache(tmp_path, "html").get(KEY) is None


def test_a_cache_that_came_with_a_copy_of_the_project_is_not_trusted(tmp_path):
    """A repository or an archive can carry .briefing-cache/, seal file included."""
    made = tmp_path / "made"
    made.mkdir()
    DigestCache(made, "html").put(KEY, {"content": "<p>theirs</p>"})
    assert DigestCache(made, "html").get(KEY) is not None
    shutil.copytree(made, tmp_path / "cloned", copy_function=shutil.copy2)
    assert DigestCache(tmp_path / "cloned", "html").get(KEY) is None


def test_a_seal_in_place_of_a_link_is_never_followed(tmp_path):
    (tmp_path / "elsewhere").write_bytes(b"0" * 32)
    (tmp_path / "project" / ".briefing-cache").mkdir(parents=True)
    (tmp_path / "project" / ".briefing-cache" / "seal").symlink_to(tmp_path / "elsewhere")
    cache = DigestCache(tmp_path / "project", "html")
    cache.put(KEY, {"content": "x"})
    assert cache.get(KEY) is None
    assert (tmp_path / "elsewhere").read_bytes() == b"0" * 32
