"""The fake Bot API server, driven by the real python-telegram-bot and by a raw aiohttp client.

PTB runs with the manual lifecycle (never ``run_polling``):
``initialize()`` -> ``updater.start_polling()`` -> ``start()`` ... ``updater.stop()`` -> ``stop()`` -> ``shutdown()``.
No test sleeps: they wait on ``fake.wait_for_call`` or on the errors the app's error handler collects.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.canaries import (
    ALL,
    FIRST_NAME,
    TEXT_MARKER,
    TG_CHAT_ID,
    TG_GROUP_ID,
    TG_TOKEN,
    TG_TOKEN_SECRET,
    TG_USER_ID,
    USERNAME,
    find_canaries,
)
from tests.fakes import tg_payloads
from tests.fakes.telegram_api import BOT_USER, FakeTelegramBotAPI

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Get help now", callback_data="help:now"),
            InlineKeyboardButton("Forget this", callback_data="forget"),
        ]
    ]
)
KEYBOARD_WIRE = {
    "inline_keyboard": [
        [
            {"text": "Get help now", "callback_data": "help:now"},
            {"text": "Forget this", "callback_data": "forget"},
        ]
    ]
}
REPLY = "You are not in trouble. Here is what we can do."


# ---------------------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx (PTB's transport) honours HTTP(S)_PROXY / ALL_PROXY even for 127.0.0.1.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
async def fake_tg() -> AsyncIterator[FakeTelegramBotAPI]:
    fake = FakeTelegramBotAPI()
    await fake.start()
    yield fake
    await fake.stop()


@dataclass
class Harness:
    app: Application
    errors: asyncio.Queue[BaseException] = field(default_factory=asyncio.Queue)
    #: message_id of every reply the text handler sent successfully, in order.
    sent: asyncio.Queue[int] = field(default_factory=asyncio.Queue)

    async def next_error(self, timeout: float = 5.0) -> BaseException:
        return await asyncio.wait_for(self.errors.get(), timeout)

    async def next_sent(self, timeout: float = 5.0) -> int:
        return await asyncio.wait_for(self.sent.get(), timeout)


def build_app(fake: FakeTelegramBotAPI, token: str = TG_TOKEN) -> Application:
    return ApplicationBuilder().token(token).base_url(fake.base_url).base_file_url(fake.base_file_url).build()


def build_harness(fake: FakeTelegramBotAPI) -> Harness:
    app = build_app(fake)
    harness = Harness(app)

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = await update.effective_message.reply_text(REPLY, reply_markup=KEYBOARD)
        await harness.sent.put(message.message_id)

    async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("help")

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()
        if query.data == "forget":
            await query.delete_message()
        else:
            await query.edit_message_text("Here is what you can do right now.")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        await harness.errors.put(context.error)

    app.add_handler(CommandHandler("help", on_help))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, on_text))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_error_handler(on_error)
    return harness


async def start_app(app: Application) -> None:
    await app.initialize()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()


async def stop_app(app: Application) -> None:
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


@pytest.fixture
async def tg_app(fake_tg: FakeTelegramBotAPI) -> AsyncIterator[Harness]:
    harness = build_harness(fake_tg)
    await start_app(harness.app)
    yield harness
    await stop_app(harness.app)


# ------------------------------------------------------------------------------ PTB end to end


async def test_startup_calls(fake_tg: FakeTelegramBotAPI, tg_app: Harness) -> None:
    await fake_tg.wait_for_call("getUpdates")
    assert fake_tg.methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert tg_app.app.bot.username == BOT_USER["username"]
    first_poll = fake_tg.calls_to("getUpdates")[0]
    assert first_poll["timeout"] == 1
    assert isinstance(first_poll["offset"], int)


async def test_private_text_gets_reply_with_keyboard(fake_tg: FakeTelegramBotAPI, tg_app: Harness) -> None:
    fake_tg.queue_update(tg_payloads.private_text(f"someone has my photo and is threatening me {TEXT_MARKER}"))

    params = await fake_tg.wait_for_call("sendMessage")

    assert params["chat_id"] == TG_CHAT_ID
    assert params["text"] == REPLY
    assert params["reply_markup"] == KEYBOARD_WIRE
    # PTB parsed the fake's Message (ids start at 1000).
    assert await tg_app.next_sent() == 1000


async def test_callbacks_answer_edit_and_delete(fake_tg: FakeTelegramBotAPI, tg_app: Harness) -> None:
    fake_tg.queue_update(tg_payloads.callback("help:now"))
    assert await fake_tg.wait_for_call("answerCallbackQuery") == {"callback_query_id": "cbq-canary-1"}
    edit = await fake_tg.wait_for_call("editMessageText")
    assert (edit["chat_id"], edit["message_id"]) == (TG_CHAT_ID, 1000)
    assert edit["text"] == "Here is what you can do right now."

    fake_tg.queue_update(tg_payloads.callback("forget", callback_id="cbq-canary-2"))
    assert await fake_tg.wait_for_call("answerCallbackQuery", count=2) == {"callback_query_id": "cbq-canary-2"}
    assert await fake_tg.wait_for_call("deleteMessage") == {"chat_id": TG_CHAT_ID, "message_id": 1000}
    assert tg_app.errors.empty()


async def test_group_command_and_group_text(fake_tg: FakeTelegramBotAPI, tg_app: Harness) -> None:
    fake_tg.queue_update(tg_payloads.group_text(f"plain group chatter {TEXT_MARKER}"))
    fake_tg.queue_update(tg_payloads.group_command("/help"))
    # Updates are processed in order, so by the time /help is answered the plain text was ignored.
    params = await fake_tg.wait_for_call("sendMessage")
    assert params["chat_id"] == TG_GROUP_ID
    assert params["text"] == "help"
    assert len(fake_tg.calls_to("sendMessage")) == 1


async def test_blocked_user_raises_forbidden(fake_tg: FakeTelegramBotAPI, tg_app: Harness) -> None:
    fake_tg.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    fake_tg.queue_update(tg_payloads.private_text(f"hello {TEXT_MARKER}"))

    error = await tg_app.next_error()
    assert isinstance(error, Forbidden)
    assert error.message == "Forbidden: bot was blocked by the user"

    # The failure was used up: the next message is answered normally.
    fake_tg.queue_update(tg_payloads.private_text(f"hello again {TEXT_MARKER}", message_id=2))
    assert (await fake_tg.wait_for_call("sendMessage", count=2))["chat_id"] == TG_CHAT_ID


# Constructing RetryAfter warns (retry_after becomes a timedelta unless PTB_TIMEDELTA=true).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_raises_retry_after(fake_tg: FakeTelegramBotAPI, tg_app: Harness) -> None:
    fake_tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    fake_tg.queue_update(tg_payloads.private_text(f"hello {TEXT_MARKER}"))

    error = await tg_app.next_error()
    assert isinstance(error, RetryAfter)
    assert error.retry_after == 1
    # PTB does not retry on its own (no rate limiter configured): exactly one attempt.
    assert len(fake_tg.calls_to("sendMessage")) == 1


async def test_failures_queue_fifo(fake_tg: FakeTelegramBotAPI, tg_app: Harness) -> None:
    fake_tg.fail_next("sendMessage", 502, "Bad Gateway")
    fake_tg.fail_next("sendMessage", 400, "Bad Request: chat not found")
    for message_id in (1, 2, 3):
        fake_tg.queue_update(tg_payloads.private_text(f"msg {message_id} {TEXT_MARKER}", message_id=message_id))

    first, second = await tg_app.next_error(), await tg_app.next_error()
    assert isinstance(first, NetworkError)
    assert not isinstance(first, TimedOut)
    assert first.message == "Bad Gateway"
    assert isinstance(second, BadRequest)
    assert second.message == "Chat not found"  # PTB strips "Bad Request: " and capitalises
    assert await tg_app.next_sent() == 1000  # only the successful send consumed a message id
    assert len(fake_tg.calls_to("sendMessage")) == 3


async def test_stop_acknowledges_offset(fake_tg: FakeTelegramBotAPI) -> None:
    harness = build_harness(fake_tg)
    await start_app(harness.app)
    update_id = fake_tg.queue_update(tg_payloads.private_text(f"hi {TEXT_MARKER}"))
    await fake_tg.wait_for_call("sendMessage")
    await stop_app(harness.app)

    last = fake_tg.calls_to("getUpdates")[-1]
    assert last["timeout"] == 0
    assert last["offset"] == update_id + 1
    assert fake_tg.methods[-1] == "getUpdates"


@pytest.mark.parametrize("how", ["reject_token", "wrong_token"])
async def test_rejected_token_raises_invalid_token(fake_tg: FakeTelegramBotAPI, how: str) -> None:
    if how == "reject_token":
        fake_tg.reject_token = True
        app = build_app(fake_tg)
        token = TG_TOKEN
    else:
        token = "1234567:some-other-token-that-is-not-the-canary"
        app = build_app(fake_tg, token=token)
    try:
        with pytest.raises(InvalidToken) as info:
            await app.initialize()
    finally:
        await app.bot.shutdown()  # app.shutdown() is a no-op after a failed initialize()
    assert fake_tg.methods == ["getMe"]
    # Known leak path: PTB puts the whole token into the exception message.
    assert token in str(info.value)


async def test_get_file_is_recorded(fake_tg: FakeTelegramBotAPI) -> None:
    app = build_app(fake_tg)
    await app.initialize()
    try:
        tg_file = await app.bot.get_file("AgAC-canary-file")
        content = await tg_file.download_as_bytearray()
    finally:
        await app.shutdown()
    assert fake_tg.calls_to("getFile") == [{"file_id": "AgAC-canary-file"}]
    assert fake_tg.calls_to("file_download") == [{"file_path": "documents/file_0.bin"}]
    assert bytes(content) == b"fake-file-content"


# ------------------------------------------------------------------------------ payload builders

BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    "private_text": lambda: tg_payloads.private_text(f"hi {TEXT_MARKER}"),
    "private_command": lambda: tg_payloads.private_text("/start now"),
    "callback": lambda: tg_payloads.callback("help:now"),
    "private_photo": tg_payloads.private_photo,
    "private_document": tg_payloads.private_document,
    "private_voice": tg_payloads.private_voice,
    "private_sticker": tg_payloads.private_sticker,
    "group_command": tg_payloads.group_command,
    "group_text": lambda: tg_payloads.group_text(f"hi {TEXT_MARKER}"),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_payload_builders_parse_and_plant_canaries(name: str) -> None:
    payload = BUILDERS[name]()
    update = Update.de_json({**payload, "update_id": 1}, None)
    assert update.effective_user.id == TG_USER_ID
    assert update.effective_user.username == USERNAME
    assert update.effective_user.first_name == FIRST_NAME
    found = find_canaries(json.dumps(payload))
    assert {str(TG_USER_ID), FIRST_NAME, USERNAME} <= set(found)
    if name.startswith("group"):
        assert update.effective_chat.type == "supergroup"
        assert update.effective_chat.id == TG_GROUP_ID
    else:
        assert update.effective_chat.id == TG_CHAT_ID
        assert update.effective_chat.type == "private"


def test_command_entities() -> None:
    message = tg_payloads.private_text("/start now")["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert "entities" not in tg_payloads.private_text("start now")["message"]
    assert tg_payloads.group_command("/help@safety_test_bot")["message"]["entities"][0]["length"] == 21
    assert "entities" not in tg_payloads.group_text("/help")["message"]


def test_canaries() -> None:
    assert f"{TG_USER_ID}:{TG_TOKEN_SECRET}" == TG_TOKEN
    assert len(TG_TOKEN_SECRET) == 35
    assert len(set(ALL)) == len(ALL)
    assert find_canaries("nothing to see") == []
    assert find_canaries(f"user canaryfirstname wrote {TEXT_MARKER}") == [FIRST_NAME, TEXT_MARKER]
    assert set(find_canaries(f"POST /bot{TG_TOKEN}/getMe")) == {TG_TOKEN, TG_TOKEN_SECRET, str(TG_USER_ID)}


# -------------------------------------------------------------------- the fake over raw HTTP


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:  # trust_env=False: proxies are ignored
        yield session


async def test_parameter_decoding(fake_tg: FakeTelegramBotAPI, http: aiohttp.ClientSession) -> None:
    url = f"{fake_tg.base_url}{TG_TOKEN}"
    markup = json.dumps(KEYBOARD_WIRE)
    async with http.post(
        f"{url}/sendMessage",
        data={"chat_id": "-1001999888777", "text": "[1, 2]", "reply_markup": markup, "disable_notification": "true"},
    ) as r:
        assert r.status == 200
        result = (await r.json())["result"]
    assert result["chat"] == {"id": TG_GROUP_ID, "type": "supergroup"}
    assert result["from"] == BOT_USER
    assert fake_tg.calls_to("sendMessage")[-1] == {
        "chat_id": TG_GROUP_ID,
        "text": "[1, 2]",  # free text is never JSON-decoded
        "reply_markup": KEYBOARD_WIRE,
        "disable_notification": True,
    }

    async with http.post(f"{url}/deleteMessages", json={"chat_id": TG_CHAT_ID, "message_ids": "[1000, 1001]"}) as r:
        assert await r.json() == {"ok": True, "result": True}
    assert fake_tg.calls_to("deleteMessages") == [{"chat_id": TG_CHAT_ID, "message_ids": [1000, 1001]}]

    form = aiohttp.FormData()
    form.add_field("chat_id", str(TG_CHAT_ID))
    form.add_field("document", b"%PDF-canary", filename="canary.pdf", content_type="application/pdf")
    async with http.post(f"{url}/sendDocument", data=form) as r:
        assert (await r.json())["result"]["message_id"] == 1001
    assert fake_tg.calls_to("sendDocument") == [
        {"chat_id": TG_CHAT_ID, "document": {"filename": "canary.pdf", "content_type": "application/pdf", "size": 11}}
    ]

    async with http.get(f"{url}/setMyCommands", params={"commands": '[{"command": "help", "description": "x"}]'}) as r:
        assert await r.json() == {"ok": True, "result": True}
    assert fake_tg.calls_to("setMyCommands") == [{"commands": [{"command": "help", "description": "x"}]}]

    async with http.post(f"{url}/someFutureMethod") as r:
        assert await r.json() == {"ok": True, "result": True}


async def test_wrong_token_and_fail_next_over_http(fake_tg: FakeTelegramBotAPI, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{fake_tg.base_url}wrong:token/getMe") as r:
        assert r.status == 401
        assert await r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    fake_tg.fail_next("getMe", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    async with http.post(f"{fake_tg.base_url}{TG_TOKEN}/getMe") as r:
        assert r.status == 429
        assert await r.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
    async with http.post(f"{fake_tg.base_url}{TG_TOKEN}/getMe") as r:
        assert (await r.json())["result"] == BOT_USER
    assert fake_tg.methods == ["getMe", "getMe", "getMe"]


async def test_get_updates_offset_and_limit(fake_tg: FakeTelegramBotAPI, http: aiohttp.ClientSession) -> None:
    url = f"{fake_tg.base_url}{TG_TOKEN}/getUpdates"
    ids = [fake_tg.queue_update(tg_payloads.private_text(f"m{i}", message_id=i)) for i in range(3)]
    assert ids == [1, 2, 3]

    async with http.post(url, data={"limit": "2", "timeout": "0"}) as r:
        assert [u["update_id"] for u in (await r.json())["result"]] == [1, 2]
    async with http.post(url, data={"offset": "3", "timeout": "0"}) as r:
        assert [u["update_id"] for u in (await r.json())["result"]] == [3]
    async with http.post(url, data={"offset": "4", "timeout": "0"}) as r:
        assert (await r.json())["result"] == []
    # Acknowledged updates are gone for good.
    async with http.post(url, data={"timeout": "0"}) as r:
        assert (await r.json())["result"] == []


async def test_long_poll_wakes_on_update(fake_tg: FakeTelegramBotAPI, http: aiohttp.ClientSession) -> None:
    async def poll() -> list[dict[str, Any]]:
        async with http.post(f"{fake_tg.base_url}{TG_TOKEN}/getUpdates", data={"timeout": "30"}) as r:
            return (await r.json())["result"]

    task = asyncio.create_task(poll())
    await fake_tg.wait_for_call("getUpdates")
    assert not task.done()
    started = time.perf_counter()
    fake_tg.queue_update(tg_payloads.private_text("wake up"))
    result = await task
    assert [u["update_id"] for u in result] == [1]
    assert time.perf_counter() - started < 0.5


async def test_stop_releases_pending_long_poll(fake_tg: FakeTelegramBotAPI, http: aiohttp.ClientSession) -> None:
    async def poll() -> list[dict[str, Any]]:
        async with http.post(f"{fake_tg.base_url}{TG_TOKEN}/getUpdates", data={"timeout": "30"}) as r:
            return (await r.json())["result"]

    task = asyncio.create_task(poll())
    await fake_tg.wait_for_call("getUpdates")
    started = time.perf_counter()
    await fake_tg.stop()
    assert await task == []
    assert time.perf_counter() - started < 0.5


async def test_wait_for_call_timeout_names_methods_seen(fake_tg: FakeTelegramBotAPI) -> None:
    fake_tg.calls.append(("getMe", {}))
    with pytest.raises(AssertionError, match=r"sendMessage.*\['getMe'\]"):
        await fake_tg.wait_for_call("sendMessage", timeout=0.05)
