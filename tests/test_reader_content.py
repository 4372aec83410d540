"""What the reader reads (issue 14): one entity once, our words apart from quotes, pages at a
glance, tooltips where they help, the right words, judgements with their evidence.

These run on the real briefing's model and pages, generated in memory; what shows
in a browser is in tests/test_reader_browser.py.
"""

from __future__ import annotations

import html
import posixpath
import re

import markdown
import pytest

from conftest import REPO
from generator import glance, markup, pipeline, render, schema


@pytest.fixture(scope="module")
def briefing():
    return pipeline.load_briefing(pipeline.Project(REPO))


@pytest.fixture(scope="module")
def pages(briefing) -> dict[str, str]:
    return {page: text.decode("utf-8") for page, text in render.render_pages(briefing, REPO / "templates").items()}


def section(page: str, heading: str) -> str:
    """The Markdown of one `## heading` section of a page."""
    return page.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def actor(briefing, actor_id):
    return next(a for a in briefing.actors if a.id == actor_id)


# --------------------------------------------------------------------------- one entity, one mention


def test_a_term_that_names_an_actor_is_listed_once_in_related_articles(briefing, pages):
    for article in briefing.articles:
        for _, shared in article.related:
            assert len(shared) == len(set(shared))
            # "CSTO" (the term) never stands beside the actor it names.
            for term in briefing.terms:
                if term.actor is not None and term.actor.short:
                    assert term.term not in shared, (article.id, shared)
    related = section(pages["articles/russia-pushes-csto-nato-counternarcotics.md"], "Related articles")
    shares = re.findall(r": shares (.*)$", related, re.M)
    assert shares and all("Collective Security Treaty Organization (CSTO)" in line for line in shares[:2])
    assert all(", CSTO," not in f", {line}," for line in shares)


def test_actors_named_by_a_term_get_its_short_form(briefing):
    assert actor(briefing, "csto").label == "Collective Security Treaty Organization (CSTO)"
    assert actor(briefing, "nato").label == "NATO"  # the term is the name: nothing to add
    assert actor(briefing, "viktor-ivanov").label == "Viktor Ivanov"


def test_mentioned_in_lists_an_actor_and_its_term_once(briefing):
    ivanov = actor(briefing, "viktor-ivanov")
    pages_named = [m.page for m in ivanov.mentions]
    assert "actors/fskn.md" in pages_named
    assert "glossary.md#fskn" not in pages_named


# --------------------------------------------------------------------------- our words, not quotes


def test_mentioned_in_shows_our_sentences_without_quote_marks_and_links_where_they_stand(pages):
    mentioned = section(pages["actors/viktor-ivanov.md"], "Mentioned in")
    assert "“" not in mentioned and "”" not in mentioned
    assert "our words, not the sources'" in mentioned
    assert re.search(r"\[in context\]\(\.\./articles/[a-z-]+\.md#(summary|key-points|actors-involved|quote-\d+|stances|events|figures)", mentioned)
    # Each page is named once, its sentences under it.
    assert mentioned.count("Our brief of [Afghanistan: Russia Pushes") == 1


def test_quote_contexts_stand_outside_the_quotation(pages):
    quotes = section(pages["articles/lets-just-be-friends.md"], "Quotes")
    for block in quotes.split("\n\n"):
        if block.startswith(">"):
            lines = [line for line in block.splitlines() if line.startswith(">") and line.strip("> ")]
            # A blockquote holds the words and the speaker, nothing of ours.
            assert lines[0].startswith("> “")
            assert all(line.startswith(("> “", "> —")) for line in lines), block


# --------------------------------------------------------------------------- a page at a glance


def test_roles_now_are_the_open_ones(briefing):
    ivanov = actor(briefing, "viktor-ivanov")
    assert [r.title for r in glance.roles_now(ivanov)] == [r.title for r in ivanov.roles if r.end is None]
    assert glance.roles_now(actor(briefing, "afghanistan")) == []


def test_stance_line_takes_the_newest_stance_on_each_issue(briefing):
    russia = actor(briefing, "russia")
    line = glance.stance_line(russia)
    issues = [s.issue.id for _, stances in line for s in stances]
    assert len(issues) == len(set(issues)) == len({s.issue.id for s in russia.stances})
    for _, stances in line:
        for stance in stances:
            assert stance is next(s for s in russia.stances if s.issue is stance.issue)
    assert [leaning for leaning, _ in line] == [l for l in ("supports", "opposes", "mixed", "neutral") if l in dict(line)]


def test_telling_quotes_prefer_those_a_judgement_cites_then_a_spread_of_articles(briefing):
    ivanov = actor(briefing, "viktor-ivanov")
    telling = glance.telling_quotes(ivanov, briefing)
    assert len(telling) == glance.TELLING_QUOTES
    cited = {id(e.quote) for j in briefing.key_judgements for e in j.evidence if e.quote}
    assert id(telling[0]) in cited  # quote 2, which a judgement cites
    lavrov = actor(briefing, "sergey-lavrov")
    spread = glance.telling_quotes(lavrov, briefing)
    assert len({q.article.id for q in spread}) == min(3, len({q.article.id for q in lavrov.quotes}))


def test_quote_attribution_is_given_once_per_article_and_date(pages):
    quotes = section(pages["actors/viktor-ivanov.md"], "Quotes")
    assert quotes.count("Viktor Ivanov, 15–19 November 2010") == 1
    assert quotes.count("> “") == 8


def test_a_long_appears_with_is_folded_by_type_and_a_short_one_is_not(briefing, pages):
    russia = section(pages["actors/russia.md"], "Appears with")
    assert len(actor(briefing, "russia").co_actors) > glance.LONG_LIST
    assert '??? note "All ' in russia
    assert "    - **People:**" in russia and "    - **Cities:**" in russia
    for other in briefing.actors:
        if other.co_actors:
            folded = "???" in section(pages[other.page], "Appears with")
            assert folded == (len(other.co_actors) > glance.LONG_LIST), other.id


def test_date_cells_carry_no_nested_inference_notes(pages):
    for page, text in pages.items():
        assert "(inferred:" not in text, page
        assert not re.search(r"\(\d{4}[^()\n]*\((inferred|note)", text), page


def test_no_link_points_to_the_page_it_sits_on(pages):
    for page, text in pages.items():
        for href in re.findall(r"\]\(([^)\s\"#]+)", text):
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            assert posixpath.normpath(posixpath.join(posixpath.dirname(page), href)) != page, (page, href)


# --------------------------------------------------------------------------- tooltips


def test_glossary_terms_are_wrapped_once_per_section_and_focusable():
    html = markdown.markdown(
        "*[CSTO]: Collective\n\n# The CSTO\n\nCSTO and CSTO, [the CSTO](x \"A title\") CSTO.\n\n"
        "| a |\n|---|\n| CSTO |\n\n## Next\n\n[CSTO](y \"A title\") then CSTO.\n",
        extensions=["generator.markdown_abbr", "tables"],
        extension_configs={"generator.markdown_abbr": {"first_per_section": True}},
    )
    assert html.count("<abbr") == 1
    assert '<h1>The CSTO</h1>' in html  # none in headings
    assert '<p><abbr tabindex="0" title="Collective">CSTO</abbr> and CSTO, <a href="x" title="A title">the CSTO</a> CSTO.</p>' in html
    # A term first met in a titled link is explained by the link; the next use is plain too.
    assert '<p><a href="y" title="A title">CSTO</a> then CSTO.</p>' in html


def test_without_the_option_every_use_is_wrapped_as_stock_abbr_does():
    html = markdown.markdown("*[CSTO]: Collective\n\nCSTO and CSTO.\n", extensions=["generator.markdown_abbr"])
    assert html.count('<abbr title="Collective">') == 2


def test_an_alias_shows_the_definition_only_when_it_is_the_terms(briefing):
    opium = next(t for t in briefing.terms if t.id == "opium")
    assert render.tooltip_aliases(opium) == []  # "poppy" is the plant, not the narcotic
    transit = next(t for t in briefing.terms if t.id == "transit-country")
    assert render.tooltip_aliases(transit) == ["transit countries"]
    ngo = next(t for t in briefing.terms if t.id == "ngo")
    assert render.tooltip_aliases(ngo) == ngo.aliases  # an expansion stands for every spelling
    definitions = render.abbreviations(briefing.terms)
    assert "*[poppy]:" not in definitions and "*[opium]:" in definitions


def test_links_to_actors_and_articles_carry_their_first_sentence(briefing, pages):
    csto = actor(briefing, "csto")
    title = markup.link_title(csto.description)
    assert title == markup.first_sentence(csto.description)  # plain text needs no escaping
    assert f'](csto.md "{title}")' in pages["actors/viktor-ivanov.md"]
    article = briefing.articles[0]
    assert f'({article.id}.md "{markup.link_title(article.summary)}")' in pages["articles/index.md"]


@pytest.mark.parametrize("text, shown", [
    ('A <b>bold</b> & "q" | `c` \\x. Then more.', 'A <b>bold</b> & "q" | `c` \\x.'),
    ("Word " * 80, None),
])
def test_link_titles_are_one_escaped_line_that_python_markdown_keeps(text, shown):
    page = markdown.markdown(f'| a |\n|---|\n| [x](u "{markup.link_title(text)}") |\n', extensions=["tables"])
    value = re.search(r'title="([^"]*)"', page).group(1)
    # The attribute's value is HTML that Material shows as text: unescape twice to get the text.
    text_shown = html.unescape(html.unescape(value))
    if shown is None:
        assert len(text_shown) <= markup.LINK_TITLE_CHARS and text_shown.endswith("…")
    else:
        assert text_shown == shown
    assert "<td>" in page and "<b>" not in value


# --------------------------------------------------------------------------- words


def test_every_actor_type_has_a_heading_word():
    assert set(render.TYPE_HEADINGS) == set(schema.ACTOR_TYPES)
    assert render.TYPE_HEADINGS["person"] == "People" and render.TYPE_HEADINGS["city"] == "Cities"


def test_actors_index_headings_are_words(pages):
    headings = re.findall(r"^## (.+)$", pages["actors/index.md"], re.M)
    assert "People" in headings and "Citys" not in headings and "Persons" not in headings
    assert set(headings) <= set(render.TYPE_HEADINGS.values())


def test_article_pages_show_no_raw_theme_ids(briefing, pages):
    for article in briefing.articles:
        front = pages[article.page].split("\n---\n", 1)[0]
        assert "tags:" not in front
        assert not any(f"  - {theme}" in front.splitlines() for theme in article.themes)


# --------------------------------------------------------------------------- judgements


def test_every_judgement_cites_evidence_and_the_home_page_links_it(briefing, pages):
    judgements = section(pages["index.md"], "Key judgements")
    assert judgements.count("*Evidence:*") == len(briefing.key_judgements)
    for judgement in briefing.key_judgements:
        assert judgement.evidence
        for cited in judgement.evidence:
            assert f"(articles/{cited.article.id}.md" in judgements
            if cited.quote:
                assert f"articles/{cited.article.id}.md#{cited.quote.anchor})" in judgements


def test_an_article_lists_an_actor_once_whether_named_as_actor_or_term(briefing, pages):
    for article in briefing.articles:
        involved = {a.actor.id for a in article.appearances}
        page = pages[article.page]
        terms = section(page, "Terms") if "\n## Terms\n" in page else ""
        for term in article.terms:
            if term.actor is not None and term.actor.id in involved:
                assert f"(../glossary.md#{term.id})" not in terms, (article.id, term.id)
    # The CSTO is involved in this article and is also a glossary term: listed once, as an actor.
    page = pages["articles/russia-pushes-csto-nato-counternarcotics.md"]
    assert "[Collective Security Treaty Organization](../actors/csto.md" in section(page, "Actors involved")
    assert "(../glossary.md#csto)" not in section(page, "Terms")
