"""`safety-bot check`: everything a curator can get wrong in the content, as file:line findings.

Errors fail the check (non-zero exit); warnings are printed but pass unless ``--strict``.
Matcher checks live here; reply/resource checks are added by `bot.conversation.lint`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.content.model import Content, Rule
from bot.content.yamlsource import Where, format_problem
from bot.matching import Matcher
from bot.taxonomy import ALWAYS_CRISIS, INTENT_IDS

MIN_EXAMPLES = 15


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning | info
    where: Where | None
    message: str

    def __str__(self) -> str:
        return format_problem(self.where, f"{self.level}: {self.message}")


def lint_matcher(content: Content, matcher: Matcher) -> list[Finding]:
    """Schema is already valid here; check coverage, dead rules and the examples."""
    findings: list[Finding] = []
    err: Callable[[Where | None, str], None] = lambda w, m: findings.append(Finding("error", w, m))  # noqa: E731
    warn: Callable[[Where | None, str], None] = lambda w, m: findings.append(Finding("warning", w, m))  # noqa: E731

    for intent_id in INTENT_IDS:
        if intent_id not in content.intents:
            err(None, f"taxonomy intent {intent_id} has no intent file")
    for intent in content.intents.values():
        if intent.id not in INTENT_IDS:
            err(intent.where, f"intent {intent.id} is not in shared/taxonomy.md (ids are a public contract)")
        if intent.id in ALWAYS_CRISIS and intent.crisis_level is None:
            err(intent.where, f"intent {intent.id} must set crisis_level (the taxonomy makes it always a crisis)")
        for other in intent.overrides:
            if other not in content.intents:
                warn(intent.where, f"intent {intent.id} overrides unknown intent {other} (no effect)")
        if not intent.rules:
            err(intent.where, f"intent {intent.id} has no rules")
        if len(intent.examples) < MIN_EXAMPLES:
            warn(intent.where, f"intent {intent.id} has {len(intent.examples)} examples (want at least {MIN_EXAMPLES})")

    used = {c for r in _all_rules(content) for c in [*r.all, *r.any, *r.none]} | set(content.crisis.silencers)
    for concept in content.concepts.values():
        if concept.name not in used:
            warn(concept.where, f"concept {concept.name} is not used by any rule")
        for term in concept.terms:
            if matcher.lexicon.keys_by_term.get(("concept", concept.name, term.text), 1) == 0:
                warn(term.where, f"term {term.text!r} duplicates another term of {concept.name}")
    for rule in _all_rules(content):
        _lint_rule(rule, content, err)

    _lint_examples(content, matcher, err, warn)
    return findings


def _all_rules(content: Content) -> list[Rule]:
    return [r for i in content.intents.values() for r in i.rules] + list(content.crisis.rules)


def _lint_rule(rule: Rule, content: Content, err: Callable[[Where | None, str], None]) -> None:
    overlap = set(rule.all) & set(rule.none)
    if overlap:
        err(rule.where, f"rule {rule.id} can never fire: {', '.join(sorted(overlap))} is in both all and none")
    if rule.any and set(rule.any) <= set(rule.none):
        err(rule.where, f"rule {rule.id} can never fire: every 'any' concept is also in none")
    groups = len(rule.all) + (1 if rule.any else 0)
    if rule.within is not None and rule.within < groups:
        err(rule.where, f"rule {rule.id} can never fire: {groups} concepts cannot fit within {rule.within} tokens")
    if rule.intent and rule.weight <= 0:
        err(rule.where, f"rule {rule.id} has weight 0 and can never count")


def _lint_examples(content: Content, matcher: Matcher, err, warn) -> None:
    seen: dict[str, Where | None] = {}
    fired_rules: set[str] = set()
    for intent in content.intents.values():
        for example in intent.examples:
            key = " ".join(example.text.lower().split())
            if key in seen:
                err(example.where, f"example also appears at {seen[key]}")
            seen[key] = example.where
            match = matcher.match(example.text)
            fired_rules.update(f.rule.id for f in match.firings)
            if match.intent != intent.id:
                got = match.intent or "no intent (abstain)"
                err(example.where, f"example of {intent.id} is classified as {got}")
            if intent.id in ALWAYS_CRISIS and not match.crisis:
                err(example.where, f"example of {intent.id} does not raise the crisis flag")
        for example in intent.counter_examples:
            match = matcher.match(example.text)
            if match.intent == intent.id:
                err(example.where, f"counter-example of {intent.id} is classified as {intent.id}")
    for intent in content.intents.values():
        for rule in intent.rules:
            if rule.id not in fired_rules:
                warn(rule.where, f"rule {rule.id} fires on none of the examples (add one that needs it)")
