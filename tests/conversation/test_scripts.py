"""Conversation scripts as data (tests/conversations/*.yaml): turns and button presses ->
expected reply ids, resources and choices."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.conversation.engine import Context

SCRIPTS = sorted((Path(__file__).resolve().parents[1] / "conversations").glob("*.yaml"))
EXPECT_KEYS = {"replies", "replies_start", "resources", "choices", "country", "crisis_level", "first_resource_kind"}


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_conversation_script(engine, path):
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    context = engine.context(script.get("country"))
    reply = engine.start(context)
    context = reply.context_after(context)
    for number, turn in enumerate(script["turns"], 1):
        where = f"{path.name} turn {number}"
        if "say" in turn:
            reply = engine.respond(turn["say"], context)
        elif "press" in turn:
            choice = next((c for c in reply.choices if c.id == turn["press"]), None)
            assert choice is not None, f"{where}: no choice {turn['press']} in {[c.id for c in reply.choices]}"
            reply = engine.choose(choice.payload, context)
        elif "press_country" in turn:
            name = engine.directory.countries[turn["press_country"]].name
            choice = next((c for c in reply.choices if c.label == name), None)
            assert choice is not None, f"{where}: no country choice {name}"
            reply = engine.choose(choice.payload, context)
        else:
            raise AssertionError(f"{where}: a turn needs say, press or press_country")
        context = reply.context_after(context)
        expect = turn.get("expect", {})
        assert set(expect) <= EXPECT_KEYS, f"{where}: unknown expectation {set(expect) - EXPECT_KEYS}"
        if "replies" in expect:
            assert list(reply.reply_ids) == expect["replies"], where
        if "replies_start" in expect:
            assert list(reply.reply_ids[: len(expect["replies_start"])]) == expect["replies_start"], where
        resources = {r.resource.id for r in reply.resources}
        assert set(expect.get("resources", [])) <= resources, f"{where}: resources {sorted(resources)}"
        choices = {c.id for c in reply.choices}
        assert set(expect.get("choices", [])) <= choices, f"{where}: choices {sorted(choices)}"
        if "country" in expect:
            assert reply.country == expect["country"], where
        if "crisis_level" in expect:
            assert reply.crisis_level == expect["crisis_level"], where
        if "first_resource_kind" in expect:
            assert reply.resources[0].resource.kind == expect["first_resource_kind"], where


def test_scripts_cover_every_intent(real_content):
    said = set()
    for path in SCRIPTS:
        for turn in yaml.safe_load(path.read_text(encoding="utf-8"))["turns"]:
            said.update(turn.get("expect", {}).get("replies", []))
            said.update(turn.get("expect", {}).get("replies_start", []))
    assert set(real_content.intents) <= said


def test_context_keeps_no_text(engine):
    reply = engine.respond("unique-marker-words he will leak my pics unless i pay", Context(country="GB"))
    after = reply.context_after(Context(country="GB"))
    assert "unique" not in repr(after)
