"""Fixtures for end-to-end tests: real python-telegram-bot against a fake Bot API on 127.0.0.1,
with canary identities planted and an autouse guard that fails if any reaches a log or stdio."""

from __future__ import annotations

import io

import pytest

from bot import privacy
from bot.content.loader import default_content_root
from bot.conversation.engine import Engine
from bot.conversation.replies import parse_replies
from bot.conversation.resources import load_directory
from bot.platforms.telegram import TelegramSurface
from tests.canaries import TG_TOKEN, find_canaries
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
