"""The conversation rules, on the real content."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation.engine import Context
from bot.conversation.lint import PREVIEW_WORDS
from bot.conversation.payload import MAX_BYTES, Payload, decode
from bot.conversation.render import render_text
from bot.matching import Match


def gb() -> Context:
    return Context(country="GB")


def test_start_says_bot_not_person_no_saving_emergency_and_menu(engine):
    reply = engine.start(gb())
    text = render_text(reply)
    assert "bot, not a person" in reply.first_line
    assert "don't save" in reply.first_line
    assert "999" in text
    topic_ids = {c.id for c in reply.choices}
    assert {"sextortion", "image_leaked", "grooming", "not_safe"} <= topic_ids


def test_international_start_never_shows_a_wrong_number(engine):
    text = render_text(engine.start(Context(country="international")))
    assert "your local emergency number" in text


def _match(intent, level=None):
    return Match(intent, level is not None, level, 0.9)


@pytest.mark.parametrize(("level", "first"), [
    ("check_in", "crisis_check_in"), ("crisis", "crisis_crisis"), ("emergency", "crisis_emergency"),
])
def test_crisis_reply_comes_first_shaped_by_level(engine, level, first):
    reply = engine.reply_for_match(_match("sextortion", level), gb())
    assert reply.reply_ids == (first, "sextortion")


def test_emergency_puts_the_emergency_number_first(engine):
    reply = engine.reply_for_match(_match("sextortion", "emergency"), gb())
    assert "999" in reply.blocks[0].text[0]
    assert reply.resources[0].resource.kind == "emergency"


def test_crisis_intent_is_not_shown_twice(engine):
    reply = engine.reply_for_match(_match("crisis_self_harm", "crisis"), gb())
    assert reply.reply_ids == ("crisis_self_harm",)
    danger = engine.reply_for_match(_match("immediate_danger", "emergency"), gb())
    assert danger.reply_ids == ("immediate_danger",)


def test_check_in_on_a_joke_does_not_add_the_out_of_scope_text(engine):
    reply = engine.reply_for_match(_match("out_of_scope", "check_in"), gb())
    assert reply.reply_ids == ("crisis_check_in",)


def test_abstain_offers_likely_topics_menu_and_not_safe(engine):
    from bot.matching.matcher import Candidate

    match = Match(None, False, None, 0.3, (Candidate("sextortion", 0.8), Candidate("image_leaked", 0.6)))
    reply = engine.reply_for_match(match, gb())
    ids = [c.id for c in reply.choices]
    assert reply.reply_ids == ("abstain",)
    assert ids[:2] == ["sextortion", "image_leaked"]
    assert "menu" in ids and "not_safe" in ids
    assert "understand" not in render_text(reply).lower()


def test_every_reply_first_line_is_lock_screen_neutral(engine):
    for reply_id in engine.replies:
        reply = engine.choose(Payload("t", reply_id, "GB").encode(), gb())
        assert not PREVIEW_WORDS.search(reply.first_line), (reply_id, reply.first_line)


def test_every_choice_payload_fits_and_round_trips(engine):
    for code in engine.directory.countries:
        for reply_id in engine.replies:
            reply = engine.choose(Payload("t", reply_id, code).encode(), Context(country=code, last="sextortion"))
            for choice in reply.choices:
                assert len(choice.payload.encode()) <= MAX_BYTES
                assert decode(choice.payload) is not None


@pytest.mark.parametrize("forged", [
    "", "sb1", "sb1:t:../../etc:GB", "sb1:t:sextortion:ZZ", "sb2:t:menu:GB", "sb1:x:menu:GB",
    "sb1:t:sextortion:GB:extra", "x" * 500, None, 42, "sb1:t:SEXTORTION:GB", "sb1:t:nope:GB",
])
def test_forged_or_stale_payloads_show_the_menu(engine, forged):
    assert engine.choose(forged, gb()).reply_ids == ("menu",)


def test_country_change_is_one_choice_and_reshows_the_topic(engine):
    first = engine.respond("he says he will post my nudes unless i pay him", gb())
    context = first.context_after(gb())
    change = next(c for c in first.choices if c.id == "country")
    picker = engine.choose(change.payload, context)
    australia = next(c for c in picker.choices if c.label == "Australia")
    again = engine.choose(australia.payload, context)
    assert again.reply_ids == ("sextortion",)
    assert again.country == "AU"
    assert any(r.resource.id.startswith("au_") for r in again.resources)


def test_unknown_country_falls_back_to_international_visibly(engine):
    reply = engine.choose("sb1:t:sextortion:international", Context(country="international"))
    assert reply.country == "international"
    assert reply.resources
    assert all(r.country == "international" for r in reply.resources)


def test_resources_resolve_for_every_country_and_kind(engine):
    kinds = {k for spec in engine.replies.values() for k in spec.resources}
    for code in engine.directory.countries:
        for kind in kinds:
            assert engine.directory.resolve([kind], code), (code, kind)


MARKERS = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=9, max_size=14)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marker=MARKERS, template=st.sampled_from([
    "{m}", "hi {m}", "{m} says he will post my pics unless i pay", "i want to die {m}",
    "my friend {m} got her nudes leaked", "is this chat private {m}", "<b>{m}</b> @everyone {{emergency}}",
    "%s %(m)s {m} {0}", "||{m}|| kms lol",
]))
def test_user_text_never_reaches_a_reply(engine, marker, template):
    text = template.replace("{m}", marker)
    reply = engine.respond(text, gb())
    rendered = render_text(reply)
    assert marker not in rendered.lower()
    assert "@everyone" not in rendered
    assert not re.search(r"\{[a-z]+\}", rendered)
