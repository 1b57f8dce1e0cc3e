"""The matcher: text in, `Match` out. Pure and stateless; compiled once from content.

Two independent channels read the same hits:

* intents: every rule that fires adds to its intent's score (max weight plus a small, capped
  bonus for further independent rules, so "more keywords" cannot run away); the top intent wins
  if it clears its threshold and beats the runner-up by the margin (or outranks it by priority,
  or overrides it); otherwise the matcher abstains (intent None) and offers its likeliest
  candidates. With no evidence at all the fallback intent (``out_of_scope``) is returned.
* crisis: recall-first rules with levels (check_in < crisis < emergency). Modifiers can only
  lower a level to check_in, never below; narrow "silencer" phrases ("this homework is
  killing me") remove the crisis hits they cover and nothing else.

The `explanation` holds message words (the matched terms): it is for developer tools and tests,
never for logs.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any

from bot.content.model import CRISIS_LEVELS, Content, Rule
from bot.matching.lexicon import Lexicon
from bot.matching.normalise import MAX_INPUT_CHARS, Normaliser, Views
from bot.matching.rules import ConceptHit, Firing, concept_hits, evaluate, modifier_scopes

EXTRA_RULE_BONUS = 0.25
EXTRA_RULE_BONUS_CAP = 0.5


@dataclass(frozen=True)
class Candidate:
    intent: str
    score: float


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one message."""

    intent: str | None
    crisis: bool
    crisis_level: str | None
    confidence: float
    candidates: tuple[Candidate, ...] = ()
    firings: tuple[Firing, ...] = field(default=(), repr=False, compare=False)
    crisis_firings: tuple[Firing, ...] = field(default=(), repr=False, compare=False)

    @property
    def abstained(self) -> bool:
        return self.intent is None

    def as_json(self, explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "intent": self.intent,
            "crisis": self.crisis,
            "crisis_level": self.crisis_level,
            "confidence": round(self.confidence, 3),
        }
        if explain:
            out["candidates"] = [{"intent": c.intent, "score": round(c.score, 3)} for c in self.candidates]
            out["explain"] = self.explanation()
        return out

    def explanation(self) -> list[dict[str, Any]]:
        """Which rules fired on which terms; contains message words, so never log it."""
        return [_explain(f, "crisis") for f in self.crisis_firings] + [_explain(f, "intent") for f in self.firings]


def _explain(firing: Firing, channel: str) -> dict[str, Any]:
    rule = firing.rule
    return {
        "channel": channel,
        "rule": rule.id,
        "intent": rule.intent,
        "level": rule.level,
        "weight": round(firing.weight, 3),
        "action": str(firing.action) if firing.action else None,
        "modifiers": sorted(firing.modifiers),
        "hits": [
            {"concept": h.hit.name, "term": h.hit.term, "view": h.hit.view,
             "span": [h.hit.start, h.hit.end], "modifiers": sorted(h.modifiers)}
            for h in firing.hits
        ],
    }


def _index(rules: list[Rule]) -> dict[str, list[tuple[int, Rule]]]:
    """Rules by a concept they cannot fire without (the first 'all', else each 'any')."""
    index: dict[str, list[tuple[int, Rule]]] = {}
    for order, rule in enumerate(rules):
        for concept in rule.all[:1] or rule.any:
            index.setdefault(concept, []).append((order, rule))
    return index


def _candidates(index: dict[str, list[tuple[int, Rule]]], grouped: dict) -> list[Rule]:
    """Only rules whose trigger concept was seen, in their content order (cheap for 200+ rules)."""
    found: dict[int, Rule] = {}
    for concept in grouped:
        for order, rule in index.get(concept, ()):
            found[order] = rule
    return [found[order] for order in sorted(found)]


class Matcher:
    """Compiled content; `match` is safe to call concurrently (no mutable shared state but caches)."""

    def __init__(self, content: Content):
        self.content = content
        self.normaliser = Normaliser(content.emoji, content.confusables, content.leet)
        self.lexicon = Lexicon(content, self.normaliser)
        self.intent_rules: list[Rule] = [r for i in content.intents.values() for r in i.rules]
        self.crisis_rules: list[Rule] = list(content.crisis.rules)
        self._intent_index = _index(self.intent_rules)
        self._crisis_index = _index(self.crisis_rules)
        self.silencers = frozenset(content.crisis.silencers)
        # Compiled content never changes: move it out of the garbage collector's way so that a
        # full collection cannot pause a reply for tens of milliseconds.
        gc.collect()
        gc.freeze()
        self.crisis_concepts = frozenset(c for r in self.crisis_rules for c in r.concepts)

    def views(self, text: str) -> Views:
        return self.normaliser.views(text)

    def match(self, text: str) -> Match:
        """Classify one message (cut to `MAX_INPUT_CHARS` first)."""
        views = self.normaliser.views(text[:MAX_INPUT_CHARS])
        hits = self.lexicon.scan(views)
        scopes = modifier_scopes(hits, views.plain, self.content.modifiers)
        grouped = concept_hits(hits, scopes)
        firings = tuple(f for rule in _candidates(self._intent_index, grouped) if (f := evaluate(rule, grouped)))
        crisis_firings, level = self._crisis(grouped)
        intent, confidence, candidates = self._decide(firings)
        forced = self.content.intents[intent].crisis_level if intent else None
        if forced and (level is None or CRISIS_LEVELS.index(forced) > CRISIS_LEVELS.index(level)):
            level = forced
        return Match(intent, level is not None, level, confidence, candidates, firings, crisis_firings)

    def _crisis(self, grouped: dict[str, list[ConceptHit]]) -> tuple[tuple[Firing, ...], str | None]:
        if self.silencers:
            silenced = [(h.start, h.end) for name in self.silencers for h in grouped.get(name, ())]
            if silenced:
                grouped = {
                    name: [h for h in hs if name not in self.crisis_concepts or name in self.silencers
                           or not any(h.start <= e and s <= h.end for s, e in silenced)]
                    for name, hs in grouped.items()
                }
        firings = tuple(f for rule in _candidates(self._crisis_index, grouped) if (f := evaluate(rule, grouped)))
        best = -1
        for firing in firings:
            rank = CRISIS_LEVELS.index(firing.rule.level or "check_in")
            if firing.action and firing.action.kind == "downgrade":
                rank = 0  # a modifier turns any crisis firing into a gentle check-in, never nothing
            best = max(best, rank)
        return firings, (CRISIS_LEVELS[best] if best >= 0 else None)

    def _decide(self, firings: tuple[Firing, ...]) -> tuple[str | None, float, tuple[Candidate, ...]]:
        weights: dict[str, list[float]] = {}
        for firing in firings:
            target = firing.action.target if firing.action and firing.action.kind == "reroute" else firing.rule.intent
            assert target is not None
            weights.setdefault(target, []).append(firing.weight)
        scores = {}
        for intent, ws in weights.items():
            ws.sort(reverse=True)
            scores[intent] = ws[0] + min(EXTRA_RULE_BONUS_CAP, EXTRA_RULE_BONUS * (len(ws) - 1))
        intents = self.content.intents
        decision = self.content.decision
        if not scores:
            return decision.fallback, 0.3, ()
        ranked = sorted(scores, key=lambda i: (-scores[i], -intents[i].priority, i))
        overridden: set[str] = set()
        for intent in ranked:
            if intent not in overridden and scores[intent] >= intents[intent].threshold:
                overridden.update(intents[intent].overrides)
        ranked = [i for i in ranked if i not in overridden] or ranked
        candidates = tuple(Candidate(i, scores[i]) for i in ranked[: decision.candidates])
        top = ranked[0]
        top_score = scores[top]
        runner = scores[ranked[1]] if len(ranked) > 1 else 0.0
        confidence = top_score / (top_score + runner + 0.5)
        if top_score < intents[top].threshold:
            return None, confidence, candidates
        near_tie = len(ranked) > 1 and top_score - runner < decision.margin
        if near_tie and intents[top].priority <= intents[ranked[1]].priority:
            return None, confidence, candidates
        return top, confidence, candidates
