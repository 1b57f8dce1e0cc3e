"""The conversation engine: a pure function of (message or button, small context) -> `Reply`.

It knows nothing about Discord or Telegram. Rules it guarantees (tests prove each):

* crisis support comes first whenever the matcher raises the crisis flag, shaped by its level;
* an unsure matcher never yields a bare "I don't understand": the likeliest topics, the full
  menu and "I'm not safe right now" are offered instead;
* the first line of every reply is a reviewed, lock-screen-neutral preview;
* user text is never echoed or interpolated; the only placeholder is the emergency number;
* every button carries a self-contained payload (topic + country), so no server state is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.content.loader import default_content_root, load_content
from bot.content.model import CRISIS_LEVELS, Content
from bot.conversation import payload as payloads
from bot.conversation.replies import ReplySpec, parse_replies
from bot.conversation.resources import INTERNATIONAL, Directory, ResolvedResource, load_directory
from bot.matching import Match, Matcher
from bot.taxonomy import INTENT_IDS

CRISIS_REPLIES = {"check_in": "crisis_check_in", "crisis": "crisis_crisis", "emergency": "crisis_emergency"}
FRAME_INTENTS = frozenset({"greeting", "thanks", "out_of_scope"})
MENU_EXCLUDES = frozenset({"greeting", "thanks", "out_of_scope", "immediate_danger"})
REPLIES_WITH_TOPIC_LIST = frozenset({"start", "menu"})
MAX_CHOICES = 6
MAX_RESOURCES = 6


@dataclass(frozen=True)
class Context:
    """What the engine needs to know about the conversation; no identity, no message text."""

    country: str = INTERNATIONAL
    language: str = "en"
    last: str | None = None  # the last topic shown, so "change country" can show it again


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    payload: str


@dataclass(frozen=True)
class Block:
    reply_id: str
    preview: str
    text: tuple[str, ...]
    steps: tuple[str, ...]
    footer: tuple[str, ...]


@dataclass(frozen=True)
class Reply:
    blocks: tuple[Block, ...]
    resources: tuple[ResolvedResource, ...]
    choices: tuple[Choice, ...]
    country: str
    country_name: str
    topic: str | None
    intent: str | None = None
    crisis_level: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (label, https url) buttons that are not helplines

    @property
    def reply_ids(self) -> tuple[str, ...]:
        return tuple(b.reply_id for b in self.blocks)

    @property
    def first_line(self) -> str:
        return self.blocks[0].preview

    def context_after(self, context: Context) -> Context:
        """The context to keep for the next turn (RAM only, no text)."""
        return replace(context, country=self.country, last=self.topic or context.last)

    def all_text(self) -> str:
        """Every user-visible string, for tests and checks."""
        parts: list[str] = []
        for block in self.blocks:
            parts += [block.preview, *block.text, *block.steps, *block.footer]
        for item in self.resources:
            r = item.resource
            parts += [x for x in (r.name, r.summary, r.phone, r.phone_label, r.sms, r.sms_note, r.url, r.hours) if x]
        parts += [c.label for c in self.choices]
        return "\n".join(parts)


class Engine:
    """Compiled content plus the reply texts and the resource directory."""

    def __init__(self, content: Content, matcher: Matcher, replies: dict[str, ReplySpec], directory: Directory,
                 default_country: str = INTERNATIONAL, privacy_url: str | None = None):
        self.privacy_url = privacy_url
        self.content = content
        self.matcher = matcher
        self.replies = replies
        self.directory = directory
        self.default_country = default_country if directory.known(default_country) else INTERNATIONAL
        ordered = [*INTENT_IDS, *(i for i in content.intents if i not in INTENT_IDS)]  # taxonomy order first
        self.topics = tuple(
            intent_id for intent_id in ordered
            if intent_id in content.intents and intent_id not in MENU_EXCLUDES
            and intent_id in replies and replies[intent_id].label
        )

    @classmethod
    def from_content(cls, root: Path | None = None, language: str = "en",
                     default_country: str = INTERNATIONAL, privacy_url: str | None = None) -> Engine:
        root = Path(root) if root else default_content_root()
        content = load_content(root, language)
        return cls(content, Matcher(content), parse_replies(content), load_directory(root), default_country,
                   privacy_url)

    def context(self, country: str | None = None) -> Context:
        code = country if country and self.directory.known(country) else self.default_country
        return Context(country=code, language=self.content.language)

    # -- entry points ------------------------------------------------------------------------

    def start(self, context: Context) -> Reply:
        return self.compose(["start"], context)

    def menu(self, context: Context) -> Reply:
        return self.compose(["menu"], context)

    def privacy(self, context: Context) -> Reply:
        """/privacy: what is kept (nothing), with a button to the operator's full PRIVACY.md."""
        reply = self.compose(["privacy"], context, topic="privacy")
        if self.privacy_url:
            reply = replace(reply, links=(("Privacy notice", self.privacy_url),))
        return reply

    def attachment(self, context: Context) -> Reply:
        return self.compose(["attachment"], context)

    def respond(self, text: str, context: Context) -> Reply:
        """Answer free text. The text is only matched; nothing of it reaches the reply."""
        return self.reply_for_match(self.matcher.match(text), context)

    def choose(self, raw_payload: object, context: Context) -> Reply:
        """Answer a button press; anything forged or stale shows the menu."""
        decoded = payloads.decode(raw_payload)
        if decoded is None or not self.directory.known(decoded.country):
            return self.menu(context)
        context = replace(context, country=decoded.country)
        target = decoded.target
        if target == "country" and decoded.action == "t":
            return self._country_picker(context)
        if target == "menu" or target not in self.replies:
            return self.menu(context)
        return self.compose([target], context, topic=target)

    def reply_for_match(self, match: Match, context: Context) -> Reply:
        ids: list[str] = []
        level = match.crisis_level
        intent = match.intent
        intent_level = self.content.intents[intent].crisis_level if intent else None
        if level and not (intent_level and CRISIS_LEVELS.index(level) <= CRISIS_LEVELS.index(intent_level)):
            ids.append(CRISIS_REPLIES[level])
        if intent is None:
            ids.append("abstain")
            candidates = [c.intent for c in match.candidates if c.intent in self.topics]
            return self.compose(ids, context, extra_choices=[*candidates, "menu", "not_safe"],
                                 topic=ids[0] if level else None, match=match)
        if not (level and intent in FRAME_INTENTS):
            ids.append(intent)
        topic = next((i for i in reversed(ids) if i in self.replies), None)
        return self.compose(ids, context, topic=topic, match=match)

    # -- composition -------------------------------------------------------------------------

    def _country_picker(self, context: Context) -> Reply:
        target = context.last or "menu"
        choices = tuple(
            Choice(f"country_{code}", self.directory.countries[code].name,
                   payloads.Payload("c", target, code).encode())
            for code in self.directory.codes()
        )
        base = self.compose(["country"], context)
        return replace(base, choices=choices, resources=())

    def compose(self, ids: list[str], context: Context, extra_choices: list[str] | None = None,
                 topic: str | None = None, match: Match | None = None) -> Reply:
        code = context.country if self.directory.known(context.country) else self.default_country
        emergency = self.directory.emergency_text(code)
        specs = [self.replies[i] for i in ids]
        blocks = tuple(
            Block(s.id, _fill(s.preview, emergency), tuple(_fill(t, emergency) for t in s.text),
                  tuple(_fill(t, emergency) for t in s.steps), tuple(_fill(t, emergency) for t in s.footer))
            for s in specs
        )
        kinds: list[str] = []
        for spec in specs:
            kinds += [k for k in spec.resources if k not in kinds]
        adults = any(spec.audience == "adults" for spec in specs)
        resources = tuple(self.directory.resolve(kinds, code, adults=adults)[:MAX_RESOURCES])
        wanted: list[str] = []
        if any(i in REPLIES_WITH_TOPIC_LIST for i in ids):
            wanted += [*self.topics, "not_safe"]
        wanted += extra_choices or []
        for spec in specs:
            wanted += list(spec.choices)
        limit = len(self.topics) + 2 if any(i in REPLIES_WITH_TOPIC_LIST for i in ids) else MAX_CHOICES
        if resources and topic not in FRAME_INTENTS and "country" not in wanted:
            wanted.append("country")  # help depends on the country: changing it is always one tap
        if not {"menu", "not_safe"} & set(wanted) and "menu" not in ids:
            wanted.append("menu")
        choices = self._choices(wanted, code, limit, shown=set(ids))
        return Reply(
            blocks=blocks, resources=resources, choices=choices, country=code,
            country_name=self.directory.country(code).name, topic=topic,
            intent=match.intent if match else None, crisis_level=match.crisis_level if match else None,
        )

    def _choices(self, wanted: list[str], code: str, limit: int, shown: set[str]) -> tuple[Choice, ...]:
        out: list[Choice] = []
        seen: set[str] = set()
        # Safety exits are never crowded out by topics.
        reserved = [w for w in ("not_safe", "menu", "country") if w in wanted]
        room = limit - len(reserved)
        for choice_id in wanted:
            if choice_id in seen or choice_id in shown and choice_id not in ("menu",):
                continue
            if choice_id not in reserved and room <= 0:
                continue
            spec = self.replies.get(choice_id)
            if spec is None or not spec.label:
                continue
            seen.add(choice_id)
            if choice_id not in reserved:
                room -= 1
            out.append(Choice(choice_id, spec.label, payloads.Payload("t", choice_id, code).encode()))
        order = {w: i for i, w in enumerate(wanted)}
        out.sort(key=lambda c: (c.id in reserved, order.get(c.id, 0)))
        return tuple(out)


def _fill(text: str, emergency: str) -> str:
    """The one placeholder: the emergency number of the user's country (reviewed data only)."""
    return text.replace("{emergency}", emergency)
