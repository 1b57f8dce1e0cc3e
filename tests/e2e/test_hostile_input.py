"""Hostile input through the engine and through both fake platforms: each gets a clear, safe
reply or is ignored; nothing crashes; nothing is echoed; no mention is ever parsed."""

from __future__ import annotations

import asyncio

import pytest

from bot.conversation.engine import Context
from bot.conversation.render import render_text
from bot.platforms.telegram import TelegramSurface
from tests.canaries import DC_DM_CHANNEL_ID, TG_TOKEN
from tests.e2e.conftest import start_client, stop_client
from tests.fakes import dc_payloads as d
from tests.fakes import tg_payloads as p

HOSTILE = {
    "format strings": "%s %d %(name)s {0} {emergency} {{}} %n",
    "html": "<b>x</b><script>alert(1)</script><a href='javascript:alert(1)'>tap</a> &amp;",
    "markdown": "**bold** __u__ [tap](https://evil.example) `code` ||spoiler|| ~~x~~",
    "mentions": "@everyone @here <@1187654321098765432> <#1187654321098765435> <@&1>",
    "zero-width and bidi": "\u202e\u2066hi\u200b\u200d\u2069 k\u200bm\u200bs \u061c",
    "invalid utf-8": b"\xff\xfe\xfa he leaked my pics".decode("utf-8", errors="replace"),
    "one megabyte": "a" * 1_000_000,
}
MARKERS = ("<script>", "javascript:", "@everyone", "@here", "{0}", "%(name)s", "evil.example", "<@")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_engine_answers_hostile_text_safely(engine, name):
    reply = engine.respond(HOSTILE[name], Context(country="GB"))
    text = render_text(reply)
    assert reply.blocks and reply.choices
    assert not [m for m in MARKERS if m in text]


async def test_telegram_hostile_text_is_never_echoed(fake, surface):
    for number, name in enumerate(HOSTILE, 1):
        fake.queue_update(p.private_text(HOSTILE[name][:4096], message_id=number))
        sent = await fake.wait_for_call("sendMessage", count=number)
        assert not [m for m in MARKERS if m in sent["text"]], name
        assert sent["parse_mode"] == "HTML"


@pytest.mark.parametrize("data", ["sb1:t:" + "a" * 58, "sb1:t:menu:GB" + "\u202e", "%s%s%s", "<b>x</b>", "💀" * 16])
async def test_telegram_forged_or_oversized_callback_data_shows_the_menu(fake, surface, data):
    fake.queue_update(p.callback(data))
    await fake.wait_for_call("answerCallbackQuery")
    sent = await fake.wait_for_call("sendMessage")
    assert "Let's find the right help" in sent["text"]


async def test_telegram_attachment_flood_is_deleted_and_rate_limited(fake, engine):
    bot = TelegramSurface(engine, TG_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url,
                          messages_per_minute=5)
    await bot.start()
    try:
        for number in range(20):
            fake.queue_update(p.private_photo(message_id=300 + number))
        await fake.wait_for_call("deleteMessage", count=20, timeout=10)
        await asyncio.sleep(0.2)
        assert len(fake.calls_to("sendMessage")) == 5
        assert not fake.calls_to("getFile")
    finally:
        await bot.stop()


async def test_discord_hostile_dm_gets_no_mentions_and_no_echo(dc_fake, dc_client):
    for number, name in enumerate(HOSTILE, 1):
        await dc_fake.dispatch("MESSAGE_CREATE", d.dm_message(HOSTILE[name][:2000]))
        sent = await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", count=number)
        body = sent["json"]
        assert body["allowed_mentions"]["parse"] == []
        assert not [m for m in MARKERS if m in str(body)], name


async def test_discord_forged_custom_id_shows_the_menu(dc_fake, dc_client):
    await dc_fake.dispatch("INTERACTION_CREATE", d.component_press("sb1:" + "x" * 96, guild=True))
    answered = await dc_fake.wait_for_call("POST", "/interactions/")
    data = answered["json"]["data"]
    assert data["flags"] & 64
    assert "Let's find the right help" in str(data)


async def test_discord_attachment_flood_is_rate_limited(dc_fake, engine, settings):
    client, task = await start_client(engine, settings, messages_per_minute=3)
    try:
        for _ in range(10):
            await dc_fake.dispatch("MESSAGE_CREATE", d.dm_message("", attachments=[d.attachment()]))
        await dc_fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", count=3)
        await asyncio.sleep(0.2)
        assert len(dc_fake.calls_to("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages")) == 3
    finally:
        await stop_client(client, task)
