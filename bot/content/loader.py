"""Load the YAML content tree into a validated `Content`, reporting every problem by file:line.

Layout (see docs/content-format.md)::

    intents/normalise.yaml          emoji names, confusables, leet folds (all languages)
    intents/<lang>/**/*.yaml        any of: concepts, modifiers, decision, crisis, intent
    intents/resources/*.yaml        read by the conversation layer

Unknown keys are errors, not silently ignored: a typo in a curator's file must never switch a
rule off quietly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.content.model import (
    CRISIS_LEVELS,
    MODIFIER_ACTIONS,
    Action,
    Concept,
    Content,
    Crisis,
    Decision,
    Example,
    Intent,
    Modifier,
    Rule,
    Term,
)
from bot.content.yamlsource import ContentError, Where, load_yaml, where_of

SECTIONS = ("concepts", "modifiers", "decision", "crisis", "intent", "replies", "topics")
CONCEPT_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
INTENT_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
RULE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
SLOTS = ("money", "number")
DIRECTIONS = ("forward", "backward", "both")


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[Where | None, str]] = []

    def add(self, where: Where | None, message: str) -> None:
        self.items.append((where, message))


def default_content_root() -> Path:
    """The ``intents/`` directory shipped with the project."""
    return Path(__file__).resolve().parents[2] / "intents"


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _check_keys(obj: Any, allowed: set[str], what: str, problems: _Problems) -> bool:
    if not isinstance(obj, dict):
        problems.add(where_of(obj), f"{what} must be a mapping")
        return False
    for key in obj:
        if key not in allowed:
            problems.add(where_of(obj), f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
    return True


def _str_list(value: Any, what: str, problems: _Problems, where: Where | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.add(where_of(value, where), f"{what} must be a list")
        return []
    out = []
    for item in value:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if isinstance(item, bool):
            problems.add(where_of(value, where), f"{what}: YAML reads an unquoted yes/no/on/off/true/false "
                         "as a true/false value; put the word in quotes")
            continue
        if not isinstance(item, str) or not item.strip():
            problems.add(where_of(item, where_of(value, where)), f"{what} entries must be non-empty text")
            continue
        out.append(item)
    return out


def _terms(value: Any, inflect: bool, what: str, problems: _Problems, where: Where | None) -> list[Term]:
    return [
        Term(str(t).strip(), where_of(t, where_of(value, where)), inflect)
        for t in _str_list(value, what, problems, where)
    ]


def _number(value: Any, what: str, problems: _Problems, where: Where | None, default: float,
            minimum: float = 0.0) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        problems.add(where_of(value, where), f"{what} must be a number >= {minimum}")
        return default
    return float(value)


def _parse_concepts(section: Any, problems: _Problems, out: dict[str, Concept]) -> None:
    if not isinstance(section, dict):
        problems.add(where_of(section), "concepts must be a mapping of NAME: {terms: [...]}")
        return
    allowed = {"description", "terms", "exact", "slots", "skeleton_ok", "fuzzy"}
    for name, spec in section.items():
        where = where_of(spec, where_of(section))
        if not CONCEPT_NAME_RE.match(str(name)):
            problems.add(where, f"concept name {name!r} must be UPPER_SNAKE_CASE")
        if name in out:
            problems.add(where, f"concept {name} is defined twice (first at {out[name].where})")
            continue
        if isinstance(spec, list):  # shorthand: NAME: [terms]
            spec_terms, spec = spec, {}
        elif _check_keys(spec, allowed, f"concept {name}", problems):
            spec_terms = spec.get("terms")
        else:
            continue
        terms = _terms(spec_terms, True, f"concept {name} terms", problems, where)
        terms += _terms(spec.get("exact"), False, f"concept {name} exact", problems, where)
        slots = _str_list(spec.get("slots"), f"concept {name} slots", problems, where)
        for slot in slots:
            if slot not in SLOTS:
                problems.add(where, f"concept {name}: unknown slot {slot!r} (known: {', '.join(SLOTS)})")
        if not terms and not slots:
            problems.add(where, f"concept {name} has no terms")
        for flag in ("skeleton_ok", "fuzzy"):
            if flag in spec and not isinstance(spec[flag], bool):
                problems.add(where, f"concept {name}: {flag} must be true or false")
        out[name] = Concept(
            name=str(name), terms=terms, slots=slots,
            skeleton_ok=bool(spec.get("skeleton_ok", False)), fuzzy=bool(spec.get("fuzzy", False)),
            where=where, description=str(spec.get("description", "")),
        )


def _parse_modifiers(section: Any, problems: _Problems, out: dict[str, Modifier]) -> None:
    if not isinstance(section, dict):
        problems.add(where_of(section), "modifiers must be a mapping")
        return
    allowed = {"description", "cues", "pseudo", "stop", "direction", "window"}
    for name, spec in section.items():
        where = where_of(spec, where_of(section))
        if not CONCEPT_NAME_RE.match(str(name)):
            problems.add(where, f"modifier name {name!r} must be UPPER_SNAKE_CASE")
        if name in out:
            problems.add(where, f"modifier {name} is defined twice")
            continue
        if not _check_keys(spec, allowed, f"modifier {name}", problems):
            continue
        direction = spec.get("direction", "forward")
        if direction not in DIRECTIONS:
            problems.add(where, f"modifier {name}: direction must be one of {', '.join(DIRECTIONS)}")
        cues = _terms(spec.get("cues"), False, f"modifier {name} cues", problems, where)
        if not cues:
            problems.add(where, f"modifier {name} has no cues")
        out[name] = Modifier(
            name=str(name), cues=cues,
            pseudo=_terms(spec.get("pseudo"), False, f"modifier {name} pseudo", problems, where),
            stop=_terms(spec.get("stop"), False, f"modifier {name} stop", problems, where),
            direction=str(direction),
            window=int(_number(spec.get("window"), f"modifier {name} window", problems, where, 4, 1)),
            where=where, description=str(spec.get("description", "")),
        )


def _parse_action(value: Any, what: str, problems: _Problems, where: Where | None) -> Action | None:
    if isinstance(value, str) and value in MODIFIER_ACTIONS:
        return Action(str(value))
    if isinstance(value, dict) and set(value) == {"reroute"} and isinstance(value["reroute"], str):
        return Action("reroute", str(value["reroute"]))
    problems.add(where_of(value, where),
                 f"{what}: action must be one of {', '.join(MODIFIER_ACTIONS)} or {{reroute: <intent>}}")
    return None


def _parse_modifier_actions(value: Any, what: str, problems: _Problems,
                            where: Where | None) -> dict[str, Action]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(where_of(value, where), f"{what} must be a mapping MODIFIER: action")
        return {}
    actions = {}
    for name, action_spec in value.items():
        action = _parse_action(action_spec, f"{what} {name}", problems, where_of(value, where))
        if action:
            actions[str(name)] = action
    return actions


def _parse_rule(spec: Any, index: int, owner: str, defaults: dict[str, Action], problems: _Problems,
                where: Where | None, crisis: bool) -> Rule | None:
    allowed = {"id", "all", "any", "none", "within", "weight", "modifiers", "level", "description"}
    rwhere = where_of(spec, where)
    if not _check_keys(spec, allowed, f"rule {index + 1} of {owner}", problems):
        return None
    rule_id = str(spec.get("id", f"{owner}.rule{index + 1}"))
    if not RULE_ID_RE.match(rule_id):
        problems.add(rwhere, f"rule id {rule_id!r} must be lower_snake words joined by dots")
    all_of = _str_list(spec.get("all"), f"rule {rule_id} all", problems, rwhere)
    any_of = _str_list(spec.get("any"), f"rule {rule_id} any", problems, rwhere)
    if not all_of and not any_of:
        problems.add(rwhere, f"rule {rule_id} needs 'all' or 'any' concepts")
    within = spec.get("within")
    if within is not None and (isinstance(within, bool) or not isinstance(within, int) or within < 1):
        problems.add(rwhere, f"rule {rule_id}: within must be a whole number of tokens >= 1")
        within = None
    actions = dict(defaults)
    actions.update(_parse_modifier_actions(spec.get("modifiers"), f"rule {rule_id} modifiers", problems, rwhere))
    level = spec.get("level")
    if crisis:
        if level not in CRISIS_LEVELS:
            problems.add(rwhere, f"crisis rule {rule_id}: level must be one of {', '.join(CRISIS_LEVELS)}")
            level = "check_in"
        for name, action in actions.items():
            if action.kind not in ("downgrade", "ignore"):
                problems.add(rwhere, f"crisis rule {rule_id}: modifier {name} may only downgrade, "
                             "never drop or reroute a crisis (recall first)")
    elif level is not None:
        problems.add(rwhere, f"rule {rule_id}: level is only for crisis rules")
    return Rule(
        id=rule_id, all=all_of, any=any_of,
        none=_str_list(spec.get("none"), f"rule {rule_id} none", problems, rwhere),
        within=within, weight=_number(spec.get("weight"), f"rule {rule_id} weight", problems, rwhere, 1.0),
        modifiers=actions, where=rwhere,
        intent=None if crisis else owner, level=str(level) if crisis else None,
    )


def _examples(value: Any, what: str, problems: _Problems, where: Where | None) -> list[Example]:
    return [Example(str(t), where_of(t, where)) for t in _str_list(value, what, problems, where)]


def _crisis_level(value: Any, intent_id: str, problems: _Problems, where: Where | None) -> str | None:
    if value is None:
        return None
    if value not in CRISIS_LEVELS:
        problems.add(where_of(value, where),
                     f"intent {intent_id}: crisis_level must be one of {', '.join(CRISIS_LEVELS)}")
        return None
    return str(value)


def _parse_intent(doc: dict, problems: _Problems, where: Where | None) -> Intent | None:
    allowed = {"intent", "description", "priority", "threshold", "overrides", "modifiers", "rules",
               "examples", "counter_examples", "crisis_level"}
    if not _check_keys(doc, allowed, "an intent file", problems):
        return None
    intent_id = str(doc["intent"])
    iwhere = where_of(doc["intent"], where)
    if not INTENT_ID_RE.match(intent_id):
        problems.add(iwhere, f"intent id {intent_id!r} must be lower_snake_case")
    defaults = _parse_modifier_actions(doc.get("modifiers"), f"intent {intent_id} modifiers", problems, iwhere)
    rules_spec = doc.get("rules") or []
    if not isinstance(rules_spec, list):
        problems.add(iwhere, f"intent {intent_id}: rules must be a list")
        rules_spec = []
    rules = [r for i, spec in enumerate(rules_spec)
             if (r := _parse_rule(spec, i, intent_id, defaults, problems, iwhere, crisis=False))]
    priority = doc.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        problems.add(iwhere, f"intent {intent_id}: priority must be a whole number")
        priority = 0
    return Intent(
        id=intent_id, description=str(doc.get("description", "")), priority=priority,
        threshold=_number(doc.get("threshold"), f"intent {intent_id} threshold", problems, iwhere, -1.0),
        overrides=_str_list(doc.get("overrides"), f"intent {intent_id} overrides", problems, iwhere),
        rules=rules,
        examples=_examples(doc.get("examples"), f"intent {intent_id} examples", problems, iwhere),
        counter_examples=_examples(doc.get("counter_examples"), f"intent {intent_id} counter_examples",
                                   problems, iwhere),
        where=iwhere, crisis_level=_crisis_level(doc.get("crisis_level"), intent_id, problems, iwhere),
    )


def _parse_crisis(section: Any, problems: _Problems) -> Crisis | None:
    where = where_of(section)
    if not _check_keys(section, {"rules", "silencers", "modifiers", "description"}, "crisis", problems):
        return None
    defaults = _parse_modifier_actions(section.get("modifiers"), "crisis modifiers", problems, where)
    rules_spec = section.get("rules") or []
    rules = [r for i, spec in enumerate(rules_spec if isinstance(rules_spec, list) else [])
             if (r := _parse_rule(spec, i, "crisis", defaults, problems, where, crisis=True))]
    if not rules:
        problems.add(where, "crisis needs at least one rule")
    return Crisis(rules=rules, silencers=_str_list(section.get("silencers"), "crisis silencers", problems, where),
                  where=where)


def _parse_tables(doc: Any, problems: _Problems) -> tuple[dict, dict, dict]:
    if not _check_keys(doc, {"emoji", "confusables", "leet"}, "normalise.yaml", problems):
        return {}, {}, {}
    tables = []
    for key in ("emoji", "confusables", "leet"):
        table = doc.get(key) or {}
        if not isinstance(table, dict):
            problems.add(where_of(doc), f"{key} must be a mapping")
            table = {}
        clean = {}
        for k, v in table.items():
            if not isinstance(k, str) or not isinstance(v, str) or not k:
                problems.add(where_of(table), f"{key}: entries must map text to text ({k!r})")
                continue
            if key == "emoji" and not re.fullmatch(r"[a-z]+", v):
                problems.add(where_of(v, where_of(table)), f"emoji name {v!r} must be lower-case letters only")
            if key in ("confusables", "leet") and len(k) != 1:
                problems.add(where_of(table), f"{key}: {k!r} must be a single character")
                continue
            clean[k] = v
        tables.append(clean)
    return tables[0], tables[1], tables[2]


def load_content(root: Path | None = None, language: str = "en") -> Content:
    """Load and validate the content tree; raise `ContentError` listing every problem."""
    root = Path(root) if root else default_content_root()
    problems = _Problems()
    if not root.is_dir():
        raise ContentError([(None, f"content directory not found: {root}")])
    lang_dir = root / language
    if not lang_dir.is_dir():
        raise ContentError([(None, f"no content for language {language!r}: {lang_dir} is missing")])
    emoji: dict[str, str] = {}
    confusables: dict[str, str] = {}
    leet: dict[str, str] = {}
    tables_path = root / "normalise.yaml"
    files: list[str] = []
    if tables_path.is_file():
        files.append(_display(tables_path, root))
        try:
            emoji, confusables, leet = _parse_tables(load_yaml(tables_path, files[-1]), problems)
        except ContentError as exc:
            problems.items.extend(exc.problems)
    else:
        problems.add(None, f"{_display(tables_path, root)} is missing")

    concepts: dict[str, Concept] = {}
    modifiers: dict[str, Modifier] = {}
    intents: dict[str, Intent] = {}
    crisis: Crisis | None = None
    decision = Decision()
    raw: dict[str, list[tuple[object, Where | None]]] = {}
    for path in sorted(lang_dir.rglob("*.yaml")):
        name = _display(path, root)
        files.append(name)
        try:
            doc = load_yaml(path, name)
        except ContentError as exc:
            problems.items.extend(exc.problems)
            continue
        if doc is None:
            continue
        top = Where(name, 1)
        if not isinstance(doc, dict):
            problems.add(top, "a content file must be a mapping of sections")
            continue
        if "intent" in doc:
            intent = _parse_intent(doc, problems, top)
            if intent:
                if intent.id in intents:
                    first = intents[intent.id].where
                    problems.add(intent.where, f"intent {intent.id} is defined twice (first at {first})")
                else:
                    intents[intent.id] = intent
            continue
        for key, section in doc.items():
            swhere = where_of(section, top)
            if key not in SECTIONS:
                problems.add(top, f"unknown section {key!r} (allowed: {', '.join(SECTIONS)})")
            elif key == "concepts":
                _parse_concepts(section, problems, concepts)
            elif key == "modifiers":
                _parse_modifiers(section, problems, modifiers)
            elif key == "crisis":
                if crisis is not None:
                    problems.add(swhere, f"crisis is defined twice (first at {crisis.where})")
                else:
                    crisis = _parse_crisis(section, problems)
            elif key == "decision":
                if _check_keys(section, {"threshold", "margin", "candidates", "fallback"}, "decision", problems):
                    decision = Decision(
                        threshold=_number(section.get("threshold"), "decision threshold", problems, swhere, 1.0),
                        margin=_number(section.get("margin"), "decision margin", problems, swhere, 0.5),
                        candidates=int(_number(section.get("candidates"), "decision candidates", problems,
                                               swhere, 3, 1)),
                        fallback=str(section.get("fallback", "out_of_scope")),
                    )
            else:
                raw.setdefault(key, []).append((section, swhere))
    if crisis is None:
        problems.add(None, f"no crisis section found under {_display(lang_dir, root)}")
        crisis = Crisis(rules=[], silencers=[], where=None)
    for intent in intents.values():
        if intent.threshold < 0:
            intent.threshold = decision.threshold
    content = Content(
        root=str(root), language=language, emoji=emoji, confusables=confusables, leet=leet,
        concepts=concepts, modifiers=modifiers, intents=intents, crisis=crisis, decision=decision,
        files=files, raw_sections=raw,
    )
    _check_references(content, problems)
    if problems.items:
        raise ContentError(problems.items)
    return content


def _check_references(content: Content, problems: _Problems) -> None:
    """Concepts, modifiers and intents that rules name must exist."""
    rules = [r for i in content.intents.values() for r in i.rules] + content.crisis.rules
    seen_ids: dict[str, Where | None] = {}
    for rule in rules:
        if rule.id in seen_ids:
            problems.add(rule.where, f"rule id {rule.id} is used twice (first at {seen_ids[rule.id]})")
        seen_ids[rule.id] = rule.where
        for name in [*rule.all, *rule.any, *rule.none]:
            if name not in content.concepts:
                problems.add(rule.where, f"rule {rule.id} uses concept {name}, which is not defined")
        for name, action in rule.modifiers.items():
            if name not in content.modifiers:
                problems.add(rule.where, f"rule {rule.id} names modifier {name}, which is not defined")
            if action.kind == "reroute" and action.target not in content.intents:
                problems.add(rule.where, f"rule {rule.id} reroutes to unknown intent {action.target}")
    for name in content.crisis.silencers:
        if name not in content.concepts:
            problems.add(content.crisis.where, f"crisis silencer {name} is not a defined concept")
    if content.decision.fallback not in content.intents:
        problems.add(None, f"decision fallback {content.decision.fallback!r} is not a defined intent")
