"""Generated obfuscations of every explicit crisis term must still raise the crisis flag.

Terms come from the real content (IDEATION and SELF_HARM), so a term added there is tested
automatically. Obfuscations: leet, spacing, dots, homoglyphs, zero-width characters, repeated
letters, Discord markdown, upper case and fullwidth letters.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.matching.terms import expand_alternatives

LEET = {"i": "1", "e": "3", "a": "4", "o": "0", "s": "5", "t": "7", "l": "1"}
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "s": "ѕ", "i": "і", "k": "к", "m": "м", "y": "у"}
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]


def leet(term: str, rng: random.Random) -> str:
    return "".join(LEET[c] if c in LEET and rng.random() < 0.6 else c for c in term)


def spaced(term: str, rng: random.Random) -> str:
    sep = rng.choice([" ", ".", "-", " . "])
    return sep.join(c for c in term if c != " ")


def homoglyphs(term: str, rng: random.Random) -> str:
    return "".join(HOMOGLYPHS[c] if c in HOMOGLYPHS and rng.random() < 0.5 else c for c in term)


def zero_width(term: str, rng: random.Random) -> str:
    return "".join(c + (rng.choice(ZERO_WIDTH) if c.isalpha() and rng.random() < 0.4 else "") for c in term)


def repeats(term: str, rng: random.Random) -> str:
    return "".join(c * rng.randint(3, 5) if c.isalpha() and rng.random() < 0.3 else c for c in term)


def markdown(term: str, rng: random.Random) -> str:
    left, right = rng.choice([("||", "||"), ("**", "**"), ("~~", "~~"), ("__", "__"), ("`", "`")])
    return f"{left}{term}{right}"


def shouting(term: str, rng: random.Random) -> str:
    return term.upper() if rng.random() < 0.5 else "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in term)


OBFUSCATIONS = [leet, spaced, homoglyphs, zero_width, repeats, markdown, shouting]


def explicit_terms(content) -> list[str]:
    terms = []
    for name in ("IDEATION", "SELF_HARM"):
        for term in content.concepts[name].terms:
            first = expand_alternatives(term.text.lower())[0]
            if len(first.replace(" ", "")) >= 3:
                terms.append(first)
    return sorted(set(terms))


@pytest.fixture(scope="module")
def terms(real_content):
    return explicit_terms(real_content)


def test_every_explicit_term_raises_crisis_plainly(matcher, terms):
    missed = [t for t in terms if not matcher.match(f"honestly {t} fr").crisis]
    assert not missed


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_obfuscated_explicit_terms_raise_crisis(matcher, terms, data):
    term = data.draw(st.sampled_from(terms), label="term")
    obfuscate = data.draw(st.sampled_from(OBFUSCATIONS), label="obfuscation")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    text = f"honestly {obfuscate(term, random.Random(seed))} fr"
    match = matcher.match(text)
    assert match.crisis, f"{obfuscate.__name__}: {text!r} did not raise the crisis flag"


@pytest.mark.parametrize("obfuscate", OBFUSCATIONS, ids=lambda f: f.__name__)
def test_each_obfuscation_on_every_term(matcher, terms, obfuscate):
    rng = random.Random(7)
    missed = [(t, o) for t in terms if not matcher.match(f"honestly {(o := obfuscate(t, rng))} fr").crisis]
    assert not missed
