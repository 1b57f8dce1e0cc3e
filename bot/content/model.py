"""The content model: what the YAML under ``intents/`` means once loaded and validated."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content.yamlsource import Where

MODIFIER_ACTIONS = ("drop", "downgrade", "ignore")
"""Plain actions; ``{reroute: <intent>}`` is the fourth."""

CRISIS_LEVELS = ("check_in", "crisis", "emergency")


@dataclass(frozen=True)
class Action:
    """What a modifier does to a rule whose hits it covers."""

    kind: str  # drop | downgrade | ignore | reroute
    target: str | None = None  # the intent for reroute

    def __str__(self) -> str:
        return f"reroute:{self.target}" if self.kind == "reroute" else self.kind


@dataclass
class Term:
    text: str
    where: Where | None
    inflect: bool


@dataclass
class Concept:
    """A named list of terms that mean the same thing for matching."""

    name: str
    terms: list[Term]
    slots: list[str]
    skeleton_ok: bool
    fuzzy: bool
    where: Where | None
    description: str = ""


@dataclass
class Modifier:
    """A ConText-style cue with a scope (negation, other person, hypothetical, hyperbole)."""

    name: str
    cues: list[Term]
    pseudo: list[Term]
    stop: list[Term]
    direction: str  # forward | backward | both
    window: int
    where: Where | None
    description: str = ""


@dataclass
class Rule:
    """Concepts that must co-occur, with a weight, for an intent or a crisis level."""

    id: str
    all: list[str]
    any: list[str]
    none: list[str]
    within: int | None
    weight: float
    modifiers: dict[str, Action]
    where: Where | None
    intent: str | None = None
    level: str | None = None

    def __post_init__(self) -> None:
        self.concepts: tuple[str, ...] = (*self.all, *self.any)
        self.reacting: frozenset[str] = frozenset(n for n, a in self.modifiers.items() if a.kind != "ignore")


@dataclass
class Example:
    text: str
    where: Where | None


@dataclass
class Intent:
    id: str
    description: str
    priority: int
    threshold: float
    overrides: list[str]
    rules: list[Rule]
    examples: list[Example]
    counter_examples: list[Example]
    where: Where | None
    crisis_level: str | None = None  # taxonomy: this intent always carries crisis at this level


@dataclass
class Crisis:
    rules: list[Rule]
    silencers: list[str]
    where: Where | None


@dataclass
class Decision:
    threshold: float = 1.0
    margin: float = 0.5
    candidates: int = 3
    fallback: str = "out_of_scope"


@dataclass
class Content:
    """Everything the matcher is compiled from (the conversation layer adds replies/resources)."""

    root: str
    language: str
    emoji: dict[str, str]
    confusables: dict[str, str]
    leet: dict[str, str]
    concepts: dict[str, Concept]
    modifiers: dict[str, Modifier]
    intents: dict[str, Intent]
    crisis: Crisis
    decision: Decision
    files: list[str] = field(default_factory=list)
    raw_sections: dict[str, list[tuple[object, Where | None]]] = field(default_factory=dict)
