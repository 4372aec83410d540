"""The seed briefing as a built site: strict MkDocs build, and what a reader sees in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, serve_folder
from generator import pipeline, site

ARTICLE = "russia-pushes-csto-nato-counternarcotics"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"  # git-ignored


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """The seed briefing generated and built (strict) in a scratch folder."""
    from conftest import make_project

    project = make_project(tmp_path_factory.mktemp("site"), REPO / "seeds")
    pipeline.generate(project)
    site.build_site(project)  # strict: any MkDocs warning fails here
    return project.site


@pytest.fixture(scope="module")
def served(built_site):
    """The built site on a loopback HTTP server; yields its base URL."""
    with serve_folder(built_site) as url:
        yield url


def heading(page) -> str:
    """The page's h1 without the permalink sign."""
    return page.locator("h1").inner_text().rstrip("¶").strip()


def test_build_produces_the_promised_urls(built_site):
    for page in (f"articles/{ARTICLE}/index.html", "actors/viktor-ivanov/index.html", "glossary/index.html"):
        assert (built_site / page).is_file(), page


def test_page_titles_come_from_the_headings(built_site):
    # MkDocs takes the title from a leading "# H1"; anything before it loses it.
    def title(page):
        html = (built_site / page).read_text(encoding="utf-8")
        return re.search(r"<title>(.*?) - ", html).group(1)

    assert title("actors/viktor-ivanov/index.html") == "Viktor Ivanov"
    assert title(f"articles/{ARTICLE}/index.html").startswith("Afghanistan: Russia Pushes for CSTO-NATO")
    assert title("glossary/index.html") == "Glossary"


def test_glossary_defines_the_core_terms(built_site):
    html = (built_site / "glossary/index.html").read_text(encoding="utf-8")
    for term in ("CSTO", "ISAF", "Rainbow 2", "Operation Channel"):
        assert re.search(rf"<h2 id=\"[^\"]+\">(<abbr[^>]*>)?{term}", html), term


def test_article_pages_carry_tooltips(built_site):
    html = (built_site / f"articles/{ARTICLE}/index.html").read_text(encoding="utf-8")
    # Terms are underlined (and focusable) at their first use in a section; ISAF, an actor too,
    # is explained by its link's title wherever the link stands.
    assert '<abbr tabindex="0" title="Collective Security Treaty Organization">CSTO</abbr>' in html
    assert '<a href="../../actors/isaf/" title="The multinational military force in Afghanistan' in html


def test_article_page_in_chromium(browser, served):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{served}/articles/{ARTICLE}/")
    assert heading(page) == "Afghanistan: Russia Pushes for CSTO-NATO Cooperation on Counternarcotics Front"
    summary = page.locator("h2#summary + p")
    assert "Medvedev" in summary.inner_text()

    # A tooltip on CSTO: the abbreviation carries its expansion, and hovering shows it.
    csto = page.locator("abbr", has_text=re.compile(r"^CSTO$")).first
    csto.scroll_into_view_if_needed()
    csto.hover()
    tooltip = page.locator(".md-tooltip2, [role=tooltip]").filter(has_text="Collective Security Treaty Organization")
    tooltip.first.wait_for(state="visible", timeout=5000)
    page.wait_for_timeout(500)  # let the fade-in finish for the screenshot
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "article-tooltip.png"))

    # An actor link leads to that actor's page.
    page.locator("h2#summary + p a[href$='actors/viktor-ivanov/']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/actors/viktor-ivanov/")
    assert heading(page) == "Viktor Ivanov"
    page.close()


def test_theme_templates_are_compiled_once_per_process_and_again_when_changed(tmp_path):
    """MkDocs makes a template environment per build, and the generator one per generation;
    briefing serve builds and generates after each edit."""
    import jinja2

    from generator.render import CompiledTemplates

    (tmp_path / "main.html").write_text("<p>{{ x }}</p>")
    compiled = CompiledTemplates()

    def environment(compiling: bool) -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=compiled)
        if not compiling:
            env.compile = lambda *args, **kwargs: pytest.fail("compiled again")
        return env

    assert environment(True).get_template("main.html").render(x=1) == "<p>1</p>"
    assert environment(False).get_template("main.html").render(x=2) == "<p>2</p>"
    (tmp_path / "main.html").write_text("<b>{{ x }}</b>")
    assert environment(True).get_template("main.html").render(x=3) == "<b>3</b>"
