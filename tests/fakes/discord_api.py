"""A fake Discord (gateway websocket + REST API v10) on one aiohttp server (127.0.0.1, ephemeral port).

Point discord.py at it with ``undo = patch_discord_py(fake.api_base, fake.gateway_url)`` and restore with
``undo()``. Then ``await client.login(DC_TOKEN)``, ``task = asyncio.create_task(client.connect(reconnect=False))``
and ``await asyncio.wait_for(client.wait_until_ready(), 5)``; pass ``guild_ready_timeout=0.01`` to the client,
otherwise ``on_ready`` comes 2 s late.

Gateway (``/gateway``): HELLO, heartbeat ACKs, IDENTIFY -> READY (+ GUILD_CREATE for each of ``fake.guilds``),
RESUME -> RESUMED. Frames are text JSON (the client asks for ``compress=zlib-stream`` but only inflates
binary frames). Tests feed events with ``await fake.dispatch("MESSAGE_CREATE", dc_payloads.dm_message(...))``.

REST (``/api/v10/...``): every request is recorded in ``fake.calls`` as ``Call(method, path, json, query)``
(``path`` is the concrete path after ``/api/v10``, without the query string). Tests wait with
``await fake.wait_for_call("POST", "/channels/.../messages")`` instead of sleeping and inject errors with
``fake.fail_next(...)``. Every JSON response has ``Content-Type: application/json`` exactly: discord.py
only decodes JSON for that exact value (aiohttp's ``json_response`` adds ``; charset=utf-8``).

The server neither prints nor logs: aiohttp's access log is disabled (paths hold interaction tokens).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

with warnings.catch_warnings():  # discord.player imports audioop, deprecated since Python 3.11
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord.gateway
    import discord.http

import yarl
from aiohttp import WSMsgType, web

from tests.canaries import DC_DM_CHANNEL_ID, DC_USER_ID
from tests.fakes import dc_payloads
from tests.fakes.dc_payloads import APPLICATION_ID, BOT_ID

__all__ = ["APPLICATION_ID", "BOT_ID", "Call", "FakeDiscord", "patch_discord_py"]

HEARTBEAT_INTERVAL_MS = 45_000
#: Ids of messages the fake creates (snowflake-sized, no canary inside).
FIRST_MESSAGE_ID = 1_400_000_000_000_000_001
FIRST_COMMAND_ID = 1_400_000_000_000_100_001
DEFAULT_RETRY_AFTER = 0.05
#: Interaction callback types whose response creates (or is) a message.
_MESSAGE_CALLBACKS = frozenset({4, 5, 7})

# Gateway opcodes.
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 10, 11

_DEFAULT_MESSAGES = {
    400: "Invalid Form Body",
    401: "401: Unauthorized",
    403: "Missing Access",
    404: "Unknown",
    429: "You are being rate limited.",
    500: "Internal Server Error",
}


class Call(NamedTuple):
    """One REST request: ``method``, ``path`` (after ``/api/v10``), decoded JSON body or None, query.

    A tuple (``method, path, body, query = call``; ``call[1]``) that also reads by field name:
    ``call.json`` or ``call["json"]``. Multipart bodies are their ``payload_json`` plus ``"_files"``.
    """

    method: str
    path: str
    json: Any
    query: dict[str, str]

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            if key not in self._fields:
                raise KeyError(key)
            return getattr(self, key)
        return tuple.__getitem__(self, key)


class _Failure(NamedTuple):
    method: str
    path_prefix: str
    status: int
    code: int
    message: str | None
    retry_after: float | None


def patch_discord_py(api_base: str, gateway_url: str) -> Callable[[], None]:
    """Point discord.py's REST base and default gateway at the fake; return a callable that undoes it."""
    route_cls = discord.http.Route
    ws_cls = discord.gateway.DiscordWebSocket
    old_base, old_gateway = route_cls.BASE, ws_cls.DEFAULT_GATEWAY
    route_cls.BASE = api_base
    ws_cls.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def undo() -> None:
        route_cls.BASE = old_base
        ws_cls.DEFAULT_GATEWAY = old_gateway

    return undo


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json`` (what discord.py requires)."""
    response = web.Response(text=json.dumps(body), status=status, headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


def _no_content() -> web.Response:
    return web.Response(status=204)


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true")


_Handler = Callable[[web.Request, Call, dict[str, str]], Awaitable[web.Response]]


class FakeDiscord:
    """An in-process Discord. Create it inside the test's event loop, then ``await start()``."""

    def __init__(self, guilds: list[dict[str, Any]] | None = None) -> None:
        #: Every REST request, in order (failed ones included).
        self.calls: list[Call] = []
        #: Every gateway opcode received from clients, in order.
        self.ops: list[int] = []
        #: The ``d`` of the last IDENTIFY (token, intents, properties, shard...).
        self.identify: dict[str, Any] | None = None
        #: Every IDENTIFY / RESUME ``d`` received.
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        #: Query strings of gateway connections (``v``, ``encoding``, ``compress``).
        self.gateway_queries: list[dict[str, str]] = []
        #: Full GUILD_CREATE payloads sent after READY; READY lists them as unavailable. Defaults to the canary
        #: guild (``dc_payloads.guild()``), which the bot must have cached to resolve guild messages and channel
        #: options; pass ``guilds=[]`` (or set it before the client connects) for a bot in no server.
        self.guilds: list[dict[str, Any]] = [dc_payloads.guild()] if guilds is None else list(guilds)
        #: Application commands as last registered with PUT (global under key None, else by guild id).
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        #: INTERACTION_CREATE payloads dispatched, by interaction id (the callback answer needs their type).
        self.interactions: dict[str, dict[str, Any]] = {}
        self.bot_user: dict[str, Any] = dc_payloads.bot_user()
        self.session_id = "fake-session-0001"
        self._seq = 0
        self._next_message_id = itertools.count(FIRST_MESSAGE_ID)
        self._next_command_id = itertools.count(FIRST_COMMAND_ID)
        self._failures: list[_Failure] = []
        self._original_ids: dict[str, str] = {}  # interaction token -> id of the response message
        self._sockets: set[web.WebSocketResponse] = set()
        self._ready_sockets: set[web.WebSocketResponse] = set()
        self._send_lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._routes: list[tuple[str, re.Pattern[str], _Handler]] = []
        self._build_routes()

    # ----------------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._handle_gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle_rest)
        # access_log=None: the access log would write every path (interaction tokens) at INFO.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close the websockets, then shut the server down. Safe to call twice."""
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001)
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started")
        return self._port

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ------------------------------------------------------------------------------- test helpers

    @property
    def connected(self) -> int:
        """How many gateway sessions are open and identified/resumed."""
        return len(self._ready_sockets)

    async def dispatch(self, event_name: str, data: dict[str, Any]) -> int:
        """Send a dispatch (op 0) with the next sequence number to every ready client; return the seq."""
        if not self._ready_sockets:
            raise AssertionError(f"no gateway client is connected to receive {event_name}")
        if event_name == "INTERACTION_CREATE" and "id" in data:
            self.interactions[str(data["id"])] = data
        async with self._send_lock:
            self._seq += 1
            frame = json.dumps({"op": DISPATCH, "t": event_name, "s": self._seq, "d": data})
            for ws in list(self._ready_sockets):
                if not ws.closed:
                    await ws.send_str(frame)
            return self._seq

    async def drop_connection(self, code: int = 4000) -> None:
        """Close every gateway websocket with ``code`` (4000 = "unknown error": the client resumes)."""
        for ws in list(self._sockets):
            self._ready_sockets.discard(ws)
            await ws.close(code=code)

    def fail_next(
        self,
        method: str,
        path_prefix: str,
        status: int,
        code: int = 0,
        message: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Make the next request matching ``method`` and ``path_prefix`` fail. Failures queue up (FIFO).

        The body is ``{"message": message, "code": code}``; a 429 instead gets the rate-limit body with
        ``retry_after`` (default 0.05 s, so discord.py retries at once) plus ``Retry-After``,
        ``X-RateLimit-*`` and ``Via`` headers (without ``Via`` discord.py takes a 429 for a Cloudflare ban).
        """
        self._failures.append(_Failure(method.upper(), path_prefix, status, code, message, retry_after))

    def calls_to(self, method: str, path_prefix: str = "/") -> list[Call]:
        method = method.upper()
        return [c for c in self.calls if c.method == method and c.path.startswith(path_prefix)]

    async def wait_for_call(self, method: str, path_prefix: str = "/", count: int = 1, timeout: float = 5.0) -> Call:
        """Wait until ``count`` matching requests have arrived; return the ``count``-th."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    changed = self._changed
                    matching = self.calls_to(method, path_prefix)
                    if len(matching) >= count:
                        return matching[count - 1]
                    await changed.wait()
        except TimeoutError:
            seen = [f"{c.method} {c.path}" for c in self.calls]
            raise AssertionError(
                f"timed out after {timeout}s waiting for call #{count} to {method} {path_prefix}; calls: {seen}"
            ) from None

    async def wait_for_op(self, op: int, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until the gateway has received opcode ``op`` ``count`` times (e.g. RESUME = 6)."""
        try:
            async with asyncio.timeout(timeout):
                while self.ops.count(op) < count:
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for op {op} x{count}; ops: {self.ops}") from None

    # ------------------------------------------------------------------------------------ internals

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _new_message_id(self) -> str:
        return str(next(self._next_message_id))

    # ------------------------------------------------------------------------------------- gateway

    async def _send(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        async with self._send_lock:
            if payload.get("op") == DISPATCH:
                self._seq += 1
                payload = {**payload, "s": self._seq}
            await ws.send_str(json.dumps(payload))

    def _ready_payload(self, identify: dict[str, Any]) -> dict[str, Any]:
        ready: dict[str, Any] = {
            "v": 10,
            "user": dict(self.bot_user),
            "guilds": [{"id": g["id"], "unavailable": True} for g in self.guilds],
            "session_id": self.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": APPLICATION_ID, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ['["fake-gateway",{"micros":0}]'],
        }
        ready["shard"] = identify.get("shard") or [0, 1]
        return ready

    async def _handle_gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        self.gateway_queries.append(dict(request.query))
        try:
            await ws.send_str(json.dumps({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue  # clients send text JSON with encoding=json
                try:
                    frame = json.loads(msg.data)
                except ValueError:
                    continue
                op = frame.get("op")
                data = frame.get("d")
                self.ops.append(op)
                self._notify()
                if op == HEARTBEAT:
                    await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
                elif op == IDENTIFY:
                    self.identify = data
                    self.identifies.append(data)
                    self._ready_sockets.add(ws)
                    await self._send(ws, {"op": DISPATCH, "t": "READY", "d": self._ready_payload(data or {})})
                    for guild in self.guilds:
                        await self._send(ws, {"op": DISPATCH, "t": "GUILD_CREATE", "d": guild})
                    self._notify()
                elif op == RESUME:
                    self.resumes.append(data)
                    self._ready_sockets.add(ws)
                    await self._send(ws, {"op": DISPATCH, "t": "RESUMED", "d": {"_trace": ["fake-gateway"]}})
                    self._notify()
        finally:
            self._sockets.discard(ws)
            self._ready_sockets.discard(ws)
        return ws

    # ---------------------------------------------------------------------------------------- REST

    def _build_routes(self) -> None:
        snowflake = r"(?P<{}>\d+)"
        app, gid, cid, mid, uid = (snowflake.format(n) for n in ("app", "gid", "cid", "mid", "uid"))
        token = r"(?P<token>[^/]+)"
        table: list[tuple[str, str, _Handler]] = [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("PUT", f"/applications/{app}/commands", self._put_commands),
            ("PUT", f"/applications/{app}/guilds/{gid}/commands", self._put_commands),
            ("GET", f"/applications/{app}/commands", self._get_commands),
            ("GET", f"/applications/{app}/guilds/{gid}/commands", self._get_commands),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", f"/users/{uid}", self._get_user),
            ("GET", f"/channels/{cid}", self._get_channel),
            ("POST", f"/channels/{cid}/messages", self._create_message),
            ("GET", f"/channels/{cid}/messages/{mid}", self._get_message),
            ("PATCH", f"/channels/{cid}/messages/{mid}", self._edit_message),
            ("DELETE", f"/channels/{cid}/messages/{mid}", self._empty),
            ("POST", f"/channels/{cid}/typing", self._empty),
            ("PUT", f"/channels/{cid}/messages/{mid}/reactions/(?P<emoji>[^/]+)/@me", self._empty),
            ("GET", f"/guilds/{gid}/channels", self._get_guild_channels),
            ("GET", f"/guilds/{gid}/members/{uid}", self._get_member),
            ("DELETE", f"/users/@me/guilds/{gid}", self._empty),
            ("POST", f"/interactions/{snowflake.format('iid')}/{token}/callback", self._interaction_callback),
            ("POST", f"/webhooks/{app}/{token}", self._followup),
            ("GET", f"/webhooks/{app}/{token}/messages/(?P<mid>@original|\\d+)", self._webhook_message),
            ("PATCH", f"/webhooks/{app}/{token}/messages/(?P<mid>@original|\\d+)", self._webhook_message),
            ("DELETE", f"/webhooks/{app}/{token}/messages/(?P<mid>@original|\\d+)", self._empty),
        ]
        self._routes = [(method, re.compile(pattern + r"\Z"), handler) for method, pattern, handler in table]

    @staticmethod
    async def _read_body(request: web.Request) -> Any:
        if not request.body_exists:
            return None
        if request.content_type == "application/json":
            raw = await request.read()
            return json.loads(raw) if raw else None
        if request.content_type == "multipart/form-data":
            body: dict[str, Any] = {}
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            async for part in reader:
                if part.filename is None and part.name == "payload_json":
                    body.update(json.loads(await part.text()))
                else:
                    data = await part.read()
                    files.append(
                        {
                            "name": part.name,
                            "filename": part.filename,
                            "content_type": part.headers.get("Content-Type"),
                            "size": len(data),
                        }
                    )
            if files:
                body["_files"] = files
            return body
        raw = await request.read()
        return raw.decode("utf-8", "replace") if raw else None

    def _take_failure(self, call: Call) -> _Failure | None:
        for index, failure in enumerate(self._failures):
            if failure.method == call.method and call.path.startswith(failure.path_prefix):
                return self._failures.pop(index)
        return None

    @staticmethod
    def _error(failure: _Failure) -> web.Response:
        message = failure.message or _DEFAULT_MESSAGES.get(failure.status, "Error")
        if failure.status == 429:
            retry_after = DEFAULT_RETRY_AFTER if failure.retry_after is None else failure.retry_after
            body: dict[str, Any] = {"message": message, "retry_after": retry_after, "global": False}
            if failure.code:
                body["code"] = failure.code
            headers = {
                "Retry-After": f"{retry_after:g}",
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry_after:g}",
                "X-RateLimit-Bucket": "fakebucket0001",
                "X-RateLimit-Scope": "user",
                "Via": "1.1 google",
            }
            return _json(body, status=429, headers=headers)
        return _json({"message": message, "code": failure.code}, status=failure.status)

    async def _handle_rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        call = Call(request.method.upper(), path, await self._read_body(request), dict(request.query))
        self.calls.append(call)
        self._notify()
        failure = self._take_failure(call)
        if failure is not None:
            return self._error(failure)
        for method, pattern, handler in self._routes:
            if method != call.method:
                continue
            match = pattern.match(path)
            if match is not None:
                return await handler(request, call, match.groupdict())
        return _json({"message": "Unknown", "code": 0}, status=404)

    # ------------------------------------------------------------------------------ REST objects

    def _message(
        self,
        channel_id: str,
        body: Any,
        *,
        message_id: str | None = None,
        message_type: int = 0,
        webhook: bool = False,
        edited: bool = False,
    ) -> dict[str, Any]:
        body = body if isinstance(body, dict) else {}
        message: dict[str, Any] = {
            "id": message_id or self._new_message_id(),
            "channel_id": channel_id,
            "author": dict(self.bot_user),
            "content": body.get("content") or "",
            "timestamp": dc_payloads.now_iso(),
            "edited_timestamp": dc_payloads.now_iso() if edited else None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": message_type,
            "flags": int(body.get("flags") or 0),
        }
        if "nonce" in body:
            message["nonce"] = body["nonce"]
        if webhook:
            message["webhook_id"] = APPLICATION_ID
            message["application_id"] = APPLICATION_ID
        guild_id = self._guild_of(channel_id)
        if guild_id is not None:
            message["guild_id"] = guild_id
        return message

    def _guild_of(self, channel_id: str) -> str | None:
        """The id of the configured guild holding ``channel_id``, if any."""
        for guild in self.guilds:
            if any(str(c["id"]) == channel_id for c in guild.get("channels", [])):
                return str(guild["id"])
        return None

    def _interaction_channel(self, token: str) -> str:
        for data in self.interactions.values():
            if data.get("token") == token:
                return str(data.get("channel_id") or data.get("channel", {}).get("id") or DC_DM_CHANNEL_ID)
        return DC_DM_CHANNEL_ID

    # -------------------------------------------------------------------------------- REST handlers

    async def _empty(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _no_content()

    async def _get_me(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _json(dict(self.bot_user))

    async def _get_application(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _json(dc_payloads.application())

    async def _get_gateway(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        limits = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limits})

    async def _put_commands(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        guild_id = params.get("gid")
        registered = []
        for command in call.json if isinstance(call.json, list) else []:
            entry = {
                "type": 1,
                "description": "",
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": str(next(self._next_command_id)),
                "application_id": params["app"],
                "version": "1",
            }
            if entry["default_member_permissions"] is not None:  # discord.py sends an int, Discord answers a str
                entry["default_member_permissions"] = str(entry["default_member_permissions"])
            if guild_id is not None:
                entry["guild_id"] = guild_id
            registered.append(entry)
        self.commands[guild_id] = registered
        return _json(registered)

    async def _get_commands(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _json(self.commands.get(params.get("gid"), []))

    async def _create_dm(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _json(dc_payloads.dm_channel())

    async def _get_user(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        if params["uid"] == DC_USER_ID:
            return _json(dc_payloads.user())
        if params["uid"] == BOT_ID:
            return _json(dict(self.bot_user))
        return _json({"message": "Unknown User", "code": 10013}, status=404)

    async def _get_channel(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        channel_id = params["cid"]
        if channel_id == DC_DM_CHANNEL_ID:
            return _json(dc_payloads.dm_channel())
        return _json(dc_payloads.text_channel(channel_id))

    async def _create_message(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _json(self._message(params["cid"], call.json))

    async def _get_message(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _json(self._message(params["cid"], {}, message_id=params["mid"]))

    async def _edit_message(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        return _json(self._message(params["cid"], call.json, message_id=params["mid"], edited=True))

    async def _get_guild_channels(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        for guild in self.guilds:
            if guild["id"] == params["gid"]:
                return _json(guild.get("channels", []))
        return _json([dc_payloads.text_channel(guild_id=params["gid"])])

    async def _get_member(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        if params["uid"] == BOT_ID:
            return _json(dc_payloads.bot_member())
        if params["uid"] == DC_USER_ID:
            return _json(dc_payloads.member())
        return _json({"message": "Unknown Member", "code": 10007}, status=404)

    async def _interaction_callback(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        if not _truthy(call.query.get("with_response")):
            return _no_content()
        iid = params["iid"]
        interaction = self.interactions.get(iid, {})
        body = call.json if isinstance(call.json, dict) else {}
        callback_type = int(body.get("type", 4))
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        flags = int(data.get("flags") or 0)
        channel_id = str(interaction.get("channel_id") or DC_DM_CHANNEL_ID)
        resource: dict[str, Any] = {"type": callback_type}
        message_id: str | None = None
        if callback_type in _MESSAGE_CALLBACKS:
            if callback_type == 7 and isinstance(interaction.get("message"), dict):
                message_id = str(interaction["message"]["id"])  # UPDATE_MESSAGE edits the pressed message
            message = self._message(
                channel_id,
                data,
                message_id=message_id,
                message_type=20 if interaction.get("type", 2) == 2 else 19,
                webhook=True,
                edited=callback_type == 7,
            )
            if callback_type == 5:
                message["flags"] = flags | 128  # LOADING
            message["interaction_metadata"] = {
                "id": iid,
                "type": interaction.get("type", 2),
                "user": interaction.get("user") or interaction.get("member", {}).get("user") or dc_payloads.user(),
                "authorizing_integration_owners": interaction.get("authorizing_integration_owners", {}),
            }
            message_id = message["id"]
            resource["message"] = message
            self._original_ids[params["token"]] = message_id
        answer = {
            "interaction": {
                "id": iid,
                "type": interaction.get("type", 2),
                "activity_instance_id": None,
                "response_message_id": message_id,
                "response_message_loading": callback_type == 5,
                "response_message_ephemeral": bool(flags & 64),
            },
            "resource": resource,
        }
        return _json(answer)

    async def _followup(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        if not _truthy(call.query.get("wait")):
            return _no_content()
        channel_id = self._interaction_channel(params["token"])
        return _json(self._message(channel_id, call.json, webhook=True, message_type=20))

    async def _webhook_message(self, request: web.Request, call: Call, params: dict[str, str]) -> web.Response:
        channel_id = self._interaction_channel(params["token"])
        mid = params["mid"]
        message_id = self._original_ids.get(params["token"]) if mid == "@original" else mid
        edited = call.method == "PATCH"
        return _json(self._message(channel_id, call.json, message_id=message_id, webhook=True, edited=edited))
