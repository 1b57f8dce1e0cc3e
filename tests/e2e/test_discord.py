"""Discord journeys, end to end: a real discord.py client against a fake gateway + REST server."""

from __future__ import annotations

import asyncio

from bot.platforms.discord import PANEL_ID
from tests.canaries import DC_CHANNEL_ID, DC_DM_CHANNEL_ID, DC_GUILD_ID, DC_TOKEN, TEXT_MARKER
from tests.e2e.conftest import start_client, stop_client
from tests.fakes import dc_payloads as d

PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15)  # GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT
MANAGE_GUILD = str(1 << 5)


def components(body: dict) -> list[dict]:
    return [c for row in body.get("components") or [] for c in row.get("components", [])]


def callback_data(body: dict) -> dict:
    return body.get("data") or {}


async def test_login_syncs_the_command_schema_without_privileged_intents(dc_fake, dc_client):
    assert not dc_fake.identify["intents"] & PRIVILEGED
    sync = await dc_fake.wait_for_call("PUT", "/applications/")
    commands = {c["name"]: c for c in sync["json"]}
    assert set(commands) >= {"help", "privacy", "erase", "safety-setup"}
    assert sorted(commands["help"]["contexts"]) == [0, 1, 2]
    assert sorted(commands["help"]["integration_types"]) == [0, 1]
    assert str(commands["safety-setup"]["default_member_permissions"]) == MANAGE_GUILD
    assert commands["safety-setup"]["contexts"] == [0]


async def test_dm_free_text_gets_a_neutral_line_an_embed_and_buttons(dc_fake, dc_client):
    await dc_fake.dispatch("MESSAGE_CREATE", d.dm_message(f"{TEXT_MARKER} he says he will leak my nudes unless i pay"))
    sent = await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages")
    body = sent["json"]
    assert body["content"] == "Thanks for telling me. Let's sort this out together."
    assert "Don't pay" in body["embeds"][0]["description"]
    assert body["allowed_mentions"]["parse"] == []
    buttons = components(body)
    assert any(b.get("url", "").startswith("https://") for b in buttons)
    assert any((b.get("custom_id") or "").startswith("sb1:t:already_paid:") for b in buttons)
    assert TEXT_MARKER not in str(body)


async def test_help_is_ephemeral_and_a_button_press_stays_ephemeral(dc_fake, dc_client):
    await dc_fake.dispatch("INTERACTION_CREATE", d.slash_command("help", guild=True))
    first = await dc_fake.wait_for_call("POST", "/interactions/")
    assert callback_data(first["json"])["flags"] & 64
    custom_id = next(b["custom_id"] for b in components(callback_data(first["json"]))
                     if (b.get("custom_id") or "").startswith("sb1:t:sextortion"))
    await dc_fake.dispatch("INTERACTION_CREATE", d.component_press(custom_id, guild=True))
    second = await dc_fake.wait_for_call("POST", "/interactions/", count=2)
    assert callback_data(second["json"])["flags"] & 64
    assert "Don't pay" in str(callback_data(second["json"]))


async def test_safety_setup_for_a_moderator_posts_the_panel_and_saves_only_settings(dc_fake, dc_client, settings):
    options = [{"name": "country", "type": 3, "value": "GB"}, {"name": "channel", "type": 7, "value": DC_CHANNEL_ID}]
    await dc_fake.dispatch("INTERACTION_CREATE", d.slash_command("safety-setup", options=options, guild=True,
                                                                 permissions=MANAGE_GUILD))
    panel = await dc_fake.wait_for_call("POST", f"/channels/{DC_CHANNEL_ID}/messages")
    assert any(b.get("custom_id") == PANEL_ID for b in components(panel["json"]))
    done = await dc_fake.wait_for_call("POST", "/interactions/")
    assert callback_data(done["json"])["flags"] & 64
    assert settings.get(int(DC_GUILD_ID)).country == "GB"


async def test_safety_setup_is_refused_for_a_member(dc_fake, dc_client, settings):
    options = [{"name": "country", "type": 3, "value": "GB"}, {"name": "channel", "type": 7, "value": DC_CHANNEL_ID}]
    await dc_fake.dispatch("INTERACTION_CREATE", d.slash_command("safety-setup", options=options, guild=True,
                                                                 permissions="0"))
    refused = await dc_fake.wait_for_call("POST", "/interactions/")
    assert "Only server managers" in str(callback_data(refused["json"]))
    assert not dc_fake.calls_to("POST", f"/channels/{DC_CHANNEL_ID}/messages")
    assert settings.get(int(DC_GUILD_ID)) is None


async def test_the_panel_button_works_after_a_restart(dc_fake, engine, settings):
    first, task = await start_client(engine, settings)
    await stop_client(first, task)
    second, task = await start_client(engine, settings)
    try:
        await dc_fake.dispatch("INTERACTION_CREATE", d.component_press(PANEL_ID, guild=True))
        opened = await dc_fake.wait_for_call("POST", "/interactions/")
        data = callback_data(opened["json"])
        assert data["flags"] & 64
        assert "bot, not a person" in str(data)
    finally:
        await stop_client(second, task)


async def test_a_mention_gets_a_neutral_pointer_and_a_dm(dc_fake, dc_client):
    await dc_fake.dispatch("MESSAGE_CREATE", d.guild_message_mention(f"help {TEXT_MARKER} my nudes got leaked"))
    dm = await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages")
    assert "bot, not a person" in dm["json"]["content"]
    pointer = await dc_fake.wait_for_call("POST", f"/channels/{DC_CHANNEL_ID}/messages")
    assert pointer["json"]["content"].startswith("I've sent you a private message.")
    assert "nude" not in pointer["json"]["content"].lower() and TEXT_MARKER not in str(pointer["json"])
    assert pointer["json"]["allowed_mentions"]["parse"] == []


async def test_a_mention_with_dms_closed_points_to_help(dc_fake, dc_client):
    dc_fake.fail_next("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", 403, 50007, "Cannot send messages to this user")
    await dc_fake.dispatch("MESSAGE_CREATE", d.guild_message_mention("help"))
    pointer = await dc_fake.wait_for_call("POST", f"/channels/{DC_CHANNEL_ID}/messages")
    assert "Type /help here" in pointer["json"]["content"]


async def test_an_attachment_is_never_fetched(dc_fake, dc_client):
    await dc_fake.dispatch("MESSAGE_CREATE", d.dm_message("", attachments=[d.attachment()]))
    sent = await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages")
    assert "never" in sent["json"]["content"].lower() or "never" in str(sent["json"]["embeds"])
    assert not [c for c in dc_fake.calls if "attachments" in c[1]]


async def test_erase_deletes_the_bots_own_dm_messages(dc_fake, dc_client):
    await dc_fake.dispatch("MESSAGE_CREATE", d.dm_message("hi"))
    await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages")
    await dc_fake.dispatch("INTERACTION_CREATE", d.slash_command("erase", guild=False))
    await dc_fake.wait_for_call("DELETE", f"/channels/{DC_DM_CHANNEL_ID}/messages/")
    done = await dc_fake.wait_for_call("POST", "/interactions/")
    assert "does not let me delete your messages" in str(callback_data(done["json"]))


async def test_429_is_retried(dc_fake, dc_client):
    dc_fake.fail_next("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", 429, 0, "You are being rate limited.",
                      retry_after=0.05)
    await dc_fake.dispatch("MESSAGE_CREATE", d.dm_message("hi"))
    sent = await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", count=2, timeout=10)
    assert sent["json"]["content"]


async def test_an_expired_interaction_is_not_a_traceback(dc_fake, dc_client, privacy_guard):
    dc_fake.fail_next("POST", "/interactions/", 404, 10062, "Unknown interaction")
    await dc_fake.dispatch("INTERACTION_CREATE", d.slash_command("help", guild=True))
    await dc_fake.wait_for_call("POST", "/interactions/")
    await asyncio.sleep(0.05)
    assert "Traceback" not in privacy_guard.getvalue()


async def test_missing_permission_for_the_pointer_is_not_a_traceback(dc_fake, dc_client, privacy_guard):
    dc_fake.fail_next("POST", f"/channels/{DC_CHANNEL_ID}/messages", 403, 50013, "Missing Permissions")
    await dc_fake.dispatch("MESSAGE_CREATE", d.guild_message_mention("help"))
    await dc_fake.wait_for_call("POST", f"/channels/{DC_CHANNEL_ID}/messages")
    await asyncio.sleep(0.05)
    log = privacy_guard.getvalue()
    assert "posting the pointer failed (missing permission): Forbidden" in log
    assert "Traceback" not in log


async def test_the_sharded_client_works_too(dc_fake, engine, settings):
    from bot.platforms.discord import ShardedSafetyClient

    client = ShardedSafetyClient(engine, settings, guild_ready_timeout=0.01)
    await client.login(DC_TOKEN)
    task = asyncio.create_task(client.connect(reconnect=False))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 10)
        await dc_fake.dispatch("MESSAGE_CREATE", d.dm_message("hi"))
        sent = await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages")
        assert sent["json"]["content"]
    finally:
        await stop_client(client, task)


async def test_a_dropped_gateway_connection_resumes_and_replies(dc_fake, dc_client):
    await dc_fake.drop_connection()
    await dc_fake.wait_for_op(6, timeout=10)  # RESUME
    await dc_fake.dispatch("MESSAGE_CREATE", d.dm_message("hi"))
    sent = await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", timeout=10)
    assert sent["json"]["content"]


async def test_the_client_keeps_no_message_cache(dc_client):
    assert dc_client._connection.max_messages is None
