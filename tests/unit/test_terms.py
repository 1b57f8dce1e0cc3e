"""The curators' term notation and the inflection expansion."""

from __future__ import annotations

import pytest

from bot.matching.terms import TermSyntaxError, expand_alternatives, expand_term, inflect_word


def test_alternatives_and_optionals_expand():
    assert sorted(expand_alternatives("send (it|them) to [ur|your] mum")) == sorted([
        "send it to ur mum", "send it to your mum", "send it to mum",
        "send them to ur mum", "send them to your mum", "send them to mum",
    ])


@pytest.mark.parametrize("bad", ["send (it|them to", "post [my pics", "a|b", "a (b|c"])
def test_broken_notation_is_an_error(bad):
    with pytest.raises(TermSyntaxError):
        expand_alternatives(bad)


def test_expansion_is_capped():
    with pytest.raises(TermSyntaxError):
        expand_alternatives(" ".join("(a|b|c)" for _ in range(8)))


@pytest.mark.parametrize(("word", "forms"), [
    ("leak", {"leaks", "leaked", "leaking"}),
    ("expose", {"exposes", "exposed", "exposing"}),
    ("cut", {"cuts", "cutting"}),
    ("die", {"dies", "died", "dying"}),
    ("copy", {"copies", "copied", "copying"}),
    ("pay", {"pays", "paying"}),
])
def test_inflections(word, forms):
    assert forms <= inflect_word(word)


def test_phrases_inflect_first_and_last_word_but_not_pronouns():
    forms = set(expand_term("post them", inflect=True))
    assert {"posted them", "posting them", "posts them"} <= forms
    assert "post themed" not in forms


def test_exact_terms_are_not_inflected():
    assert expand_term("leak", inflect=False) == ["leak"]


def test_nested_groups_expand():
    assert sorted(expand_alternatives("a ((b|c)|d)")) == ["a b", "a c", "a d"]
