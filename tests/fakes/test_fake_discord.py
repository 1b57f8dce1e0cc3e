"""The fake Discord (gateway + REST), driven by a real discord.py client and by a raw aiohttp client.

The client runs as the bot will: ``login()`` (which runs ``setup_hook`` and syncs the command tree), then
``connect(reconnect=False)`` in a task, then ``wait_until_ready()``. No test sleeps: they wait on
``fake.wait_for_call`` / ``fake.wait_for_op`` or on the queues the client's handlers fill.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import time
import warnings
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

with warnings.catch_warnings():  # discord.player imports audioop, deprecated since Python 3.11
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord

from discord import app_commands

from tests.canaries import (
    ALL,
    DC_CHANNEL_ID,
    DC_DM_CHANNEL_ID,
    DC_GLOBAL_NAME,
    DC_GUILD_ID,
    DC_INTERACTION_TOKEN,
    DC_TOKEN,
    DC_USER_ID,
    DC_USERNAME,
    find_canaries,
)
from tests.fakes import dc_payloads
from tests.fakes.dc_payloads import APPLICATION_ID, BOT_ID, INTERACTION_ID, MANAGE_GUILD
from tests.fakes.discord_api import FakeDiscord, patch_discord_py

REPLY = "You are not in trouble. Here is what we can do."
DM_TEXT = "Let's talk here, privately."
PRESSED = "Here is what you can do right now."
CALLBACK = f"/interactions/{INTERACTION_ID}/{DC_INTERACTION_TOKEN}/callback"
DM_MESSAGES = f"/channels/{DC_DM_CHANNEL_ID}/messages"
GUILD_MESSAGES = f"/channels/{DC_CHANNEL_ID}/messages"


def intents() -> discord.Intents:
    result = discord.Intents.none()
    result.dm_messages = True
    result.guild_messages = True
    result.guilds = True
    return result


# ------------------------------------------------------------------------------------ the client


class PanelView(discord.ui.View):
    """A persistent view: no timeout, fixed custom_id, registered with ``add_view`` in ``setup_hook``."""

    def __init__(self, bot: _BotMixin) -> None:
        super().__init__(timeout=None)
        self.bot = bot

    @discord.ui.button(label="Press", custom_id="sb:test", style=discord.ButtonStyle.secondary)
    async def press(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self.bot.respond(interaction, PRESSED)


class _BotMixin:
    """Handlers shared by the plain and the sharded client; results and errors go to queues."""

    def _init_harness(self) -> None:
        self.tree = app_commands.CommandTree(self)  # type: ignore[arg-type]
        self.errors: asyncio.Queue[BaseException] = asyncio.Queue()
        self.messages: asyncio.Queue[discord.Message] = asyncio.Queue()
        self.interactions: asyncio.Queue[discord.Interaction] = asyncio.Queue()
        self.responses: asyncio.Queue[discord.InteractionCallbackResponse] = asyncio.Queue()
        self.resumed = asyncio.Event()

        @self.tree.command(name="safety", description="Get help, privately")
        @app_commands.describe(topic="What it is about")
        @app_commands.allowed_installs(guilds=True, users=True)
        @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
        async def safety(interaction: discord.Interaction, topic: str | None = None) -> None:
            await self.respond(interaction, REPLY)

    async def respond(self, interaction: discord.Interaction, text: str) -> None:
        await self.interactions.put(interaction)
        try:
            response = await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:
            await self.errors.put(exc)
        else:
            await self.responses.put(response)

    async def setup_hook(self) -> None:
        self.add_view(PanelView(self))  # type: ignore[attr-defined]
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.id == int(BOT_ID):
            return
        await self.messages.put(message)
        try:
            if "dm me" in message.content:
                await message.author.send(DM_TEXT)
            else:
                await message.channel.send(REPLY, view=PanelView(self))
        except discord.HTTPException as exc:
            await self.errors.put(exc)

    async def on_resumed(self) -> None:
        self.resumed.set()


class Bot(_BotMixin, discord.Client):
    def __init__(self) -> None:
        discord.Client.__init__(self, intents=intents(), guild_ready_timeout=0.01)
        self._init_harness()


class ShardedBot(_BotMixin, discord.AutoShardedClient):
    def __init__(self) -> None:
        discord.AutoShardedClient.__init__(self, intents=intents(), guild_ready_timeout=0.01)
        self._init_harness()


@contextlib.asynccontextmanager
async def running(client: discord.Client) -> AsyncIterator[discord.Client]:
    """login -> connect task -> ready; on exit close, then cancel and await the task."""
    await client.login(DC_TOKEN)
    task = asyncio.create_task(client.connect(reconnect=False))
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            if task.done():
                task.result()  # raises the connect error
            raise AssertionError("client was not ready within 5 s")
        yield client
    finally:
        ready.cancel()
        await client.close()
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def next_item(queue: asyncio.Queue[Any], timeout: float = 5.0) -> Any:
    return await asyncio.wait_for(queue.get(), timeout)


# ---------------------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    undo = patch_discord_py(fake.api_base, fake.gateway_url)
    try:
        yield fake
    finally:
        undo()
        await fake.stop()


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[Bot]:
    async with running(Bot()) as client:
        yield client  # type: ignore[misc]


# -------------------------------------------------------------------------- login, ready, sync


async def test_login_identify_ready_and_command_sync(fake: FakeDiscord, bot: Bot) -> None:
    methods = [(c.method, c.path) for c in fake.calls]
    assert methods[:3] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/{APPLICATION_ID}/commands"),
    ]
    assert bot.user is not None and bot.user.id == int(BOT_ID) and bot.user.bot
    assert bot.application_id == int(APPLICATION_ID)
    assert bot.is_ready()

    assert fake.identify is not None
    assert fake.identify["token"] == DC_TOKEN
    assert fake.identify["intents"] == intents().value
    assert not (discord.Intents(fake.identify["intents"]).message_content or bot.intents.members)
    assert set(fake.ops) == {1, 2}
    assert fake.gateway_queries[0]["v"] == "10" and fake.gateway_queries[0]["encoding"] == "json"

    (command,) = fake.calls_to("PUT", "/applications/")[0].json
    assert command["name"] == "safety"
    assert command["contexts"] == [0, 1, 2]
    assert command["integration_types"] == [0, 1]
    assert command["options"][0]["name"] == "topic" and command["options"][0]["required"] is False
    assert fake.commands[None][0]["id"]


async def test_patch_is_undone() -> None:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    undo = patch_discord_py("http://127.0.0.1:1/api/v10", "ws://127.0.0.1:1/gateway")
    assert discord.http.Route.BASE == "http://127.0.0.1:1/api/v10"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:1/gateway"
    undo()
    assert discord.http.Route.BASE == base == "https://discord.com/api/v10"
    assert gateway == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


# -------------------------------------------------------------------------------------- messages


async def test_dm_message_reply(fake: FakeDiscord, bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message("hello", attachments=[dc_payloads.attachment()]))
    call = await fake.wait_for_call("POST", DM_MESSAGES)
    assert call.json["content"] == REPLY
    assert call.json["components"][0]["components"][0]["custom_id"] == "sb:test"

    message = await next_item(bot.messages)
    assert isinstance(message.channel, discord.DMChannel)
    assert message.channel.id == int(DC_DM_CHANNEL_ID)
    assert message.guild is None
    assert message.author.id == int(DC_USER_ID)
    assert message.author.name == DC_USERNAME and message.author.global_name == DC_GLOBAL_NAME
    assert message.content == "hello"
    (attachment,) = message.attachments
    assert attachment.filename == "canary.jpg" and attachment.content_type == "image/jpeg"
    assert bot.errors.empty()
    assert not find_canaries(caplog.text), caplog.text


async def test_guild_mention(fake: FakeDiscord, bot: Bot) -> None:
    # The canary guild is configured by default: READY lists it unavailable, then GUILD_CREATE fills the cache.
    guild = bot.get_guild(int(DC_GUILD_ID))
    assert guild is not None and guild.get_channel(int(DC_CHANNEL_ID)) is not None
    assert guild.me is not None and guild.me.id == int(BOT_ID)

    await fake.dispatch("MESSAGE_CREATE", dc_payloads.guild_message_mention("help please"))
    call = await fake.wait_for_call("POST", GUILD_MESSAGES)
    assert call.json["content"] == REPLY
    message = await next_item(bot.messages)
    assert message.guild is guild
    assert isinstance(message.channel, discord.TextChannel)
    assert isinstance(message.author, discord.Member) and message.author.id == int(DC_USER_ID)
    assert bot.user in message.mentions
    assert message.content == f"<@{BOT_ID}> help please"


async def test_no_guilds() -> None:
    fake = FakeDiscord(guilds=[])
    await fake.start()
    undo = patch_discord_py(fake.api_base, fake.gateway_url)
    try:
        async with running(Bot()) as client:
            assert not client.guilds
            # Without the guild in the cache a guild message still arrives, with a partial channel.
            await fake.dispatch("MESSAGE_CREATE", dc_payloads.guild_message_mention("hi"))
            message = await next_item(client.messages)  # type: ignore[attr-defined]
            assert message.guild is None and isinstance(message.channel, discord.PartialMessageable)
    finally:
        undo()
        await fake.stop()


async def test_dm_to_user_forbidden_50007(fake: FakeDiscord, bot: Bot) -> None:
    fake.fail_next("POST", "/users/@me/channels", 403, 50007, "Cannot send messages to this user")
    await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message("dm me"))
    error = await next_item(bot.errors)
    assert isinstance(error, discord.Forbidden)
    assert (error.status, error.code, error.text) == (403, 50007, "Cannot send messages to this user")
    assert not fake.calls_to("POST", "/channels/")

    # The failure was used up: the next attempt opens the DM channel and sends.
    await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message("dm me", message_id="1300000000000000002"))
    call = await fake.wait_for_call("POST", DM_MESSAGES)
    assert call.json["content"] == DM_TEXT
    assert fake.calls_to("POST", "/users/@me/channels")[-1].json == {"recipient_id": int(DC_USER_ID)}


async def test_send_forbidden_50007(fake: FakeDiscord, bot: Bot) -> None:
    fake.fail_next("POST", DM_MESSAGES, 403, 50007, "Cannot send messages to this user")
    await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message("hello"))
    error = await next_item(bot.errors)
    assert isinstance(error, discord.Forbidden) and error.code == 50007


async def test_rate_limited_then_success(fake: FakeDiscord, bot: Bot) -> None:
    fake.fail_next("POST", DM_MESSAGES, 429, retry_after=0.05)
    started = time.monotonic()
    await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message("hello"))
    first = await fake.wait_for_call("POST", DM_MESSAGES)
    second = await fake.wait_for_call("POST", DM_MESSAGES, count=2)
    assert time.monotonic() - started >= 0.05
    assert first.json == second.json
    assert bot.errors.empty()


# ---------------------------------------------------------------------------------- interactions


@pytest.mark.parametrize("in_guild", [True, False], ids=["guild", "dm"])
async def test_slash_command_ephemeral(fake: FakeDiscord, bot: Bot, in_guild: bool) -> None:
    options = [{"name": "topic", "type": 3, "value": "school"}]
    payload = dc_payloads.slash_command("safety", options, guild=in_guild, permissions=MANAGE_GUILD)
    await fake.dispatch("INTERACTION_CREATE", payload)
    call = await fake.wait_for_call("POST", CALLBACK)
    assert call.query == {"with_response": "1"}
    assert call.json["type"] == 4
    assert call.json["data"]["content"] == REPLY
    assert call.json["data"]["flags"] == 64

    interaction = await next_item(bot.interactions)
    assert interaction.user.id == int(DC_USER_ID)
    assert interaction.command is not None and interaction.command.name == "safety"
    assert interaction.namespace.topic == "school"
    assert interaction.locale is discord.Locale.british_english
    if in_guild:
        assert interaction.guild_id == int(DC_GUILD_ID)
        assert isinstance(interaction.user, discord.Member)
        assert interaction.permissions.manage_guild
        assert interaction.context.guild
    else:
        assert interaction.guild_id is None
        assert isinstance(interaction.channel, discord.DMChannel)
        assert interaction.context.dm_channel

    response = await next_item(bot.responses)
    assert isinstance(response.resource, discord.InteractionMessage)
    assert response.resource.flags.ephemeral
    assert response.message_id == response.resource.id
    assert bot.errors.empty()


async def test_persistent_button(fake: FakeDiscord, bot: Bot) -> None:
    await fake.dispatch("INTERACTION_CREATE", dc_payloads.component_press("sb:test", guild=False))
    call = await fake.wait_for_call("POST", CALLBACK)
    assert call.json == {"type": 4, "data": {"content": PRESSED, "tts": False, "flags": 64}}
    interaction = await next_item(bot.interactions)
    assert interaction.type is discord.InteractionType.component
    assert interaction.data is not None and interaction.data["custom_id"] == "sb:test"
    assert interaction.message is not None and interaction.message.id == int(dc_payloads.BOT_MESSAGE_ID)


async def test_unknown_interaction_10062(fake: FakeDiscord, bot: Bot) -> None:
    fake.fail_next("POST", "/interactions/", 404, 10062, "Unknown interaction")
    await fake.dispatch("INTERACTION_CREATE", dc_payloads.slash_command("safety", guild=False))
    error = await next_item(bot.errors)
    assert isinstance(error, discord.NotFound)
    assert (error.status, error.code) == (404, 10062)


async def test_interaction_callback_rate_limited_then_success(fake: FakeDiscord, bot: Bot) -> None:
    fake.fail_next("POST", CALLBACK, 429, retry_after=0.02)
    await fake.dispatch("INTERACTION_CREATE", dc_payloads.slash_command("safety"))
    await fake.wait_for_call("POST", CALLBACK, count=2)
    response = await next_item(bot.responses)
    assert response.resource is not None
    assert bot.errors.empty()


async def test_defer_and_followup(fake: FakeDiscord, bot: Bot) -> None:
    @bot.tree.command(name="slow", description="Takes a while")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        message = await interaction.followup.send("done", ephemeral=True, wait=True)
        await interaction.edit_original_response(content="edited")
        await bot.messages.put(message)

    await fake.dispatch("INTERACTION_CREATE", dc_payloads.slash_command("slow"))
    callback = await fake.wait_for_call("POST", CALLBACK)
    assert callback.json == {"type": 5, "data": {"flags": 64}}
    followup = await fake.wait_for_call("POST", f"/webhooks/{APPLICATION_ID}/{DC_INTERACTION_TOKEN}")
    assert followup.json["content"] == "done" and followup.json["flags"] == 64
    assert followup.query.get("wait") in ("1", "true")
    edit = await fake.wait_for_call("PATCH", f"/webhooks/{APPLICATION_ID}/{DC_INTERACTION_TOKEN}/messages/@original")
    assert edit.json["content"] == "edited"
    message = await next_item(bot.messages)
    assert isinstance(message, discord.WebhookMessage) and message.content == "done"


# ------------------------------------------------------------------------------- gateway behaviour


async def test_drop_connection_resumes(fake: FakeDiscord, bot: Bot) -> None:
    await fake.drop_connection()
    await fake.wait_for_op(6)
    await asyncio.wait_for(bot.resumed.wait(), 5)
    assert fake.resumes[0]["session_id"] == fake.session_id
    assert fake.resumes[0]["token"] == DC_TOKEN
    assert len(fake.gateway_queries) == 2

    await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message("still there?"))
    await fake.wait_for_call("POST", DM_MESSAGES)


async def test_auto_sharded_client(fake: FakeDiscord) -> None:
    async with running(ShardedBot()) as client:
        assert fake.calls_to("GET", "/gateway/bot")
        assert fake.identify is not None and fake.identify["shard"] == [0, 1]
        assert client.shard_count == 1
        await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message("hello"))
        await fake.wait_for_call("POST", DM_MESSAGES)


# ---------------------------------------------------------------------------- the fake over HTTP


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:  # trust_env=False: proxies are ignored
        yield session


async def test_rest_basics(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    api = fake.api_base
    async with http.get(f"{api}/nothing/here?x=1") as r:
        assert r.status == 404
        assert r.headers["Content-Type"] == "application/json"
        assert await r.json() == {"message": "Unknown", "code": 0}
    assert fake.calls[-1] == ("GET", "/nothing/here", None, {"x": "1"})

    async with http.delete(f"{api}/channels/{DC_DM_CHANNEL_ID}/messages/5") as r:
        assert r.status == 204
    async with http.post(f"{api}{CALLBACK}", json={"type": 4, "data": {"content": "x"}}) as r:
        assert r.status == 204  # without ?with_response=1
    async with http.patch(f"{api}{DM_MESSAGES}/77", json={"content": "new"}) as r:
        edited = await r.json()
        assert (edited["id"], edited["content"]) == ("77", "new") and edited["edited_timestamp"]
    async with http.get(f"{api}/gateway/bot") as r:
        assert (await r.json())["url"] == fake.gateway_url
    async with http.get(f"{api}/channels/{DC_CHANNEL_ID}") as r:
        assert (await r.json())["type"] == 0
    async with http.get(f"{api}/guilds/{DC_GUILD_ID}/members/{DC_USER_ID}") as r:
        assert (await r.json())["user"]["id"] == DC_USER_ID


async def test_fail_next_is_fifo_and_matches_prefix(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    fake.fail_next("POST", "/channels/", 403, 50007, "Cannot send messages to this user")
    fake.fail_next("POST", "/channels/", 429, retry_after=0.05)
    async with http.get(f"{fake.api_base}/users/@me") as r:
        assert r.status == 200  # other method and path: untouched
    async with http.post(f"{fake.api_base}{DM_MESSAGES}", json={"content": "a"}) as r:
        assert r.status == 403 and await r.json() == {"message": "Cannot send messages to this user", "code": 50007}
    async with http.post(f"{fake.api_base}{DM_MESSAGES}", json={"content": "b"}) as r:
        assert r.status == 429 and r.headers["Via"] and r.headers["X-RateLimit-Remaining"] == "0"
        assert r.headers["Retry-After"] == "0.05"
        assert await r.json() == {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
    async with http.post(f"{fake.api_base}{DM_MESSAGES}", json={"content": "c"}) as r:
        assert r.status == 200 and (await r.json())["content"] == "c"


async def test_wait_for_call_times_out_listing_calls(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{fake.api_base}/users/@me"):
        pass
    with pytest.raises(AssertionError, match=re.escape("calls: ['GET /users/@me']")):
        await fake.wait_for_call("POST", "/channels/", timeout=0.05)


async def test_dispatch_without_client_fails(fake: FakeDiscord) -> None:
    with pytest.raises(AssertionError, match="no gateway client"):
        await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message("x"))


# ------------------------------------------------------------------------------ builders, canaries


def test_builders_plant_canaries() -> None:
    for payload in (
        dc_payloads.dm_message("x"),
        dc_payloads.guild_message_mention("x"),
        dc_payloads.slash_command("safety"),
        dc_payloads.slash_command("safety", guild=False),
        dc_payloads.component_press("sb:test"),
    ):
        found = set(find_canaries(json.dumps(payload)))
        assert {DC_USER_ID, DC_USERNAME, DC_GLOBAL_NAME} <= found
    assert "guild_id" not in dc_payloads.dm_message("x")
    assert DC_INTERACTION_TOKEN in find_canaries(json.dumps(dc_payloads.slash_command("safety")))
    assert {DC_GUILD_ID, DC_CHANNEL_ID} <= set(find_canaries(json.dumps(dc_payloads.guild())))
    assert dc_payloads.attachment()["url"].endswith("/canary.jpg")
    setup = dc_payloads.slash_command("setup", [{"name": "channel", "type": 7, "value": DC_CHANNEL_ID}])
    assert DC_CHANNEL_ID in setup["data"]["resolved"]["channels"]


def test_discord_canaries() -> None:
    assert re.fullmatch(r"[\w-]{24}\.[\w-]{6}\.[\w-]{38}", DC_TOKEN)
    assert base64.b64decode(DC_TOKEN.split(".")[0]).decode() == BOT_ID
    assert len(set(ALL)) == len(ALL)
    for canary in (DC_TOKEN, DC_USER_ID, DC_DM_CHANNEL_ID, DC_GUILD_ID, DC_CHANNEL_ID, DC_INTERACTION_TOKEN):
        assert canary in ALL
    assert find_canaries(f"user CANARYGLOBALNAME in {DC_GUILD_ID}") == [DC_GUILD_ID, DC_GLOBAL_NAME]
    assert find_canaries(f"Authorization: Bot {DC_TOKEN}") == [DC_TOKEN]
