"""The resource directory (``intents/resources/*.yaml``): helplines, emergency numbers and
removal/report links per country, each with its source and the date it was last checked.

Resolution is by kind: the user's country first, then the international entries, marked as a
fallback so the user can see the help is not specific to where they are.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.yamlsource import ContentError, Where, load_yaml, where_of
from bot.conversation.replies import RESOURCE_KINDS

INTERNATIONAL = "international"
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
RESOURCE_FIELDS = {"id", "name", "kind", "phone", "phone_label", "sms", "sms_note", "url", "hours", "ages",
                   "summary", "source", "confidence", "last_verified", "notes", "everywhere", "audience"}
AUDIENCES = ("everyone", "adults")
CONFIDENCE = ("high", "medium", "low")
KIND_FALLBACK = {"police": "emergency", "crisis_line": "child_helpline"}
"""When neither the country nor the international list has a kind, show this kind instead."""


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    kind: str
    summary: str
    source: str
    confidence: str
    last_verified: dt.date | None
    phone: str | None = None
    phone_label: str | None = None
    sms: str | None = None
    sms_note: str | None = None
    url: str | None = None
    hours: str | None = None
    ages: str | None = None
    everywhere: bool = False
    audience: str = "everyone"  # "adults": only shown in replies written for adults (moderators)
    where: Where | None = None


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, or "international"
    name: str
    languages: tuple[str, ...]
    resources: tuple[Resource, ...]
    where: Where | None

    def of_kind(self, kind: str, adults: bool = False) -> list[Resource]:
        return [r for r in self.resources if r.kind == kind and (adults or r.audience != "adults")]

    @property
    def emergency_number(self) -> str | None:
        for resource in self.of_kind("emergency"):
            if resource.phone:
                return resource.phone
        return None


@dataclass(frozen=True)
class ResolvedResource:
    resource: Resource
    country: str  # where it came from
    fallback: bool  # True when the user's country had none of this kind


class Directory:
    """Countries by code; resolves resource kinds for a country with international fallback."""

    def __init__(self, countries: dict[str, Country]):
        self.countries = countries
        self.international = countries[INTERNATIONAL]

    def known(self, code: str) -> bool:
        return code in self.countries

    def country(self, code: str) -> Country:
        return self.countries.get(code, self.international)

    def codes(self) -> list[str]:
        """Country codes sorted by name, international last."""
        named = sorted((c for c in self.countries if c != INTERNATIONAL), key=lambda c: self.countries[c].name)
        return [*named, INTERNATIONAL]

    def resolve(self, kinds: list[str], code: str, per_kind: int = 2,
                adults: bool = False) -> list[ResolvedResource]:
        """Resources of each kind for a country; adult-only services only when ``adults``."""
        country = self.country(code)
        out: list[ResolvedResource] = []
        seen: set[str] = set()
        for kind in kinds:
            picked = [ResolvedResource(r, country.code, False) for r in country.of_kind(kind, adults)][:per_kind]
            if country.code != INTERNATIONAL:
                extra = [r for r in self.international.of_kind(kind, adults) if r.everywhere]
                picked += [ResolvedResource(r, INTERNATIONAL, False) for r in extra]
            if not picked:
                picked = [ResolvedResource(r, INTERNATIONAL, country.code != INTERNATIONAL)
                          for r in self.international.of_kind(kind, adults)][:per_kind]
            if not picked and kind in KIND_FALLBACK:
                other = KIND_FALLBACK[kind]
                local = [ResolvedResource(r, country.code, False) for r in country.of_kind(other, adults)]
                picked = local[:per_kind] or [
                    ResolvedResource(r, INTERNATIONAL, country.code != INTERNATIONAL)
                    for r in self.international.of_kind(other, adults)][:per_kind]
            for item in picked:
                # the same service can be listed nationally and internationally: show it once
                keys = {item.resource.id, item.resource.url or item.resource.id}
                if not keys & seen:
                    seen.update(keys)
                    out.append(item)
        return out

    def emergency_text(self, code: str) -> str:
        number = self.country(code).emergency_number
        return number if number and code != INTERNATIONAL else "your local emergency number"


def _text(spec: dict, key: str) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    return " ".join(str(value).split())


def _parse_resource(spec: Any, problems: list, where: Where | None) -> Resource | None:
    rwhere = where_of(spec, where)
    if not isinstance(spec, dict):
        problems.append((rwhere, "a resource must be a mapping"))
        return None
    for key in spec:
        if key not in RESOURCE_FIELDS:
            allowed = ", ".join(sorted(RESOURCE_FIELDS))
            problems.append((rwhere, f"unknown key {key!r} in resource (allowed: {allowed})"))
    missing = [k for k in ("id", "name", "kind", "summary", "source", "confidence") if not spec.get(k)]
    if missing:
        problems.append((rwhere, f"resource is missing {', '.join(missing)}"))
        return None
    if spec["kind"] not in RESOURCE_KINDS:
        problems.append((rwhere, f"resource {spec['id']}: unknown kind {spec['kind']!r}"))
    if spec.get("audience", "everyone") not in AUDIENCES:
        problems.append((rwhere, f"resource {spec['id']}: audience must be one of {', '.join(AUDIENCES)}"))
    if spec["confidence"] not in CONFIDENCE:
        problems.append((rwhere, f"resource {spec['id']}: confidence must be one of {', '.join(CONFIDENCE)}"))
    if not any(spec.get(k) for k in ("phone", "sms", "url")):
        problems.append((rwhere, f"resource {spec['id']} needs a phone, sms or url"))
    verified = spec.get("last_verified")
    if verified is not None and not isinstance(verified, dt.date):
        problems.append((rwhere, f"resource {spec['id']}: last_verified must be a date like 2026-11-28"))
        verified = None
    return Resource(
        id=str(spec["id"]), name=_text(spec, "name") or "", kind=str(spec["kind"]),
        summary=_text(spec, "summary") or "", source=str(spec["source"]), confidence=str(spec["confidence"]),
        last_verified=verified, phone=_text(spec, "phone"), phone_label=_text(spec, "phone_label"),
        sms=_text(spec, "sms"), sms_note=_text(spec, "sms_note"), url=_text(spec, "url"),
        hours=_text(spec, "hours"), ages=_text(spec, "ages"), everywhere=bool(spec.get("everywhere", False)),
        audience=str(spec.get("audience", "everyone")), where=rwhere,
    )


def load_directory(root: Path) -> Directory:
    """Load every country file under ``<content root>/resources``; `ContentError` lists problems."""
    folder = Path(root) / "resources"
    problems: list[tuple[Where | None, str]] = []
    countries: dict[str, Country] = {}
    ids: dict[str, Where | None] = {}
    if not folder.is_dir():
        raise ContentError([(None, f"resource directory not found: {folder}")])
    for path in sorted(folder.glob("*.yaml")):
        name = str(path.relative_to(Path(root).parent)) if Path(root).parent in path.parents else str(path)
        try:
            doc = load_yaml(path, name)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(doc, dict) or "platforms" in doc:
            continue  # platforms.yaml holds reference notes for reply writers, not resources
        top = Where(name, 1)
        for key in doc:
            if key not in {"country", "name", "languages", "resources", "gaps"}:
                problems.append((top, f"unknown key {key!r} in a country file"))
        code = str(doc.get("country", ""))
        if code != INTERNATIONAL and not COUNTRY_RE.match(code):
            problems.append((top, f"country must be an ISO 3166-1 alpha-2 code (GB, not UK) or {INTERNATIONAL}"))
            continue
        if code == "UK":
            problems.append((top, "use GB for the United Kingdom"))
        if code in countries:
            problems.append((top, f"country {code} is defined twice"))
            continue
        resources = []
        for spec in doc.get("resources") or []:
            resource = _parse_resource(spec, problems, top)
            if resource is None:
                continue
            if resource.id in ids:
                first = ids[resource.id]
                problems.append((resource.where, f"resource id {resource.id} is used twice (first at {first})"))
            ids[resource.id] = resource.where
            resources.append(resource)
        languages = doc.get("languages") or []
        countries[code] = Country(code, str(doc.get("name", code)), tuple(str(x) for x in languages),
                                  tuple(resources), top)
    if INTERNATIONAL not in countries:
        problems.append((None, f"{folder}/international.yaml is missing (the fallback for every country)"))
    if problems:
        raise ContentError(problems)
    return Directory(countries)


def country_from_locale(locale: str | None, directory: Directory) -> str | None:
    """A country from a platform locale hint ("en-GB", "pt_BR"); None unless a region is given
    and known. A bare language ("en", "de") is not a country, so it is never guessed."""
    if not locale:
        return None
    parts = re.split(r"[-_]", locale.strip())
    if len(parts) < 2:
        return None
    region = parts[-1].upper()
    if region == "UK":
        region = "GB"
    return region if directory.known(region) and region != INTERNATIONAL.upper() else None
