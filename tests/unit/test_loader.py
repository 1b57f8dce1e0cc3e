"""Content errors name the file and line, and nothing wrong is silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import load_content
from bot.content.yamlsource import ContentError
from tests.conftest import MINI_INTENTS, write_content


def _errors(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(root)
    return [f"{w}: {m}" for w, m in info.value.problems]


def _with_intent(tmp_path: Path, name: str, text: str) -> Path:
    intents = dict(MINI_INTENTS)
    intents[name] = text
    return write_content(tmp_path / "intents", intents)


def test_mini_content_loads(mini_root):
    content = load_content(mini_root)
    assert set(content.intents) == set(MINI_INTENTS)


def test_undefined_concept_names_file_and_line(tmp_path):
    root = _with_intent(tmp_path, "greeting", "intent: greeting\nrules:\n  - id: greeting.x\n    any: [NOPE]\n")
    assert any("en/intents/greeting.yaml:3:" in e and "NOPE" in e for e in _errors(root))


def test_unknown_key_is_an_error(tmp_path):
    root = _with_intent(tmp_path, "greeting", "intent: greeting\nrulez: []\n")
    assert any("unknown key 'rulez'" in e for e in _errors(root))


def test_yaml_syntax_error_has_a_line(tmp_path):
    root = _with_intent(tmp_path, "greeting", "intent: greeting\nrules: [\n  - oops: :\n")
    errors = _errors(root)
    assert any("greeting.yaml:" in e and "YAML syntax error" in e for e in errors)


def test_unquoted_no_is_explained(tmp_path):
    root = write_content(tmp_path / "intents", extra={"en/more.yaml": "concepts:\n  NEG: [not, no]\n"})
    assert any("more.yaml:2:" in e and "quotes" in e for e in _errors(root))


def test_duplicate_concept_and_duplicate_key(tmp_path):
    root = write_content(tmp_path / "intents", extra={"en/more.yaml": "concepts:\n  PIC: [image]\n"})
    assert any("concept PIC is defined twice" in e for e in _errors(root))
    root2 = write_content(tmp_path / "i2", extra={"en/more.yaml": "concepts:\n  A: [x]\n  A: [y]\n"})
    assert any("more.yaml:3:" in e and "duplicate key" in e for e in _errors(root2))


def test_crisis_rules_may_only_downgrade(tmp_path):
    root = write_content(tmp_path / "intents")
    crisis = root / "en" / "crisis.yaml"
    crisis.write_text(crisis.read_text().replace("NEGATION: downgrade", "NEGATION: drop"))
    assert any("may only downgrade" in e for e in _errors(root))


def test_reroute_to_unknown_intent(tmp_path):
    root = _with_intent(tmp_path, "greeting",
                        "intent: greeting\nmodifiers: {OTHER: {reroute: nowhere}}\nrules:\n  - any: [GREETING_WORD]\n")
    assert any("unknown intent nowhere" in e for e in _errors(root))


def test_bad_term_notation_names_the_term(tmp_path):
    from bot.matching import Matcher

    root = write_content(tmp_path / "intents", extra={"en/more.yaml": "concepts:\n  BAD: [\"send (it|them\"]\n"})
    with pytest.raises(ContentError) as info:
        Matcher(load_content(root))
    assert "more.yaml:2" in str(info.value)


def test_missing_content_directory(tmp_path):
    assert any("not found" in e for e in _errors(tmp_path / "missing"))
