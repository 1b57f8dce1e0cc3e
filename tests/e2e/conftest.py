"""Fixtures for end-to-end tests: real python-telegram-bot against a fake Bot API on 127.0.0.1,
with canary identities planted and an autouse guard that fails if any reaches a log or stdio."""

from __future__ import annotations

import asyncio
import contextlib
import io

import pytest

from bot import privacy
from bot.content.loader import default_content_root
from bot.conversation.engine import Engine
from bot.conversation.replies import parse_replies
from bot.conversation.resources import load_directory
from bot.platforms.discord import SafetyClient
from bot.platforms.server_settings import ServerSettings
from bot.platforms.telegram import TelegramSurface
from tests.canaries import DC_TOKEN, TG_TOKEN, find_canaries
from tests.fakes.discord_api import FakeDiscord, patch_discord_py
from tests.fakes.telegram_api import FakeTelegramBotAPI


@pytest.fixture(scope="session")
def engine(real_content, matcher) -> Engine:
    return Engine(real_content, matcher, parse_replies(real_content), load_directory(default_content_root()), "GB")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def privacy_guard(capfd):
    """Production logging at DEBUG; afterwards no canary may be in the log, stdout or stderr."""
    stream = io.StringIO()
    from tests import canaries

    privacy.configure("DEBUG", secrets=[TG_TOKEN, getattr(canaries, "DC_TOKEN", "")], stream=stream)
    yield stream
    privacy.reset()
    captured = capfd.readouterr()
    leaked = find_canaries(stream.getvalue() + captured.out + captured.err)
    assert not leaked, f"canaries reached logs or stdio: {leaked}"


@pytest.fixture
async def fake():
    server = FakeTelegramBotAPI(TG_TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def surface(fake, engine):
    bot = TelegramSurface(engine, TG_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
async def dc_fake():
    fake = FakeDiscord()
    await fake.start()
    undo = patch_discord_py(fake.api_base, fake.gateway_url)
    yield fake
    undo()
    await fake.stop()


@pytest.fixture
def settings(tmp_path):
    store = ServerSettings(tmp_path / "servers.sqlite3")
    yield store
    store.close()


async def start_client(engine, settings, **options) -> tuple[SafetyClient, asyncio.Task]:
    client = SafetyClient(engine, settings, guild_ready_timeout=0.01, **options)
    await client.login(DC_TOKEN)
    task = asyncio.create_task(client.connect(reconnect=False))
    await asyncio.wait_for(client.wait_until_ready(), 10)
    return client, task


async def stop_client(client: SafetyClient, task: asyncio.Task) -> None:
    await client.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


@pytest.fixture
async def dc_client(dc_fake, engine, settings):
    client, task = await start_client(engine, settings)
    yield client
    await stop_client(client, task)
