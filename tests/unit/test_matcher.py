"""Rules, modifiers, decisions and the crisis channel, on the small fixture content."""

from __future__ import annotations

from pathlib import Path

from bot.content.loader import load_content
from bot.matching import Matcher
from tests.conftest import MINI_INTENTS, write_content


def test_rule_with_all_any_and_money_slot_fires(mini_matcher):
    match = mini_matcher.match("he said he'll leak my pics unless i send $200")
    assert match.intent == "sextortion"
    assert not match.crisis
    assert match.crisis_level is None


def test_within_keeps_co_occurrence_local(mini_matcher):
    far = "my pics " + "and then we went to the park and played " * 3 + "he will leak them. pay"
    assert mini_matcher.match(far).intent != "sextortion"


def test_negation_drops_an_ordinary_rule(mini_matcher):
    match = mini_matcher.match("nobody will leak my pics, i just want to pay")
    assert match.intent != "sextortion"
    assert not any(f.rule.id == "sextortion.threat" for f in match.firings)


def test_pseudo_negation_is_not_a_negation(mini_matcher):
    match = mini_matcher.match("i dont know why he will leak my pics unless i pay")
    assert match.intent == "sextortion"


def test_negation_scope_stops_at_but(mini_matcher):
    match = mini_matcher.match("not sure what to do but he will leak my pics unless i pay")
    assert match.intent == "sextortion"


def test_other_person_reroutes_to_helping_friend(mini_matcher):
    match = mini_matcher.match("my friend says he will leak her pics unless she pays")
    assert match.intent == "helping_friend"
    rerouted = [f for f in match.firings if f.action and f.action.kind == "reroute"]
    assert rerouted and rerouted[0].action.target == "helping_friend"


def test_hypothetical_reroutes_to_out_of_scope(mini_matcher):
    match = mini_matcher.match("for my essay: why do people leak pics and ask them to pay")
    assert match.intent == "out_of_scope"


def test_weak_evidence_abstains_with_candidates(mini_matcher):
    match = mini_matcher.match("he posted my pic")
    assert match.intent is None
    assert match.abstained
    assert match.candidates[0].intent == "sextortion"


def test_no_evidence_falls_back_to_out_of_scope(mini_matcher):
    match = mini_matcher.match("what is the capital of australia")
    assert match.intent == "out_of_scope"
    assert match.candidates == ()


def test_priority_breaks_a_near_tie(tmp_path: Path):
    intents = dict(MINI_INTENTS)
    intents["greeting"] = intents["greeting"].replace("priority: 10", "priority: 90")
    matcher = Matcher(load_content(write_content(tmp_path / "i", intents)))
    match = matcher.match("hi my friend")
    assert match.intent == "greeting"


def test_crisis_channel_is_independent_of_the_intent(mini_matcher):
    match = mini_matcher.match("he will leak my pics unless i pay and i want to die")
    assert match.intent == "sextortion"
    assert match.crisis and match.crisis_level == "crisis"


def test_immediacy_with_ideation_is_an_emergency(mini_matcher):
    assert mini_matcher.match("i want to die tonight").crisis_level == "emergency"


def test_laughter_downgrades_to_a_check_in_never_silences(mini_matcher):
    match = mini_matcher.match("failed my test kms 😂😂")
    assert match.crisis and match.crisis_level == "check_in"
    assert mini_matcher.match("failed it again tonight kms lol").crisis_level == "check_in"


def test_negated_ideation_still_gets_a_check_in(mini_matcher):
    match = mini_matcher.match("i dont want to die")
    assert match.crisis and match.crisis_level == "check_in"


def test_third_person_ideation_gets_a_check_in(mini_matcher):
    assert mini_matcher.match("my friend keeps saying suicide jokes").crisis_level == "check_in"


def test_silencer_removes_only_the_crisis_hit_it_covers(mini_matcher):
    assert not mini_matcher.match("this homework is killing me").crisis
    assert not mini_matcher.match("my mum will kill me").crisis
    assert mini_matcher.match("please kill me").crisis_level == "check_in"
    both = mini_matcher.match("this homework is killing me and i want to die")
    assert both.crisis and both.crisis_level == "crisis"


def test_skeleton_and_fuzzy_views_catch_obfuscation(mini_matcher):
    assert mini_matcher.match("k1ll mys3lf").crisis
    assert mini_matcher.match("i want to k\u200bill myself").crisis
    fuzzy = mini_matcher.match("thinking about suicde")
    assert fuzzy.crisis
    views = {h["view"] for f in fuzzy.explanation() for h in f["hits"]}
    assert "fuzzy" in views


def test_explanation_names_rule_concept_term_view_and_span(mini_matcher):
    match = mini_matcher.match("he will leak my pics unless i pay")
    entry = next(e for e in match.explanation() if e["rule"] == "sextortion.threat")
    concepts = {h["concept"]: h for h in entry["hits"]}
    assert concepts["SHARE"]["term"] == "leak"
    assert concepts["SHARE"]["view"] == "plain"
    assert concepts["SHARE"]["span"] == [2, 2]


def test_as_json_has_the_classify_contract(mini_matcher):
    out = mini_matcher.match("hi").as_json()
    assert set(out) == {"intent", "crisis", "crisis_level", "confidence"}
    assert 0.0 <= out["confidence"] <= 1.0


def test_prefix_terms_and_joined_tokens(tmp_path):
    from tests.conftest import MINI_INTENTS, write_content

    root = write_content(tmp_path / "i", MINI_INTENTS, extra={
        "en/more.yaml": 'concepts:\n  HARM: ["self harm*"]\n',
    })
    crisis = root / "en" / "crisis.yaml"
    crisis.write_text(crisis.read_text() + "    - id: crisis.harm\n      any: [HARM]\n      level: crisis\n")
    matcher = Matcher(load_content(root))
    assert matcher.match("i keep self harmimg").crisis
    assert matcher.match("no self harmony here").crisis  # a prefix is a prefix: curators pick safe ones
    assert not matcher.match("selfish harm").crisis
    hashtag = matcher.match("#iwanttodie")
    assert hashtag.crisis
    assert {h["view"] for e in hashtag.explanation() for h in e["hits"]} == {"joined"}
