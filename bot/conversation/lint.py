"""`safety-bot check`, conversation part: replies and resources (issue: the safety conversation).

Checks every intent and follow-up has a reply; choices resolve; rendered text fits every
platform; links are https; phone numbers look like phone numbers; every country has an
emergency number and a child or crisis line; entries older than a year are flagged; no crisis
reply contains a method word; previews are neutral; reading level is measured.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from bot.content.lint import Finding
from bot.content.model import Content
from bot.conversation.engine import CRISIS_REPLIES, Context, Engine
from bot.conversation.payload import MAX_BYTES
from bot.conversation.render import render_body
from bot.conversation.replies import parse_replies
from bot.conversation.resources import INTERNATIONAL, load_directory
from bot.matching import Matcher
from bot.taxonomy import INTENT_IDS

FOLLOW_UPS = (
    "already_paid", "evidence", "take_down", "tell_someone", "block_report", "block_report_discord",
    "block_report_telegram", "block_report_instagram", "block_report_snapchat", "block_report_tiktok",
    "moderator_playbook", "privacy", "not_safe",
)
FRAMES = ("start", "menu", "abstain", "attachment", "country", *CRISIS_REPLIES.values())
DISCORD_MESSAGE = 2000
DISCORD_EMBED = 4096
TELEGRAM_MESSAGE = 4096
BUTTON_LABEL = 80
LABEL_SOFT = 40
MAX_GRADE = 8.0
STALE_AFTER = dt.timedelta(days=365)
PREVIEW_WORDS = re.compile(
    r"\b(nudes?|naked|sex\w*|photos?|pics?|pictures?|images?|threat\w*|blackmail\w*|sextort\w*|suicid\w*|kill\w*|"
    r"die|dying|dead|self.?harm\w*|cut\w*|abuse\w*|police|porn\w*|rape\w*|groom\w*)\b", re.I)
PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ()\-]{0,22}[0-9]$")
SMS_RE = re.compile(r"^[0-9][0-9 ]{1,14}[0-9]?$")
CRISIS_REPLY_IDS = (*CRISIS_REPLIES.values(), "crisis_self_harm", "immediate_danger", "not_safe")


def syllables(word: str) -> int:
    word = word.lower().strip(".,!?;:'\"()")
    if not word:
        return 0
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level (approximate syllables); around 7 is readable at age 12."""
    sentences = max(1, len(re.findall(r"[.!?]+(\s|$)", text)))
    words = re.findall(r"[A-Za-z']+", text)
    if not words:
        return 0.0
    syll = sum(syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syll / len(words) - 15.59


def _check_size(reply, where, what: str, err) -> None:
    """Block text must fit a Discord message; the whole body a Discord embed / Telegram message."""
    text = render_body(replace(reply, resources=()))
    whole = render_body(reply)
    if len(text) > DISCORD_MESSAGE:
        err(where, f"{what}: text renders to {len(text)} characters (Discord message limit {DISCORD_MESSAGE})")
    if len(whole) > min(DISCORD_EMBED, TELEGRAM_MESSAGE):
        err(where, f"{what}: text and resources render to {len(whole)} characters "
                   f"(Discord embed / Telegram message limit {min(DISCORD_EMBED, TELEGRAM_MESSAGE)})")


def lint_conversation(content: Content, matcher: Matcher, today: dt.date | None = None) -> list[Finding]:
    findings: list[Finding] = []
    err = lambda w, m: findings.append(Finding("error", w, m))  # noqa: E731
    warn = lambda w, m: findings.append(Finding("warning", w, m))  # noqa: E731
    today = today or dt.date.today()
    replies = parse_replies(content)
    directory = load_directory(Path(content.root))

    grades: list[float] = []
    for reply_id in (*INTENT_IDS, *FOLLOW_UPS, *FRAMES):
        if reply_id not in replies:
            err(None, f"no reply for {reply_id}")
    for reply in replies.values():
        if not reply.sources:
            err(reply.where, f"reply {reply.id} cites no sources")
        if len(reply.steps) > 6:
            err(reply.where, f"reply {reply.id} has {len(reply.steps)} steps (at most 6)")
        if reply.label and len(reply.label) > BUTTON_LABEL:
            err(reply.where, f"reply {reply.id}: label longer than {BUTTON_LABEL} characters (Discord button limit)")
        elif reply.label and len(reply.label) > LABEL_SOFT:
            warn(reply.where, f"reply {reply.id}: label longer than {LABEL_SOFT} characters (hard to read on a phone)")
        found = PREVIEW_WORDS.search(reply.preview)
        if found:
            err(reply.where, f"reply {reply.id}: preview (the lock-screen line) contains {found.group(0)!r}")
        for line in reply.all_text():
            if re.search(r"https?://|www\.", line):
                err(reply.where, f"reply {reply.id}: links belong in resources, not in reply text")
            if re.search(r"\d{3,}", line.replace("{emergency}", "")):
                err(reply.where, f"reply {reply.id}: numbers belong in resources (found digits in the text)")
        grade = fk_grade(" ".join(reply.all_text()))
        grades.append(grade)
        if grade > MAX_GRADE:
            warn(reply.where, f"reply {reply.id}: reading grade {grade:.1f} (aim for about 7, age 12)")
    if grades:
        findings.append(Finding("info", None, f"reading level of {len(grades)} replies: mean Flesch-Kincaid grade "
                                              f"{sum(grades) / len(grades):.1f}, highest {max(grades):.1f} "
                                              f"(about 7 reads well at age 12)"))
    for reply_id in CRISIS_REPLY_IDS:
        reply = replies.get(reply_id)
        if reply is None:
            continue
        views = matcher.normaliser.views(" . ".join(reply.all_text()))
        method = [h.term for h in matcher.lexicon.scan(views) if h.kind == "concept" and h.name == "METHOD"]
        if method:
            err(reply.where, f"crisis reply {reply.id} contains a method word ({method[0]!r}): never name means")

    for code, country in directory.countries.items():
        kinds = {r.kind for r in country.resources}
        if "emergency" not in kinds:
            err(country.where, f"{code} has no emergency number")
        if not kinds & {"child_helpline", "crisis_line"}:
            err(country.where, f"{code} has no child helpline or crisis line")
        for r in country.resources:
            if r.url and not r.url.startswith("https://"):
                err(r.where, f"resource {r.id}: link must be https ({r.url})")
            if r.phone and not PHONE_RE.match(r.phone):
                err(r.where, f"resource {r.id}: phone {r.phone!r} does not look like a phone number")
            if r.sms and not SMS_RE.match(r.sms):
                err(r.where, f"resource {r.id}: sms {r.sms!r} should be digits only (put words in sms_note)")
            if not r.source.startswith(("https://", "http://")):
                err(r.where, f"resource {r.id}: source must be a URL")
            if r.last_verified is None:
                err(r.where, f"resource {r.id} has no last_verified date")
            elif today - r.last_verified > STALE_AFTER:
                warn(r.where, f"resource {r.id} was last verified {r.last_verified} (over a year ago): re-check it")

    engine = Engine(content, matcher, replies, directory)
    longest_payload = max(len(code) for code in directory.countries)
    for reply in replies.values():
        for choice in reply.choices:
            size = len(f"sb1:t:{choice}:".encode()) + longest_payload
            if size > MAX_BYTES:
                err(reply.where, f"reply {reply.id}: choice {choice} makes a payload of {size} bytes (max {MAX_BYTES})")
    for code in directory.countries:
        context = Context(country=code, last="sextortion")
        for reply_id in replies:
            reply = engine.choose(f"sb1:t:{reply_id}:{code}", context)
            _check_size(reply, replies[reply_id].where, f"reply {reply_id} for {code}", err)
        for level in CRISIS_REPLIES.values():
            reply = engine.compose([level, "sextortion"], context)
            _check_size(reply, replies[level].where, f"{level} + sextortion for {code}", err)
    if INTERNATIONAL not in directory.countries:
        err(None, "no international resources")
    return findings
