"""What issue 13 gave editors, unit by unit: EDTF dates and their order, explicit mentions and
metonyms, roles over time, and the source check's help when a headline matches no text."""

from __future__ import annotations

import re

import pytest

from generator import book, cli, crosscheck, markup, names, sources
from generator.dates import PartialDate, Point, parse_date
from generator.model import Article, Role
from generator.names import Matcher, PageLinker, Target


def date(text: str, qualifier: str = "") -> PartialDate:
    start, end, hedge = parse_date(text)
    return PartialDate(start, end, qualifier or hedge)


@pytest.mark.parametrize("text, words, back", [
    ("2014/..", "since 2014", "2014/.."),
    ("../2018-02-08", "by 8 February 2018", "../2018-02-08"),
    ("2010-11~", "about November 2010", "2010-11~"),
    ("2012?", "perhaps 2012", "2012?"),
    ("2012%", "perhaps about 2012", "2012%"),
    ("2010-11-19/2010-11-20", "19–20 November 2010", "2010-11-19/2010-11-20"),
    ("1979/1988", "1979–1988", "1979/1988"),
    ("2010", "2010", "2010"),
])
def test_edtf_dates_read_naturally_and_round_trip(text, words, back):
    assert date(text).text() == words
    assert date(text).edtf() == back


@pytest.mark.parametrize("text, message", [
    ("2010-11~/2012", "is not a date the briefing can show"),
    ("../..", "is not a date the briefing can show"),
    ("2014/2010", "it ends before it starts"),
    ("2010-13", "month 13 does not exist"),
    ("2014/", "write start/end"),
])
def test_edtf_forms_the_briefing_cannot_show_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def ordered(*dates: PartialDate) -> list[str]:
    return [d.text() for d in sorted(dates, key=lambda d: d.order_key)]


def test_timeline_order_earliest_year_then_how_far_the_date_runs():
    # Issue 14: "after 2001" came before "2001", and "2008–2009" before "August 2008".
    assert ordered(date("2001", "after"), date("2001")) == ["2001", "after 2001"]
    assert ordered(date("2008/2009"), date("2008-08")) == ["August 2008", "2008–2009"]
    assert ordered(date("2014/.."), date("2014-12"), date("2014")) == ["2014", "December 2014", "since 2014"]
    assert ordered(date("2008", "late"), date("2008", "early"), date("2008-06")) == ["early 2008", "June 2008", "late 2008"]
    assert ordered(date("2018-02-08"), date("../2018-02-08")) == ["by 8 February 2018", "8 February 2018"]


def article(id_: str, when: str) -> Article:
    return Article(id_, "", None, "", id_, "", "", "", date(when), "news", "", [], [])


def test_a_role_cited_by_several_articles_shows_its_earliest_and_latest_evidence():
    evidence = [article("a", "2010-10"), article("b", "2012-03-04"), article("c", "2014")]
    role = Role("Head of FSKN", None, None, None, evidence[0], evidence)
    assert role.attested() == "attested October 2010 to 2014, 3 articles"
    assert Role("Head", None, None, None, evidence[0], evidence[:1]).attested() == ""


def linker(page: str = "articles/x.md", prefer=()) -> PageLinker:
    city, state = Target("actor:moscow", "actors/moscow.md", "Moscow"), Target("actor:russia", "actors/russia.md", "Russia")
    matcher = Matcher([("Moscow", state), ("Russia", state), ("Moscow", city)], in_prose=True)
    matcher.other["Moscow"] = city
    matcher.by_id = {"moscow": city, "russia": state}
    return PageLinker(matcher, page, prefer=prefer)


def test_explicit_mentions_link_the_chosen_actor_or_none():
    out = linker().prose("Talks in [Moscow](@moscow); Moscow agreed. [Moscow](@) is cold.", "s")
    assert out == "Talks in [Moscow](../actors/moscow.md); [Moscow](../actors/russia.md) agreed. Moscow is cold."


def test_explicit_mention_labels_are_made_inert():
    out = linker().line("See [<b>x</b> | y](@moscow).", "s")
    assert out == "See [&lt;b>x&lt;/b> \\| y](../actors/moscow.md)."


def test_a_metonym_means_the_city_where_only_the_city_is_in_the_cast():
    assert linker(prefer={"actor:moscow"}).prose("Moscow hosts.", "s") == "[Moscow](../actors/moscow.md) hosts."
    both = linker(prefer={"actor:moscow", "actor:russia"}).prose("Moscow hosts.", "s")
    assert both == "[Moscow](../actors/russia.md) hosts."


def test_backlinks_count_explicit_mentions_and_the_cast():
    lk = linker()
    found = names.names_per_sentence(lk.matcher, "Talks in [Moscow](@moscow). Moscow agreed.", frozenset({"actor:moscow"}))
    assert [(i, [t.key for t in named]) for i, named in found] == [(0, ["actor:moscow"]), (1, ["actor:moscow"])]


def test_headline_mismatch_names_the_folder_and_checks_quotes_against_the_closest(mini, tmp_path, capsys):
    folder = mini.root / "sources"
    folder.mkdir()
    (folder / "a.txt").write_text("Daily News\n\nThe Pact Asks for Help\n\nPetrov: \"We work closely.\"\n", encoding="utf-8")
    (folder / "b.txt").write_text("Other\n\nSomething else\n", encoding="utf-8")
    assert cli.main(["--root", str(mini.root), "check"]) == 1
    err = capsys.readouterr().err
    assert ("seeds/articles/pact-asks-nato.yaml:4:13: error: source.headline: no source text in sources contains this "
            "headline; the closest by title is a.txt (\"Daily News The Pact Asks for Help Petrov: \"We work closely.\"\"), "
            "whose text the quotes were checked against; put the article's text in sources as a .txt file, "
            "or correct the headline") in err
    assert "quotes[0].text: quote not found verbatim in a.txt" in err


def test_check_says_when_the_sources_folder_is_absent(mini, capsys):
    assert cli.main(["--root", str(mini.root), "check"]) == 0
    assert "note: quotes not checked: no source texts (*.txt) in sources, the `sources` folder of seeds/briefing.yaml" in capsys.readouterr().err


def test_closest_source_by_title_ignores_body_text():
    near = sources.closest_by_title("Russia Pushes for Cooperation", [
        sources.Source("a.txt", "Outlet\nSomething Else\nBy A. Writer\n1 May 2010\n" + "Russia pushes for cooperation " * 20),
        sources.Source("b.txt", "Outlet\nRussia Pushes Hard\n"),
    ])
    assert near is not None and near.name == "b.txt"
    assert Point(2010, 10).text() == "October 2010"


def test_check_warns_about_counts_typed_into_the_scope(mini, capsys):
    settings = mini.seeds / "briefing.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^scope: .*$", "scope: Built from five articles published between 2009 and 2017.", text, count=1),
                        encoding="utf-8")
    assert cli.main(["--root", str(mini.root), "check"]) == 0  # a warning, not an error
    assert "seeds/briefing.yaml: warning: scope: 'five articles' is typed by hand" in capsys.readouterr().err
    assert crosscheck.typed_counts("How Moscow has tried to make the drug trade a shared problem.") is None


def test_explicit_mentions_read_as_plain_names_outside_pages():
    assert markup.plain_mentions("Met in [Moscow](@moscow) and [Kabul](@).") == "Met in Moscow and Kabul."
    assert book.paragraphs("Met in [Moscow](@moscow).\n\nThen left.") == ["Met in Moscow.", "Then left."]


def test_plain_dates_read_without_the_grammar_agree_with_edtf():
    """parse_date reads plain dates and closed ranges itself (the edtf grammar costs 10 ms a date):
    each must mean what the edtf package reads."""
    import edtf

    from generator import dates

    cases = ["1979", "2010-11", "2010-11-19", "2012-02-29", "2010-11-19/2010-11-20", "1979/1989",
             "2010-11/2011-03", "2008/2009-06-30", "2001/2001"]
    for text in cases:
        assert dates.parse_date(text) == dates._from_edtf(text, edtf.parse_edtf(text)), text
