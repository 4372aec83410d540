"""Model resolution: aliases, roles, backlinks, co-mentions, related articles."""

from __future__ import annotations

import pytest

from conftest import REPO
from generator import crosscheck, model, names, pipeline, schema
from generator.dates import PartialDate, Point


@pytest.fixture
def briefing(mini):
    return pipeline.load_briefing(mini)


def actor(briefing, id_):
    return next(a for a in briefing.actors if a.id == id_)


def term(briefing, id_):
    return next(t for t in briefing.terms if t.id == id_)


def test_articles_are_newest_first(briefing):
    assert [a.id for a in briefing.articles] == ["petrov-interview", "pact-asks-nato"]


def test_an_alias_mention_counts_for_its_actor(briefing):
    # "Iwan Petrov" is an alias; the interview names him only that way.
    sentences = [m.sentence for m in actor(briefing, "ivan-petrov").mentions]
    assert "Iwan Petrov speaks about crop eradication and the Pact." in sentences


@pytest.mark.parametrize("text, expected", [
    ("Talks with the U.S. Army went on. Petrov spoke.", ["Talks with the U.S. Army went on.", "Petrov spoke."]),
    ("Gen. Petrov agreed! J. Smith wrote. It was Mr. Ivanov. End?", ["Gen. Petrov agreed!", "J. Smith wrote.", "It was Mr. Ivanov.", "End?"]),
    ("The U.N. and the Pact met.\nThen (briefly) they parted.", ["The U.N. and the Pact met.", "Then (briefly) they parted."]),
])
def test_sentences_do_not_end_at_initials_or_titles(text, expected):
    # Backlinks quote whole sentences: "U.S." or "Gen." must not cut one short.
    assert names.sentences(text) == expected


def test_backlinks_name_the_page_and_sentence(briefing):
    pact = actor(briefing, "pact")
    pages = {(m.page, m.sentence) for m in pact.mentions}
    assert ("articles/petrov-interview.md", "Iwan Petrov speaks about crop eradication and the Pact.") in pages
    assert ("actors/ivan-petrov.md", "Head of the Pact's drug agency.") in pages


def test_a_page_is_not_its_own_backlink(briefing):
    pact = actor(briefing, "pact")
    assert all(m.page != "actors/pact.md" for m in pact.mentions)


def test_term_naming_an_actor_sends_mentions_to_the_actor(briefing):
    # The term "TP" declares actor: pact, so its name links to the Pact's profile.
    assert term(briefing, "pact-term").actor is actor(briefing, "pact")
    assert term(briefing, "pact-term").mentions == []


def test_co_mentions_count_shared_articles(briefing):
    co = [(other.id, n) for other, n in actor(briefing, "ivan-petrov").co_actors]
    assert co == [("daily-news", 2), ("nato", 1), ("ruritania", 1), ("pact", 1)]


def test_quotes_and_stances_gather_on_the_speaker(briefing):
    petrov = actor(briefing, "ivan-petrov")
    assert [q.text for q in petrov.quotes] == ["We work closely and know each other well."]
    assert [(s.issue.id, s.leaning) for s in petrov.stances] == [("eradication", "supports"), ("cooperation", "supports")]


def test_a_quote_without_a_date_takes_the_articles(briefing):
    quote = actor(briefing, "ivan-petrov").quotes[0]
    assert quote.date == PartialDate(Point(2010, 11), qualifier="early")
    assert quote.when.text() == "early November 2010"


def test_roles_keep_their_time_span_and_source(briefing):
    roles = actor(briefing, "ivan-petrov").roles
    assert [(r.title, r.start.text(), r.end.text() if r.end else None) for r in roles] == [
        ("Director of the drug agency", "2008", "2016"),
        ("Subject of sanctions", "since 2014", None),
    ]
    assert roles[0].as_of.id == "pact-asks-nato"


def test_memberships_are_listed_on_both_sides(briefing):
    pact = actor(briefing, "pact")
    assert [(t.member.id, t.relation) for t in pact.members] == [("ivan-petrov", "official of"), ("ruritania", "member of")]


def test_related_articles_list_what_they_share(briefing):
    (other, shared), = briefing.articles[0].related
    assert other.id == "pact-asks-nato"
    # Ruritania is only a place in an event of the other article, not an involved actor.
    assert shared == ["Daily News", "Ivan Petrov", "Operation Channel"]


def test_inferred_range_date_reads_as_such(briefing):
    date = briefing.articles[1].date
    assert (date.text(), date.inferred, date.note) == ("19–20 November 2010", True, "written before the summit")


def test_term_tooltip_is_expansion_or_first_sentence(briefing):
    assert term(briefing, "isaf").tooltip == "International Security Assistance Force"
    assert term(briefing, "channel").tooltip == "A joint anti-drug operation run by the Pact."


def test_seed_briefing_joins_lavrov_across_the_years():
    # Issue 3 acceptance: Lavrov's profile spans 2009 to 2017.
    briefing = pipeline.load_briefing(pipeline.Project(REPO))
    lavrov = actor(briefing, "sergey-lavrov")
    years = sorted({a.article.date.year for a in lavrov.appearances})
    assert years[0] == 2009 and years[-1] == 2017
    assert {"Sergei Lavrov", "Sergey Lavrov"} <= set(lavrov.names)


@pytest.mark.parametrize("name", ["con", "CON", "Aux", "nul.txt", "NUL.tar.gz", "com1", "COM9.yaml", "lpt0", "prn.", "con .md", "com\u00b9"])
def test_windows_device_names_are_reserved(name):
    assert schema.windows_reserved(name)


@pytest.mark.parametrize("name", ["conan", "console", "com10", "lpt", "auxiliary", "nul-pointer", "icon"])
def test_names_that_only_start_like_a_device_are_not(name):
    assert not schema.windows_reserved(name)


def test_every_fixed_page_reserves_the_ids_built_to_its_place():
    # Derived from the renderer's own list of fixed pages: an id "index" in any of
    # their folders, or in a folder named like a fixed page (stances/), would clash.
    fixed = {crosscheck.built_as(page) for page in model.fixed_pages()}
    assert {"", "articles/", "actors/", "stances/", "timeline/", "glossary/"} <= fixed
    assert crosscheck.built_as("actors/index.md") == "actors/"
    assert crosscheck.built_as("stances/index.md") == crosscheck.built_as("stances.md") == "stances/"
    assert crosscheck.built_as("actors/nato.md") not in fixed


@pytest.mark.parametrize("first, second", [
    ("Caf\u00e9", "Cafe\u0301"),      # composed and decomposed e-acute
    ("NATO", "\uff2e\uff21\uff34\uff2f"),  # fullwidth letters
    ("Stra\u00dfe", "STRASSE"),      # case folding
    ("Office", "O\ufb03ce"),         # ligature
])
def test_lookalike_names_share_a_key(first, second):
    assert crosscheck.name_key(first) == crosscheck.name_key(second)
