"""Quality gates on the real content (run in CI): check, coverage, dev/eval/crisis sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.content.lint import MIN_EXAMPLES, lint_matcher
from bot.evaluation import evaluate, read_labelled
from bot.taxonomy import INTENT_IDS

DATA = Path(__file__).resolve().parents[1] / "data"


def test_check_has_no_errors(real_content, matcher):
    errors = [str(f) for f in lint_matcher(real_content, matcher) if f.level == "error"]
    assert not errors, "\n".join(errors[:30])


@pytest.mark.parametrize("intent_id", INTENT_IDS)
def test_every_taxonomy_intent_has_rules_and_examples(real_content, intent_id):
    intent = real_content.intents[intent_id]
    assert intent.rules
    assert len(intent.examples) >= MIN_EXAMPLES
    assert intent.counter_examples


def _texts(path: Path) -> set[str]:
    return {" ".join(json.loads(line)["text"].lower().split()) for line in path.open(encoding="utf-8") if line.strip()}


@pytest.mark.parametrize("name", ["dev-messages.jsonl", "eval.jsonl", "crisis.jsonl"])
def test_measurement_sets_stay_out_of_the_yaml_examples(real_content, name):
    examples = {" ".join(e.text.lower().split()) for i in real_content.intents.values()
                for e in [*i.examples, *i.counter_examples]}
    overlap = examples & _texts(DATA / name)
    assert not overlap, sorted(overlap)[:5]


def test_eval_set_is_large_and_separate_from_the_dev_set():
    eval_texts = _texts(DATA / "eval.jsonl")
    assert len(eval_texts) >= 400
    assert not eval_texts & _texts(DATA / "dev-messages.jsonl")
    hard = [json.loads(line) for line in (DATA / "eval.jsonl").open(encoding="utf-8")
            if json.loads(line).get("note", "").lower().startswith("hard negative")]
    assert len(hard) >= 40


def test_dev_set_gates(matcher):
    report, _ = evaluate(matcher, read_labelled(DATA / "dev-messages.jsonl"))
    assert report.crisis_recall == 1.0, report.missed_crises
    assert report.accuracy >= 0.85, report.confusions[:5]


def test_eval_set_gates(matcher):
    report, _ = evaluate(matcher, read_labelled(DATA / "eval.jsonl"))
    assert report.crisis_recall == 1.0, report.missed_crises
    assert report.accuracy >= 0.90, report.confusions[:5]
    assert report.hard_negative_false_alarm_rate is not None
    assert report.hard_negative_false_alarm_rate <= 0.10


def test_crisis_set_has_full_recall(matcher):
    messages = read_labelled(DATA / "crisis.jsonl")
    assert all(m.crisis for m in messages)
    missed = [m.text for m in messages if not matcher.match(m.text).crisis]
    assert not missed
