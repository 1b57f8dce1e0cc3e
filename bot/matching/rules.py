"""Evaluate declarative rules (all / any / none / within N tokens / modifiers) over hits.

Modifiers follow NegEx/ConText: a cue opens a scope of a few tokens (forward, backward or
both), closed early by a sentence break or a stop word; a pseudo-cue covering the cue cancels
it ("no doubt"). A concept hit inside a scope carries that modifier's name. A rule first tries
to fire on hits free of every modifier it reacts to; only if it cannot does it fire on modified
hits, and then the rule's action for that modifier applies (drop, downgrade, reroute).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.content.model import Action, Modifier, Rule
from bot.matching.lexicon import Hit
from bot.matching.normalise import BOUNDARY

ACTION_PRECEDENCE = ("reroute", "drop", "downgrade")


@dataclass(frozen=True, slots=True)
class ConceptHit:
    """A concept hit plus the modifiers whose scope covers it."""

    hit: Hit
    modifiers: frozenset[str]

    @property
    def start(self) -> int:
        return self.hit.start

    @property
    def end(self) -> int:
        return self.hit.end


@dataclass(frozen=True, slots=True)
class Firing:
    """A rule that fired: on which hits, and whether a modifier changed its effect."""

    rule: Rule
    hits: tuple[ConceptHit, ...]
    action: Action | None
    modifiers: frozenset[str]

    @property
    def weight(self) -> float:
        strength = min((h.hit.weight for h in self.hits), default=1.0)
        factor = 0.5 if self.action and self.action.kind == "downgrade" else 1.0
        return self.rule.weight * strength * factor


def modifier_scopes(hits: Sequence[Hit], tokens: Sequence[str],
                    modifiers: dict[str, Modifier]) -> dict[str, list[tuple[int, int]]]:
    """Token ranges (inclusive) covered by each modifier's cues."""
    scopes: dict[str, list[tuple[int, int]]] = {}
    pseudo = [(h.name, h.start, h.end) for h in hits if h.kind == "pseudo"]
    stops: dict[str, set[int]] = {}
    for h in hits:
        if h.kind == "stop":
            stops.setdefault(h.name, set()).add(h.start)
    last = len(tokens) - 1
    for cue in hits:
        if cue.kind != "cue":
            continue
        if any(name == cue.name and s <= cue.start and cue.end <= e for name, s, e in pseudo):
            continue
        modifier = modifiers[cue.name]
        blocked = stops.get(cue.name, set())
        ranges = scopes.setdefault(cue.name, [])
        if modifier.direction in ("forward", "both"):
            hi = cue.end
            for index in range(cue.end + 1, min(last, cue.end + modifier.window) + 1):
                if tokens[index] == BOUNDARY or index in blocked:
                    break
                hi = index
            if hi > cue.end:
                ranges.append((cue.end + 1, hi))
        if modifier.direction in ("backward", "both"):
            lo = cue.start
            for index in range(cue.start - 1, max(0, cue.start - modifier.window) - 1, -1):
                if tokens[index] == BOUNDARY or index in blocked:
                    break
                lo = index
            if lo < cue.start:
                ranges.append((lo, cue.start - 1))
    return scopes


def concept_hits(hits: Iterable[Hit], scopes: dict[str, list[tuple[int, int]]]) -> dict[str, list[ConceptHit]]:
    """Group concept hits by concept, each tagged with the modifiers covering its first token."""
    covered: dict[int, set[str]] = {}
    for name, ranges in scopes.items():
        for lo, hi in ranges:
            for index in range(lo, hi + 1):
                covered.setdefault(index, set()).add(name)
    grouped: dict[str, list[ConceptHit]] = {}
    none: frozenset[str] = frozenset()
    for h in hits:
        if h.kind != "concept":
            continue
        mods = covered.get(h.start)
        grouped.setdefault(h.name, []).append(ConceptHit(h, frozenset(mods) if mods else none))
    return grouped


def _min_window(groups: list[list[ConceptHit]], within: int | None) -> tuple[ConceptHit, ...] | None:
    """One hit per group, inside a window of at most ``within`` tokens (smallest window wins).

    A sliding window over the hits sorted by start, with a monotonic queue for the largest end:
    linear in the number of hits, so long messages full of "i" and "now" stay cheap.
    """
    if within is None:
        return tuple(max(g, key=lambda h: h.hit.weight) for g in groups)
    if len(groups) == 1:
        return (groups[0][0],)
    merged = sorted(((h.start, h.end, gi, h) for gi, g in enumerate(groups) for h in g),
                    key=lambda x: (x[0], x[1]))
    need = len(groups)
    counts = [0] * need
    covered = 0
    ends: deque[int] = deque()  # indices into merged, ends decreasing
    best: tuple[int, int, int] | None = None  # span, left, right
    left = 0
    for right, (_, end, gi, _) in enumerate(merged):
        if counts[gi] == 0:
            covered += 1
        counts[gi] += 1
        while ends and merged[ends[-1]][1] <= end:
            ends.pop()
        ends.append(right)
        while covered == need:
            while ends[0] < left:
                ends.popleft()
            span = merged[ends[0]][1] - merged[left][0] + 1
            if best is None or span < best[0]:
                best = (span, left, right)
            lgi = merged[left][2]
            counts[lgi] -= 1
            if counts[lgi] == 0:
                covered -= 1
            left += 1
    if best is None or best[0] > within:
        return None
    chosen: dict[int, ConceptHit] = {}
    for x in merged[best[1]:best[2] + 1]:
        chosen.setdefault(x[2], x[3])
    return tuple(chosen[i] for i in range(need))


def _fire(rule: Rule, grouped: dict[str, list[ConceptHit]],
          allowed: Callable[[ConceptHit], bool] | None) -> tuple[ConceptHit, ...] | None:
    groups: list[list[ConceptHit]] = []
    for name in rule.all:
        group = grouped.get(name, [])
        if allowed is not None:
            group = [h for h in group if allowed(h)]
        if not group:
            return None
        groups.append(group)
    if rule.any:
        group = [h for name in rule.any for h in grouped.get(name, ())]
        if allowed is not None:
            group = [h for h in group if allowed(h)]
        if not group:
            return None
        groups.append(group)
    return _min_window(groups, rule.within)


def evaluate(rule: Rule, grouped: dict[str, list[ConceptHit]]) -> Firing | None:
    """Fire one rule, preferring unmodified hits; None if it does not fire or is dropped."""
    for name in rule.all:
        if name not in grouped:
            return None
    if rule.any and not any(name in grouped for name in rule.any):
        return None
    if any(grouped.get(name) for name in rule.none):
        return None
    reacting = rule.reacting
    touched = reacting and any(h.modifiers & reacting for name in rule.concepts for h in grouped.get(name, ()))
    if not touched:
        used = _fire(rule, grouped, None)
        return Firing(rule, used, None, frozenset()) if used is not None else None
    used = _fire(rule, grouped, lambda h: not (h.modifiers & reacting))
    if used is not None:
        return Firing(rule, used, None, frozenset())
    used = _fire(rule, grouped, None)
    if used is None:
        return None
    present = frozenset(m for h in used for m in h.modifiers) & reacting
    actions = [rule.modifiers[m] for m in sorted(present)]
    action = min(actions, key=lambda a: ACTION_PRECEDENCE.index(a.kind))
    if action.kind == "drop":
        return None
    return Firing(rule, used, action, present)
