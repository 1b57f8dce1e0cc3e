"""Shared fixtures: a small, self-contained content tree for unit tests, and the real content."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.content.loader import default_content_root, load_content
from bot.matching import Matcher

ROOT = Path(__file__).resolve().parents[1]

MINI_CONCEPTS = """
concepts:
  PIC: [pic, pics, photo, nudes]
  SHARE:
    terms: [leak, post, "send (it|them) to"]
    skeleton_ok: true
  DEMAND:
    terms: [pay, "gift card"]
    slots: [money]
  FRIEND: {exact: ["my friend"]}
  SCHOOL: [homework, essay]
  IDEATION:
    terms: [kms, "kill myself", "want to die", suicide]
    fuzzy: true
    skeleton_ok: true
  DISTRESS: [hopeless, "kill me"]
  IMMEDIACY: {exact: [tonight, "right now"]}
  KILLING_ME: {exact: ["is killing me", "will kill me"]}
  GREETING_WORD: {exact: [hi, hello, hey]}
"""

MINI_MODIFIERS = """
modifiers:
  NEGATION:
    cues: [not, "no", nobody, dont]
    pseudo: ["dont know"]
    stop: [but, just]
    direction: forward
    window: 4
  OTHER:
    cues: ["my friend", "my sister"]
    stop: [i, me, my]
    direction: forward
    window: 6
  HYPOTHETICAL:
    cues: [essay, "what if"]
    direction: both
    window: 8
  HYPERBOLE:
    cues: [lol, lmao, "😂", "💀"]
    direction: both
    window: 5
"""

MINI_CRISIS = """
crisis:
  modifiers: {NEGATION: downgrade, OTHER: downgrade, HYPOTHETICAL: downgrade, HYPERBOLE: downgrade}
  silencers: [KILLING_ME]
  rules:
    - id: crisis.ideation
      any: [IDEATION]
      level: crisis
    - id: crisis.distress
      any: [DISTRESS]
      level: check_in
    - id: crisis.now
      all: [IMMEDIACY]
      any: [IDEATION]
      within: 8
      level: emergency
"""

MINI_INTENTS = {
    "sextortion": """
intent: sextortion
priority: 50
modifiers: {NEGATION: drop, OTHER: {reroute: helping_friend}, HYPOTHETICAL: {reroute: out_of_scope}}
rules:
  - id: sextortion.threat
    all: [PIC, SHARE]
    any: [DEMAND]
    within: 12
    weight: 3
  - id: sextortion.share_only
    all: [PIC, SHARE]
    within: 6
    weight: 0.6
examples:
  - "he will post my pics unless i pay $200"
counter_examples:
  - "nobody will post my pics, i just want to pay for a gift card"
""",
    "helping_friend": """
intent: helping_friend
priority: 30
rules:
  - id: helping_friend.friend
    all: [FRIEND]
    weight: 0.5
examples:
  - "my friend says someone will leak her pics unless she pays"
""",
    "greeting": """
intent: greeting
priority: 10
rules:
  - id: greeting.hello
    any: [GREETING_WORD]
examples: ["hi", "hello there"]
""",
    "out_of_scope": """
intent: out_of_scope
rules:
  - id: out_of_scope.school
    any: [SCHOOL]
    weight: 0.8
examples: ["the weather is nice"]
""",
}

MINI_NORMALISE = (ROOT / "intents" / "normalise.yaml").read_text(encoding="utf-8")


def write_content(root: Path, intents: dict[str, str] | None = None, extra: dict[str, str] | None = None) -> Path:
    """Write a small content tree under ``root`` and return it (tests may then break pieces)."""
    en = root / "en"
    (en / "intents").mkdir(parents=True, exist_ok=True)
    (root / "normalise.yaml").write_text(MINI_NORMALISE, encoding="utf-8")
    (en / "concepts.yaml").write_text(textwrap.dedent(MINI_CONCEPTS), encoding="utf-8")
    (en / "modifiers.yaml").write_text(textwrap.dedent(MINI_MODIFIERS), encoding="utf-8")
    (en / "crisis.yaml").write_text(textwrap.dedent(MINI_CRISIS), encoding="utf-8")
    for name, text in (intents if intents is not None else MINI_INTENTS).items():
        (en / "intents" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    for rel, text in (extra or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    return write_content(tmp_path / "intents")


@pytest.fixture
def mini_matcher(mini_root: Path) -> Matcher:
    return Matcher(load_content(mini_root))


@pytest.fixture(scope="session")
def real_content():
    return load_content(default_content_root())


@pytest.fixture(scope="session")
def matcher(real_content) -> Matcher:
    return Matcher(real_content)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content tree."""
    target = tmp_path / "intents"
    shutil.copytree(default_content_root(), target)
    return target
