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
