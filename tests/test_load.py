"""The YAML composer: the depth limit speaks the same on every parser."""

from __future__ import annotations

import pytest
import yaml

from generator import yamlcompose

PARSERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.mark.parametrize("depth", [21, 1_500, 100_000])
@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
def test_depth_limit_is_ours_on_every_parser(monkeypatch, parser, depth):
    """Past 20 levels the message is ours, whichever parser runs and whatever its own limit."""
    monkeypatch.setattr(yamlcompose, "_YAML_LOADER", parser)
    raw = ("name: NATO\naliases: " + "[" * depth + "]" * depth + "\n").encode()
    value, _, _, problems = yamlcompose.read_yaml(raw, "seeds/actors/nato.yaml")
    assert value is None
    assert [str(p) for p in problems] == [
        "seeds/actors/nato.yaml:2:29: error: aliases" + "[0]" * 18 + ": nested more than 20 levels deep"
    ]


def test_twenty_levels_are_accepted():
    raw = ("name: NATO\naliases: " + "[" * 19 + "]" * 19 + "\n").encode()
    value, _, _, problems = yamlcompose.read_yaml(raw, "seeds/actors/nato.yaml")
    assert problems == []
    assert value["name"] == "NATO"


# --------------------------------------------------------------------------- values, positions, refusals


def read(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return yamlcompose.read_yaml(raw, "seeds/actors/x.yaml")


def test_values_are_plain_text_lists_and_mappings():
    value, _, _, problems = read("name: NATO\naliases: [OTAN, North Atlantic]\ncount: 3\nflag: true\nnote: ~\n")
    assert problems == []
    # Scalars stay text (no bool or int guessing); only a plain null is None.
    assert value == {"name": "NATO", "aliases": ["OTAN", "North Atlantic"], "count": "3", "flag": "true", "note": None}


def test_every_value_and_key_has_its_line_and_column():
    value, marks, key_marks, problems = read("name: NATO\naliases:\n  - OTAN\n  - Alliance\nroles:\n  - title: ally\n")
    assert problems == []
    assert marks[("name",)] == (1, 7)
    assert marks[("aliases",)] == (3, 3)
    assert marks[("aliases", 1)] == (4, 5)
    assert marks[("roles", 0, "title")] == (6, 12)
    assert key_marks[("aliases",)] == (2, 1)
    assert key_marks[("roles", 0, "title")] == (6, 5)


def test_a_duplicate_key_is_refused_where_it_is_repeated_and_the_first_value_kept():
    value, _, _, problems = read("name: NATO\ntype: organisation\nname: OTAN\n")
    assert [str(p) for p in problems] == [
        "seeds/actors/x.yaml:3:1: error: name: duplicate key 'name' (first defined at line 1)"
    ]
    assert value["name"] == "NATO"


@pytest.mark.parametrize("text", ["base: &b NATO\nname: *b\n", "name: &n NATO\n", "a: [1]\nb: *x\n"])
def test_anchors_and_aliases_are_refused(text):
    value, _, _, problems = read(text)
    assert value is None
    assert len(problems) == 1
    assert "anchors and aliases (& and *) are not allowed in seed files" in str(problems[0])


def test_a_second_document_is_refused():
    _, _, _, problems = read("name: NATO\n---\nname: OTAN\n")
    assert [p.message for p in problems] == ["a seed file holds one YAML document"]
    assert problems[0].line == 2


@pytest.mark.parametrize("raw", [
    b"name: NATO\r\naliases:\r\n  - OTAN\r\nname: OTAN\r\n",  # CRLF (Windows)
    b"name: NATO\raliases:\r  - OTAN\rname: OTAN\r",  # CR alone (old Mac)
    b"\xef\xbb\xbfname: NATO\naliases:\n  - OTAN\nname: OTAN\n",  # a UTF-8 byte-order mark
])
def test_odd_line_ends_and_a_bom_give_the_same_values_and_positions(raw):
    good = raw.rsplit(b"name", 1)[0]
    value, marks, _, problems = read(good)
    assert problems == []
    assert value == {"name": "NATO", "aliases": ["OTAN"]}
    assert marks[("name",)] == (1, 7) and marks[("aliases", 0)] == (3, 5)
    _, _, _, problems = read(raw)  # the repeated key on line 4 is reported on line 4, column 1
    assert [(p.line, p.col) for p in problems] == [(4, 1)]


def test_unicode_line_separators_do_not_shift_lines():
    """U+2028 ends a line for YAML but not for editors: positions count "\\n" only."""
    value, marks, _, problems = read('name: "NATO\u2028still the first line"\naliases:\n  - OTAN\n')
    assert problems == []
    assert marks[("aliases", 0)] == (3, 5)


def test_bytes_that_are_not_utf8_are_located():
    _, _, _, problems = read(b"name: NATO\naliases: [\xff]\n")
    assert [str(p) for p in problems] == [
        "seeds/actors/x.yaml:2:11: error: not valid UTF-8: byte 0xff cannot be decoded"
    ]


def test_a_file_over_the_limit_is_refused_unread():
    _, _, _, problems = read(b"a" * (yamlcompose.MAX_FILE_BYTES + 1))
    assert [p.message for p in problems] == ["file is 1.0 MB; the limit is 1 MB"]
