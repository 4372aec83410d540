"""`briefing check --sources`: quotes verbatim, prose in our own words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO
from generator import cli, sources

# The seed articles live beside the project (../shared/seeds); CI has them there.
SEED_SOURCES = Path(os.environ.get("BRIEFING_SOURCES", REPO.parent / "shared" / "seeds"))

TEXT = """Daily News

The Pact Asks NATO for Help

Ivan Petrov said: “We work closely and know each other well.” He spoke at length.
The bloc has asked the alliance for recognition many times over the course of the last ten long years.
"""


@pytest.fixture
def source_dir(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "src" / "b.txt").write_text("An Interview with Petrov\n", encoding="utf-8")
    return tmp_path / "src"


def test_clean_fixture_passes(mini, source_dir, capsys):
    assert cli.main(["--root", str(mini.root), "check", "--sources", str(source_dir)]) == 0
    assert "ok: 1 quotes found verbatim in 2 sources" in capsys.readouterr().out


def test_altered_quote_and_copied_prose_are_reported(mini, source_dir, capsys):
    article = mini.seeds / "articles" / "pact-asks-nato.yaml"
    text = article.read_text(encoding="utf-8")
    text = text.replace("We work closely and know", "We work very closely and know")
    text = text.replace(
        "Petrov says ISAF has not done enough.",
        "As reported, the bloc has asked the alliance for recognition many times over the course of the last ten years.",
    )
    article.write_text(text, encoding="utf-8")
    assert cli.main(["--root", str(mini.root), "check", "--sources", str(source_dir)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{_rel(mini, article)}:8:10: error: summary: 17 words copied from a.txt:6: \"the bloc has asked the alliance "
        "for recognition many times over the course of the last ten\"; put them in your own words or in a quote",
        f"{_rel(mini, article)}:24:11: error: quotes[0].text: quote not found verbatim in a.txt",
        "2 errors; nothing was changed.",
    ]


def test_quote_with_omission_and_typographic_marks():
    source = sources.Source("s.txt", "He said: “We deal not only with leaders, but also with   staff.”")
    assert sources.quote_found('We deal not only … with staff.', source)
    assert sources.quote_found("We deal not only with leaders, but also with staff.", source)
    assert not sources.quote_found("We deal only with staff.", source)
    assert not sources.quote_found("staff … We deal", source)  # pieces must be in order


def test_headline_must_match_exactly_one_source(mini, tmp_path, capsys):
    (tmp_path / "none").mkdir()
    (tmp_path / "none" / "x.txt").write_text("Something else entirely\n", encoding="utf-8")
    assert cli.main(["--root", str(mini.root), "check", "--sources", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    folder = tmp_path / "none"
    assert (f"seeds/articles/pact-asks-nato.yaml:4:13: error: source.headline: no source text in {folder} contains this "
            f"headline; put the article's text in {folder} as a .txt file, or correct the headline") in err


def test_seed_briefing_against_the_seed_articles(capsys):
    assert SEED_SOURCES.is_dir(), f"the seed articles are expected at {SEED_SOURCES} (set BRIEFING_SOURCES)"
    assert cli.main(["--root", str(REPO), "check", "--sources", str(SEED_SOURCES)]) == 0
    out = capsys.readouterr().out
    quotes = int(out.split("ok: ")[2].split(" quotes")[0])
    assert quotes >= 30


def _rel(project, path: Path) -> str:
    return path.relative_to(project.root).as_posix()
