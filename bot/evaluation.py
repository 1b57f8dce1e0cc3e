"""Measure the matcher against a labelled JSONL file (the `safety-bot eval` tool)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.matching import Matcher

NONE_LABEL = "(abstain)"


class EvalFileError(ValueError):
    """The evaluation file has a line that is not a labelled message."""


@dataclass
class LabelledMessage:
    text: str
    intent: str | None
    crisis: bool
    note: str
    line: int

    @property
    def hard_negative(self) -> bool:
        return self.note.lower().startswith("hard negative")


@dataclass
class Outcome:
    message: LabelledMessage
    intent: str | None
    crisis: bool
    crisis_level: str | None
    rules: list[str]


@dataclass
class Report:
    total: int
    accuracy: float
    abstain_rate: float
    crisis_recall: float | None
    crisis_false_alarm_rate: float | None
    hard_negatives: int
    hard_negative_false_alarm_rate: float | None
    per_intent: dict[str, dict[str, float]]
    confusions: list[dict[str, Any]]
    missed_crises: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return self.__dict__


def read_labelled(path: Path) -> list[LabelledMessage]:
    messages = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                text = obj["text"]
                intent = obj.get("intent")
                crisis = obj.get("crisis", False)
            except (json.JSONDecodeError, KeyError, TypeError):
                raise EvalFileError(f"{path}:{number}: expected a JSON object with text, intent, crisis") from None
            valid = isinstance(text, str) and (intent is None or isinstance(intent, str)) and isinstance(crisis, bool)
            if not valid:
                raise EvalFileError(f"{path}:{number}: text must be text, intent text or null, crisis true/false")
            messages.append(LabelledMessage(text, intent, crisis, str(obj.get("note", "")), number))
    if not messages:
        raise EvalFileError(f"{path}: no labelled messages")
    return messages


def evaluate(matcher: Matcher, messages: list[LabelledMessage], worst: int = 10) -> tuple[Report, list[Outcome]]:
    outcomes = []
    for message in messages:
        match = matcher.match(message.text)
        outcomes.append(Outcome(message, match.intent, match.crisis, match.crisis_level,
                                sorted({f.rule.id for f in match.firings})))
    total = len(outcomes)
    correct = sum(o.intent == o.message.intent for o in outcomes)
    labels = sorted({o.message.intent or NONE_LABEL for o in outcomes} | {o.intent or NONE_LABEL for o in outcomes})
    per_intent: dict[str, dict[str, float]] = {}
    for label in labels:
        if label == NONE_LABEL:
            continue
        tp = sum(o.intent == label and o.message.intent == label for o in outcomes)
        predicted = sum(o.intent == label for o in outcomes)
        gold = sum(o.message.intent == label for o in outcomes)
        precision = tp / predicted if predicted else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                             "support": gold}
    crisis_gold = [o for o in outcomes if o.message.crisis]
    calm_gold = [o for o in outcomes if not o.message.crisis]
    hard = [o for o in outcomes if o.message.hard_negative and not o.message.crisis]
    pairs: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        if o.intent != o.message.intent:
            key = (o.message.intent or NONE_LABEL, o.intent or NONE_LABEL)
            pairs[key] += 1
            examples.setdefault(key, []).append(o)
    confusions = [
        {"gold": gold, "predicted": predicted, "count": count,
         "examples": [{"line": o.message.line, "text": o.message.text, "rules": o.rules}
                      for o in examples[(gold, predicted)][:3]]}
        for (gold, predicted), count in pairs.most_common(worst)
    ]
    report = Report(
        total=total,
        accuracy=round(correct / total, 4),
        abstain_rate=round(sum(o.intent is None for o in outcomes) / total, 4),
        crisis_recall=round(sum(o.crisis for o in crisis_gold) / len(crisis_gold), 4) if crisis_gold else None,
        crisis_false_alarm_rate=round(sum(o.crisis for o in calm_gold) / len(calm_gold), 4) if calm_gold else None,
        hard_negatives=len(hard),
        hard_negative_false_alarm_rate=round(sum(o.crisis for o in hard) / len(hard), 4) if hard else None,
        per_intent=per_intent,
        confusions=confusions,
        missed_crises=[{"line": o.message.line, "text": o.message.text} for o in crisis_gold if not o.crisis],
    )
    return report, outcomes


def format_report(report: Report) -> str:
    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value * 100:.1f}%"

    lines = [
        f"messages:            {report.total}",
        f"accuracy:            {pct(report.accuracy)}",
        f"abstain rate:        {pct(report.abstain_rate)}",
        f"crisis recall:       {pct(report.crisis_recall)}",
        f"crisis false alarms: {pct(report.crisis_false_alarm_rate)}",
        f"hard-negative false alarms: {pct(report.hard_negative_false_alarm_rate)} of {report.hard_negatives}",
        "",
        f"{'intent':<26}{'precision':>10}{'recall':>8}{'f1':>7}{'n':>5}",
    ]
    for intent, m in sorted(report.per_intent.items()):
        lines.append(f"{intent:<26}{m['precision']:>10.2f}{m['recall']:>8.2f}{m['f1']:>7.2f}{int(m['support']):>5}")
    if report.confusions:
        lines += ["", "worst confusions (gold -> predicted):"]
        for c in report.confusions:
            lines.append(f"  {c['gold']} -> {c['predicted']}: {c['count']}")
            for ex in c["examples"]:
                rules = ", ".join(ex["rules"]) or "no rule fired"
                lines.append(f"      line {ex['line']}: [{rules}] {ex['text'][:100]}")
    if report.missed_crises:
        lines += ["", "MISSED CRISES:"]
        lines += [f"  line {m['line']}: {m['text'][:120]}" for m in report.missed_crises]
    return "\n".join(lines)
