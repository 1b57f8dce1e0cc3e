"""Discord surface (discord.py 2.7): DMs, ephemeral slash commands, a moderator panel.

No privileged intents: DMs with the app and messages that mention it arrive with their content;
slash commands need none. Every reply is ephemeral in servers (flag 64) and every send uses
``allowed_mentions=none``. Attachments are never fetched. The only persisted state is the
per-server settings table; context, message ids for /erase and rate limits live in the RAM-only
keyed-hash store. Errors are logged by exception type and our own event name only.
"""

from __future__ import annotations

import logging
import re
import time
from collections import deque
from dataclasses import dataclass, field

import discord
from discord import app_commands

from bot.conversation.engine import Context, Engine, Reply
from bot.conversation.render import render_body
from bot.conversation.resources import country_from_locale
from bot.conversation.state import StateStore
from bot.platforms.server_settings import ServerSettings
from bot.privacy import log_exception

PLATFORM = "discord"
log = logging.getLogger("bot.platforms.discord")
NONE = discord.AllowedMentions.none()
PANEL_ID = "sb:panel:open"
MAX_COMPONENTS = 25
ERROR_EXPIRED_INTERACTION = 10062
ERROR_DMS_CLOSED = 50007


@dataclass
class UserState:
    context: Context
    message_ids: deque[int] = field(default_factory=lambda: deque(maxlen=200))
    window_start: float = 0.0
    window_count: int = 0


def _allowed(state, limit: int) -> bool:
    now = time.monotonic()
    if now - state.window_start > 60:
        state.window_start, state.window_count = now, 0
    state.window_count += 1
    return state.window_count <= limit


@dataclass
class _Window:
    window_start: float = 0.0
    window_count: int = 0


class ChoiceButton(discord.ui.DynamicItem[discord.ui.Button], template=r"sb1:(?P<rest>.{0,96})"):
    """Every reply button; survives restarts because the payload carries everything."""

    def __init__(self, payload: str, label: str = "Open") -> None:
        super().__init__(discord.ui.Button(label=label[:80], custom_id=payload[:100],
                                           style=discord.ButtonStyle.secondary))
        self.payload = payload

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(item.custom_id or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        client: SafetyDiscordMixin = interaction.client  # type: ignore[assignment]
        try:
            await client.answer_choice(interaction, self.payload)
        except Exception as exc:  # noqa: BLE001 - discord.py's default View.on_error would log str(exc)
            log_exception(log, "a button press failed", exc)


class PanelView(discord.ui.View):
    """The moderator panel's persistent button (namespaced custom id, no timeout)."""

    def __init__(self, label: str) -> None:
        super().__init__(timeout=None)
        button = discord.ui.Button(label=label[:80], custom_id=PANEL_ID, style=discord.ButtonStyle.primary)
        button.callback = self.open  # type: ignore[method-assign]
        self.add_item(button)

    async def open(self, interaction: discord.Interaction) -> None:
        client: SafetyDiscordMixin = interaction.client  # type: ignore[assignment]
        try:
            await client.answer_interaction(interaction, client.engine.start(client.context_for(interaction)))
        except Exception as exc:  # noqa: BLE001 - discord.py's default View.on_error would log str(exc)
            log_exception(log, "the panel button failed", exc)


def render(reply: Reply) -> tuple[str, discord.Embed | None, discord.ui.View]:
    """Neutral first line as the message content (what a notification shows), the rest as an
    embed, link buttons for resources and payload buttons for choices."""
    body = render_body(reply)
    rest = body.split("\n", 1)[1] if "\n" in body else ""
    embed = discord.Embed(description=rest[:4096]) if rest.strip() else None
    view = discord.ui.View(timeout=None)
    for label, url in reply.links:
        view.add_item(discord.ui.Button(label=label[:80], url=url))
    links = [r.resource for r in reply.resources if r.resource.url][: 6 - len(reply.links)]
    for resource in links:
        view.add_item(discord.ui.Button(label=resource.name[:80], url=resource.url))
    for choice in reply.choices[: MAX_COMPONENTS - len(links) - len(reply.links)]:
        view.add_item(ChoiceButton(choice.payload, choice.label))
    return reply.first_line, embed, view


class SafetyDiscordMixin:
    """Handlers shared by the single-connection and the auto-sharded client."""

    engine: Engine
    settings: ServerSettings
    tree: app_commands.CommandTree

    def _init_safety(self, engine: Engine, settings: ServerSettings, sync_commands: bool,
                     state_ttl_seconds: float, state_max_entries: int, messages_per_minute: int,
                     server_messages_per_minute: int) -> None:
        self.engine = engine
        self.settings = settings
        self.sync_commands = sync_commands
        self.messages_per_minute = messages_per_minute
        self.server_messages_per_minute = server_messages_per_minute
        self.store: StateStore[UserState] = StateStore(ttl_seconds=state_ttl_seconds, max_entries=state_max_entries)
        self.server_windows: StateStore[_Window] = StateStore(ttl_seconds=120, max_entries=state_max_entries)
        self.tree = app_commands.CommandTree(self)  # type: ignore[arg-type]
        self.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]
        self._register_commands()

    # -- setup ------------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ChoiceButton)  # type: ignore[attr-defined]
        self.add_view(PanelView(self.engine.replies["panel"].label or "Need help? Talk privately"))  # type: ignore
        if self.sync_commands:
            await self.tree.sync()

    def _register_commands(self) -> None:
        engine = self.engine
        topics = [app_commands.Choice(name=(engine.replies[t].label or t)[:100], value=t) for t in engine.topics][:25]
        countries = [app_commands.Choice(name=engine.directory.countries[c].name[:100], value=c)
                     for c in engine.directory.codes()][:25]

        @app_commands.command(name="help", description="Get private help (only you see the answer)")
        @app_commands.describe(topic="Jump straight to a topic")
        @app_commands.choices(topic=topics)
        @app_commands.allowed_installs(guilds=True, users=True)
        @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
        async def help_command(interaction: discord.Interaction, topic: app_commands.Choice[str] | None = None):
            context = self.context_for(interaction)
            reply = self.engine.choose(f"sb1:t:{topic.value}:{context.country}", context) if topic else \
                self.engine.start(context)
            await self.answer_interaction(interaction, reply)

        @app_commands.command(name="privacy", description="What this bot keeps (nothing)")
        @app_commands.allowed_installs(guilds=True, users=True)
        @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
        async def privacy_command(interaction: discord.Interaction):
            await self.answer_interaction(interaction, self.engine.privacy(self.context_for(interaction)))

        @app_commands.command(name="erase", description="Delete my messages in our private chat")
        @app_commands.allowed_installs(guilds=True, users=True)
        @app_commands.allowed_contexts(guilds=False, dms=True, private_channels=False)
        async def erase_command(interaction: discord.Interaction):
            await self.erase(interaction)

        @app_commands.command(name="safety-setup", description="Set this server's country and post the help panel")
        @app_commands.describe(country="Country for helplines", channel="Where to post the 'talk privately' panel")
        @app_commands.choices(country=countries)
        @app_commands.default_permissions(manage_guild=True)
        @app_commands.allowed_installs(guilds=True, users=False)
        @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
        async def setup_command(interaction: discord.Interaction, country: app_commands.Choice[str],
                                channel: discord.TextChannel):
            await self.safety_setup(interaction, country.value, channel)

        for command in (help_command, privacy_command, erase_command, setup_command):
            self.tree.add_command(command)

    # -- context and state --------------------------------------------------------------------

    def context_for(self, interaction: discord.Interaction) -> Context:
        state = self.store.get(PLATFORM, interaction.user.id)
        if state is not None:
            return state.context
        country = None
        if interaction.guild_id is not None:
            setting = self.settings.get(interaction.guild_id)
            country = setting.country if setting else None
        country = country or country_from_locale(str(interaction.locale), self.engine.directory)
        return self.engine.context(country)

    def _user_state(self, user_id: int, context: Context) -> UserState:
        state = self.store.get(PLATFORM, user_id) or UserState(context)
        self.store.put(PLATFORM, user_id, state)
        return state

    def _within_limits(self, user_id: int, guild_id: int | None, context: Context) -> bool:
        if not _allowed(self._user_state(user_id, context), self.messages_per_minute):
            return False
        if guild_id is not None:
            window = self.server_windows.get("discord-server", guild_id) or _Window()
            self.server_windows.put("discord-server", guild_id, window)
            return _allowed(window, self.server_messages_per_minute)
        return True

    # -- answering ----------------------------------------------------------------------------

    async def answer_interaction(self, interaction: discord.Interaction, reply: Reply) -> None:
        """Always ephemeral; an expired interaction (10062) is logged, never a traceback."""
        within = self._within_limits(interaction.user.id, interaction.guild_id, reply.context_after(Context()))
        if not within and reply.crisis_level is None:
            return
        content, embed, view = render(reply)
        kwargs = {"ephemeral": True, "view": view, "allowed_mentions": NONE}
        if embed is not None:
            kwargs["embed"] = embed
        try:
            await interaction.response.send_message(content, **kwargs)
        except discord.NotFound as exc:
            if exc.code == ERROR_EXPIRED_INTERACTION:
                log.info("an interaction expired before the reply was sent")
                return
            raise
        state = self._user_state(interaction.user.id, reply.context_after(self.context_for(interaction)))
        state.context = reply.context_after(state.context)

    async def answer_choice(self, interaction: discord.Interaction, payload: str) -> None:
        context = self.context_for(interaction)
        await self.answer_interaction(interaction, self.engine.choose(payload, context))

    async def send_dm(self, channel: discord.abc.Messageable, user_id: int, reply: Reply) -> None:
        content, embed, view = render(reply)
        kwargs = {"view": view, "allowed_mentions": NONE}
        if embed is not None:
            kwargs["embed"] = embed
        message = await channel.send(content, **kwargs)
        state = self._user_state(user_id, reply.context_after(Context()))
        state.message_ids.append(message.id)
        state.context = reply.context_after(state.context)

    # -- events --------------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        if isinstance(message.channel, discord.DMChannel):
            await self._on_dm(message)
        elif message.guild is not None and self.user is not None and self.user in message.mentions:
            await self._on_mention(message)

    async def _on_dm(self, message: discord.Message) -> None:
        state = self.store.get(PLATFORM, message.author.id)
        context = state.context if state else self.engine.context()
        if message.attachments or message.stickers:
            reply = self.engine.attachment(context)  # never fetched: we only know one was sent
        elif not message.content.strip():
            reply = self.engine.start(context)
        else:
            reply = self.engine.respond(message.content, context)
        if not self._within_limits(message.author.id, None, context) and reply.crisis_level is None:
            return  # over the limit: dropped, unless the crisis check fired (never drop a crisis)
        await self.send_dm(message.channel, message.author.id, reply)

    async def _on_mention(self, message: discord.Message) -> None:
        """A short neutral pointer in public (nothing of the message) plus a DM."""
        if not self._within_limits(message.author.id, message.guild.id if message.guild else None,
                                   self.engine.context()):
            return
        setting = self.settings.get(message.guild.id) if message.guild else None
        context = self.engine.context(setting.country if setting else None)
        pointer = "mention_pointer"
        try:
            dm = await message.author.create_dm()
            await self.send_dm(dm, message.author.id, self.engine.start(context))
        except discord.Forbidden as exc:
            if exc.code != ERROR_DMS_CLOSED:
                log_exception(log, "sending a DM failed", exc)
            pointer = "mention_pointer_no_dm"
        reply = self.engine.compose([pointer], context)
        text = "\n".join([reply.first_line, *reply.blocks[0].text])
        try:
            await message.channel.send(text, allowed_mentions=NONE)
        except discord.Forbidden as exc:
            log_exception(log, "posting the pointer failed (missing permission)", exc)

    async def erase(self, interaction: discord.Interaction) -> None:
        state = self.store.pop(PLATFORM, interaction.user.id)
        channel = interaction.channel
        if state is not None and channel is not None:
            for message_id in list(state.message_ids):
                try:
                    await channel.get_partial_message(message_id).delete()  # type: ignore[union-attr]
                except discord.HTTPException as exc:
                    log_exception(log, "deleting one of our messages failed", exc)
        context = state.context if state else self.context_for(interaction)
        await self.answer_interaction(interaction, self.engine.compose(["erase_done_discord"], context))

    async def safety_setup(self, interaction: discord.Interaction, country: str, channel: discord.TextChannel) -> None:
        context = self.context_for(interaction)
        permissions = interaction.permissions
        if interaction.guild_id is None or not (permissions.manage_guild or permissions.administrator):
            await self.answer_interaction(interaction, self.engine.compose(["setup_refused"], context))
            return
        country = country if self.engine.directory.known(country) else "international"
        self.settings.set(interaction.guild_id, country, self.engine.content.language)
        panel = self.engine.replies["panel"]
        try:
            await channel.send(panel.preview, embed=discord.Embed(description=" ".join(panel.text)),
                               view=PanelView(panel.label or "Need help? Talk privately"), allowed_mentions=NONE)
        except discord.Forbidden as exc:
            log_exception(log, "posting the panel failed (missing permission)", exc)
        done = self.engine.compose(["setup_done"], Context(country=country, language=context.language))
        await self.answer_interaction(interaction, done)

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, discord.NotFound) and original.code == ERROR_EXPIRED_INTERACTION:
            log.info("an interaction expired")
            return
        log_exception(log, "a slash command failed", original)

    async def on_error(self, event_method: str, /, *args, **kwargs) -> None:
        import sys

        error = sys.exc_info()[1]
        if error is not None:
            log_exception(log, f"handling a Discord event failed ({event_method})", error)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.settings.forget(guild.id)


# A text-only bot: the voice-library warnings at start-up are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def _client_kwargs(guild_ready_timeout: float) -> dict:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = True
    intents.guild_messages = True  # mentions of the bot still carry content without the privileged intent
    # max_messages=None: discord.py would otherwise keep the last 1,000 messages (text, authors,
    # attachment links) in memory; we never need them.
    return {"intents": intents, "allowed_mentions": NONE, "guild_ready_timeout": guild_ready_timeout,
            "max_messages": None}


class SafetyClient(SafetyDiscordMixin, discord.Client):
    def __init__(self, engine: Engine, settings: ServerSettings, *, sync_commands: bool = True,
                 guild_ready_timeout: float = 2.0, state_ttl_seconds: float = 1800, state_max_entries: int = 10000,
                 messages_per_minute: int = 20, server_messages_per_minute: int = 300) -> None:
        discord.Client.__init__(self, **_client_kwargs(guild_ready_timeout))
        self._init_safety(engine, settings, sync_commands, state_ttl_seconds, state_max_entries,
                          messages_per_minute, server_messages_per_minute)


class ShardedSafetyClient(SafetyDiscordMixin, discord.AutoShardedClient):
    def __init__(self, engine: Engine, settings: ServerSettings, *, sync_commands: bool = True,
                 guild_ready_timeout: float = 2.0, state_ttl_seconds: float = 1800, state_max_entries: int = 10000,
                 messages_per_minute: int = 20, server_messages_per_minute: int = 300) -> None:
        discord.AutoShardedClient.__init__(self, **_client_kwargs(guild_ready_timeout))
        self._init_safety(engine, settings, sync_commands, state_ttl_seconds, state_max_entries,
                          messages_per_minute, server_messages_per_minute)
