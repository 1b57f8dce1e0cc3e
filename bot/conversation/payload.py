"""Button payloads: short, stable, self-contained and validated.

A payload carries everything the next step needs (what to show and for which country), so
answering a button needs no server-side state. Format: ``sb1:<action>:<target>:<country>``,
at most 64 bytes (Telegram callback data; Discord custom ids allow 100 characters).
Anything that does not parse — forged, stale or truncated — decodes to None and the caller
shows the menu.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "sb1"
MAX_BYTES = 64
ACTIONS = {"t": "topic", "c": "country"}
_PART_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COUNTRY_RE = re.compile(r"^(?:[A-Z]{2}|international)$")


@dataclass(frozen=True)
class Payload:
    action: str  # "t": show a reply/topic; "c": set the country, then show `target`
    target: str  # a reply id
    country: str  # ISO code or "international"

    def encode(self) -> str:
        value = f"{PREFIX}:{self.action}:{self.target}:{self.country}"
        if len(value.encode("utf-8")) > MAX_BYTES:
            raise ValueError("payload longer than 64 bytes")
        return value


def decode(value: object) -> Payload | None:
    """Parse a payload from a button; None for anything malformed."""
    if not isinstance(value, str) or len(value.encode("utf-8", errors="replace")) > MAX_BYTES:
        return None
    parts = value.split(":")
    if len(parts) != 4 or parts[0] != PREFIX or parts[1] not in ACTIONS:
        return None
    _, action, target, country = parts
    if not _PART_RE.match(target) or not _COUNTRY_RE.match(country):
        return None
    return Payload(action, target, country)
