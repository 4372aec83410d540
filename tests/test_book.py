"""The briefing book (generator/book.py, `briefing build --pdf`): what the PDF holds, its
links, its paper, hostile text kept as text, the same bytes twice, and the offline zip."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from generator import book, cli, pipeline

from conftest import FIXTURES, REPO, make_project

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")

HOSTILE = REPO / "tests" / "bad_inputs" / "accepted" / "hostile" / "seeds"


def folded(text: str) -> str:
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    """Every page's text, white space folded (lines break anywhere)."""
    reader = pypdf.PdfReader(path)
    return folded(" ".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory) -> tuple[pipeline.Project, book.Book]:
    project = make_project(tmp_path_factory.mktemp("seed"), REPO / "seeds")
    return project, book.build_pdf(project)


def test_book_holds_every_headline_term_and_section(seed_book):
    project, built = seed_book
    assert built.path == project.root / "dist" / "briefing.pdf" and built.pages > 10
    text = pdf_text(built.path)
    briefing = pipeline.load_briefing(project)
    for article in briefing.articles:
        assert folded(article.headline) in text
    for term in briefing.terms:
        assert folded(term.term) in text
        assert folded(term.definition)[:60] in text
    for heading in ("Contents", "Key judgements", "Article briefs", "Actors in short", "Stance grid", "Network", "Glossary"):
        assert heading in text
    assert folded(briefing.key_judgements[0].text)[:80] in text
    # The cover's edition is the newest article's date, not today's.
    assert "Edition 11 December 2017" in text


def test_contents_and_links_lead_inside_the_book(seed_book):
    _, built = seed_book
    reader = pypdf.PdfReader(built.path)
    internal = external = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            if "/Dest" in annotation or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
            else:
                external += 1
    assert internal > 200, internal  # contents, actor and term references, the grid, the network's dots
    assert external == 0
    # The contents page gives page numbers (target-counter): "Glossary . . . 45".
    contents = folded(reader.pages[1].extract_text())
    assert "Contents" in contents and any(ch.isdigit() for ch in contents.split("Glossary")[1])


@pytest.mark.parametrize("paper, size", [("a4", (595.3, 841.9)), ("letter", (612.0, 792.0))])
def test_paper_sizes(mini, paper, size):
    built = book.build_pdf(mini, paper)
    reader = pypdf.PdfReader(built.path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == size


def test_same_seeds_same_bytes(mini):
    first = book.build_pdf(mini).path.read_bytes()
    second = book.build_pdf(mini).path.read_bytes()
    assert first == second
    # Dated by the newest article, not the clock.
    _, created = book.edition(pipeline.load_briefing(mini))
    assert str(pypdf.PdfReader(io.BytesIO(first)).metadata["/CreationDate"]).startswith("D:" + created.replace("-", ""))


def test_hostile_text_is_printed_not_interpreted(tmp_path):
    # The hostile seeds laid over the small fixture briefing, as tests/test_bad_inputs.py does.
    project = make_project(tmp_path / "hostile", FIXTURES / "mini" / "seeds")
    shutil.copytree(HOSTILE, project.seeds, dirs_exist_ok=True)
    built = book.build_pdf(project)
    text = pdf_text(built.path)
    for payload in (
        "</title>The <script>alert(12)</script> Pact | # [x](javascript:alert(13)) {{ 1+1 }}",
        "Said {% raw %} with <img src=x onerror=alert(17)>.",
        "Half | and | half <script>alert(18)</script>",
        "Evil <b onmouseover=alert(14)>x</b> {{ config }} | cell | [x](JaVaScRiPt:alert(15))",
        "<b>1</b> | 2 **3**",
    ):
        # Table cells may break a line anywhere ("</" then "script>"): compare without white space.
        assert "".join(payload.split()) in "".join(text.split()), payload
    html = book.render_html(pipeline.load_briefing(project), project.templates)
    assert "<script" not in html and "<img" not in html and "<b " not in html
    data = built.path.read_bytes()
    assert b"/JavaScript" not in data and b"/JS" not in data and b"/URI" not in data


def test_cli_pdf_with_offline_puts_the_book_in_the_zip(mini, capsys):
    status = cli.main(["--root", str(mini.root), "build", "--pdf", "--paper", "letter", "--offline"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "pdf: wrote dist/briefing.pdf" in out
    pdf = (mini.root / "dist" / "briefing.pdf").read_bytes()
    with zipfile.ZipFile(mini.root / "dist" / "briefing-offline.zip") as archive:
        assert archive.read("briefing-offline/briefing.pdf") == pdf
    assert pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width == 612


def test_dist_linked_outside_is_refused_with_a_message(mini, tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (mini.root / "dist").symlink_to(outside)
    status = cli.main(["--root", str(mini.root), "build", "--pdf"])
    err = capsys.readouterr().err
    assert status == 1
    assert "dist: error: is a link that leads outside the project" in err and "Traceback" not in err
    assert list(outside.iterdir()) == []
