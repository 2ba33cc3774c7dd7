"""The blind set's floors (scripts/blind_eval.py ``--min`` and ``--min-style``, make blind-floor): issue 12 holds
the blind set at 90% overall and 85% in each style."""
from __future__ import annotations

from scripts.blind_eval import below_floor, summarise


def _summary(rights_by_style):
    msgs = [{"style": style, "right": right} for style, rights in rights_by_style.items() for right in rights]
    return summarise(msgs, [])


def test_every_floor_holds():
    summary = _summary({"story": [True] * 9 + [False], "formal": [True] * 9 + [False]})
    assert below_floor(summary, 0.90, 0.85) == []


def test_the_overall_floor_fails_below_it():
    summary = _summary({"story": [True] * 8 + [False] * 2})
    assert below_floor(summary, 0.90, None) == ["overall 80.0% < 90%"]


def test_one_style_below_its_floor_fails_even_when_the_whole_holds():
    summary = _summary({"story": [True] * 40, "formal": [True] * 8 + [False] * 2})
    assert below_floor(summary, 0.90, 0.85) == ["formal 80.0% < 85%"]


def test_no_floor_given_never_fails():
    assert below_floor(_summary({"story": [False] * 3}), None, None) == []
