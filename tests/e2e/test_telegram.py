"""Telegram journeys, end to end: real python-telegram-bot, real sockets, a fake Bot API."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from bot.platforms.telegram import TelegramSurface
from tests.canaries import FIRST_NAME, TEXT_MARKER, TG_GROUP_ID, TG_TOKEN, TG_USER_ID, USERNAME
from tests.fakes import tg_payloads as p


def keyboard(params: dict) -> list[dict]:
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def say(fake, text: str, count: int = 1, message_id: int = 1) -> dict:
    fake.queue_update(p.private_text(text, message_id=message_id))
    return await fake.wait_for_call("sendMessage", count=count)


async def test_start_shows_what_the_bot_is_and_the_menu(fake, surface):
    sent = await say(fake, "/start")
    assert sent["chat_id"] == TG_USER_ID
    assert "bot, not a person" in sent["text"]
    assert sent["parse_mode"] == "HTML"
    assert sent.get("protect_content") in (True, "true", "True")
    data = [b.get("callback_data") for b in keyboard(sent)]
    assert any(d and d.startswith("sb1:t:sextortion:") for d in data)
    assert any(d and d.startswith("sb1:t:not_safe:") for d in data)
    commands = await fake.wait_for_call("setMyCommands")
    assert {c["command"] for c in commands["commands"]} >= {"start", "help", "country", "privacy", "erase"}


async def test_free_text_sextortion_gets_steps_keyboard_and_links(fake, surface):
    sent = await say(fake, f"{TEXT_MARKER} {FIRST_NAME} this guy says he will post my nudes unless i pay him")
    assert "Don't pay" in sent["text"]
    assert TEXT_MARKER not in sent["text"] and FIRST_NAME not in sent["text"]
    buttons = keyboard(sent)
    assert any(b.get("url", "").startswith("https://") for b in buttons)
    assert any((b.get("callback_data") or "").startswith("sb1:t:already_paid:") for b in buttons)


async def test_callback_round_trip(fake, surface):
    sent = await say(fake, "someone is threatening to leak my pics unless i send more")
    datas = [b.get("callback_data") or "" for b in keyboard(sent)]
    data = next(d for d in datas if d.startswith("sb1:t:already_paid"))
    fake.queue_update(p.callback(data))
    answered = await fake.wait_for_call("answerCallbackQuery")
    assert answered["callback_query_id"] == "cbq-canary-1"
    second = await fake.wait_for_call("sendMessage", count=2)
    assert "It's going to be OK" in second["text"]


async def test_crisis_reply_comes_first(fake, surface):
    sent = await say(fake, "he posted my pics and i want to die")
    assert sent["text"].startswith("<b>I'm really glad you told me.</b>")


async def test_deep_link_opens_a_topic_and_country(fake, surface):
    sent = await say(fake, "/start sextortion_AU")
    assert "Don't pay" in sent["text"]
    assert "Help in Australia" in sent["text"]
    unknown = await say(fake, "/start no-such_THING", count=2, message_id=2)
    assert "bot, not a person" in unknown["text"]


async def test_erase_deletes_both_sides_it_knows(fake, surface):
    await say(fake, "hi", message_id=11)
    fake.queue_update(p.private_text("/erase", message_id=12))
    deleted = await fake.wait_for_call("deleteMessages")
    ids = set(deleted["message_ids"])
    assert {11, 12} <= ids
    assert len(ids) >= 3  # and the bot's own reply
    done = await fake.wait_for_call("sendMessage", count=2)
    assert "Delete chat" in done["text"]


async def test_photo_is_never_downloaded_and_is_deleted(fake, surface):
    fake.queue_update(p.private_photo(message_id=21))
    deleted = await fake.wait_for_call("deleteMessage")
    assert deleted["message_id"] == 21
    sent = await fake.wait_for_call("sendMessage")
    assert "never look at or keep" in sent["text"]
    assert not fake.calls_to("getFile")


async def test_group_command_gets_a_neutral_pointer_and_deep_link(fake, surface):
    fake.queue_update(p.group_text(f"someone leaked my nudes {TEXT_MARKER}"))
    fake.queue_update(p.group_command("/help"))
    sent = await fake.wait_for_call("sendMessage")
    assert sent["chat_id"] == TG_GROUP_ID
    assert "private chat" in sent["text"]
    assert "nude" not in sent["text"].lower() and TEXT_MARKER not in sent["text"]
    urls = [b.get("url") for b in keyboard(sent)]
    assert urls == ["https://t.me/safety_test_bot?start=menu"]
    await asyncio.sleep(0.05)
    assert len(fake.calls_to("sendMessage")) == 1  # the plain group message got nothing


@pytest.mark.parametrize("data", ["sb1:t:../../etc:GB", "garbage", "sb1:t:sextortion:ZZ", "x" * 64])
async def test_forged_callback_data_shows_the_menu(fake, surface, data):
    fake.queue_update(p.callback(data))
    await fake.wait_for_call("answerCallbackQuery")
    sent = await fake.wait_for_call("sendMessage")
    assert "Let's find the right help" in sent["text"]


async def test_blocked_user_403_is_not_a_traceback(fake, surface, privacy_guard):
    fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    fake.queue_update(p.private_text("hi"))
    await fake.wait_for_call("sendMessage")
    await asyncio.sleep(0.05)
    assert "Traceback" not in privacy_guard.getvalue()
    again = await say(fake, "hello", count=2, message_id=3)
    assert again["chat_id"] == TG_USER_ID


async def test_429_retry_after_is_honoured(fake, surface):
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    fake.queue_update(p.private_text("hi"))
    retried = await fake.wait_for_call("sendMessage", count=2, timeout=10)
    assert retried["chat_id"] == TG_USER_ID


async def test_502_on_polling_recovers(fake, surface):
    fake.fail_next("getUpdates", 502, "Bad Gateway")
    sent = await say(fake, "hi")
    assert sent["chat_id"] == TG_USER_ID


async def test_webhook_mode_needs_the_secret(fake, engine, unused_tcp_port):
    bot = TelegramSurface(engine, TG_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    await bot.start(webhook={"listen": "127.0.0.1", "port": unused_tcp_port, "url_path": "telegram",
                             "webhook_url": "https://example.invalid/telegram", "secret_token": "s3cret-canary"})
    try:
        registered = await fake.wait_for_call("setWebhook")
        assert registered["secret_token"] == "s3cret-canary"
        url = f"http://127.0.0.1:{unused_tcp_port}/telegram"
        update = p.private_text("hi")
        update["update_id"] = 1
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as r:
                assert r.status == 403
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-canary"}) as r:
                assert r.status == 200
        sent = await fake.wait_for_call("sendMessage")
        assert sent["chat_id"] == TG_USER_ID
    finally:
        await bot.stop()


def test_canaries_are_planted():
    update = p.private_text("x")
    assert update["message"]["from"]["username"] == USERNAME
    assert update["message"]["from"]["id"] == TG_USER_ID


async def test_502_on_send_is_retried_with_backoff(fake, surface):
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    fake.queue_update(p.private_text("hi"))
    retried = await fake.wait_for_call("sendMessage", count=2, timeout=10)
    assert retried["chat_id"] == TG_USER_ID


async def test_per_chat_rate_limit_holds(fake, engine):
    bot = TelegramSurface(engine, TG_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url,
                          messages_per_minute=2)
    await bot.start()
    try:
        for number in range(5):
            fake.queue_update(p.private_text("hi", message_id=100 + number))
        await fake.wait_for_call("sendMessage", count=2)
        fake.queue_update(p.private_text("i want to die", message_id=199))  # a crisis is never rate-limited
        crisis = await fake.wait_for_call("sendMessage", count=3)
        assert "glad you told me" in crisis["text"]
        fake.queue_update(p.callback("sb1:t:menu:GB"))
        await fake.wait_for_call("answerCallbackQuery")  # presses are still answered
        await asyncio.sleep(0.2)
        assert len(fake.calls_to("sendMessage")) == 3
        assert all(str(TG_USER_ID) not in key for key in bot.store._entries)  # keyed hashes only
    finally:
        await bot.stop()


async def test_privacy_command_links_to_the_published_notice(fake, engine):
    import copy

    linked = copy.copy(engine)  # a shallow copy with the operator's privacy URL
    linked.privacy_url = "https://example.org/safety-bot/privacy"
    bot = TelegramSurface(linked, TG_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    await bot.start()
    try:
        fake.queue_update(p.private_text("/privacy"))
        sent = await fake.wait_for_call("sendMessage")
        assert "Here's what I keep: nothing." in sent["text"]
        assert keyboard(sent)[0]["url"] == "https://example.org/safety-bot/privacy"
    finally:
        await bot.stop()
