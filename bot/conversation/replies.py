"""Reviewed reply texts (``intents/<lang>/replies/*.yaml``), parsed and validated.

Only these texts ever reach a user. The single placeholder is ``{emergency}``, filled from the
resource directory; user text is never interpolated anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.content.model import Content
from bot.content.yamlsource import ContentError, Where, where_of

RESOURCE_KINDS = ("emergency", "child_helpline", "crisis_line", "image_removal", "report_abuse", "police")
SPECIAL_CHOICES = ("country", "menu", "not_safe")
PLACEHOLDERS = ("emergency",)
REPLY_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
FIELDS = {"label", "preview", "text", "steps", "footer", "resources", "choices", "sources", "audience"}
MAX_STEPS = 6


@dataclass(frozen=True)
class ReplySpec:
    id: str
    label: str | None
    preview: str
    text: tuple[str, ...]
    steps: tuple[str, ...]
    footer: tuple[str, ...]
    resources: tuple[str, ...]
    choices: tuple[str, ...]
    sources: tuple[str, ...]
    where: Where | None
    audience: str = "young_people"  # "adults": moderator/adult replies may show adult-only services

    def all_text(self) -> list[str]:
        return [self.preview, *self.text, *self.steps, *self.footer]


def _strings(value: Any, what: str, problems: list, where: Where | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append((where_of(value, where), f"{what} must be a list of non-empty text"))
        return ()
    return tuple(" ".join(v.split()) for v in value)


def parse_replies(content: Content) -> dict[str, ReplySpec]:
    """All reply specs of the content's language; raises `ContentError` listing every problem."""
    problems: list[tuple[Where | None, str]] = []
    replies: dict[str, ReplySpec] = {}
    for section, swhere in content.raw_sections.get("replies", []):
        if not isinstance(section, dict):
            problems.append((swhere, "replies must be a mapping of id: {preview, text, ...}"))
            continue
        for reply_id, spec in section.items():
            where = where_of(spec, swhere)
            if not REPLY_ID_RE.match(str(reply_id)):
                problems.append((where, f"reply id {reply_id!r} must be lower_snake_case"))
            if reply_id in replies:
                problems.append((where, f"reply {reply_id} is defined twice (first at {replies[reply_id].where})"))
                continue
            if not isinstance(spec, dict):
                problems.append((where, f"reply {reply_id} must be a mapping"))
                continue
            for key in spec:
                if key not in FIELDS:
                    allowed = ", ".join(sorted(FIELDS))
                    problems.append((where, f"unknown key {key!r} in reply {reply_id} (allowed: {allowed})"))
            preview = spec.get("preview")
            if not isinstance(preview, str) or not preview.strip():
                problems.append((where, f"reply {reply_id} needs a preview (its neutral first line)"))
                preview = ""
            label = spec.get("label")
            if label is not None and (not isinstance(label, str) or not label.strip()):
                problems.append((where, f"reply {reply_id}: label must be text"))
                label = None
            if spec.get("audience", "young_people") not in ("young_people", "adults"):
                problems.append((where, f"reply {reply_id}: audience must be young_people or adults"))
            kinds = _strings(spec.get("resources"), f"reply {reply_id} resources", problems, where)
            for kind in kinds:
                if kind not in RESOURCE_KINDS:
                    problems.append((where, f"reply {reply_id}: unknown resource kind {kind!r} "
                                            f"(known: {', '.join(RESOURCE_KINDS)})"))
            replies[str(reply_id)] = ReplySpec(
                id=str(reply_id), label=" ".join(label.split()) if label else None,
                preview=" ".join(preview.split()),
                text=_strings(spec.get("text"), f"reply {reply_id} text", problems, where),
                steps=_strings(spec.get("steps"), f"reply {reply_id} steps", problems, where),
                footer=_strings(spec.get("footer"), f"reply {reply_id} footer", problems, where),
                resources=kinds,
                choices=_strings(spec.get("choices"), f"reply {reply_id} choices", problems, where),
                sources=_strings(spec.get("sources"), f"reply {reply_id} sources", problems, where),
                where=where, audience=str(spec.get("audience", "young_people")),
            )
    for reply in replies.values():
        for choice in reply.choices:
            if choice not in replies and choice not in SPECIAL_CHOICES:
                problems.append((reply.where, f"reply {reply.id} offers choice {choice!r}, which is not a reply"))
        for line in reply.all_text():
            for name in PLACEHOLDER_RE.findall(line):
                if name not in PLACEHOLDERS:
                    problems.append((reply.where, f"reply {reply.id} uses placeholder {{{name}}}; "
                                                  f"only {{emergency}} exists (user text is never inserted)"))
    if problems:
        raise ContentError(problems)
    return replies
