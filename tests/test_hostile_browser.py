"""Hostile seed text in Chromium: every page kind loaded, every tooltip hovered, nothing runs.

Material's `content.tooltips` builds each tooltip from an element's `title`
with innerHTML, on hover, so loading a page proves nothing about its
tooltips.  This builds the hostile fixture (tests/bad_inputs/accepted/hostile)
with the timeline and the stances split into a page per year and per issue,
opens one page of every kind at desktop and phone width, hovers every
element that has a title (one of each distinct title per page: the same
title gives the same tooltip), and fails on any dialog, any `window.__pwned`,
any request for the payloads' `src=x`, and any element inside a tooltip.  The
hostile tooltips must show their text literally: escaping must not delete it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import make_project, serve_folder
from test_bad_inputs import ACCEPTED, MINI_SEEDS, briefing, lay_over

RESULTS = Path(__file__).resolve().parent.parent / "test-results"  # git-ignored

# One page of every kind; with the splits forced to 1 the timeline and stances are overviews.
PAGES = [
    "", "articles/", "articles/pact-asks-nato/", "actors/", "actors/evil-corp/", "glossary/",
    "timeline/", "timeline/2010/", "stances/", "stances/cooperation/",
]
# Tooltips the hostile glossary must show, literally, on the actor page that mentions the terms.
EXPECTED_TOOLTIPS = [
    "Evil <script>window.__pwned = 'abbr'; alert(22)</script> <img src=x onerror=alert(23)>"
    " \"><svg onload=alert(25)> javascript:alert(26) &amp; &lt;b&gt;",
    "Runs <img src=x onerror=alert(32)> \"><svg onload=alert(33)> javascript:alert(34)"
    " </title><script>alert(35)</script>.",
    "The placeholder word",
]

# Every element with a title, once per distinct title, that is visible: [index, title].
_TITLED = """() => {
  const seen = new Set(), found = [];
  document.querySelectorAll("[title]").forEach((element, index) => {
    const title = element.getAttribute("title");
    if (seen.has(title) || !element.getClientRects().length) return;
    seen.add(title);
    element.setAttribute("data-hover-index", String(index));
    found.push([index, title]);
  });
  return found;
}"""


@pytest.fixture(scope="module")
def split_hostile_site(tmp_path_factory) -> Path:
    """The hostile fixture with every split forced (a page per year and per issue), built."""
    project = make_project(tmp_path_factory.mktemp("hostile-split") / "project", MINI_SEEDS)
    lay_over(ACCEPTED / "hostile", project.root)
    seeds = project.root / "seeds" / "briefing.yaml"
    seeds.write_text(seeds.read_text(encoding="utf-8") + "split_timeline_after: 1\nsplit_stances_after: 1\n",
                     encoding="utf-8")
    result = briefing(project.root, "build")
    assert result.returncode == 0, result.stderr
    site = project.root / "site"
    assert (site / "timeline/2010/index.html").is_file() and (site / "stances/cooperation/index.html").is_file()
    return site


def hover_tooltip(page, index: int) -> str | None:
    """Hover the element marked `index`; the text of the tooltip Material shows, or None if none shows."""
    element = page.locator(f'[data-hover-index="{index}"]')
    try:
        element.scroll_into_view_if_needed(timeout=2_000)
        element.hover(timeout=2_000)
    except Exception:  # covered, or not hoverable at this width (pointer-events: none)
        return None
    try:
        page.wait_for_function(
            "el => { const id = el.getAttribute('aria-describedby'); const tip = id && document.getElementById(id);"
            " return tip && tip.classList.contains('md-tooltip2--active'); }",
            arg=element.element_handle(), timeout=1_000,
        )
    except Exception:
        return None  # an element Material gives no tooltip (outside the content and header)
    tooltip = page.evaluate_handle("el => document.getElementById(el.getAttribute('aria-describedby'))",
                                   element.element_handle())
    # The tooltip must hold text only: any element in it came from seed markup.
    assert tooltip.evaluate("tip => tip.querySelector('*:not(div)') === null"), tooltip.evaluate("t => t.innerHTML")
    return " ".join(tooltip.evaluate("tip => tip.innerText").split())


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_hovering_every_tooltip_runs_nothing(browser, split_hostile_site, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    dialogs: list[str] = []
    payload_requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: payload_requests.append(request.url) if re.search(r"/x$", request.url) else None)
    shown: dict[str, list[str]] = {}
    RESULTS.mkdir(exist_ok=True)
    with serve_folder(split_hostile_site) as url:
        for path in PAGES:
            page.goto(f"{url}/{path}")
            page.wait_for_load_state("networkidle")
            page.mouse.wheel(0, 400)  # past the heading: the header shows the page title
            page.wait_for_timeout(300)  # Material titles truncated labels after it measures them
            shown[path] = []
            for index, _title in page.evaluate(_TITLED):
                text = hover_tooltip(page, index)
                if text is not None:
                    shown[path].append(text)
                if text == EXPECTED_TOOLTIPS[0] and path == "actors/evil-corp/":
                    page.screenshot(path=str(RESULTS / f"hostile-tooltip-{width}.png"))
                page.mouse.move(0, height - 1)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
    context.close()
    assert dialogs == [], dialogs
    assert payload_requests == [], payload_requests
    for expected in EXPECTED_TOOLTIPS:
        assert expected in shown["actors/evil-corp/"], (expected, shown["actors/evil-corp/"])
    assert any(shown[path] for path in PAGES if path != "actors/evil-corp/")


# The header's page title and every table-of-contents entry: the labels Material shortens
# with an ellipsis, and for which it would build a tooltip from their text, as HTML.
_LABELS = """() => Array.from(document.querySelectorAll(
  ".md-header__topic, .md-nav--secondary .md-nav__link")).map(label => label.innerText.trim())"""


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_shortened_titles_show_seed_markup_as_text(browser, split_hostile_site, width, height):
    """A page title cut short in the header (phone width, scrolled) shows its text and runs nothing."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve_folder(split_hostile_site) as url:
        for path in PAGES:
            page.goto(f"{url}/{path}")
            page.wait_for_load_state("networkidle")
            # Left in Material's own labels (the nav's fixed names), never around seed text.
            assert not [t for t in page.locator(".md-ellipsis").all_inner_texts() if "<" in t], path
            page.mouse.wheel(0, 600)  # the header now shows the page title, cut short on a phone
            page.wait_for_timeout(300)
            topic = page.locator(".md-header__topic").last
            topic.hover(force=True)
            page.wait_for_timeout(200)
            if path == "stances/cooperation/":
                assert "</title><script>alert(27)</script> <img src=x onerror=alert(28)>" in topic.inner_text()
                RESULTS.mkdir(exist_ok=True)
                page.screenshot(path=str(RESULTS / f"hostile-header-{width}.png"))
            assert all(label for label in page.evaluate(_LABELS)), path
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            assert page.locator(".md-tooltip2 img, .md-tooltip2 svg, .md-tooltip2 script").count() == 0, path
    context.close()
    assert dialogs == [], dialogs
