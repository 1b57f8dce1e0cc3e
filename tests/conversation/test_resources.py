"""The resource directory: sourced, dated, complete per country, resolved with visible fallback."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from bot.content.yamlsource import ContentError
from bot.conversation.lint import lint_conversation
from bot.conversation.resources import INTERNATIONAL, country_from_locale, load_directory


def test_every_resource_has_a_source_a_date_and_a_contact(engine):
    for country in engine.directory.countries.values():
        for r in country.resources:
            assert r.source.startswith("http"), r.id
            assert isinstance(r.last_verified, dt.date), r.id
            assert r.phone or r.sms or r.url, r.id
            assert r.summary, r.id


def test_nineteen_countries_plus_international(engine):
    codes = set(engine.directory.countries)
    assert INTERNATIONAL in codes
    assert len(codes - {INTERNATIONAL}) == 19
    assert "GB" in codes and "UK" not in codes


def test_every_country_has_emergency_and_a_helpline(engine):
    for code, country in engine.directory.countries.items():
        kinds = {r.kind for r in country.resources}
        assert "emergency" in kinds, code
        assert kinds & {"child_helpline", "crisis_line"}, code


def test_fallback_is_visible(engine):
    # Mexico has no child helpline in the facts: the answer comes from elsewhere and says so.
    resolved = engine.directory.resolve(["child_helpline"], "MX")
    assert resolved
    assert all(r.country != "MX" or r.resource.kind != "child_helpline" for r in resolved)
    international = [r for r in engine.directory.resolve(["report_abuse"], "IN") if r.country == INTERNATIONAL]
    assert all(r.fallback for r in international)


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-GB", "GB"), ("pt_BR", "BR"), ("en-UK", "GB"), ("en", None), ("de", None), ("xx-ZZ", None), (None, None),
])
def test_country_from_a_locale_hint_needs_a_region(engine, locale, expected):
    assert country_from_locale(locale, engine.directory) == expected


def test_stale_entries_are_a_warning(real_content, matcher):
    later = dt.date(2028, 1, 1)
    findings = lint_conversation(real_content, matcher, today=later)
    stale = [f for f in findings if "over a year ago" in f.message]
    assert stale and all(f.level == "warning" for f in stale)
    assert not [f for f in lint_conversation(real_content, matcher) if f.level == "error"]


def test_bad_resource_files_name_file_and_line(tmp_path):
    folder = tmp_path / "intents" / "resources"
    folder.mkdir(parents=True)
    (folder / "international.yaml").write_text(textwrap.dedent("""
        country: international
        name: International
        resources:
          - {id: x1, name: X, kind: emergency, phone: "112", summary: s, source: "https://a", confidence: high,
             last_verified: 2026-11-28}
    """))
    (folder / "uk.yaml").write_text(textwrap.dedent("""
        country: UK
        name: Britain
        resources:
          - id: uk_1
            name: Y
            kind: hotline
            summary: s
            source: "https://b"
            confidence: sure
    """))
    with pytest.raises(ContentError) as info:
        load_directory(tmp_path / "intents")
    text = str(info.value)
    assert "uk.yaml:" in text and "GB" in text


def test_a_service_listed_twice_is_shown_once(engine):
    resolved = engine.directory.resolve(["image_removal"], "US")
    urls = [r.resource.url for r in resolved if r.resource.url]
    assert len(urls) == len(set(urls))
    assert "https://takeitdown.ncmec.org" in urls
