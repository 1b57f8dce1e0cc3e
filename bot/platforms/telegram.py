"""Telegram surface (python-telegram-bot v22): thin translation between updates and the engine.

Private chats get the whole conversation; groups only ever get a neutral pointer with a button
that opens a private chat (deep link). Nothing here logs a user-derived value: errors are logged
by exception type and our own event name (bot/privacy.py). Attachments are never downloaded
(no getFile): the incoming message is deleted and the user is told why. Message ids for /erase,
the conversation context and rate limits live in the RAM-only keyed-hash store.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from collections import deque
from dataclasses import dataclass, field

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation.engine import Context, Engine, Reply
from bot.conversation.payload import Payload
from bot.conversation.render import resource_line
from bot.conversation.state import StateStore
from bot.privacy import log_exception

PLATFORM = "telegram"
log = logging.getLogger("bot.platforms.telegram")
COMMANDS = [
    BotCommand("start", "Start and see the topics"),
    BotCommand("help", "Show the topics"),
    BotCommand("country", "Change country for helplines"),
    BotCommand("privacy", "What this bot keeps (nothing)"),
    BotCommand("erase", "Delete this chat's messages"),
]
MAX_REMEMBERED_MESSAGES = 200
SEND_ATTEMPTS = 8  # network errors (backoff capped at 8 s, ~40 s in all); 429s wait without using attempts
MAX_RETRY_WAIT = 120.0  # seconds of 429 waiting before a reply is given up
DEEP_LINK_RE = re.compile(r"^(?:([a-z][a-z0-9_]{0,40}?))?(?:_?([A-Z]{2}))?$")
MEDIA = (filters.PHOTO | filters.VIDEO | filters.Document.ALL | filters.VOICE | filters.AUDIO
         | filters.Sticker.ALL | filters.VIDEO_NOTE | filters.ANIMATION | filters.CONTACT | filters.LOCATION)


@dataclass
class ChatState:
    """What the process keeps about one private chat, in RAM, under a keyed hash."""

    context: Context
    message_ids: deque[int] = field(default_factory=lambda: deque(maxlen=MAX_REMEMBERED_MESSAGES))
    window_start: float = 0.0
    window_count: int = 0


def _esc(text: str) -> str:
    """Telegram HTML needs only &, < and > escaped (quotes would show as entities)."""
    return html.escape(text, quote=False)


def render_html(reply: Reply) -> tuple[str, InlineKeyboardMarkup | None]:
    """HTML text (every string escaped) plus an inline keyboard: resources as URL buttons, then choices."""
    parts: list[str] = []
    for block in reply.blocks:
        lines = [f"<b>{_esc(block.preview)}</b>", *(_esc(t) for t in block.text)]
        lines += [f"{n}. {_esc(step)}" for n, step in enumerate(block.steps, 1)]
        lines += [_esc(t) for t in block.footer]
        parts.append("\n".join(lines))
    if reply.resources:
        local = [r for r in reply.resources if r.country == reply.country]
        heading = f"Help in {reply.country_name}:" if local and reply.country != "international" else "Help:"
        parts.append("\n".join([f"<b>{_esc(heading)}</b>",
                                *(_esc(resource_line(r)) for r in reply.resources)]))
    rows: list[list[InlineKeyboardButton]] = [[InlineKeyboardButton(label, url=url)] for label, url in reply.links]
    for item in reply.resources:
        if item.resource.url:
            rows.append([InlineKeyboardButton(item.resource.name[:64], url=item.resource.url)])
    for choice in reply.choices:
        rows.append([InlineKeyboardButton(choice.label, callback_data=choice.payload)])
    return "\n\n".join(parts), InlineKeyboardMarkup(rows) if rows else None


def parse_deep_link(argument: str | None, engine: Engine) -> tuple[str | None, str | None]:
    """``sextortion_GB`` / ``GB`` / ``sextortion`` -> (topic, country); anything unknown -> (None, None)."""
    if not argument or len(argument) > 64:
        return None, None
    match = DEEP_LINK_RE.match(argument)
    if not match:
        return None, None
    topic, country = match.group(1), match.group(2)
    if topic and topic not in engine.replies:
        topic = None
    if country and not engine.directory.known(country):
        country = None
    return topic, country


class TelegramSurface:
    """Handlers and the lifecycle; one instance per running bot."""

    def __init__(self, engine: Engine, token: str, base_url: str | None = None, base_file_url: str | None = None,
                 state_ttl_seconds: float = 1800, state_max_entries: int = 10000, messages_per_minute: int = 20):
        self.engine = engine
        self.token = token
        self.base_url = base_url
        self.base_file_url = base_file_url
        self.messages_per_minute = messages_per_minute
        self.store: StateStore[ChatState] = StateStore(ttl_seconds=state_ttl_seconds, max_entries=state_max_entries)
        self.app: Application | None = None

    # -- lifecycle (the same functions main and the tests use; no run_polling) -----------------

    def build(self) -> Application:
        builder = ApplicationBuilder().token(self.token)
        if self.base_url:
            builder = builder.base_url(self.base_url)
        if self.base_file_url:
            builder = builder.base_file_url(self.base_file_url)
        app = builder.build()
        private = filters.ChatType.PRIVATE
        app.add_handler(CommandHandler("start", self.on_start, filters=private))
        app.add_handler(CommandHandler(["help", "menu"], self.on_help, filters=private))
        app.add_handler(CommandHandler("country", self.on_country, filters=private))
        app.add_handler(CommandHandler("privacy", self.on_privacy, filters=private))
        app.add_handler(CommandHandler("erase", self.on_erase, filters=private))
        app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, self.on_group_command))
        app.add_handler(MessageHandler(private & MEDIA, self.on_attachment))
        app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(private & filters.COMMAND, self.on_help))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_error_handler(self.on_error)
        self.app = app
        return app

    async def start(self, polling: bool = True, webhook: dict | None = None) -> Application:
        app = self.app or self.build()
        try:
            await app.initialize()
        except BaseException:
            await app.bot.shutdown()  # initialize() failing leaves the HTTP client open
            raise
        await self._set_commands(app)
        if webhook is not None:
            await app.updater.start_webhook(**webhook)
        elif polling:
            await app.updater.start_polling(poll_interval=0, timeout=10, drop_pending_updates=False)
        await app.start()
        return app

    async def stop(self) -> None:
        app = self.app
        if app is None:
            return
        if app.updater and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _set_commands(self, app: Application) -> None:
        try:
            await app.bot.set_my_commands(COMMANDS, scope=BotCommandScopeAllPrivateChats())
        except TelegramError as exc:
            log_exception(log, "setting the command list failed", exc)

    # -- state ------------------------------------------------------------------------------

    def _state(self, chat_id: int, language_code: str | None = None) -> ChatState:
        state = self.store.get(PLATFORM, chat_id)
        if state is None:
            from bot.conversation.resources import country_from_locale

            state = ChatState(self.engine.context(country_from_locale(language_code, self.engine.directory)))
        self.store.put(PLATFORM, chat_id, state)
        return state

    def _allowed(self, state: ChatState) -> bool:
        now = time.monotonic()
        if now - state.window_start > 60:
            state.window_start, state.window_count = now, 0
        state.window_count += 1
        return state.window_count <= self.messages_per_minute

    # -- sending ----------------------------------------------------------------------------

    async def _send(self, chat_id: int, reply: Reply, state: ChatState | None) -> None:
        text, keyboard = render_html(reply)
        attempt = 0
        waited = 0.0
        while attempt < SEND_ATTEMPTS:
            try:
                message = await self.app.bot.send_message(  # type: ignore[union-attr]
                    chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard, protect_content=True,
                    link_preview_options=LinkPreviewOptions(is_disabled=True))
            except RetryAfter as exc:
                wait = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else exc.retry_after
                wait = min(float(wait), 30.0)
                if waited + wait > MAX_RETRY_WAIT:
                    break
                waited += wait
                await asyncio.sleep(wait)
            except Forbidden:
                log.info("a user blocked the bot; reply dropped")
                self.store.pop(PLATFORM, chat_id)
                return
            except NetworkError as exc:
                attempt += 1
                if isinstance(exc, BadRequest) or attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(min(8.0, 0.25 * (2 ** attempt)))
            else:
                if state is not None:
                    state.message_ids.append(message.message_id)
                    state.context = reply.context_after(state.context)
                return
        log.warning("a reply could not be sent after %d attempts", SEND_ATTEMPTS)

    async def _answer(self, update: Update, reply_for) -> None:
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        user = update.effective_user
        state = self._state(chat.id, user.language_code if user else None)
        state.message_ids.append(message.message_id)
        reply = reply_for(state.context)
        if not self._allowed(state) and reply.crisis_level is None:
            return  # over the limit: dropped, unless the crisis check fired (never drop a crisis)
        await self._send(chat.id, reply, state)

    # -- handlers (registered in this order in build()) --------------------------------------

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, optionally with a deep link such as ?start=sextortion_GB."""
        topic, country = parse_deep_link(context.args[0] if context.args else None, self.engine)

        def reply_for(ctx: Context) -> Reply:
            if country:
                ctx = Context(country=country, language=ctx.language, last=ctx.last)
            if topic:
                return self.engine.choose(Payload("t", topic, ctx.country).encode(), ctx)
            return self.engine.start(ctx)

        await self._answer(update, reply_for)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help (and unknown commands): the topic menu."""
        await self._answer(update, self.engine.menu)

    async def on_country(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/country: the country picker."""
        await self._answer(update, lambda ctx: self.engine.choose(Payload("t", "country", ctx.country).encode(), ctx))

    async def on_privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/privacy: what the bot keeps (nothing) and what Telegram keeps."""
        await self._answer(update, self.engine.privacy)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Free text: matched, never echoed."""
        text = update.effective_message.text or "" if update.effective_message else ""
        await self._answer(update, lambda ctx: self.engine.respond(text, ctx))

    async def on_attachment(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, videos, files, voice, stickers: never downloaded; deleted from the chat."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        try:
            await context.bot.delete_message(chat.id, message.message_id)
        except TelegramError as exc:
            log_exception(log, "deleting an incoming attachment failed", exc)
        state = self._state(chat.id)
        if self._allowed(state):
            await self._send(chat.id, self.engine.attachment(state.context), state)

    async def on_erase(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/erase: delete both sides of what this process still knows, then say what is left."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        state = self._state(chat.id)
        ids = [*state.message_ids, message.message_id]
        state.message_ids.clear()
        for start in range(0, len(ids), 100):
            try:
                await context.bot.delete_messages(chat.id, ids[start:start + 100])
            except TelegramError as exc:
                log_exception(log, "bulk delete failed", exc)
        fresh = ChatState(Context(country=state.context.country, language=state.context.language))
        self.store.put(PLATFORM, chat.id, fresh)
        await self._send(chat.id, self.engine.compose(["erase_done"], fresh.context), None)

    async def on_group_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Groups: a neutral pointer and a private-chat button; never a topic, never an echo."""
        chat = update.effective_chat
        if chat is None:
            return
        reply = self.engine.compose(["group_pointer"], self.engine.context())
        username = context.bot.username
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Open a private chat",
                                                               url=f"https://t.me/{username}?start=menu")]])
        text = _esc(reply.first_line) + "\n" + "\n".join(_esc(t) for t in reply.blocks[0].text)
        try:
            await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        except TelegramError as exc:
            log_exception(log, "group pointer failed", exc)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every callback query is answered; forged or stale data shows the menu."""
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as exc:
            log_exception(log, "answering a button failed", exc)
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        state = self._state(chat.id)
        if self._allowed(state):
            await self._send(chat.id, self.engine.choose(query.data, state.context), state)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the exception type and our event only: never the update, never str(error)."""
        if context.error is not None:
            log_exception(log, "handling a Telegram update failed", context.error)
