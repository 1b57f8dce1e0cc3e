"""A fake Telegram Bot API server (aiohttp, 127.0.0.1, ephemeral port) for python-telegram-bot tests.

Point PTB at it with ``ApplicationBuilder().base_url(fake.base_url).base_file_url(fake.base_file_url)``;
PTB appends the token to both. Every call is recorded in ``fake.calls`` as ``(method, params)`` with the
parameters decoded (JSON strings -> objects, digit strings of id-like keys -> int). Tests wait for calls
with ``await fake.wait_for_call("sendMessage")`` instead of sleeping, feed updates with
``fake.queue_update(tg_payloads.private_text(...))`` and inject errors with ``fake.fail_next(...)``.

The server neither prints nor logs: aiohttp's access log is disabled (request paths contain the token).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from typing import Any

from aiohttp import web

from tests.canaries import TG_TOKEN
from tests.fakes.tg_payloads import BOT_USER

__all__ = ["BOT_USER", "FakeTelegramBotAPI"]

#: getUpdates never waits longer than this, whatever ``timeout`` the client asks for.
MAX_LONG_POLL = 2.0
FIRST_MESSAGE_ID = 1000

# Keys whose digit-string values become ints ("-100123" included; "@channel" stays a string).
_INT_KEYS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "timeout",
        "limit",
        "from_chat_id",
        "user_id",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "until_date",
        "max_connections",
    }
)
# Keys holding free text or opaque ids: never JSON-decoded even if they look like JSON.
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "question",
        "explanation",
        "title",
        "description",
        "short_description",
        "name",
        "first_name",
        "last_name",
        "custom_title",
        "data",
        "callback_data",
        "query",
        "url",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "file_id",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "sticker",
        "animation",
        "parse_mode",
        "action",
        "emoji",
        "payload",
        "start_parameter",
        "secret_token",
        "language_code",
        "message_effect_id",
        "business_connection_id",
    }
)
_INT_RE = re.compile(r"-?\d+")
# Methods answered with True. Unknown methods get True as well; other send* methods get a Message.
_TRUE_METHODS = frozenset(
    {
        "deleteMessage",
        "deleteMessages",
        "answerCallbackQuery",
        "setMyCommands",
        "deleteMyCommands",
        "setWebhook",
        "deleteWebhook",
        "close",
        "logOut",
        "sendChatAction",
    }
)


def _normalise(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in _INT_KEYS and _INT_RE.fullmatch(value):
        return int(value)
    if key in _TEXT_KEYS:
        return value
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _to_float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class FakeTelegramBotAPI:
    """An in-process Bot API server. Create it inside the test's event loop, then ``await start()``."""

    def __init__(self, token: str = TG_TOKEN) -> None:
        self.token = token
        #: Every call, accepted or not: ``(method, params)``.
        self.calls: list[tuple[str, dict[str, Any]]] = []
        #: Make every call fail with 401 Unauthorized (a token the server rejects).
        self.reject_token = False
        self.bot_user: dict[str, Any] = dict(BOT_USER)
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id = FIRST_MESSAGE_ID
        self._failures: dict[str, deque[tuple[int, str, dict[str, Any] | None]]] = {}
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ----------------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/file/bot{token}/{file_path:.+}", self._handle_file)
        self._closing = False
        # access_log=None: the access log would write every path, i.e. the token, at INFO.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release pending long polls, then shut the server down. Safe to call twice."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeTelegramBotAPI is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ------------------------------------------------------------------------------- test helpers

    def queue_update(self, update: dict[str, Any]) -> int:
        """Queue an update (a copy, with a fresh ``update_id``) for getUpdates; return the id."""
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({**update, "update_id": update_id})
        self._notify()
        return update_id

    def fail_next(self, method: str, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        """Make the next call to ``method`` fail with HTTP ``code``. Several failures queue up (FIFO)."""
        self._failures.setdefault(method, deque()).append((code, description, parameters))

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    @property
    def methods(self) -> list[str]:
        """The method names of all calls so far, in order."""
        return [name for name, _ in self.calls]

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """Wait until ``method`` has been called ``count`` times; return the params of that call."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    changed = self._changed
                    matching = self.calls_to(method)
                    if len(matching) >= count:
                        return matching[count - 1]
                    await changed.wait()
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s waiting for call #{count} to {method}; methods seen: {self.methods}"
            ) from None

    # ------------------------------------------------------------------------------------ internals

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _record(self, method: str, params: dict[str, Any]) -> None:
        self.calls.append((method, params))
        self._notify()

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.body_exists:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    raw.update(body)
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        raw[key] = {
                            "filename": value.filename,
                            "content_type": value.content_type,
                            "size": len(value.file.read()),
                        }
                    else:
                        raw[key] = value
        return {key: _normalise(key, value) for key, value in raw.items()}

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters is not None:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._read_params(request)
        self._record(method, params)
        if self.reject_token or request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        failures = self._failures.get(method)
        if failures:
            return self._error(*failures.popleft())
        if method in _TRUE_METHODS:
            return self._ok(True)
        handler = getattr(self, f"_api_{method}", None)
        if handler is not None:
            return self._ok(await handler(params))
        if method.startswith("send") and method not in ("sendChatAction", "sendMediaGroup"):
            return self._ok(self._new_message(params))
        return self._ok(True)

    async def _handle_file(self, request: web.Request) -> web.Response:
        self._record("file_download", {"file_path": request.match_info["file_path"]})
        if self.reject_token or request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        return web.Response(body=b"fake-file-content", content_type="application/octet-stream")

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, int):
            return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        return {"id": -1001000000001, "type": "channel", "username": str(chat_id).lstrip("@")}

    def _new_message(self, params: dict[str, Any]) -> dict[str, Any]:
        message_id = self._next_message_id
        self._next_message_id += 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(params.get("chat_id")),
            "from": dict(self.bot_user),
        }
        for key in ("text", "caption"):
            if key in params:
                message[key] = params[key]
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    # --------------------------------------------------------------------------------- API methods

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return dict(self.bot_user)

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif isinstance(offset, int) and offset < 0:
            self._updates = self._updates[offset:]
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        wait = min(max(_to_float(params.get("timeout"), 0.0), 0.0), MAX_LONG_POLL)
        try:
            async with asyncio.timeout(wait):
                while not self._updates and not self._closing:
                    await self._changed.wait()
        except TimeoutError:
            pass
        if self._closing:
            return []
        return self._updates[:limit]

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        return self._new_message(params)

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        message: dict[str, Any] = {
            "message_id": params.get("message_id"),
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": self._chat(params.get("chat_id")),
            "from": dict(self.bot_user),
            "text": params.get("text", ""),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    async def _api_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        return {
            "file_id": file_id,
            "file_unique_id": f"unique-{file_id}",
            "file_size": 17,
            "file_path": "documents/file_0.bin",
        }
