"""Property tests: no input crashes the matcher, and cost grows linearly with length."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=("Cs",)), max_size=600)
TEEN_TEXT = st.lists(
    st.sampled_from(["i", "want", "to", "die", "kms", "lol", "💀", "pics", "leak", "pay", "$200", "not",
                     "my", "friend", "||", "~~", "k.m.s", "n00dz", "\u200b", "ѕ", "!!!", ",", "..."]),
    max_size=80,
).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_no_unicode_input_crashes(mini_matcher, text):
    match = mini_matcher.match(text)
    assert match.crisis == (match.crisis_level is not None)
    assert 0.0 <= match.confidence <= 1.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEEN_TEXT)
def test_no_teen_like_input_crashes(mini_matcher, text):
    mini_matcher.match(text)


def _best_time(matcher, text: str, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        matcher.match(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_cost_is_linear_in_length(mini_matcher):
    """Quadrupling the text must not cost anywhere near 16x (quadratic); the bound is generous."""
    unit = "he will leak my pics unless i pay $200 kms lol not my friend. "
    short, long = unit * 16, unit * 64  # ~1,000 and ~4,000 characters
    ratio = _best_time(mini_matcher, long) / _best_time(mini_matcher, short)
    assert ratio < 10, f"4x longer text cost {ratio:.1f}x"
