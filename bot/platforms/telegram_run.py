"""Running the Telegram surface as a process: lifecycle, signals and start-up errors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.error import InvalidToken, NetworkError

from bot.config import Config
from bot.conversation.engine import Engine
from bot.platforms.telegram import TelegramSurface
from bot.privacy import log_exception

log = logging.getLogger("bot.platforms.telegram")


async def serve(engine: Engine, token: str, config: Config, webhook_secret: str = "",
                stop: asyncio.Event | None = None) -> int:
    """Start, wait for SIGTERM/SIGINT (or ``stop``), shut down cleanly. Returns an exit code."""
    stop = stop or asyncio.Event()  # `safety-bot run` shares one stop event between platforms
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread / platform
            loop.add_signal_handler(sig, stop.set)
    tg = config.telegram
    surface = TelegramSurface(
        engine, token, base_url=tg.base_url, base_file_url=tg.base_file_url,
        state_ttl_seconds=config.limits.state_ttl_minutes * 60, state_max_entries=config.limits.state_max_entries,
        messages_per_minute=config.limits.messages_per_minute,
    )
    webhook = None
    if tg.mode == "webhook":
        webhook = {"listen": tg.webhook_listen, "port": tg.webhook_port, "webhook_url": tg.webhook_url,
                   "secret_token": webhook_secret, "url_path": "telegram"}
    try:
        await surface.start(webhook=webhook)
    except InvalidToken as exc:
        log_exception(log, "Telegram rejected the token (check TELEGRAM_BOT_TOKEN)", exc)
        return 2
    except NetworkError as exc:
        log_exception(log, "cannot reach the Telegram Bot API", exc)
        return 3
    log.info("Telegram bot running")
    try:
        await stop.wait()
    finally:
        await surface.stop()
        log.info("Telegram bot stopped")
    return 0
