"""Running the Discord surface (and `safety-bot run`, every enabled platform in one loop)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal

import aiohttp
import discord
import yarl

from bot.config import Config
from bot.conversation.engine import Engine
from bot.platforms.discord import SafetyClient, ShardedSafetyClient
from bot.platforms.server_settings import ServerSettings
from bot.privacy import log_exception

log = logging.getLogger("bot.platforms.discord")


def patch_endpoints(api_base_url: str | None, gateway_url: str | None) -> None:
    """Point discord.py at a REST proxy / gateway (the tests' fake, a self-hosted proxy)."""
    if api_base_url:
        discord.http.Route.BASE = api_base_url.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def serve(engine: Engine, token: str, config: Config, stop: asyncio.Event | None = None) -> int:
    """Log in, connect (with discord.py's resume/reconnect), wait for the stop signal, close."""
    stop = stop or asyncio.Event()
    install_signal_handlers(stop)
    dc = config.discord
    patch_endpoints(dc.api_base_url, dc.gateway_url)
    settings = ServerSettings(dc.settings_path)
    cls = ShardedSafetyClient if dc.sharded else SafetyClient
    client = cls(engine, settings, sync_commands=dc.sync_commands,
                 state_ttl_seconds=config.limits.state_ttl_minutes * 60,
                 state_max_entries=config.limits.state_max_entries,
                 messages_per_minute=config.limits.messages_per_minute,
                 server_messages_per_minute=dc.server_messages_per_minute)
    try:
        try:
            await client.login(token)
        except discord.LoginFailure as exc:
            log_exception(log, "Discord rejected the token (check DISCORD_BOT_TOKEN)", exc)
            return 2
        except (aiohttp.ClientError, discord.HTTPException, OSError) as exc:
            log_exception(log, "cannot reach the Discord API", exc)
            return 3
        runner = asyncio.create_task(client.connect(reconnect=True))
        stopper = asyncio.create_task(stop.wait())
        log.info("Discord bot running")
        done, pending = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if runner in done and runner.exception() is not None:
            log_exception(log, "the Discord connection failed", runner.exception())  # type: ignore[arg-type]
            return 3
        return 0
    finally:
        await client.close()
        settings.close()
        log.info("Discord bot stopped")


async def run_all(engine: Engine, config: Config) -> int:
    """Every enabled platform whose token is set, in one process and one event loop."""
    from bot.platforms.telegram_run import serve as serve_telegram

    stop = asyncio.Event()
    install_signal_handlers(stop)
    jobs = []
    if "telegram" in config.platforms and os.environ.get("TELEGRAM_BOT_TOKEN"):
        jobs.append(serve_telegram(engine, os.environ["TELEGRAM_BOT_TOKEN"].strip(), config,
                                   os.environ.get("TELEGRAM_WEBHOOK_SECRET", ""), stop=stop))
    if "discord" in config.platforms and os.environ.get("DISCORD_BOT_TOKEN"):
        jobs.append(serve(engine, os.environ["DISCORD_BOT_TOKEN"].strip(), config, stop=stop))
    if not jobs:
        log.error("no platform to run: set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN")
        return 2

    async def guarded(job):
        code = await job
        stop.set()  # one platform failing stops the process so a supervisor can restart it
        return code

    codes = await asyncio.gather(*(guarded(j) for j in jobs))
    return max(codes)
